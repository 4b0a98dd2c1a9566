import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessStore, type StateStore } from './index.js';
import { nativeSyscalls } from '@faasm/native';
import { RedisStore } from './redis-store.js';
// @ts-expect-error test support is plain JavaScript
import { TestPlane } from '../test/support/plane.mjs';
// @ts-expect-error test support is plain JavaScript
import { redisAvailable, startRedis } from '../test/support/redis.mjs';

interface Run {
  returnValue: number;
  text: string;
  error?: string;
}
interface Plane {
  state: { store: StateStore };
  run(name: string, input?: string): Promise<Run>;
  close(): Promise<void>;
}

const hasRedis: boolean = redisAvailable();
let redis: { port: number; stop(): Promise<void> } | undefined;
const stores: StateStore[] = [];
let prefixCount = 0;

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await redis?.stop();
});

function redisStore(prefix: string): StateStore {
  const store = new RedisStore({ prefix, redis: { port: redis!.port, host: '127.0.0.1' } });
  stores.push(store);
  return store;
}

// In-process: the host's own store (host locks only). Redis: global locks too, reached
// from each Faaslet's worker (the worker-direct client, when @faasm/native is built)
// or only through the host's RedisStore on the main thread.
const backends: [string, () => StateStore | undefined, boolean][] = [['in-process', () => undefined, true]];
if (hasRedis) {
  backends.push(['redis', () => redisStore(`t${prefixCount++}:`), true]);
  backends.push(['redis through the host only', () => redisStore(`t${prefixCount++}:`), false]);
}

describe.each(backends)('C state guests, global tier %s', (_name, makeStore, direct) => {
  // One warm worker pool per backend; every test uses its own keys.
  let shared: Plane;
  beforeAll(() => {
    shared = new TestPlane({ store: makeStore(), direct }) as Plane;
  });
  afterAll(() => shared.close());
  const plane = () => shared;

  it('state_async: the chained reader sees {3,2,1,0}: "equal"', async () => {
    const p = plane();
    expect(await p.run('state_async')).toMatchObject({ returnValue: 0, text: 'equal' });
    expect(await p.state.store.get('demo/state_async')).toEqual(new Uint8Array([3, 2, 1, 0]));
  });

  it('state_offset: {5,5,6,6,4,5,6} from offset writes and a partial push: "success"', async () => {
    const p = plane();
    expect(await p.run('state_offset')).toMatchObject({ returnValue: 0, text: 'success' });
    expect(await p.state.store.get('demo/state_offset')).toEqual(new Uint8Array([5, 5, 6, 6, 4, 5, 6]));
  });

  it('state_size: 0 then 4', async () => {
    expect((await plane().run('state_size')).text).toBe('0 then 4');
  });

  it('state_append: two chained appenders', async () => {
    expect(await plane().run('state_append')).toMatchObject({ returnValue: 0, text: 'success' });
  });

  it('state_file: a file becomes a pushed value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasm-state-'));
    try {
      const path = join(dir, 'state.txt');
      writeFileSync(path, 'This is some state from a file\n');
      const p = plane();
      expect(await p.run('state_file', path)).toMatchObject({ returnValue: 0, text: 'success' });
      expect(new TextDecoder().decode(await p.state.store.get('demo/state_file'))).toBe('This is some state from a file\n');
      const missing = await p.run('state_file', join(dir, 'absent'));
      expect(missing.error).toMatch(/__faasm_write_state_from_file: cannot read '.*absent'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shared pointers: writes through the pointer are seen by the next function without a push', async () => {
    const p = plane();
    expect(await p.run('state_shared_write')).toMatchObject({ returnValue: 0, text: 'success' });
    expect(await p.run('state_shared_read')).toMatchObject({ returnValue: 0, text: 'success' });
    // Never pushed: the global tier does not have it.
    expect(await p.state.store.size('demo/shared')).toBe(0);
  });

  it('pi by chained steps with appended state', async () => {
    const r = await plane().run('pi');
    expect(r.returnValue).toBe(0);
    expect(r.text).toMatch(/^pi=3\.1[3-5]\d\d$/);
  });

  it('8 Faaslets x 1,000 locked increments end at exactly 8,000', async () => {
    const p = plane();
    const runs = await Promise.all(Array.from({ length: 8 }, () => p.run('state_incr', '1000')));
    expect(runs.map((r) => r.returnValue)).toEqual(Array(8).fill(0));
    expect(Math.max(...runs.map((r) => Number(r.text)))).toBe(8000);
    const value = await p.state.store.get('demo/counter');
    expect(new DataView(value!.buffer).getInt32(0, true)).toBe(8000);
  });

  it.each([
    ['missing', /__faasm_push_state: state 'demo\/nope' does not exist/],
    ['mismatch', /__faasm_write_state: state 'demo\/bad_m' has 4 bytes, not 8/],
    ['past', /__faasm_write_state_offset: state 'demo\/bad_p': range \[6, 10\) is outside its 8 bytes/],
    ['small', /__faasm_read_state: state 'demo\/bad_s' has 16 bytes: buffer of 8 is too small/],
    ['unlock', /'demo\/bad_u' is not write-locked by this Faaslet/],
    ['relock', /'demo\/bad_r' is already write-locked by this Faaslet/],
    ['append_short', /__faasm_read_appended_state: state 'demo\/bad_a' has 1 appended elements, 3 asked for/],
    ['negative', /range \[-4, 0\) is outside/],
    ['wild', /__faasm_write_state: out-of-bounds guest access/],
  ])('bad input %s traps with a clear error', async (input, message) => {
    const r = await plane().run('state_bad', input);
    expect(r.returnValue).toBe(1);
    expect(r.text).toBe('not trapped');
    expect(r.error).toMatch(message);
  });
});

describe.runIf(hasRedis)('where Faaslets reach Redis from', () => {
  const connectionsReceived = async (store: RedisStore) => Number(/total_connections_received:(\d+)/.exec(await store.client.info('stats'))![1]);

  // With @faasm/native, a call that reaches the global tier opens its own connection
  // (closed after the call); through the host, only the RedisStore's one connection.
  it.each([
    ['from their own worker', true],
    ['through the host only', false],
  ])('%s', async (_name, direct) => {
    const store = redisStore(`where${prefixCount++}:`) as RedisStore;
    const plane = new TestPlane({ store, direct }) as Plane;
    try {
      await store.size('warm-up');
      const before = await connectionsReceived(store);
      expect(await plane.run('state_async')).toMatchObject({ returnValue: 0, text: 'equal' });
      const opened = (await connectionsReceived(store)) - before;
      if (direct && nativeSyscalls()) expect(opened).toBeGreaterThanOrEqual(1);
      else expect(opened).toBe(0);
    } finally {
      await plane.close();
    }
  });
});

async function twoHosts(a: Plane, b: Plane): Promise<number> {
  try {
    const runs = await Promise.all([a, b, a, b, a, b, a, b].map((p) => p.run('state_incr', '1000')));
    expect(runs.map((r) => r.error ?? r.returnValue)).toEqual(Array(8).fill(0));
    const value = await a.state.store.get('demo/counter');
    return new DataView(value!.buffer).getInt32(0, true);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

describe('two hosts sharing one global tier: lock_state_write on both hosts excludes both', () => {
  it('in-process store shared by two StateHosts: 2 hosts x 4 Faaslets x 1,000 increments = 8,000', async () => {
    const store = new InProcessStore();
    expect(await twoHosts(new TestPlane({ store }) as Plane, new TestPlane({ store }) as Plane)).toBe(8000);
  });

  // This host's Faaslets use the worker-direct client (when @faasm/native is built); the
  // other process has it switched off (FAASM_NATIVE=off) and goes through ioredis on its
  // main thread: both clients share values and locks on one server.
  it.runIf(hasRedis)('one Redis, two host processes: 2 x 4 Faaslets x 1,000 increments = 8,000', async () => {
    const prefix = `twoprocs${Date.now()}:`;
    const store = redisStore(prefix);
    const plane = new TestPlane({ store }) as Plane;
    const script = fileURLToPath(new URL('../test/support/host-process.mjs', import.meta.url));
    const other = new Promise<string>((resolve, reject) => {
      const env = { ...process.env, FAASM_NATIVE: 'off' };
      execFile(process.execPath, ['--no-warnings', script, String(redis!.port), prefix, '4', '1000'], { timeout: 50_000, env }, (error, stdout) =>
        error ? reject(error) : resolve(stdout.trim().split('\n').at(-1) ?? ''),
      );
    });
    try {
      const [mine, theirs] = await Promise.all([Promise.all(Array.from({ length: 4 }, () => plane.run('state_incr', '1000'))), other]);
      expect(mine.map((r) => r.error ?? r.returnValue)).toEqual([0, 0, 0, 0]);
      expect(JSON.parse(theirs)).toEqual({ ok: true });
    } finally {
      await plane.close();
    }
    const value = await store.get('demo/counter');
    expect(new DataView(value!.buffer).getInt32(0, true)).toBe(8000);
  });
});
