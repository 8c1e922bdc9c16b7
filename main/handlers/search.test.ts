import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api-binding';
import type { AppContext } from '../app-context';
import { useTempDir } from '../engine/store/test-support/temp-dir';
import { makeConceptLibrary } from '../engine/search/test-support/concept-library';
import { EventHub } from '../event-hub';
import { createHandlers } from './index';

const tmp = useTempDir('pairscope-search-api-');
let lib: Awaited<ReturnType<typeof makeConceptLibrary>>;
const call = { transport: 'http' } as const;

function dispatcher(withLibrary: boolean) {
  const ctx: AppContext = {
    version: 'test',
    host: 'node',
    startedAt: 0,
    libraryPath: withLibrary ? lib.store.file : null,
    events: new EventHub(),
    ...(withLibrary ? { search: { query: (r) => lib.search.search(r) } } : {}),
  };
  return createDispatcher(createHandlers(ctx), { logError: () => {} });
}

beforeEach(async () => (lib = await makeConceptLibrary(tmp.dir, 60)));
afterEach(() => lib.close());

describe('search.query over the API contract', () => {
  it('returns results in rank order, each with a path and a score', async () => {
    const r = await dispatcher(true).dispatch('search.query', { text: 'red bicycle', limit: 3 }, call);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.items.map((h) => h.rank)).toEqual([1, 2, 3]);
    expect(r.value.items[0]!.path).toMatch(/img-\d+\.png$/);
    expect(r.value.items[0]!.score).toBeCloseTo(1, 5);
  });

  it('searches with dropped bytes and names a dropped non-image', async () => {
    const bytes = Buffer.from('%PDF-1.4 not an image').toString('base64');
    const r = await dispatcher(true).dispatch(
      'search.query',
      { image: { bytesBase64: bytes, name: 'report.pdf' } },
      call,
    );
    expect(r.ok ? null : r.error).toMatchObject({ code: 'not_an_image', field: 'input.image.bytes' });
    expect(r.ok ? '' : r.error.message).toMatch(/^report\.pdf cannot be searched with: /);
  });

  it('refuses an empty and a 10 MB query at the boundary, naming the field', async () => {
    const empty = await dispatcher(true).dispatch('search.query', { text: ' ' }, call);
    expect(empty.ok ? null : empty.error).toEqual({
      name: 'ApiError',
      code: 'query_empty',
      message: 'text is empty: type some words to search for',
      field: 'input.text',
    });
    const huge = await dispatcher(true).dispatch('search.query', { text: 'x'.repeat(10 * 1024 * 1024) }, call);
    expect(huge.ok ? null : huge.error).toMatchObject({ code: 'bad_request', field: 'input.text' });
  });

  it('says when no library is open', async () => {
    const r = await dispatcher(false).dispatch('search.query', { text: 'cat' }, call);
    expect(r.ok ? null : r.error.code).toBe('library_not_open');
  });
});
