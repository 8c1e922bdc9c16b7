import { describe, expect, it } from 'vitest';
import { stampRecord } from './build-stamps';
import { flatFraction, PHOTO_FLAT_FRACTION_MAX } from './photographic';
import { loadStamps, parseStampText } from './stamps';

describe('parseStampText', () => {
  it('takes the first line that is not a translation as English, even with "=" in it', () => {
    expect(
      parseStampText(
        'A calculator.  6x7=42\nach.utf8=Kalkuleta.  6x7=42\npt_BR.utf8=Uma calculadora.\nsr@latin.utf8=Kalkulator.\n',
      ),
    ).toEqual({
      english: 'A calculator.  6x7=42',
      translations: {
        ach: 'Kalkuleta.  6x7=42',
        pt_BR: 'Uma calculadora.',
        'sr@latin': 'Kalkulator.',
      },
    });
  });

  it('returns null when there are only translations', () => {
    expect(parseStampText('fr.utf8=Un chat.\n')).toBeNull();
  });
});

describe('Tux Paint stamps from the installed package', () => {
  const { stamps, problems } = loadStamps();

  it('finds 950 captioned stamps and reports the two captions without an image', () => {
    expect(stamps).toHaveLength(950);
    expect(problems.map((p) => p.replace(/^.*\/stamps\//, ''))).toEqual([
      'seasonal/christmas/gift.txt: no gift.png or .svg beside it',
      'seasonal/christmas/gift2.txt: no gift2.png or .svg beside it',
    ]);
    const calc = stamps.find((s) => s.id === 'household/electronics/calculator')!;
    expect([calc.caption, calc.format]).toEqual(['A calculator.  6x7=42', 'svg']);
  });

  it('tells a photographic cut-out from clip art', async () => {
    const photo = stamps.find((s) => s.id === 'food/fruit/apple_red')!;
    const cartoon = stamps.find((s) => s.id === 'food/fruit/cartoon/apple')!;
    expect(await flatFraction(photo.image)).toBeLessThan(PHOTO_FLAT_FRACTION_MAX);
    expect(await flatFraction(cartoon.image)).toBeGreaterThan(0.5);
    expect((await stampRecord(photo)).photographic).toBe(true);
    expect((await stampRecord(cartoon)).photographic).toBe(false);
  });
});
