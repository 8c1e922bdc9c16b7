import { describe, expect, it } from 'vitest';
import { parseMediaRoute } from './media-route';

describe('parseMediaRoute', () => {
  it.each([
    ['/media/grid/1', { variant: 'grid', mediaId: 1 }],
    ['/media/lightbox/42', { variant: 'lightbox', mediaId: 42 }],
    ['/media/original/9007199254740', { variant: 'original', mediaId: 9007199254740 }],
  ])('reads %s', (pathname, expected) => {
    expect(parseMediaRoute(pathname)).toEqual(expected);
  });

  it.each([
    '/media/grid/0',
    '/media/grid/01',
    '/media/grid/-1',
    '/media/thumb/1',
    '/media/grid/1/x',
    '/media/grid/../1',
    '/media/original/%2e%2e',
  ])('refuses %s', (pathname) => {
    expect(parseMediaRoute(pathname)).toBeNull();
  });
});
