/*
 * What every Redis client of the global tier shares: the key layout and the Lua
 * scripts. Both RedisStore (ioredis, main thread) and the worker's synchronous client
 * (sync-redis.ts) use them, so the two interoperate on one server. No ioredis here:
 * workers load this module.
 */
import { createHash } from 'node:crypto';

/** The Redis keys of one state key (`user/key`) under a prefix (default `faasm:`). */
export interface RedisKeys {
  /** The value: a string (GETRANGE/SETRANGE for chunks). */
  value: string;
  /** The appended elements: a list. */
  list: string;
  /** The write lock: a string holding the owner token (SET NX PX). */
  writer: string;
  /** The read locks: a sorted set owner → expiry (ms, Redis's clock). */
  readers: string;
}

export function redisKeys(prefix: string, key: string): RedisKeys {
  return { value: `${prefix}state:${key}`, list: `${prefix}append:${key}`, writer: `${prefix}lock:${key}`, readers: `${prefix}rlock:${key}` };
}

/**
 * Lua: takes the global lock atomically. KEYS: writer key (a string holding the
 * owner, SET NX PX), readers key (a sorted set owner → expiry ms). ARGV: mode, owner,
 * ttl ms. Expired readers are dropped first; Redis's clock decides expiry.
 */
export const LOCK = `
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
export const UNLOCK = `
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
export const SET_RANGES = `
local size = tonumber(ARGV[1])
if redis.call('STRLEN', KEYS[1]) < size then redis.call('SETRANGE', KEYS[1], size - 1, '\\0') end
for i = 2, #ARGV, 2 do redis.call('SETRANGE', KEYS[1], tonumber(ARGV[i]), ARGV[i + 1]) end
return 1
`;

/** A script's SHA-1 (EVALSHA's name for it; Redis and ioredis compute the same). */
export function scriptSha(lua: string): string {
  return createHash('sha1').update(lua).digest('hex');
}
