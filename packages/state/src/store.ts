import type { LockMode } from './protocol.js';

/** A byte range to write at `offset`. */
export interface Range {
  offset: number;
  data: Uint8Array;
}

/**
 * Where a Faaslet's worker can reach a Redis global tier itself, synchronously (a
 * blocking socket from @faasm/native), instead of through the main thread: the same
 * server, database and key prefix as the store, so both clients see the same keys,
 * locks and lists.
 */
export interface RedisDirectAccess {
  /** An IPv4 address. */
  host: string;
  port: number;
  /** Prepended to every Redis key (see redis-scripts.ts redisKeys). */
  prefix: string;
  db: number;
  username?: string;
  password?: string;
}

/**
 * The global tier: the copy of every key shared by all hosts, plus appended lists and
 * global locks. Keys are `user/key`. Two backends: {@link InProcessStore} (embedded
 * default, no server) and RedisStore.
 */
export interface StateStore {
  /** The value's size in bytes; 0 if the key does not exist. */
  size(key: string): Promise<number>;
  /** The whole value, or undefined. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Bytes [offset, offset+length) (shorter or empty past the end). */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  set(key: string, value: Uint8Array): Promise<void>;
  /** Writes every range atomically; a missing key is created zero-filled with `size` bytes. */
  setRanges(key: string, size: number, ranges: readonly Range[]): Promise<void>;
  append(key: string, data: Uint8Array): Promise<void>;
  /** The first `count` appended elements (fewer if there are fewer). */
  readAppended(key: string, count: number): Promise<Uint8Array[]>;
  clearAppended(key: string): Promise<void>;
  /** Tries once to take the global lock; true if `owner` now holds it (expires after ttlMs). */
  tryLock(key: string, mode: LockMode, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases; false if `owner` does not hold it (never released, or expired). */
  unlock(key: string, mode: LockMode, owner: string): Promise<boolean>;
  /** Deletes the value, appended list and locks of a key. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
  /** Optional: how workers may reach this tier directly (undefined: only through the main thread). */
  directAccess?(): RedisDirectAccess | undefined;
}

interface Locks {
  writer: { owner: string; expires: number } | undefined;
  readers: Map<string, number>;
}

/** The embedded global tier: plain maps in this process (share one instance between hosts). */
export class InProcessStore implements StateStore {
  readonly #values = new Map<string, Uint8Array>();
  readonly #appended = new Map<string, Uint8Array[]>();
  readonly #locks = new Map<string, Locks>();

  async size(key: string): Promise<number> {
    return this.#values.get(key)?.length ?? 0;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.#values.get(key)?.slice();
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const value = this.#values.get(key);
    return value ? value.slice(offset, offset + length) : new Uint8Array(0);
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    this.#values.set(key, value.slice());
  }

  async setRanges(key: string, size: number, ranges: readonly Range[]): Promise<void> {
    let value = this.#values.get(key);
    if (!value || value.length < size) {
      const grown = new Uint8Array(size);
      if (value) grown.set(value);
      this.#values.set(key, (value = grown));
    }
    for (const { offset, data } of ranges) value.set(data, offset);
  }

  async append(key: string, data: Uint8Array): Promise<void> {
    let list = this.#appended.get(key);
    if (!list) this.#appended.set(key, (list = []));
    list.push(data.slice());
  }

  async readAppended(key: string, count: number): Promise<Uint8Array[]> {
    return (this.#appended.get(key) ?? []).slice(0, count).map((e) => e.slice());
  }

  async clearAppended(key: string): Promise<void> {
    this.#appended.delete(key);
  }

  #locksOf(key: string): Locks {
    let locks = this.#locks.get(key);
    if (!locks) this.#locks.set(key, (locks = { writer: undefined, readers: new Map() }));
    const now = Date.now();
    if (locks.writer && locks.writer.expires <= now) locks.writer = undefined;
    for (const [owner, expires] of locks.readers) if (expires <= now) locks.readers.delete(owner);
    return locks;
  }

  async tryLock(key: string, mode: LockMode, owner: string, ttlMs: number): Promise<boolean> {
    const locks = this.#locksOf(key);
    if (locks.writer) return false;
    const expires = Date.now() + ttlMs;
    if (mode === 'write') {
      if (locks.readers.size > 0) return false;
      locks.writer = { owner, expires };
    } else {
      locks.readers.set(owner, expires);
    }
    return true;
  }

  async unlock(key: string, mode: LockMode, owner: string): Promise<boolean> {
    const locks = this.#locksOf(key);
    if (mode === 'write') {
      if (locks.writer?.owner !== owner) return false;
      locks.writer = undefined;
      return true;
    }
    return locks.readers.delete(owner);
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
    this.#appended.delete(key);
    this.#locks.delete(key);
  }

  async close(): Promise<void> {}
}
