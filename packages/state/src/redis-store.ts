import { Redis, type RedisOptions } from 'ioredis';
import type { LockMode } from './protocol.js';
import { LOCK, redisKeys, SET_RANGES, UNLOCK } from './redis-scripts.js';
import type { Range, RedisDirectAccess, StateStore } from './store.js';

export interface RedisStoreOptions {
  /** Prefix of every Redis key (default `faasm:`), so tests and tenants can share a server. */
  prefix?: string;
  /** An existing client (not closed by the store), or options for a new one. */
  client?: Redis;
  redis?: RedisOptions;
}

type Scripts = {
  faasmLock(writer: string, readers: string, mode: string, owner: string, ttl: number): Promise<number>;
  faasmUnlock(writer: string, readers: string, mode: string, owner: string): Promise<number>;
  faasmSetRanges(key: string, ...args: (string | number | Buffer)[]): Promise<number>;
};

/**
 * The global tier on Redis: a value is a string (GETRANGE/SETRANGE for chunks), an
 * appended list a Redis list, a lock a key set with NX PX plus a reader set, each
 * with an owner token and an expiry; multi-step updates are Lua scripts.
 */
export class RedisStore implements StateStore {
  readonly #redis: Redis & Scripts;
  readonly #owned: boolean;
  readonly #prefix: string;

  constructor(options: RedisStoreOptions = {}) {
    this.#owned = !options.client;
    const client = options.client ?? new Redis({ maxRetriesPerRequest: 2, ...options.redis });
    client.defineCommand('faasmLock', { numberOfKeys: 2, lua: LOCK });
    client.defineCommand('faasmUnlock', { numberOfKeys: 2, lua: UNLOCK });
    client.defineCommand('faasmSetRanges', { numberOfKeys: 1, lua: SET_RANGES });
    this.#redis = client as Redis & Scripts;
    this.#prefix = options.prefix ?? 'faasm:';
  }

  get client(): Redis {
    return this.#redis;
  }

  /**
   * Where a worker's synchronous client finds the same data (see StateStore.directAccess):
   * undefined unless the server is reached over plain TCP at an IPv4 address (or
   * localhost), since that is what the worker's blocking socket speaks.
   */
  directAccess(): RedisDirectAccess | undefined {
    const o = this.#redis.options;
    if (o.tls || o.path) return undefined;
    const host = !o.host || o.host === 'localhost' ? '127.0.0.1' : o.host;
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return undefined;
    return {
      host,
      port: o.port ?? 6379,
      prefix: `${o.keyPrefix ?? ''}${this.#prefix}`,
      db: o.db ?? 0,
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
    };
  }

  #value(key: string): string {
    return redisKeys(this.#prefix, key).value;
  }
  #list(key: string): string {
    return redisKeys(this.#prefix, key).list;
  }
  #writer(key: string): string {
    return redisKeys(this.#prefix, key).writer;
  }
  #readers(key: string): string {
    return redisKeys(this.#prefix, key).readers;
  }

  async size(key: string): Promise<number> {
    return this.#redis.strlen(this.#value(key));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.#redis.getBuffer(this.#value(key));
    return value ? view(value) : undefined;
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    return view(await this.#redis.getrangeBuffer(this.#value(key), offset, offset + length - 1));
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    await this.#redis.set(this.#value(key), Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }

  async setRanges(key: string, size: number, ranges: readonly Range[]): Promise<void> {
    const args: (string | number | Buffer)[] = [size];
    for (const { offset, data } of ranges) args.push(offset, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    await this.#redis.faasmSetRanges(this.#value(key), ...args);
  }

  async append(key: string, data: Uint8Array): Promise<void> {
    await this.#redis.rpush(this.#list(key), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  async readAppended(key: string, count: number): Promise<Uint8Array[]> {
    if (count <= 0) return [];
    const items = await this.#redis.lrangeBuffer(this.#list(key), 0, count - 1);
    // Copies: these cross the bridge by structured clone, which would send a view's whole backing buffer.
    return items.map((b) => new Uint8Array(b));
  }

  async clearAppended(key: string): Promise<void> {
    await this.#redis.del(this.#list(key));
  }

  async tryLock(key: string, mode: LockMode, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.faasmLock(this.#writer(key), this.#readers(key), mode, owner, Math.max(1, Math.ceil(ttlMs)))) === 1;
  }

  async unlock(key: string, mode: LockMode, owner: string): Promise<boolean> {
    return (await this.#redis.faasmUnlock(this.#writer(key), this.#readers(key), mode, owner)) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.#redis.del(this.#value(key), this.#list(key), this.#writer(key), this.#readers(key));
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#redis.quit();
  }
}

/**
 * A reply Buffer as a plain Uint8Array that owns its whole ArrayBuffer (as InProcessStore's
 * values do). A large reply already has a buffer of its own: no copy (a 1 MiB GET is not
 * copied again); a small one is a slice of a pooled buffer: copied.
 */
function view(buffer: Buffer): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) return new Uint8Array(buffer.buffer);
  return new Uint8Array(buffer);
}
