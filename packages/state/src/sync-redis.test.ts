import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeSyscalls, nativeUnavailableReason } from '@faasm/native';
import { InProcessStore, StateHost } from './index.js';
import { RedisStore } from './redis-store.js';
import { ReplyError, SyncRedis, SyncRedisTier } from './sync-redis.js';
// @ts-expect-error test support is plain JavaScript
import { redisAvailable, startRedis } from '../test/support/redis.mjs';

// The worker's synchronous Redis client needs @faasm/native (built by `npm ci`; CI
// fails its build rather than run without it).
const sys = nativeSyscalls();
if (!sys) process.stderr.write(`[@faasm/state] @faasm/native unavailable (${nativeUnavailableReason()}): skipping the worker-direct Redis client tests\n`);
const hasRedis: boolean = redisAvailable();
let redis: { port: number; stop(): Promise<void> } | undefined;
const stores: RedisStore[] = [];
const tiers: SyncRedisTier[] = [];
let n = 0;

beforeAll(async () => {
  if (hasRedis && sys) redis = await startRedis();
});
afterAll(async () => {
  for (const t of tiers) t.close();
  for (const s of stores) await s.close();
  await redis?.stop();
});

/** A RedisStore and a worker-direct client on the same server and prefix. */
function pair(): { store: RedisStore; tier: SyncRedisTier } {
  const store = new RedisStore({ prefix: `sync${n++}:`, redis: { port: redis!.port, host: '127.0.0.1' } });
  stores.push(store);
  const access = store.directAccess();
  expect(access).toBeDefined();
  const tier = SyncRedisTier.connect(sys!, access!, 10_000);
  tiers.push(tier);
  return { store, tier };
}

const bytes = (...b: number[]) => new Uint8Array(b);
const pattern = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
/** Byte equality for large arrays (toEqual walks them element by element: seconds for 300 KB). */
const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) => expect(a && a.length === b.length && Buffer.compare(a, b) === 0).toBe(true);

describe.runIf(hasRedis && sys)('worker-direct Redis client', () => {
  it('shares values with RedisStore both ways (binary, larger than its buffers)', async () => {
    const { store, tier } = pair();
    const big = pattern(300_000);
    tier.set('u/big', big);
    sameBytes(await store.get('u/big'), big);
    await store.set('u/other', bytes(0, 255, 13, 10));
    expect(tier.get('u/other')).toEqual(bytes(0, 255, 13, 10));
    expect(tier.size('u/big')).toBe(300_000);
    expect(tier.getRange('u/big', 299_990, 100)).toEqual(big.subarray(299_990));
    expect(tier.get('u/none')).toBeUndefined();
    tier.setRanges('u/r', 6, [{ offset: 2, data: bytes(9, 9) }]);
    expect(await store.get('u/r')).toEqual(bytes(0, 0, 9, 9, 0, 0));
  });

  it('getInto reads straight into a (shared) buffer: at most its length, the value length back, -1 when missing', async () => {
    const { store, tier } = pair();
    const value = pattern(200_000);
    await store.set('u/v', value);
    const whole = new Uint8Array(new SharedArrayBuffer(200_000));
    expect(tier.getInto('u/v', whole)).toBe(200_000);
    sameBytes(whole, value);
    const part = new Uint8Array(10);
    expect(tier.getInto('u/v', part)).toBe(200_000);
    expect(part).toEqual(value.subarray(0, 10));
    // The rest of that reply was drained: the connection is still in step.
    expect(tier.size('u/v')).toBe(200_000);
    expect(tier.getInto('u/none', part)).toBe(-1);
    const dest = new Uint8Array(4);
    expect(tier.setRangesThenGetInto('u/w', 4, [{ offset: 1, data: bytes(5, 6) }], dest)).toBe(4);
    expect(dest).toEqual(bytes(0, 5, 6, 0));
  });

  it('appended lists interleave with RedisStore appends', async () => {
    const { store, tier } = pair();
    tier.append('u/a', bytes(1));
    await store.append('u/a', bytes(2, 2));
    tier.append('u/a', pattern(100_000));
    const elements = await store.readAppended('u/a', 10);
    expect(elements.map((e) => e.length)).toEqual([1, 2, 100_000]);
    expect(tier.readAppended('u/a', 2)).toEqual([bytes(1), bytes(2, 2)]);
    sameBytes(tier.readAppended('u/a', 10)[2], pattern(100_000));
    tier.clearAppended('u/a');
    expect(await store.readAppended('u/a', 10)).toEqual([]);
  });

  it('long array replies: lines split across reads, the buffer compacted', async () => {
    const { store, tier } = pair();
    const count = 20_000;
    const pipeline = store.client.pipeline();
    for (let i = 0; i < count; i++) pipeline.rpush('sync-long', `element-${i}`);
    await pipeline.exec();
    await store.client.rename('sync-long', `${store.directAccess()!.prefix}append:u/long`);
    const elements = tier.readAppended('u/long', count);
    expect(elements).toHaveLength(count);
    const decoder = new TextDecoder();
    expect(elements.every((e, i) => decoder.decode(e) === `element-${i}`)).toBe(true);
    expect(tier.size('u/long')).toBe(0);
  });

  it('locks: one owner token space with RedisStore, owners checked on release', async () => {
    const { store, tier } = pair();
    expect(await store.tryLock('u/l', 'write', 'host-a', 10_000)).toBe(true);
    expect(tier.tryLock('u/l', 'write', 'worker-b', 10_000)).toBe(false);
    expect(tier.tryLock('u/l', 'read', 'worker-b', 10_000)).toBe(false);
    expect(tier.unlock('u/l', 'write', 'worker-b')).toBe(false);
    expect(tier.unlock('u/l', 'write', 'host-a')).toBe(true);
    expect(tier.tryLock('u/l', 'read', 'worker-b', 10_000)).toBe(true);
    expect(await store.tryLock('u/l', 'write', 'host-a', 10_000)).toBe(false);
    expect(tier.unlock('u/l', 'read', 'worker-b')).toBe(true);
    expect(await store.tryLock('u/l', 'write', 'host-a', 10_000)).toBe(true);
    tier.delete('u/l');
    expect(await store.tryLock('u/l', 'write', 'c', 10_000)).toBe(true);
  });

  it('loads its scripts again when the server forgot them (NOSCRIPT → EVAL)', async () => {
    const { store, tier } = pair();
    await store.client.script('FLUSH');
    expect(tier.tryLock('u/s', 'write', 'me', 10_000)).toBe(true);
    await store.client.script('FLUSH');
    expect(tier.unlock('u/s', 'write', 'me')).toBe(true);
    await store.client.script('FLUSH');
    const dest = new Uint8Array(3);
    expect(tier.setRangesThenGetInto('u/s2', 3, [{ offset: 2, data: bytes(7) }], dest)).toBe(3);
    expect(dest).toEqual(bytes(0, 0, 7));
  });

  it('RESP: pipelines, integers, nil, arrays, error replies, UTF-8 keys', () => {
    const r = SyncRedis.connect(sys!, '127.0.0.1', redis!.port, 10_000);
    try {
      r.command(['DEL', 'ключ:x', 'list:x']);
      r.command(['SET', 'ключ:x', 'значение']);
      r.command(['GET', 'ключ:x']);
      r.command(['GET', 'nothing:x']);
      r.command(['RPUSH', 'list:x', 'a', bytes(0, 1)]);
      r.command(['LRANGE', 'list:x', 0, -1]);
      r.command(['INCR', 'ключ:x']);
      r.command(['NOSUCHCOMMAND']);
      expect(typeof r.reply()).toBe('number');
      expect(r.reply()).toBe('OK');
      expect(new TextDecoder().decode(r.reply() as Uint8Array)).toBe('значение');
      expect(r.reply()).toBeNull();
      expect(r.reply()).toBe(2);
      expect(r.reply()).toEqual([new TextEncoder().encode('a'), bytes(0, 1)]);
      expect(r.reply()).toBeInstanceOf(ReplyError);
      const unknown = r.reply();
      expect(unknown).toBeInstanceOf(ReplyError);
      expect((unknown as ReplyError).message).toMatch(/unknown command/i);
      r.command(['PING']);
      expect(r.reply()).toBe('PONG');
    } finally {
      r.close();
    }
  });

  it('usable(): an idle connection is; one killed by the server, with a reply left unread or a command unsent is not', () => {
    const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const r = SyncRedis.connect(sys!, '127.0.0.1', redis!.port, 10_000);
    const killer = SyncRedis.connect(sys!, '127.0.0.1', redis!.port, 10_000);
    try {
      expect(r.usable()).toBe(true);
      r.command(['CLIENT', 'ID']);
      const id = r.reply() as number;
      expect(r.usable()).toBe(true);
      // Queued, not sent: not idle.
      r.command(['PING']);
      expect(r.usable()).toBe(false);
      expect(r.reply()).toBe('PONG');
      expect(r.usable()).toBe(true);
      // A reply nobody read (sent by flush, never read): out of step.
      r.command(['PING']);
      r.flush();
      let usable = true;
      for (let i = 0; i < 100 && usable; i++, sleep(10)) usable = r.usable();
      expect(usable).toBe(false);
      expect(r.reply()).toBe('PONG');
      expect(r.usable()).toBe(true);
      // Killed by the server (idle timeout, restart, CLIENT KILL): hung up.
      killer.command(['CLIENT', 'KILL', 'ID', id]);
      expect(killer.reply()).toBe(1);
      usable = true;
      for (let i = 0; i < 100 && usable; i++, sleep(10)) usable = r.usable();
      expect(usable).toBe(false);
      expect(r.closed).toBe(false);
      r.close();
      expect(r.usable()).toBe(false);
    } finally {
      r.close();
      killer.close();
    }
  });

  it('a connection the server closed fails clearly, and stays failed', () => {
    const r = SyncRedis.connect(sys!, '127.0.0.1', redis!.port, 10_000);
    r.command(['QUIT']);
    expect(r.reply()).toBe('OK');
    r.command(['PING']);
    expect(() => r.reply()).toThrow(/closed by the server|write failed|read failed/);
    expect(r.closed).toBe(true);
    expect(() => r.command(['PING'])).toThrow(/redis 127\.0\.0\.1/);
  });
});

describe.runIf(sys)('worker-direct Redis client without a server', () => {
  let silent: Server;
  let silentPort = 0;
  beforeAll(async () => {
    // Accepts (the kernel completes the handshake) and never answers.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => silent.close(() => resolve())));

  it('a refused connection throws', () => {
    expect(() => SyncRedis.connect(sys!, '127.0.0.1', 1, 1000)).toThrow(/connect failed/);
  });

  it('a server that never answers times out instead of hanging', () => {
    const r = SyncRedis.connect(sys!, '127.0.0.1', silentPort, 100);
    r.command(['PING']);
    expect(() => r.reply()).toThrow(/read timed out/);
    expect(r.closed).toBe(true);
  });
});

describe('who may use the direct path', () => {
  it('only a store that offers one, and only when the host allows it', () => {
    expect(new StateHost().directAccess()).toBeNull();
    expect(new StateHost({ store: new InProcessStore() }).directAccess()).toBeNull();
    const local = new RedisStore({ prefix: 'p:', redis: { host: 'localhost', port: 7, db: 3, password: 'pw', keyPrefix: 'app:', lazyConnect: true } });
    expect(new StateHost({ store: local, lockTtlMs: 500 }).directAccess()).toEqual({ host: '127.0.0.1', port: 7, prefix: 'app:p:', db: 3, password: 'pw', lockTtlMs: 500 });
    expect(new StateHost({ store: local, direct: false }).directAccess()).toBeNull();
    // A host name the worker's socket cannot resolve: the main thread's client only.
    const named = new RedisStore({ redis: { host: 'redis.internal', port: 6379, lazyConnect: true } });
    expect(named.directAccess()).toBeUndefined();
    void local.close().catch(() => {});
    void named.close().catch(() => {});
  });
});
