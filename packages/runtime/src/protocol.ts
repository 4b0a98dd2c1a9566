import type { CallRequest, CallResult } from './faaslet.js';
import type { LoadedModule } from './modules.js';

/** Main → worker messages. */
export type ToWorker =
  | { readonly kind: 'module'; readonly loaded: LoadedModule }
  | { readonly kind: 'drop'; readonly moduleKey: string }
  | {
      readonly kind: 'invoke';
      readonly taskId: number;
      readonly moduleKey: string;
      /** Identifies packageOptions: Faaslets are warm per (module, options). */
      readonly optionsKey: string;
      readonly packageOptions: Readonly<Record<string, unknown>>;
      readonly request: CallRequest;
    };

/** Worker → main messages. */
export type FromWorker =
  | { readonly kind: 'result'; readonly taskId: number; readonly result: CallResult }
  | { readonly kind: 'failed'; readonly taskId: number; readonly error: string };
