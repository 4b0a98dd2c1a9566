import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessStore, StateHost, type StateStore } from './index.js';
import { nativeSyscalls } from '@faasm/native';
import { RedisStore } from './redis-store.js';
import { SyncRedisTier } from './sync-redis.js';
// @ts-expect-error test support is plain JavaScript
import { redisAvailable, startRedis } from '../test/support/redis.mjs';

const hasRedis: boolean = redisAvailable();
let redis: { port: number; stop(): Promise<void> } | undefined;
const opened: StateStore[] = [];
let n = 0;

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  for (const s of opened) await s.close();
  await redis?.stop();
});

const bytes = (...b: number[]) => new Uint8Array(b);
const backends: [string, () => StateStore][] = [['in-process', () => new InProcessStore()]];
if (hasRedis) {
  backends.push([
    'redis',
    () => {
      const s = new RedisStore({ prefix: `store${n++}:`, redis: { port: redis!.port, host: '127.0.0.1' } });
      opened.push(s);
      return s;
    },
  ]);
  const sys = nativeSyscalls();
  // The worker's synchronous client (needs @faasm/native), behind the same contract.
  if (sys) backends.push(['redis, worker-direct client', () => syncStore(SyncRedisTier.connect(sys, { host: '127.0.0.1', port: redis!.port, prefix: `store${n++}:`, db: 0 }, 10_000))]);
}

/** SyncRedisTier as a StateStore, to hold it to the same contract. */
function syncStore(tier: SyncRedisTier): StateStore {
  const s: StateStore = {
    size: async (key) => tier.size(key),
    get: async (key) => tier.get(key),
    getRange: async (key, offset, length) => tier.getRange(key, offset, length),
    set: async (key, value) => tier.set(key, value),
    setRanges: async (key, size, ranges) => tier.setRanges(key, size, ranges),
    append: async (key, data) => tier.append(key, data),
    readAppended: async (key, count) => tier.readAppended(key, count),
    clearAppended: async (key) => tier.clearAppended(key),
    tryLock: async (key, mode, owner, ttlMs) => tier.tryLock(key, mode, owner, ttlMs),
    unlock: async (key, mode, owner) => tier.unlock(key, mode, owner),
    delete: async (key) => tier.delete(key),
    close: async () => tier.close(),
  };
  opened.push(s);
  return s;
}

describe.each(backends)('StateStore contract: %s', (_name, make) => {
  it('values: size, get, getRange, set; a missing key has size 0', async () => {
    const s = make();
    expect(await s.size('u/k')).toBe(0);
    expect(await s.get('u/k')).toBeUndefined();
    await s.set('u/k', bytes(1, 2, 3, 4, 5));
    expect(await s.size('u/k')).toBe(5);
    expect(await s.get('u/k')).toEqual(bytes(1, 2, 3, 4, 5));
    expect(await s.getRange('u/k', 1, 3)).toEqual(bytes(2, 3, 4));
    expect(await s.getRange('u/k', 4, 10)).toEqual(bytes(5));
    expect(await s.getRange('u/k', 0, 0)).toEqual(bytes());
  });

  it('setRanges writes every range and creates a missing value zero-filled', async () => {
    const s = make();
    await s.setRanges('u/r', 8, [
      { offset: 1, data: bytes(9, 9) },
      { offset: 6, data: bytes(7) },
    ]);
    expect(await s.get('u/r')).toEqual(bytes(0, 9, 9, 0, 0, 0, 7, 0));
    await s.setRanges('u/r', 8, [{ offset: 0, data: bytes(1) }]);
    expect(await s.get('u/r')).toEqual(bytes(1, 9, 9, 0, 0, 0, 7, 0));
  });

  it('binary values survive (every byte value, including 0 and 0xff)', async () => {
    const s = make();
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    await s.set('u/bin', all);
    expect(await s.get('u/bin')).toEqual(all);
  });

  it('get answers values that own their whole buffer (small and large)', async () => {
    const s = make();
    for (const size of [3, 200_000]) {
      await s.set('u/own', new Uint8Array(size).fill(9));
      const value = (await s.get('u/own'))!;
      expect([value.byteOffset, value.buffer.byteLength, value[size - 1]]).toEqual([0, size, 9]);
    }
  });

  it('appended lists: append, read the first n, clear', async () => {
    const s = make();
    await s.append('u/a', bytes(1));
    await s.append('u/a', bytes(2, 2));
    await s.append('u/a', bytes(3));
    expect(await s.readAppended('u/a', 2)).toEqual([bytes(1), bytes(2, 2)]);
    expect(await s.readAppended('u/a', 10)).toHaveLength(3);
    await s.clearAppended('u/a');
    expect(await s.readAppended('u/a', 10)).toEqual([]);
  });

  it('write locks exclude everyone; only the owner releases', async () => {
    const s = make();
    expect(await s.tryLock('u/l', 'write', 'a', 10_000)).toBe(true);
    expect(await s.tryLock('u/l', 'write', 'b', 10_000)).toBe(false);
    expect(await s.tryLock('u/l', 'read', 'b', 10_000)).toBe(false);
    expect(await s.unlock('u/l', 'write', 'b')).toBe(false);
    expect(await s.unlock('u/l', 'write', 'a')).toBe(true);
    expect(await s.unlock('u/l', 'write', 'a')).toBe(false);
    expect(await s.tryLock('u/l', 'write', 'b', 10_000)).toBe(true);
  });

  it('read locks share, and keep writers out until the last reader leaves', async () => {
    const s = make();
    expect(await s.tryLock('u/rl', 'read', 'a', 10_000)).toBe(true);
    expect(await s.tryLock('u/rl', 'read', 'b', 10_000)).toBe(true);
    expect(await s.tryLock('u/rl', 'write', 'c', 10_000)).toBe(false);
    expect(await s.unlock('u/rl', 'read', 'a')).toBe(true);
    expect(await s.tryLock('u/rl', 'write', 'c', 10_000)).toBe(false);
    expect(await s.unlock('u/rl', 'read', 'b')).toBe(true);
    expect(await s.tryLock('u/rl', 'write', 'c', 10_000)).toBe(true);
  });

  it('locks expire: after the ttl another owner gets it and the old owner cannot release', async () => {
    const s = make();
    expect(await s.tryLock('u/x', 'write', 'a', 30)).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(await s.tryLock('u/x', 'write', 'b', 10_000)).toBe(true);
    expect(await s.unlock('u/x', 'write', 'a')).toBe(false);
  });

  it('delete removes the value, list and locks', async () => {
    const s = make();
    await s.set('u/d', bytes(1));
    await s.append('u/d', bytes(1));
    await s.tryLock('u/d', 'write', 'a', 10_000);
    await s.delete('u/d');
    expect(await s.size('u/d')).toBe(0);
    expect(await s.readAppended('u/d', 1)).toEqual([]);
    expect(await s.tryLock('u/d', 'write', 'b', 10_000)).toBe(true);
  });

  it('StateHost over it: sizes are fixed, unknown keys have no segment, the global unlock checks the owner', async () => {
    const host = new StateHost({ store: make() });
    expect(await host.open({ key: 'u/none', size: 0 })).toEqual({ key: 'u/none', size: 0 });
    const seg = await host.open({ key: 'u/h', size: 16 });
    expect(seg.size).toBe(16);
    await expect(host.open({ key: 'u/h', size: 8 })).rejects.toThrow(/has 16 bytes, not 8/);
    await expect(host.open({ key: 'u/h', size: -1 })).rejects.toThrow(/invalid size/);
    await host.store.set('u/g', bytes(1, 2, 3));
    await expect(host.open({ key: 'u/g', size: 4 })).rejects.toThrow(/has 3 bytes, not 4/);
    expect((await host.open({ key: 'u/g', size: 0 })).size).toBe(3);
    await host.lock({ key: 'u/h', mode: 'write', owner: 'me' });
    await expect(host.unlock({ key: 'u/h', mode: 'write', owner: 'someone else' })).rejects.toThrow(/not held by this Faaslet/);
    await host.unlock({ key: 'u/h', mode: 'write', owner: 'me' });
    await expect(host.pull({ key: 'u/never-opened', force: true, offset: 0, length: 1 })).rejects.toThrow(/not open on this host/);
  });
});

describe('RedisStore without a server', () => {
  it('fails clearly instead of hanging', async () => {
    const s = new RedisStore({ redis: { port: 1, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true } });
    await expect(s.size('u/k')).rejects.toThrow();
    await s.close().catch(() => {});
  });
});
