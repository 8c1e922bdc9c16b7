import { describe, expect, it } from 'vitest';
import { ApiError, type ApiHandlers } from './api';
import { createDispatcher } from './api-binding';

const call = { transport: 'http' } as const;

function handlers(overrides: Partial<ApiHandlers> = {}): ApiHandlers {
  return {
    'app.info': () => {
      throw new Error('not used');
    },
    'app.ping': ({ message }) => ({ message, receivedAt: 5 }),
    'search.query': () => {
      throw new Error('not used');
    },
    'import.folder': () => ({ jobId: 1 }),
    'import.pairs': () => ({ jobId: 1 }),
    'jobs.list': () => ({ jobs: [] }),
    'jobs.get': () => {
      throw new Error('not used');
    },
    'jobs.cancel': () => ({ cancelled: false }),
    'library.overview': () => ({ libraryPath: '/lib', total: 0, roots: [], folders: [], collections: [], kinds: [] }),
    'media.list': () => ({ items: [], total: 0 }),
    'media.items': () => ({ items: [] }),
    'library.rootContents': () => {
      throw new Error('not used');
    },
    'library.removeRoot': () => {
      throw new Error('not used');
    },
    'media.get': () => {
      throw new Error('not used');
    },
    'searches.list': () => ({ searches: [] }),
    'searches.save': () => ({ searches: [] }),
    'searches.remove': () => ({ searches: [] }),
    'settings.get': () => {
      throw new Error('not used');
    },
    'settings.set': () => {
      throw new Error('not used');
    },
    'review.queue': () => ({ items: [], total: 0, scored: 0, pairs: 0, scoring: false }),
    'review.act': () => {
      throw new Error('not used');
    },
    'review.undo': () => {
      throw new Error('not used');
    },
    'review.bulk': () => ({ events: [] }),
    'review.events': () => ({ events: [] }),
    'review.rescore': () => ({ jobId: 1 }),
    'finetune.start': () => ({ jobId: 1 }),
    'finetune.cancel': () => ({ cancelled: false }),
    'versions.list': () => ({ versions: [] }),
    'versions.rollback': () => {
      throw new Error('not used');
    },
    ...overrides,
  };
}

describe('createDispatcher', () => {
  const quiet = { logError: () => {} };

  it('returns the handler output for valid input', async () => {
    const result = await createDispatcher(handlers()).dispatch('app.ping', { message: 'hi' }, call);
    expect(result).toEqual({ ok: true, value: { message: 'hi', receivedAt: 5 } });
  });

  it('rejects an unknown method with code unknown_method', async () => {
    const result = await createDispatcher(handlers()).dispatch('app.nope', {}, call);
    expect(result).toEqual({
      ok: false,
      error: { name: 'ApiError', code: 'unknown_method', message: 'unknown method "app.nope"' },
    });
  });

  it('rejects a wrongly typed field with bad_request naming the field', async () => {
    const result = await createDispatcher(handlers()).dispatch('app.ping', { message: 42 }, call);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bad_request');
    expect(result.error.field).toBe('input.message');
    expect(result.error.message).toBe(
      'invalid input for "app.ping": input.message: Invalid input: expected string, received number',
    );
  });

  it('names an unexpected key as the field to remove', async () => {
    const result = await createDispatcher(handlers()).dispatch('app.ping', { message: 'x', extra: 1 }, call);
    expect(result.ok ? null : result.error.field).toBe('input.extra');
  });

  it('passes an ApiError thrown by a handler through unchanged', async () => {
    const failing = handlers({
      'app.ping': () => {
        throw new ApiError('library_locked', 'library.sqlite is open in another Pairscope', 'libraryPath');
      },
    });
    const result = await createDispatcher(failing, quiet).dispatch('app.ping', { message: 'x' }, call);
    expect(result).toEqual({
      ok: false,
      error: {
        name: 'ApiError',
        code: 'library_locked',
        message: 'library.sqlite is open in another Pairscope',
        field: 'libraryPath',
      },
    });
  });

  it('turns any other handler failure into code internal', async () => {
    const failing = handlers({
      'app.ping': () => {
        throw new TypeError('boom');
      },
    });
    const result = await createDispatcher(failing, quiet).dispatch('app.ping', { message: 'x' }, call);
    expect(result).toEqual({
      ok: false,
      error: { name: 'ApiError', code: 'internal', message: '"app.ping" failed: boom' },
    });
  });

  it('reports an output that breaks its schema as internal, never as the caller’s fault', async () => {
    const broken = handlers({ 'app.ping': () => ({ message: 'x', receivedAt: -1 }) });
    const result = await createDispatcher(broken, quiet).dispatch('app.ping', { message: 'x' }, call);
    expect(result.ok ? null : result.error.code).toBe('internal');
    expect(result.ok ? null : result.error.message).toContain('output.receivedAt');
  });
});
