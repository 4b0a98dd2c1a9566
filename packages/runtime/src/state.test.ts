// State through the real runtime: the host replica on the main thread, Faaslets in
// pool workers. C guests from @faasm/state's fixtures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';
import { demoFunctions } from './test-guests.js';
// A private redis-server on a free loopback port; the Redis tests are skipped (with a
// message) only outside CI when redis-server is missing.
// @ts-expect-error test support is plain JavaScript
import { redisAvailable, startRedis } from '../../state/test/support/redis.mjs';

const names = ['state_async', 'state_shared_write', 'state_shared_read', 'state_incr', 'state_size', 'state_file'];

describe('state through the runtime (in-process global tier)', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await createRuntime({
      workers: 2,
      stdout: 'capture',
      functions: demoFunctions('state', names),
    });
  });
  afterAll(() => runtime.close());

  it('a pushed value is read by a chained call', async () => {
    const result = await runtime.invoke('demo/state_async');
    expect(result.error).toBeUndefined();
    expect(result.output.toString()).toBe('equal');
  });

  it('writes through a mapped pointer are seen by the next function without a push', async () => {
    expect((await runtime.invoke('demo/state_shared_write')).output.toString()).toBe('success');
    expect((await runtime.invoke('demo/state_shared_read')).output.toString()).toBe('success');
  });

  it('locked increments from concurrent Faaslets are never lost', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => runtime.invoke('demo/state_incr', { input: '250' })));
    for (const r of results) expect(r.returnValue).toBe(0);
    const last = Math.max(...results.map((r) => Number(r.output.toString())));
    expect(last).toBe(1000);
  });
});


describe('write_state_from_file inside the sandbox', () => {
  it('reads guest paths through the preopens, never host paths outside them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faasm-runtime-state-'));
    writeFileSync(join(dir, 'state.txt'), 'This is some state from a file\n');
    const runtime = await createRuntime({
      workers: 1,
      stdout: 'capture',
      functions: demoFunctions('state', ['state_file']),
      packageOptions: { '@faasm/wasi': { preopens: [{ host: dir, guest: '/data' }] } },
    });
    try {
      expect((await runtime.invoke('demo/state_file', { input: '/data/state.txt' })).output.toString()).toBe('success');
      // The same file by its host path is outside every preopen.
      const escaped = await runtime.invoke('demo/state_file', { input: join(dir, 'state.txt') });
      expect(escaped.returnValue).toBe(1);
      expect(escaped.error).toMatch(/__faasm_write_state_from_file/);
      const traversal = await runtime.invoke('demo/state_file', { input: '/data/../../../etc/shadow' });
      expect(traversal.returnValue).toBe(1);
    } finally {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(redisAvailable())('state through the runtime (Redis global tier)', () => {
  let redis: { port: number; stop(): Promise<void> };
  const runtimes: Runtime[] = [];
  const open = async () => {
    const runtime = await createRuntime({
      workers: 2,
      stdout: 'capture',
      state: { redis: `redis://127.0.0.1:${redis.port}`, prefix: 'runtime-test:' },
      functions: demoFunctions('state', names),
    });
    runtimes.push(runtime);
    return runtime;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const r of runtimes) await r.close();
    await redis.stop();
  });

  it('runs the state guests on Redis', async () => {
    const runtime = await open();
    expect((await runtime.invoke('demo/state_async')).output.toString()).toBe('equal');
  });

  it('two runtimes (two hosts) sharing one Redis never lose a locked increment', async () => {
    const [a, b] = [await open(), await open()];
    const results = await Promise.all([a, b, a, b].map((rt) => rt.invoke('demo/state_incr', { input: '100' })));
    for (const r of results) expect(r.error).toBeUndefined();
    expect(Math.max(...results.map((r) => Number(r.output.toString())))).toBe(400);
  });
});
