import type { RedisDirectAccess } from './store.js';

/**
 * The messages between a Faaslet (worker side) and the host's state replica (main
 * thread). The worker sends them with `host.bridge.call(service, request)`; the
 * runtime routes each service to {@link StateHost.handlers}. Responses carry
 * SharedArrayBuffers: the bridge must pass them by structured clone (postMessage),
 * so every Faaslet of the host sees the same bytes.
 */
export const STATE_SERVICES = {
  /** OpenRequest → SegmentHandles: the key's replica segment (created on first use). */
  open: 'faasm.state.open',
  /** PullRequest → null: fill the replica from the global tier (lazily, or forced). */
  pull: 'faasm.state.pull',
  /** PushRequest → null: send dirty bytes to the global tier. */
  push: 'faasm.state.push',
  /** AppendRequest → null. */
  append: 'faasm.state.append',
  /** ReadAppendedRequest → Uint8Array[] (the first n elements). */
  readAppended: 'faasm.state.readAppended',
  /** KeyRequest → null. */
  clearAppended: 'faasm.state.clearAppended',
  /** KeyRequest → LockHandle: the key's host lock word (the worker takes it with Atomics). */
  lockHandle: 'faasm.state.lockHandle',
  /** LockRequest → null once the global lock is granted (the worker blocks until then). */
  lock: 'faasm.state.lock',
  /** LockRequest → null; throws if the owner does not hold the global lock. */
  unlock: 'faasm.state.unlock',
  /**
   * null → DirectAccess | null: how the worker may reach the global tier itself
   * (sync-redis.ts), or null to keep using these services.
   */
  direct: 'faasm.state.direct',
} as const;

/** Lazy pulls fetch whole chunks of this size (Faasm pulls pages on demand). */
export const PULL_CHUNK = 4096;

/** meta (Int32Array) slots; chunk i's "pulled" flag is at META_CHUNKS + i. */
export const META = {
  /** 1 once every chunk has been pulled (or the key has no global copy). */
  fullyPulled: 0,
  /** 1 while any byte is dirty. */
  dirty: 1,
  /** 1 when the whole value is dirty (the per-byte mask is not filled for that). */
  allDirty: 2,
  /** 1 when some bytes of the per-byte mask are set. */
  partlyDirty: 3,
  chunks: 4,
} as const;

/** A key's replica: `data` the value, `dirty` one byte per value byte (1 = dirty; see META.allDirty), `meta` flags. */
export interface SegmentHandles {
  key: string;
  size: number;
  data: SharedArrayBuffer;
  dirty: SharedArrayBuffer;
  meta: SharedArrayBuffer;
}

export interface KeyRequest {
  /** `user/key`: keys are per user. */
  key: string;
}

/** `size` 0: open only if the key exists (locally or globally); else create with `size`. */
export interface OpenRequest extends KeyRequest {
  size: number;
}

/** The answer to open: `size` 0 and no handles when the key does not exist. */
export type OpenResponse = SegmentHandles | { key: string; size: 0 };

export interface PullRequest extends KeyRequest {
  /** Forced full pull (pull_state): overwrite the replica and clear the dirty mask. */
  force: boolean;
  offset: number;
  length: number;
}

export interface PushRequest extends KeyRequest {
  /** full: the whole value if dirty; partial: dirty bytes only, then re-pull; mask: bytes flagged in maskKey's value. */
  mode: 'full' | 'partial' | 'mask';
  maskKey?: string;
}

export interface AppendRequest extends KeyRequest {
  data: Uint8Array;
}

export interface ReadAppendedRequest extends KeyRequest {
  count: number;
}

export type LockMode = 'read' | 'write';

export interface LockRequest extends KeyRequest {
  mode: LockMode;
  /** The Faaslet asking: only the owner may release. */
  owner: string;
}

/**
 * A key's per-host lock: one Int32 (0 free, -1 write-locked, n > 0 read by n), taken
 * with Atomics by every Faaslet of the host. `global` says whether the global lock must
 * be taken too (the global tier is shared with other hosts).
 */
export interface LockHandle {
  word: SharedArrayBuffer;
  global: boolean;
}

/** The answer to `direct`: the Redis tier's address and key prefix, and the host's global lock expiry. */
export interface DirectAccess extends RedisDirectAccess {
  lockTtlMs: number;
}
