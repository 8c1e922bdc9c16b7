import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GraphSession,
  detectProviders,
  ortBackend,
  providerCandidates,
  type FeedTensor,
  type OutputTensor,
  type ProviderName,
  type RawSession,
  type SessionBackend,
} from './sessions';

/** A backend whose providers fail on command; records what was created. */
function fakeBackend(opts: {
  available: ProviderName[];
  failCreate?: ProviderName[];
  failRun?: ProviderName[];
}): SessionBackend & { created: Array<{ file: string; provider: ProviderName }> } {
  const created: Array<{ file: string; provider: ProviderName }> = [];
  return {
    created,
    available: () => opts.available,
    async create(file, provider) {
      if (opts.failCreate?.includes(provider)) throw new Error(`${provider} adapter not found\nstack line`);
      created.push({ file, provider });
      const session: RawSession = {
        inputNames: ['x'],
        outputNames: ['y'],
        async run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>> {
          if (opts.failRun?.includes(provider)) throw new Error(`${provider} kernel missing`);
          const x = feeds.x!.data as Float32Array;
          return { y: { data: x.map((v) => v * 2), dims: feeds.x!.dims } };
        },
        release: async () => undefined,
      };
      return session;
    },
  };
}
const x: FeedTensor = { type: 'float32', data: new Float32Array([1, 2]), dims: [1, 2] };
const files = { fp32: 'g.onnx', fp16: 'g.fp16.onnx' };

describe('providerCandidates', () => {
  it('keeps the order CUDA, WebGPU, DirectML, CoreML, CPU restricted to what is available', () => {
    expect(providerCandidates(undefined, ['cpu', 'coreml', 'webgpu', 'cuda', 'dml'])).toEqual([
      'cuda',
      'webgpu',
      'dml',
      'coreml',
      'cpu',
    ]);
    expect(providerCandidates(undefined, ['webgpu', 'cpu'])).toEqual(['webgpu', 'cpu']);
  });

  it('honours a preference list and always ends with CPU', () => {
    expect(providerCandidates(['webgpu'], ['cuda', 'webgpu', 'cpu'])).toEqual(['webgpu', 'cpu']);
    expect(providerCandidates(['cuda'], ['webgpu', 'cpu'])).toEqual(['cpu']);
  });
});

describe('GraphSession provider fallback (injected providers)', () => {
  it('uses the first provider that creates a session and records why the others were dropped', async () => {
    const backend = fakeBackend({ available: ['cuda', 'webgpu', 'cpu'], failCreate: ['cuda'] });
    const g = await GraphSession.open('vision', files, {}, backend);
    expect(g.provider).toBe('webgpu');
    expect(g.fallbacks).toEqual(['cuda: cuda adapter not found']);
    expect(g.precision).toBe('fp16'); // fp16 graph on a GPU provider
  });

  it('runs fp32 on CPU even when the bundle has fp16 graphs (precision auto)', async () => {
    const g = await GraphSession.open('text', files, {}, fakeBackend({ available: ['cpu'] }));
    expect([g.provider, g.precision]).toEqual(['cpu', 'fp32']);
    const forced = await GraphSession.open(
      'text',
      files,
      { precision: 'fp32' },
      fakeBackend({ available: ['webgpu', 'cpu'] }),
    );
    expect([forced.provider, forced.precision]).toEqual(['webgpu', 'fp32']);
  });

  it('moves a graph to the next provider when a run fails and returns that run', async () => {
    const backend = fakeBackend({ available: ['webgpu', 'cpu'], failRun: ['webgpu'] });
    const g = await GraphSession.open('fusion', files, {}, backend);
    expect(g.provider).toBe('webgpu');
    const out = await g.run({ x });
    expect(Array.from(out.y!.data)).toEqual([2, 4]);
    expect(g.provider).toBe('cpu');
    expect(g.fallbacks).toEqual(['webgpu: run failed: webgpu kernel missing']);
    expect(backend.created).toEqual([
      { file: 'g.fp16.onnx', provider: 'webgpu' },
      { file: 'g.onnx', provider: 'cpu' },
    ]);
  });

  it('throws SESSION_RUN when the last provider fails too', async () => {
    const g = await GraphSession.open('fusion', files, {}, fakeBackend({ available: ['cpu'], failRun: ['cpu'] }));
    await expect(g.run({ x })).rejects.toMatchObject({
      code: 'SESSION_RUN',
      message: 'graph fusion on cpu: cpu kernel missing',
    });
  });

  it('throws SESSION_CREATE naming every provider tried when none loads the graph', async () => {
    const backend = fakeBackend({ available: ['webgpu', 'cpu'], failCreate: ['webgpu', 'cpu'] });
    await expect(GraphSession.open('vision', files, {}, backend)).rejects.toMatchObject({
      code: 'SESSION_CREATE',
      message:
        'graph vision (g.onnx): no execution provider could load it — webgpu: webgpu adapter not found; cpu: cpu adapter not found',
    });
  });

  it('checks feeds against the input names before running', async () => {
    const g = await GraphSession.open('text', files, {}, fakeBackend({ available: ['cpu'] }));
    await expect(g.run({ input_ids: x })).rejects.toMatchObject({
      code: 'SESSION_INPUT',
      message: 'graph text: inputs are [x]; missing x; unexpected input_ids',
    });
  });

  it('refuses to run after dispose', async () => {
    const g = await GraphSession.open('text', files, {}, fakeBackend({ available: ['cpu'] }));
    await g.dispose();
    await expect(g.run({ x })).rejects.toMatchObject({ code: 'EMBEDDER_DISPOSED' });
  });
});

describe('GraphSession on onnxruntime-node', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sessions-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const model = path.join(dir, 'double.onnx');
  // A real one-node graph (y = 2x), written with the onnx Python package.
  execFileSync('/usr/bin/python3', [
    '-c',
    `import onnx, sys
from onnx import helper, TensorProto
g = helper.make_graph([helper.make_node('Mul', ['x', 'two'], ['y'])], 'double',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['B', 2])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['B', 2])],
    [helper.make_tensor('two', TensorProto.FLOAT, [], [2.0])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)]); m.ir_version = 8
onnx.save(m, sys.argv[1])`,
    model,
  ]);

  it('detects CPU (always) and runs a graph on it', async () => {
    expect(detectProviders()).toContain('cpu');
    const g = await GraphSession.open('double', { fp32: model }, { providers: ['cpu'], threads: 1 });
    const out = await g.run({ x: { type: 'float32', data: new Float32Array([1, 2, 3, 4]), dims: [2, 2] } });
    expect(Array.from(out.y!.data)).toEqual([2, 4, 6, 8]);
    expect(out.y!.dims).toEqual([2, 2]);
    expect(g.inputNames).toEqual(['x']);
    await g.dispose();
  });

  // CoreML loads on macOS, so the failure path is checked where it really fails.
  it.skipIf(process.platform === 'darwin')(
    'falls back to CPU when a real provider fails to create the session (CoreML off macOS)',
    async () => {
      const backend: SessionBackend = { available: () => ['coreml', 'cpu'], create: ortBackend.create };
      const g = await GraphSession.open('double', { fp32: model }, { threads: 1 }, backend);
      expect(g.provider).toBe('cpu');
      expect(g.fallbacks[0]).toMatch(/^coreml: .*backend not found/);
      await g.dispose();
    },
  );
});
