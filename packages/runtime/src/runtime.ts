import { randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { DEFAULT_PACKAGES } from '@faasm/abi';
import { CHAIN_SERVICES, ChainScheduler, type AwaitRequest, type CallResult as ChainResult, type ChainedCall } from '@faasm/functions';
import { StateHost, type StateStore } from '@faasm/state';
import { defaultNodeRoot, type WasiOptions } from '@faasm/wasi';
import { packResults, type BoardResult, type PackedResults } from './board.js';
import { BoardResults } from './board-results.js';
import { BOARD_RESULTS } from './board-bridge.js';
import { takeId, type BridgeHandler } from './bridge.js';
import type { CallRequest, CallResult } from './faaslet.js';
import { ModuleCache, type LoadedModule } from './modules.js';
import { WorkerPool } from './pool.js';

export interface RuntimeOptions {
  /** Workers started up front (default: available cores). */
  workers?: number;
  /** Interface packages, by npm name or file URL (default: all of Faasm's). */
  packages?: readonly string[];
  /** Per-package options, keyed by package name (structured-cloneable). */
  packageOptions?: Readonly<Record<string, unknown>>;
  /** stdout/stderr of guests: written through (default) or captured per call. */
  stdout?: 'passthrough' | 'capture';
  /**
   * Functions by `user/function`: an explicit map to paths or bytes, and/or a
   * directory holding `<user>/<function>.wasm` or `<user>/<function>/function.wasm`.
   */
  functions?: Readonly<Record<string, string | Uint8Array>>;
  functionsDir?: string;
  /** Extra control-plane services callable from guests' host calls via the bridge. */
  services?: Readonly<Record<string, BridgeHandler>>;
  /** Services among those that wait for other calls (their workers take nested calls while blocked). */
  servicesThatWaitForCalls?: readonly string[];
  /** Keep rewritten binaries here (optional). */
  cacheDir?: string;
  /** Default per-call timeout in ms (default none). */
  timeoutMs?: number;
  /** MPI world size (default: Faasm's 5). */
  mpiWorldSize?: number;
  /**
   * Destinations guests may open sockets to (default: none — every socket call is
   * denied with EACCES and logged). E.g. `[{ host: '127.0.0.1', port: [8000, 8999] }]`.
   */
  network?: { allow: Array<{ host: string; port: number | [number, number] }> };
  /** How long `__faasm_await_call` waits for a chained call (Faasm's default: 300 s). */
  awaitTimeoutMs?: number;
  /**
   * State's global tier: in-process (default, no server), a Redis URL
   * (`redis://127.0.0.1:6379`, shared by every host using it), or a StateStore.
   */
  state?: { redis: string; prefix?: string } | { store: StateStore };
}

export interface InvokeOptions {
  input?: string | Uint8Array;
  /** argv[1..]. */
  args?: string[];
  /** The guest environment, exactly (default: Faasm's default environment). */
  env?: Record<string, string>;
  /** A chained-by-pointer call: table[tableIndex](arg?). */
  entry?: { tableIndex: number; arg?: number };
  timeoutMs?: number;
  /** Per-call package options, merged over the runtime's (e.g. a different preopen). */
  packageOptions?: Readonly<Record<string, unknown>>;
  /** MPI world size for this call (rank 0's MPI_Init starts the other ranks). */
  mpiWorldSize?: number;
}

export interface InvokeResult {
  returnValue: number;
  output: Buffer;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
  error?: string;
}

export interface Runtime {
  invoke(target: string | Uint8Array, options?: InvokeOptions): Promise<InvokeResult>;
  /** Loads (validates, rewrites, compiles) a module without running it. */
  load(target: string | Uint8Array): Promise<LoadedModule>;
  /** Number of worker threads now in the pool. */
  readonly workers: number;
  /**
   * Fails queued calls, disposes every warm Faaslet (kept Redis connections, fds and
   * thread workers; a worker stuck in a guest is not waited for long), stops the
   * workers and closes a Redis store the runtime opened. Once: later calls return the
   * same promise.
   */
  close(): Promise<void>;
}

export class FunctionNotFound extends Error {
  override readonly name = 'FunctionNotFound';
}

/** Starts a runtime: a module cache and a warm pool of Faaslet workers. */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  setFlagsFromString('--no-liftoff');
  const modules = new ModuleCache(options.cacheDir ? { cacheDir: options.cacheDir } : {});
  /** Modules by `user/function`, including those invoked by path (for chained calls). */
  const byName = new Map<string, LoadedModule>();
  const basePackageOptions = withNetwork(withMpi(withStdout(options.packageOptions ?? {}, options.stdout), options.mpiWorldSize), options.network);
  // The default Node runtime root (<tmpdir>/faasm-root-<pid>) is removed at exit only
  // when the main thread created it: create it here, before the workers link @faasm/wasi.
  const wasiOptions = (basePackageOptions['@faasm/wasi'] ?? {}) as WasiOptions;
  if (wasiOptions.root === undefined && wasiOptions.fs !== 'memory' && wasiOptions.table === undefined) defaultNodeRoot();

  const resolveTarget = (target: string | Uint8Array): string | Uint8Array => {
    if (typeof target !== 'string') return target;
    const registered = options.functions?.[target];
    if (registered !== undefined) return registered;
    if (options.functionsDir && /^[^/]+\/[^/]+$/.test(target)) {
      for (const candidate of [join(options.functionsDir, `${target}.wasm`), join(options.functionsDir, target, 'function.wasm')]) {
        if (existsSync(candidate)) return candidate;
      }
    }
    if (existsSync(target) && statSync(target).isFile()) return resolve(target);
    throw new FunctionNotFound(`no function or module '${target}'`);
  };

  /** The user/function name a target runs under (paths and bytes get a synthetic one). */
  const nameOf = (target: string | Uint8Array, loaded: LoadedModule): [string, string] => {
    if (typeof target === 'string' && /^[^/]+\/[^/]+$/.test(target) && !existsSync(target)) {
      const [user, fn] = target.split('/');
      return [user!, fn!];
    }
    if (typeof target === 'string') return ['demo', basename(target).replace(/\.wasm$/, '')];
    return ['demo', `module-${loaded.key.slice(0, 12)}`];
  };

  /** Names a module by `user/function` (the first one stays) and tells the pool's workers. */
  const remember = (user: string, fn: string, loaded: LoadedModule): void => {
    const name = `${user}/${fn}`;
    if (byName.has(name)) return;
    byName.set(name, loaded);
    pool.announce(user, fn, loaded);
  };

  // Chained calls: the scheduler gives ids and keeps results. A Faaslet chaining a
  // function the pool knows schedules it on the call board, between workers (the
  // scheduler hears of the result afterwards); the others run on the pool from here.
  const runChained = async (call: ChainedCall): Promise<ChainResult> => {
    if (call.memory) throw new Error('migration to another Faaslet is not supported by this runtime yet');
    const name = `${call.message.user}/${call.message.function}`;
    let loaded = byName.get(name);
    if (!loaded) {
      loaded = await modules.load(resolveTarget(name));
      remember(call.message.user, call.message.function, loaded);
    }
    const result = await pool.run({
      loaded,
      optionsKey: '',
      packageOptions: basePackageOptions,
      request: {
        id: call.message.id,
        appId: call.message.appId,
        user: call.message.user,
        function: call.message.function,
        input: call.message.input,
        ...(call.funcPtr !== undefined ? { entry: { tableIndex: call.funcPtr, ...(call.arg !== undefined ? { arg: call.arg } : {}) } } : {}),
      },
      timeoutMs: options.timeoutMs,
    });
    return { returnValue: result.returnValue, output: result.output };
  };
  // One message-id space for the main thread and every worker: a Faaslet takes the id of
  // a call it chains itself and posts the chain without waiting.
  const idCounter = new SharedArrayBuffer(4);
  const ids = new Int32Array(idCounter);
  ids[0] = randomInt(1, 2 ** 30);
  const scheduler = new ChainScheduler(runChained, {
    ids: () => takeId(ids),
    ...(options.awaitTimeoutMs !== undefined ? { timeoutMs: options.awaitTimeoutMs } : {}),
  });

  // State: this host's replica on the main thread, its global tier in-process or on Redis.
  const ownedStore = options.state && 'redis' in options.state ? await redisStore(options.state.redis, options.state.prefix) : undefined;
  const store = ownedStore ?? (options.state && 'store' in options.state ? options.state.store : undefined);
  const stateHost = new StateHost(store ? { store } : {});

  // Results of calls run on the board: kept here, and handed to the scheduler for the
  // awaits it was asked to track.
  const boardStore = new BoardResults();
  const boardResults = (packed: PackedResults): void => {
    for (const id of boardStore.add(packed)) if (scheduler.has(id)) scheduler.complete(id, boardStore.get(id)!);
  };
  const chainHandlers = scheduler.handlers();
  const handlers = new Map<string, BridgeHandler>([
    ...(Object.entries(chainHandlers) as Array<[string, BridgeHandler]>),
    // An await of a board call the scheduler has not heard of yet (its result is on its way).
    [
      CHAIN_SERVICES.await,
      ((request: AwaitRequest) => {
        const id = request.id >>> 0;
        if (!scheduler.has(id)) {
          const stored = boardStore.get(id);
          if (stored) return request.output ? { returnValue: stored.returnValue, output: stored.output } : { returnValue: stored.returnValue };
          if (pool.board.holds(id)) scheduler.track(id);
        }
        return scheduler.await(request);
      }) as BridgeHandler,
    ],
    [BOARD_RESULTS, boardResults as BridgeHandler],
    ...(Object.entries(stateHost.handlers()) as Array<[string, BridgeHandler]>),
    ...Object.entries(options.services ?? {}),
  ]);
  const pool = new WorkerPool({
    ...(options.workers !== undefined ? { size: options.workers } : {}),
    packages: options.packages ?? DEFAULT_PACKAGES,
    handlers,
    waitsForCalls: new Set([CHAIN_SERVICES.await, ...(options.servicesThatWaitForCalls ?? [])]),
    ids: idCounter,
    // A chained call with a timeout is watched from here (its worker is replaced when
    // it expires): those keep the main thread's path.
    ...(options.timeoutMs === undefined ? { board: { packageOptions: basePackageOptions, lost: (results: BoardResult[]) => boardResults(packResults(results)) } } : {}),
  });

  let closing: Promise<void> | undefined;
  return {
    get workers() {
      return pool.size;
    },
    load: (target) => modules.load(resolveTarget(target)),
    async invoke(target, invokeOptions = {}) {
      const loaded = await modules.load(resolveTarget(target));
      const [user, fn] = nameOf(target, loaded);
      remember(user, fn, loaded);
      const perCall = invokeOptions.packageOptions || invokeOptions.mpiWorldSize !== undefined;
      const packageOptions = perCall
        ? withMpi({ ...basePackageOptions, ...invokeOptions.packageOptions }, invokeOptions.mpiWorldSize)
        : basePackageOptions;
      const id = scheduler.nextId();
      const request: CallRequest = {
        ...(invokeOptions.input !== undefined ? { input: toBytes(invokeOptions.input) } : {}),
        ...(invokeOptions.args ? { args: invokeOptions.args } : {}),
        ...(invokeOptions.env ? { env: invokeOptions.env } : {}),
        ...(invokeOptions.entry ? { entry: invokeOptions.entry } : {}),
        id,
        appId: id,
        user,
        function: fn,
      };
      const timeoutMs = invokeOptions.timeoutMs ?? options.timeoutMs;
      const result = await pool.run({
        loaded,
        optionsKey: perCall ? JSON.stringify(packageOptions) : '',
        packageOptions,
        request,
        timeoutMs,
      });
      return toInvokeResult(result);
    },
    close() {
      closing ??= (async () => {
        await pool.close();
        await ownedStore?.close();
      })();
      return closing;
    },
  };
}

/** A Redis global tier (ioredis is loaded only when one is asked for). */
async function redisStore(url: string, prefix: string | undefined): Promise<StateStore> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:') throw new Error(`state: expected a redis:// URL, not ${url}`);
  const { RedisStore } = await import('@faasm/state/redis');
  return new RedisStore({
    ...(prefix ? { prefix } : {}),
    redis: {
      host: parsed.hostname,
      port: Number(parsed.port || 6379),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    },
  });
}

function withStdout(packageOptions: Readonly<Record<string, unknown>>, stdout: RuntimeOptions['stdout']): Record<string, unknown> {
  if (!stdout) return { ...packageOptions };
  const wasi = (packageOptions['@faasm/wasi'] ?? {}) as Record<string, unknown>;
  return { ...packageOptions, '@faasm/wasi': { ...wasi, stdout } };
}

function withNetwork(packageOptions: Record<string, unknown>, network: RuntimeOptions['network']): Record<string, unknown> {
  if (!network) return packageOptions;
  const posix = (packageOptions['@faasm/posix'] ?? {}) as Record<string, unknown>;
  return { ...packageOptions, '@faasm/posix': { ...posix, network } };
}

function withMpi(packageOptions: Record<string, unknown>, worldSize: number | undefined): Record<string, unknown> {
  if (worldSize === undefined) return packageOptions;
  if (!Number.isInteger(worldSize) || worldSize < 1) throw new RangeError(`mpiWorldSize must be a positive integer, not ${worldSize}`);
  const mpi = (packageOptions['@faasm/mpi'] ?? {}) as Record<string, unknown>;
  return { ...packageOptions, '@faasm/mpi': { ...mpi, worldSize } };
}

function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input;
}

function toInvokeResult(result: CallResult): InvokeResult {
  return {
    returnValue: result.returnValue,
    output: Buffer.from(result.output),
    stdout: Buffer.from(result.stdout),
    stderr: Buffer.from(result.stderr),
    durationMs: result.durationMs,
    ...(result.error ? { error: result.error } : {}),
  };
}
