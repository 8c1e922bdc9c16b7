import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../store/test-support/temp-dir';
import { ensureDemoLibrary } from './demo-library';
import { patternImage } from './test-images';

const TINY = join(__dirname, '../../../test/fixtures/tiny-albef');
let tmp: ReturnType<typeof makeTempDir>;
beforeEach(async () => {
  tmp = makeTempDir('pairscope-demo-');
  mkdirSync(join(tmp.dir, 'demo/images'), { recursive: true });
  const lines = [];
  for (let i = 0; i < 5; i++) {
    writeFileSync(join(tmp.dir, 'demo/images', `${i}.jpg`), await patternImage(i + 40, 'jpeg'));
    lines.push(JSON.stringify({ image: `images/${i}.jpg`, caption: `thing ${i}`, source: 'test', licence: 'CC0-1.0' }));
  }
  writeFileSync(join(tmp.dir, 'demo/pairs.jsonl'), lines.join('\n') + '\n');
});
afterEach(() => tmp.remove());

describe('ensureDemoLibrary', () => {
  it('imports the demo folder once, leaves an up-to-date library alone, and re-imports a changed source', async () => {
    const options = { library: join(tmp.dir, 'lib'), source: join(tmp.dir, 'demo'), bundleDir: TINY };
    const first = await ensureDemoLibrary(options);
    expect([first.created, first.summary?.state, first.summary?.pairsImported, first.summary?.imported]).toEqual([
      true,
      'done',
      5,
      5,
    ]);
    expect(await ensureDemoLibrary(options)).toEqual({
      library: join(tmp.dir, 'lib/library.pairscope'),
      created: false,
      summary: null,
    });
    appendFileSync(
      join(tmp.dir, 'demo/pairs.jsonl'),
      JSON.stringify({ image: 'images/0.jpg', caption: 'another caption' }) + '\n',
    );
    const third = await ensureDemoLibrary(options);
    expect([third.created, third.summary?.pairsImported, third.summary?.pairsSkipped, third.summary?.imported]).toEqual(
      [true, 1, 5, 0],
    );
  });

  it('says how to build the demo folder when it is missing', async () => {
    await expect(
      ensureDemoLibrary({ library: join(tmp.dir, 'lib'), source: join(tmp.dir, 'nope'), bundleDir: TINY }),
    ).rejects.toThrow(/no demo folder at .*build-demo-library-source\.ts/);
  });
});
