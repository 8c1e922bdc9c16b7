/**
 * Runs an async producer ahead of its consumer with a bounded number of items in flight, yielding
 * results in input order. The embedder uses it so that sharp decodes the next images while ONNX
 * Runtime runs the current batch (DESIGN §3, §7: the model never waits on decoding).
 */
export async function* aheadOf<T, R>(
  items: readonly T[],
  ahead: number,
  produce: (item: T, index: number) => Promise<R>,
): AsyncGenerator<R> {
  const inflight: Array<Promise<R>> = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && inflight.length < ahead) {
      const index = next++;
      inflight.push(produce(items[index]!, index));
    }
  };
  fill();
  while (inflight.length > 0) {
    const result = await inflight.shift()!;
    fill();
    yield result;
  }
}
