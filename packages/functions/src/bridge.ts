import type { Bridge } from '@faasm/abi';

/**
 * A bridge that calls main-thread handlers directly, for a Faaslet on the main thread
 * (tests, embedding). It cannot block: a handler that answers with a promise makes the
 * call fail clearly (run under @faasm/runtime's worker bridge for that).
 */
export function syncBridge(...handlerSets: Record<string, (request: never) => unknown>[]): Bridge {
  const handlers = new Map<string, (request: never) => unknown>();
  for (const set of handlerSets) for (const [name, handler] of Object.entries(set)) handlers.set(name, handler);
  return {
    call(service: string, request: unknown): unknown {
      const handler = handlers.get(service);
      if (!handler) throw new Error(`no handler for bridge service '${service}'`);
      const answer = handler(request as never);
      if (answer instanceof Promise) {
        answer.catch(() => {});
        throw new Error(`bridge service '${service}' did not answer synchronously; a main-thread Faaslet cannot wait`);
      }
      return answer;
    },
  };
}
