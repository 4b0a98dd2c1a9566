import { KEPT_FDS, type FaasletHost } from '@faasm/abi';
import { nativeSyscalls } from '@faasm/native';
import type { DirectAccess } from './protocol.js';
import { STATE_SERVICES } from './protocol.js';
import { bridgeOf, contextOf, STATE } from './replica.js';
import { SyncRedisTier } from './sync-redis.js';

/** Socket reads and writes of the worker's Redis connection give up after this (the call traps). */
const IO_TIMEOUT_MS = 10_000;

/**
 * A Faaslet's own way to the global tier: what the host allows (asked once, then kept),
 * and its connection, which lives with the Faaslet like a pooled client's: opened on
 * first use, kept across calls, checked before its first use in each call (a server
 * may close an idle connection, restart, or CLIENT KILL it), closed when the Faaslet
 * is disposed (its lifecycle's dispose) or when an I/O error or timeout breaks it.
 */
export interface DirectSlot {
  /** undefined: not asked yet; null: no direct path (no native module, a store without one, or a failed connect). */
  access: DirectAccess | null | undefined;
  tier: SyncRedisTier | undefined;
  /** The kept connection was checked (or opened) in this call: flushState clears it at the end of a call. */
  checked: boolean;
}

export function newDirectSlot(): DirectSlot {
  return { access: undefined, tier: undefined, checked: false };
}

/**
 * The worker's synchronous client of the global tier, or undefined: then the caller goes
 * through the main thread's services. Connects on first use; a connection kept from an
 * earlier call is checked first (nothing is sent on it yet, so replacing it loses and
 * repeats nothing).
 */
export function directOf(host: FaasletHost, importName: string): SyncRedisTier | undefined {
  const slot = contextOf(host).direct;
  const kept = slot.tier;
  if (kept && !kept.closed) {
    if (slot.checked) return kept;
    slot.checked = true;
    if (kept.usable()) return kept;
    // Closed by the server (EOF, reset) or out of step (bytes nobody asked for): reconnect.
    kept.close();
    slot.tier = undefined;
  }
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
    // Recorded where the embedder offers it: a worker that dies without disposing its
    // Faaslets leaves the socket for the thread that started it to close.
    const tier = SyncRedisTier.connect(sys, access, IO_TIMEOUT_MS, host.services.get(KEPT_FDS));
    slot.tier = tier;
    slot.checked = true;
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

/** End of a call: the kept connection is checked again before its next use. */
export function endDirectCall(host: FaasletHost): void {
  const slot = host.services.get(STATE)?.direct;
  if (slot) slot.checked = false;
}

/** Closes the Faaslet's connection, if open (the Faaslet is disposed). */
export function closeDirect(host: FaasletHost): void {
  const slot = host.services.get(STATE)?.direct;
  if (!slot?.tier) return;
  slot.tier.close();
  slot.tier = undefined;
}
