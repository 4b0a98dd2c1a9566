import type { FaasletHost } from '@faasm/abi';
import { nativeSyscalls } from '@faasm/native';
import type { DirectAccess } from './protocol.js';
import { STATE_SERVICES } from './protocol.js';
import { bridgeOf, contextOf, STATE } from './replica.js';
import { SyncRedisTier } from './sync-redis.js';

/** Socket reads and writes of the worker's Redis connection give up after this (the call traps). */
const IO_TIMEOUT_MS = 10_000;

/**
 * A Faaslet's own way to the global tier: what the host allows (asked once, then kept),
 * and the open connection, which lives for one call: flushState closes it at the end of
 * the call, and, for drivers that never call flushState, so does the worker's event loop
 * when it next runs (a guest blocks the loop while it runs, so that is after the call).
 */
export interface DirectSlot {
  /** undefined: not asked yet; null: no direct path (no native module, a store without one, or a failed connect). */
  access: DirectAccess | null | undefined;
  tier: SyncRedisTier | undefined;
  /** A close is queued for the next turn of the event loop (at most one per Faaslet). */
  closeQueued: boolean;
}

export function newDirectSlot(): DirectSlot {
  return { access: undefined, tier: undefined, closeQueued: false };
}

/**
 * The worker's synchronous client of the global tier, or undefined: then the caller goes
 * through the main thread's services. Connects on first use in a call.
 */
export function directOf(host: FaasletHost, importName: string): SyncRedisTier | undefined {
  const slot = contextOf(host).direct;
  if (slot.tier && !slot.tier.closed) return slot.tier;
  if (slot.access === null) return undefined;
  const sys = nativeSyscalls();
  if (!sys) {
    slot.access = null;
    return undefined;
  }
  slot.access ??= bridgeOf(host, importName).call(STATE_SERVICES.direct, null) as DirectAccess | null;
  const access = slot.access;
  if (!access) return undefined;
  try {
    const tier = SyncRedisTier.connect(sys, access, IO_TIMEOUT_MS);
    slot.tier = tier;
    // Closed at the end of the call (flushState), or else when this worker's event loop
    // next runs: a guest blocks the loop, so that is after the call. One queued close
    // per Faaslet: a worker whose loop rarely runs does not pile them up.
    if (!slot.closeQueued) {
      slot.closeQueued = true;
      setImmediate(() => {
        slot.closeQueued = false;
        slot.tier?.close();
        slot.tier = undefined;
      });
    }
    return tier;
  } catch (error) {
    host.log.warn(`state: no direct connection to Redis at ${access.host}:${access.port} (${error instanceof Error ? error.message : String(error)}); going through the host`);
    slot.access = null;
    return undefined;
  }
}

/** The global lock expiry the host uses (for messages), when the direct path is in use. */
export function directLockTtlMs(host: FaasletHost): number {
  return contextOf(host).direct.access?.lockTtlMs ?? 0;
}

/** Closes the Faaslet's connection, if open (end of call). */
export function closeDirect(host: FaasletHost): void {
  const slot = host.services.get(STATE)?.direct;
  if (!slot?.tier) return;
  slot.tier.close();
  slot.tier = undefined;
}
