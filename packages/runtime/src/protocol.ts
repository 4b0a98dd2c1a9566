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

/** Main → worker messages. */
export type ToWorker = { readonly kind: 'invoke' } & TaskMessage;

/** The outcome of a task. */
export type TaskOutcome = { readonly result: CallResult } | { readonly error: string };

/** Worker → main messages. */
export type FromWorker = { readonly kind: 'done'; readonly taskId: number; readonly outcome: TaskOutcome };
