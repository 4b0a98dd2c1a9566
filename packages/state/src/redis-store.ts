import { Redis, type RedisOptions } from 'ioredis';
import type { LockMode } from './protocol.js';
import type { Range, StateStore } from './store.js';

/**
 * Lua: takes the global lock atomically. KEYS: writer key (a string holding the
 * owner, SET NX PX), readers key (a sorted set owner → expiry ms). ARGV: mode, owner,
 * ttl ms. Expired readers are dropped first; Redis's clock decides expiry.
 */
const LOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[1] == 'write' then
  if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
  if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ttl) then return 1 end
  return 0
end
redis.call('ZADD', KEYS[2], now + ttl, ARGV[2])
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
`;

/** Lua: releases the lock only for its owner; 1 if released, 0 if not held. */
const UNLOCK = `
if ARGV[1] == 'write' then
  if redis.call('GET', KEYS[1]) == ARGV[2] then redis.call('DEL', KEYS[1]) return 1 end
  return 0
end
return redis.call('ZREM', KEYS[2], ARGV[2])
`;

/**
 * Lua: writes byte ranges atomically (SETRANGE each), creating a missing value
 * zero-filled to ARGV[1] bytes. ARGV: size, then offset/data pairs.
 */
const SET_RANGES = `
local size = tonumber(ARGV[1])
if redis.call('STRLEN', KEYS[1]) < size then redis.call('SETRANGE', KEYS[1], size - 1, '\\0') end
for i = 2, #ARGV, 2 do redis.call('SETRANGE', KEYS[1], tonumber(ARGV[i]), ARGV[i + 1]) end
return 1
`;

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

  #value(key: string): string {
    return `${this.#prefix}state:${key}`;
  }
  #list(key: string): string {
    return `${this.#prefix}append:${key}`;
  }
  #writer(key: string): string {
    return `${this.#prefix}lock:${key}`;
  }
  #readers(key: string): string {
    return `${this.#prefix}rlock:${key}`;
  }

  async size(key: string): Promise<number> {
    return this.#redis.strlen(this.#value(key));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.#redis.getBuffer(this.#value(key));
    return value ? new Uint8Array(value) : undefined;
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    return new Uint8Array(await this.#redis.getrangeBuffer(this.#value(key), offset, offset + length - 1));
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
