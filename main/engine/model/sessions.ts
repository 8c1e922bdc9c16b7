/**
 * The only file that imports onnxruntime-node (style.md, transformers.js habit). It chooses an
 * execution provider per graph in the order CUDA → WebGPU → DirectML → CoreML → CPU (DESIGN §6),
 * falls back to the next one when a provider fails to create a session or to run it, reports
 * which provider each graph ended up on, and checks feeds against the graph's input names.
 * The provider list and the session factory are injectable so that the fallback logic is tested
 * without a GPU.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelError } from './errors';

export type ProviderName = 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'cpu';
export const PROVIDER_ORDER: readonly ProviderName[] = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'];
export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';
export type Precision = 'auto' | 'fp32' | 'fp16';

export interface RuntimeSettings {
  /** Providers to try, best first; default: every available one in PROVIDER_ORDER. */
  providers?: readonly ProviderName[];
  /** Intra-op threads for the CPU provider; default: the machine's available parallelism. */
  threads?: number;
  graphOptimization?: GraphOptimization;
  /** 'auto' = fp16 graphs on GPU providers when the bundle has them, fp32 on CPU. */
  precision?: Precision;
}

/** A feed tensor, described without ORT types so that callers never import ORT. */
export type FeedTensor =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** What a created session must offer; the real one wraps ort.InferenceSession. */
export interface RawSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
}

export interface SessionBackend {
  /** Providers this machine can plausibly use, in no particular order. */
  available(): ProviderName[];
  create(
    file: string,
    provider: ProviderName,
    settings: Required<Omit<RuntimeSettings, 'providers'>>,
  ): Promise<RawSession>;
}

export interface GraphFiles {
  fp32: string;
  fp16?: string;
}

/** One graph with its chosen provider; re-creates itself on the next provider when a run fails. */
export class GraphSession {
  private disposed = false;
  /** Why providers before the current one were dropped, for the UI and logs. */
  readonly fallbacks: string[] = [];

  private constructor(
    readonly name: string,
    private session: RawSession,
    private providerIndex: number,
    private file: string,
    private readonly candidates: readonly ProviderName[],
    private readonly files: GraphFiles,
    private readonly settings: Required<Omit<RuntimeSettings, 'providers'>>,
    private readonly backend: SessionBackend,
  ) {}

  static async open(
    name: string,
    files: GraphFiles,
    settings: RuntimeSettings = {},
    backend: SessionBackend = ortBackend,
  ): Promise<GraphSession> {
    const resolved = resolveSettings(settings);
    const candidates = providerCandidates(settings.providers, backend.available());
    const fallbacks: string[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const provider = candidates[i]!;
      const file = graphFileFor(provider, files, resolved.precision);
      try {
        const session = await backend.create(file, provider, resolved);
        const graph = new GraphSession(name, session, i, file, candidates, files, resolved, backend);
        graph.fallbacks.push(...fallbacks);
        return graph;
      } catch (err) {
        fallbacks.push(`${provider}: ${firstLine(err)}`);
      }
    }
    throw new ModelError(
      'SESSION_CREATE',
      `graph ${name} (${files.fp32}): no execution provider could load it — ${fallbacks.join('; ')}`,
    );
  }

  get provider(): ProviderName {
    return this.candidates[this.providerIndex]!;
  }

  /** fp16 or fp32: which file the current provider runs. */
  get precision(): 'fp16' | 'fp32' {
    return this.file === this.files.fp16 ? 'fp16' : 'fp32';
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Record<string, FeedTensor>): Promise<Record<string, OutputTensor>> {
    if (this.disposed) throw new ModelError('EMBEDDER_DISPOSED', `graph ${this.name}: session is disposed`);
    this.checkFeeds(feeds);
    for (;;) {
      try {
        return await this.session.run(feeds);
      } catch (err) {
        // A provider can load a graph and still fail at run time (unsupported kernel, device lost):
        // move this graph to the next provider and retry the same feeds.
        const failed = `${this.provider}: run failed: ${firstLine(err)}`;
        if (!(await this.advance(failed))) {
          throw new ModelError('SESSION_RUN', `graph ${this.name} on ${this.provider}: ${firstLine(err)}`);
        }
      }
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }

  private checkFeeds(feeds: Record<string, FeedTensor>): void {
    const given = Object.keys(feeds);
    const missing = this.session.inputNames.filter((n) => !given.includes(n));
    const extra = given.filter((n) => !this.session.inputNames.includes(n));
    if (missing.length || extra.length) {
      throw new ModelError(
        'SESSION_INPUT',
        `graph ${this.name}: inputs are [${this.session.inputNames.join(', ')}]` +
          (missing.length ? `; missing ${missing.join(', ')}` : '') +
          (extra.length ? `; unexpected ${extra.join(', ')}` : ''),
      );
    }
  }

  private async advance(reason: string): Promise<boolean> {
    for (let i = this.providerIndex + 1; i < this.candidates.length; i++) {
      const provider = this.candidates[i]!;
      const file = graphFileFor(provider, this.files, this.settings.precision);
      try {
        const next = await this.backend.create(file, provider, this.settings);
        await this.session.release().catch(() => undefined);
        this.fallbacks.push(reason);
        this.session = next;
        this.providerIndex = i;
        this.file = file;
        return true;
      } catch (err) {
        reason = `${reason}; ${provider}: ${firstLine(err)}`;
      }
    }
    this.fallbacks.push(reason);
    return false;
  }
}

export function resolveSettings(settings: RuntimeSettings): Required<Omit<RuntimeSettings, 'providers'>> {
  return {
    threads: settings.threads ?? Math.max(1, os.availableParallelism()),
    graphOptimization: settings.graphOptimization ?? 'all',
    precision: settings.precision ?? 'auto',
  };
}

/** The preference list (or the default order) restricted to what is available; CPU always last. */
export function providerCandidates(
  preferred: readonly ProviderName[] | undefined,
  available: readonly ProviderName[],
): ProviderName[] {
  const order = preferred ?? PROVIDER_ORDER;
  const out = order.filter((p) => p === 'cpu' || available.includes(p));
  if (!out.includes('cpu')) out.push('cpu');
  return [...new Set(out)];
}

function graphFileFor(provider: ProviderName, files: GraphFiles, precision: Precision): string {
  if (precision === 'fp32' || !files.fp16) return files.fp32;
  if (precision === 'fp16') return files.fp16;
  // auto: fp16 weights pay off on GPUs; on CPU fp16 kernels are slow or missing (spec §4.3 fp16).
  return provider === 'cpu' ? files.fp32 : files.fp16;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim();
}

// ---- the real backend: onnxruntime-node ----

const require = createRequire(import.meta.url);

/** CUDA needs the separately downloaded provider libraries next to the binding (DESIGN §6). */
function ortBinFolder(): string | undefined {
  try {
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** On Linux, ORT's WebGPU (Dawn) reaches GPUs through Vulkan; without the loader it can only fail. */
function hasVulkanLoader(): boolean {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib64',
  ];
  return dirs.some((d) => existsSync(path.join(d, 'libvulkan.so.1')));
}

export function detectProviders(): ProviderName[] {
  const listed = new Set(ort.listSupportedBackends().map((b) => b.name));
  const found: ProviderName[] = [];
  const bin = ortBinFolder();
  const cudaLib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (listed.has('cuda') && bin && existsSync(path.join(bin, cudaLib))) found.push('cuda');
  if (listed.has('webgpu') && (process.platform !== 'linux' || hasVulkanLoader())) found.push('webgpu');
  for (const p of ['dml', 'coreml'] as const) if (listed.has(p)) found.push(p);
  found.push('cpu');
  return found;
}

/**
 * Providers that failed for a reason of the machine (no adapter, missing library), not of the graph:
 * later graphs skip them instead of paying the failed start again (WebGPU probes Vulkan each time).
 */
const machineFailures = new Map<ProviderName, string>();
const MACHINE_FAILURE = /adapter|shared library|backend not found|libvulkan|not supported on this/i;

export const ortBackend: SessionBackend = {
  available: detectProviders,
  async create(file, provider, settings) {
    const known = machineFailures.get(provider);
    if (known) throw new Error(`${known} (remembered from an earlier graph)`);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        executionProviders: [provider],
        graphOptimizationLevel: settings.graphOptimization,
        intraOpNumThreads: settings.threads,
        interOpNumThreads: 1,
        logSeverityLevel: 3,
      });
    } catch (err) {
      const message = firstLine(err);
      if (provider !== 'cpu' && MACHINE_FAILURE.test(message)) machineFailures.set(provider, message);
      throw err;
    }
    return {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      async run(feeds) {
        const ortFeeds: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
        const result = await session.run(ortFeeds);
        const out: Record<string, OutputTensor> = {};
        for (const [name, t] of Object.entries(result)) {
          if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}, expected float32`);
          out[name] = { data: t.data as Float32Array, dims: t.dims };
        }
        return out;
      },
      release: () => session.release(),
    };
  },
};
