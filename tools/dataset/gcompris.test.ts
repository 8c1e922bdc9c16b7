import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GCOMPRIS_ACTIVITIES, loadGcomprisPhotos, photoImagePath } from './build-gcompris';
import { nameWords, normaliseLicence, parseBoardQml, parseLicenceReadme } from './gcompris';

describe('parseLicenceReadme', () => {
  it('reads blocks with the file list inline or on following lines', () => {
    const t = parseLicenceReadme(
      'Copyright: A\nLicense: CC-BY-SA 4.0\nFiles:\none.svg\nsub/two.webp\n\n' +
        'Copyright: B\nSource: https://example.org/b\nLicense: Public domain\nComments: cropping\nFiles: three.webp\n',
    );
    expect(Object.fromEntries(t)).toEqual({
      'one.svg': { copyright: 'A', license: 'CC-BY-SA-4.0', source: '' },
      'sub/two.webp': { copyright: 'A', license: 'CC-BY-SA-4.0', source: '' },
      'three.webp': {
        copyright: 'B',
        license: 'Public Domain',
        source: 'https://example.org/b',
      },
    });
  });

  it.each([
    ['CC-BY-SA 4.0', 'CC-BY-SA-4.0'],
    ['CC-BY-SA-4.0', 'CC-BY-SA-4.0'],
    ['CC0-1.0', 'CC0-1.0'],
    ['Public domain', 'Public Domain'],
    ['GPLv2+', 'GPLv2+'],
  ])('normalises licence %s to %s', (raw, norm) => {
    expect(normaliseLicence(raw)).toBe(norm);
  });
});

describe('parseBoardQml', () => {
  it('reads title, text and image2 of each entry, skipping comments and escaped quotes', () => {
    const qml = `/* { "image2": "qrc:/not/this.webp" } */
QtObject {
  property var tab : [
    { "title": qsTr("Polar bear"), "text": qsTr("It says \\"brr\\" {sometimes}."),
      "audio": Get.path("qrc:/x.$CA"), "image2": "qrc:/a/polar_bear.webp", "x": 0.1 },
    { "image": "qrc:/a/key.svg", "title": qsTr("No photo") }
  ]
}`;
    expect(parseBoardQml(qml)).toEqual([
      {
        title: 'Polar bear',
        text: 'It says "brr" {sometimes}.',
        image2: 'a/polar_bear.webp',
      },
    ]);
  });
});

describe('nameWords', () => {
  it.each([
    ['measuringTape3', 'measuring tape'],
    ['IndiaGate', 'India gate'],
    ['polar_bear', 'polar bear'],
    ['hammer9', 'hammer'],
    ['screwDriver', 'screw driver'],
  ])('%s → %s', (stem, words) => {
    expect(nameWords(stem)).toBe(words);
  });
});

describe('GCompris photos from the installed archives', () => {
  const { photos } = loadGcomprisPhotos('/usr/share/gcompris-qt/rcc');

  it('finds the 246 photos of datasets.md, each with a licence', () => {
    expect(photos).toHaveLength(246);
    const perActivity = Object.fromEntries(
      GCOMPRIS_ACTIVITIES.map((a) => [a, photos.filter((p) => p.activity === a).length]),
    );
    expect(perActivity).toEqual({
      explore_world_animals: 15,
      explore_farm_animals: 9,
      explore_monuments: 49,
      erase: 33,
      categorization: 140,
    });
    expect(photos.filter((p) => p.licence === null)).toEqual([]);
    const count = (l: string): number => photos.filter((p) => p.licence!.license === l).length;
    expect([count('Public Domain'), count('CC0-1.0'), count('CC-BY-SA-4.0')]).toEqual([131, 83, 27]);
  });

  it('matches the two misspelt README entries by a one-letter difference and says so', () => {
    const noted = photos.filter((p) => p.licence?.note).map((p) => [p.path.split('/').pop(), p.licence!.note]);
    expect(noted).toEqual([
      ['aulaPalatina.webp', 'README names it "germany/audaPalatina.webp"'],
      ['screwDriver.webp', 'README names it "screDriver.webp"'],
    ]);
  });

  it('captions board photos with their title and fact, and others with their file name', () => {
    const bear = photos.find((p) => p.path.endsWith('explore_world_animals/resource/animals/polar_bear.webp'))!;
    expect(bear.caption).toBe('Polar bear');
    expect(bear.text!.length).toBeGreaterThan(40);
    expect(photoImagePath(bear)).toBe('images/explore_world_animals/animals/polar_bear.webp');
    const fox = photos.find((p) => p.path.endsWith('erase/resource/flying_fox.webp'))!;
    expect([fox.caption, fox.licence!.license]).toEqual(['flying fox', 'CC-BY-SA-4.0']);
    const tools = photos.filter((p) => p.category === 'tools');
    expect(tools.filter((p) => p.caption === 'hammer')).toHaveLength(9);
    expect(tools.filter((p) => p.caption === 'measuring tape')).toHaveLength(6);
  });
});

describe('loadGcomprisPhotos with a broken archive', () => {
  it('names the unreadable archive and still loads the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairscope-rcc-'));
    try {
      copyFileSync('/usr/share/gcompris-qt/rcc/explore_farm_animals.rcc', join(dir, 'explore_farm_animals.rcc'));
      writeFileSync(join(dir, 'erase.rcc'), 'not an archive');
      const r = loadGcomprisPhotos(dir, ['explore_farm_animals', 'erase', 'categorization']);
      expect(r.photos).toHaveLength(9);
      expect(r.problems).toHaveLength(2);
      expect(r.problems[0]).toBe(`${join(dir, 'erase.rcc')}: not a Qt resource archive (no "qres" magic)`);
      expect(r.problems[1]).toMatch(new RegExp(`^${join(dir, 'categorization.rcc')}: ENOENT`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
