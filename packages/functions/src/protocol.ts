import type { Message } from '@faasm/abi';

/**
 * The messages between a Faaslet (worker side) and the control plane (main thread)
 * for chaining. The worker sends them with `host.bridge.call(service, request)`; the
 * runtime routes each service to {@link ChainScheduler.handlers}.
 */
export const CHAIN_SERVICES = {
  /** ChainRequest → ChainResponse: start a call, answer its id at once. */
  chain: 'faasm.chain',
  /** AwaitRequest → AwaitResponse: block until the call ends (or times out). */
  await: 'faasm.await',
  /** MigrateRequest → ChainResponse: re-run an entry point elsewhere under the same id. */
  migrate: 'faasm.migrate',
} as const;

/** The caller's identity, copied into every request. */
export interface CallerInfo {
  id: number;
  appId: number;
  user: string;
  function: string;
}

/**
 * `name`: function `function` of the caller's user. `ptr`: the caller's own module at
 * table index `funcPtr`. `py`: Faasm's Python runner (`python/py_func`) with the
 * caller's user as the Python user and `function` as the entry point.
 */
export interface ChainRequest {
  kind: 'name' | 'ptr' | 'py';
  caller: CallerInfo;
  /** The callee's function name (`name` and `py`). */
  function?: string;
  /** The table index (`ptr`). */
  funcPtr?: number;
  input: Uint8Array;
  /** An id the caller already took (`Bridge.nextId`): the request is then posted one-way. */
  id?: number;
}

export interface ChainResponse {
  id: number;
}

export interface AwaitRequest {
  id: number;
  /** Whether the answer must carry the output (await_call_output). */
  output: boolean;
  /** Overrides the scheduler's timeout for this await (ms). */
  timeoutMs?: number;
}

export interface AwaitResponse {
  returnValue: number;
  output?: Uint8Array;
  /** Why the await failed: unknown id, timeout, invoker error. */
  error?: string;
}

export interface MigrateRequest {
  caller: CallerInfo;
  /** Table index of the entry point `void entry(int)`. */
  funcPtr: number;
  arg: number;
  /** The caller's linear memory at the migration point (the new run starts from it). */
  memory: Uint8Array;
}

/**
 * What the runtime must run for a chained call: `message` is the callee's message (id,
 * app id, user, function, input, Python fields). With `funcPtr` set, run that table
 * entry of `message.user/message.function`'s module after ctors and zygote, without
 * `_start` (one i32 argument, `arg` or the input parsed as an integer, if the entry
 * takes one). With `memory` set (a migration), restore that memory first.
 */
export interface ChainedCall {
  message: Pick<Message, 'id' | 'appId' | 'user' | 'function' | 'input'> & Partial<Pick<Message, 'pythonUser' | 'pythonFunction' | 'pythonEntry'>>;
  funcPtr?: number;
  arg?: number;
  memory?: Uint8Array;
}

/** The result of a call: its return value and its final output. */
export interface CallResult {
  returnValue: number;
  output: Uint8Array;
}

/** Faasm's Python runner, which `__faasm_chain_py` calls. */
export const PYTHON_FUNCTION = { user: 'python', function: 'py_func' } as const;
