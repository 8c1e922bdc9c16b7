import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { svgHazard } from './svg-guard';
import { SVG_ENTITY_BOMB, svgUseBomb } from './testing/bad-inputs';

describe('svgHazard', () => {
  it('passes real SVGs (twemoji) and modest <use> reuse', () => {
    const twemoji = readFileSync(path.resolve(__dirname, '../../../node_modules/@twemoji/svg/1f436.svg'), 'utf8');
    expect(svgHazard(twemoji)).toBeUndefined();
    expect(svgHazard(svgUseBomb(3))).toBeUndefined(); // 10³ instances
  });

  it('refuses entity declarations, exponential <use> fan-out and reference cycles', () => {
    expect(svgHazard(SVG_ENTITY_BOMB)).toBe('the SVG declares XML entities (entity-expansion bomb guard)');
    expect(svgHazard(svgUseBomb(9))).toBe(
      "the SVG's <use> references expand to more than 200000 elements (SVG bomb guard)",
    );
    const cycle = '<svg><g id="a"><use href="#b"/></g><g id="b"><use xlink:href="#a"/></g></svg>';
    expect(svgHazard(cycle)).toBe('the SVG has a <use> reference cycle');
  });
});
