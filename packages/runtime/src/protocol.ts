import type { MessagePort } from 'node:worker_threads';
import type { CallRequest, CallResult } from './faaslet.js';
import type { LoadedModule } from './modules.js';

/** A call for a worker to run: at top level, or nested inside a blocked bridge call. */
export interface TaskMessage {
  readonly taskId: number;
  readonly moduleKey: string;
  /** Sent the first time a worker sees the module. */
  readonly loaded?: LoadedModule;
  /** Identifies packageOptions: Faaslets are warm per (module, options). */
  readonly optionsKey: string;
  readonly packageOptions: Readonly<Record<string, unknown>>;
  readonly request: CallRequest;
}

/**
 * Main → worker messages: a task, or (the pool closing) dispose every warm Faaslet and
 * answer `disposed`.
 */
export type ToWorker = ({ readonly kind: 'invoke' } & TaskMessage) | { readonly kind: 'dispose' };

/** The outcome of a task. */
export type TaskOutcome = { readonly result: CallResult } | { readonly error: string };

/** Worker → main messages. */
export type FromWorker =
  | { readonly kind: 'done'; readonly taskId: number; readonly outcome: TaskOutcome }
  /** The worker finished board work while the pool had tasks queued. */
  | { readonly kind: 'free' }
  /** A Faaslet left a chained call queued without waking a worker: watch the board. */
  | { readonly kind: 'watch' }
  /** The answer to `dispose`: every warm Faaslet of the worker was disposed. */
  | { readonly kind: 'disposed' };

/** Main → worker on the control port: a function the pool knows (board calls name it by index). */
export interface ControlMessage {
  readonly index: number;
  readonly user: string;
  readonly function: string;
  readonly moduleKey: string;
  /** Sent the first time a worker sees the module. */
  readonly loaded?: LoadedModule;
}

/** What a pool worker starts with. */
export interface PoolWorkerData {
  readonly packages: readonly string[];
  /** The blocking bridge's port; the worker's doorbell on the board counts its answers. */
  readonly bridgePort: MessagePort;
  /** Tasks arrive here; the doorbell is rung after each. */
  readonly taskPort: MessagePort;
  readonly controlPort: MessagePort;
  /** The call board (board.ts) and this worker's index and tag on it. */
  readonly board: SharedArrayBuffer;
  readonly index: number;
  readonly tag: number;
  /** The control plane's message-id counter. */
  readonly ids: SharedArrayBuffer | undefined;
  /** An FdLedger (@faasm/abi) for the raw fds its Faaslets keep: the pool closes what is left if the worker dies. */
  readonly keptFds: SharedArrayBuffer;
  /** Present when chained calls go through the board: the options they run with. */
  readonly chain?: { readonly packageOptions: Readonly<Record<string, unknown>> };
}
