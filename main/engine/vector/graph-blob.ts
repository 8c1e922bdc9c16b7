import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** 64 MiB per SQLite value: far below its 1 GB cap, large enough that a 1M graph is ~20 rows. */
export const GRAPH_CHUNK_BYTES = 64 * 1024 * 1024;

/**
 * hnswlib reads and writes graphs only through files, so a graph travels between SQLite and hnswlib via
 * a private temp file that is removed right after. Each function owns its temp folder.
 */
export function withTempGraphFile<T>(fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pairscope-graph-'));
  try {
    return fn(join(dir, 'graph.hnsw'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a graph file in chunks, hashing as it goes; `finish()` gives length + sha256 of all chunks read. */
export function fileChunks(file: string): {
  chunks: Iterable<Buffer>;
  finish: () => { byteLength: number; checksum: string };
} {
  const hash = createHash('sha256');
  let byteLength = 0;
  function* chunks(): Generator<Buffer> {
    const fd = openSync(file, 'r');
    try {
      for (;;) {
        const buf = Buffer.allocUnsafe(GRAPH_CHUNK_BYTES);
        const n = readSync(fd, buf, 0, GRAPH_CHUNK_BYTES, null);
        if (n === 0) return;
        const chunk = buf.subarray(0, n);
        hash.update(chunk);
        byteLength += n;
        yield chunk;
      }
    } finally {
      closeSync(fd);
    }
  }
  return { chunks: chunks(), finish: () => ({ byteLength, checksum: hash.digest('hex') }) };
}

/** Writes stored chunks to a file; returns their length and sha256 so the caller can verify before loading. */
export function writeChunks(file: string, chunks: Iterable<Buffer>): { byteLength: number; checksum: string } {
  const hash = createHash('sha256');
  let byteLength = 0;
  const fd = openSync(file, 'w');
  try {
    for (const c of chunks) {
      hash.update(c);
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
      byteLength += c.length;
    }
  } finally {
    closeSync(fd);
  }
  return { byteLength, checksum: hash.digest('hex') };
}

/** sha256 and length of a file, read in 8 MiB pieces (a graph file is hashed before hnswlib may read it). */
export function hashFile(file: string): { byteLength: number; checksum: string } {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  let byteLength = 0;
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      byteLength += n;
    }
  } finally {
    closeSync(fd);
  }
  return { byteLength, checksum: hash.digest('hex') };
}

/**
 * Where a library keeps the verified copies of its graphs as files (a cache beside the thumbnails, the same
 * folder ingest's `libraryFiles` names: `<x>.pairscope.cache/`, or `cache/` beside a folder library's
 * `library.pairscope`). The database stays the source of truth; the copy only spares an open the blob read
 * and the temp file (docs/library-store.md "Opening from the stored graph").
 */
export function defaultGraphCacheDir(dbFile: string): string {
  return basename(dbFile) === 'library.pairscope'
    ? join(dirname(dbFile), 'cache', 'graphs')
    : join(`${dbFile}.cache`, 'graphs');
}
