import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { distinctTexts, itmRerank, readEvalManifest, recallAt, similarity, topK, transpose } from './retrieval-eval';

describe('recallAt', () => {
  it('counts a row at K when its best matching column ranks within the top K', () => {
    // 2 rows × 12 columns; row 0's match is at rank 0, row 1's first match at rank 6.
    const scores = new Float32Array(24);
    for (let j = 0; j < 12; j++) {
      scores[j] = 12 - j;
      scores[12 + j] = 12 - j;
    }
    const match = (i: number, j: number) => (i === 0 ? j === 0 : j === 6 || j === 11);
    expect(recallAt(scores, 2, 12, match)).toEqual({ r1: 0.5, r5: 0.5, r10: 1 });
  });

  it('counts a row with no matching column as a miss', () => {
    expect(recallAt(new Float32Array([1, 0]), 1, 2, () => false)).toEqual({ r1: 0, r5: 0, r10: 0 });
  });
});

describe('itmRerank', () => {
  it('orders the ITC top-k by the ITM score and keeps the rest below them in ITC order', async () => {
    const sim = new Float32Array([0.9, 0.8, 0.7, 0.1]);
    const out = await itmRerank(sim, 1, 4, 2, async (_q, cands) => {
      expect(cands).toEqual([0, 1]);
      return [-3, 5]; // ITM prefers column 1
    });
    expect(topK(out, 4)).toEqual([1, 0, 2, 3]);
  });
});

describe('manifest helpers', () => {
  it('reads rows relative to the manifest, drops flags, names a bad line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eval-manifest-'));
    try {
      const file = path.join(dir, 'm.jsonl');
      writeFileSync(
        file,
        '{"image":"a.png","caption":"cat","id":"1"}\n\n{"image":"b.png","caption":"flag","id":2,"group":"flags"}\n{"image":"c.png","caption":"cat","id":1}\n',
      );
      const rows = await readEvalManifest(file);
      expect(rows).toEqual([
        { image: path.join(dir, 'a.png'), caption: 'cat', id: '1', line: 1 },
        { image: path.join(dir, 'c.png'), caption: 'cat', id: '1', line: 4 },
      ]);
      expect(distinctTexts(rows)).toEqual([{ caption: 'cat', id: '1' }]);
      writeFileSync(file, '{"image":"a.png","caption":"cat","id":"1"}\n{"image":"a.png","id":"1"}\n');
      await expect(readEvalManifest(file)).rejects.toThrow(`${file}:2: field "caption" must be a string`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('computes a cosine matrix and its transpose', () => {
    const s = similarity([new Float32Array([1, 0]), new Float32Array([0, 1])], [new Float32Array([0.6, 0.8])]);
    expect(Array.from(s)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(transpose(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
