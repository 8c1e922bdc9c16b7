import { describe, expect, it } from 'vitest';
import { aheadOf } from './decode-ahead';

describe('aheadOf', () => {
  it('yields results in input order while keeping at most `ahead` producers in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const produce = async (x: number, i: number) => {
      started.push(i);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, (5 - x) * 3)); // later items finish first
      inFlight--;
      return x * 10;
    };
    const out: number[] = [];
    for await (const v of aheadOf([0, 1, 2, 3, 4], 3, produce)) out.push(v);
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('starts the next items while the consumer is still busy with the current one', async () => {
    const started: number[] = [];
    const gen = aheadOf([1, 2, 3], 2, async (x, i) => {
      started.push(i);
      return x;
    });
    await gen.next(); // consumer takes item 0 …
    expect(started).toEqual([0, 1, 2]); // … and items 1 and 2 are already being produced
  });
});
