/** Float32 vectors as little-endian BLOBs (every platform Pairscope ships on is little-endian). */
export function vectorToBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Copies: a Buffer from SQLite may sit at an offset that is not 4-byte aligned. */
export function blobToVector(b: Buffer): Float32Array {
  const v = new Float32Array(b.length >>> 2);
  new Uint8Array(v.buffer).set(b.subarray(0, v.length * 4));
  return v;
}
