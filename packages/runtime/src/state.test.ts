// State through the real runtime: the host replica on the main thread, Faaslets in
// pool workers. C guests from @faasm/state's fixtures.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeSyscalls } from '@faasm/native';
import { parse } from '@bytecodealliance/jco';
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

/** One plain RESP connection for looking at the server (INFO, CLIENT LIST/KILL) from the test. */
class Probe {
  #socket: Socket;
  #buffered = '';
  #waiting: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffered += chunk;
      this.#waiting?.();
    });
  }

  static open(port: number): Promise<Probe> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new Probe(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one command; resolves with its reply (a status, an integer, or a bulk string's text). */
  async command(...args: string[]): Promise<string> {
    this.#buffered = '';
    this.#socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
    for (;;) {
      const reply = this.#complete();
      if (reply !== undefined) return reply;
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
  }

  #complete(): string | undefined {
    const text = this.#buffered;
    const end = text.indexOf('\r\n');
    if (end < 0) return undefined;
    if (text[0] === '-') throw new Error(text.slice(1, end));
    if (text[0] !== '$') return text.slice(1, end);
    const length = Number(text.slice(1, end));
    const body = Buffer.from(text.slice(end + 2));
    return body.length >= length + 2 ? body.subarray(0, length).toString() : undefined;
  }

  /** INFO's total_connections_received: every connection the server ever accepted. */
  async connectionsReceived(): Promise<number> {
    return Number(/total_connections_received:(\d+)/.exec(await this.command('INFO', 'stats'))![1]);
  }

  /** Clients connected now (this probe included). */
  async clients(): Promise<number> {
    return (await this.command('CLIENT', 'LIST')).split('\n').filter((line) => line.startsWith('id=')).length;
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** A loop bounded at 2^40 iterations (hours): it never ends on its own within a test. */
const spinGuest = () =>
  parse(`(module (memory (export "memory") 1)
    (func (export "_start") (local $i i64)
      (loop $l (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br_if $l (i64.lt_u (local.get $i) (i64.const 1099511627776))))))`);

/** Open fds of this process. */
const openFds = () => readdirSync('/proc/self/fd').length;

// Worker-direct Redis needs @faasm/native (FAASM_NATIVE=off runs have no direct path).
describe.runIf(redisAvailable() && nativeSyscalls() && process.platform === 'linux')('a Faaslet keeps its Redis connection across calls', () => {
  let redis: { port: number; stop(): Promise<void> };
  let probe: Probe;
  const runtimes: Runtime[] = [];
  const open = async (workers = 1) => {
    const runtime = await createRuntime({
      workers,
      stdout: 'capture',
      state: { redis: `redis://127.0.0.1:${redis.port}`, prefix: 'keep-test:' },
      functions: demoFunctions('state', ['state_bench']),
    });
    runtimes.push(runtime);
    return runtime;
  };
  // One small push through the worker's own connection (state_bench: write, push, read, then one more push).
  const push = async (runtime: Runtime) => {
    const result = await runtime.invoke('demo/state_bench', { input: 'push 64 1' });
    expect(result.error).toBeUndefined();
    expect(result.returnValue).toBe(0);
  };
  /** Waits (up to ~2 s) until the server counts `expected` clients: it notices closes asynchronously. */
  const clientsSettle = async (expected: number) => {
    let clients = await probe.clients();
    for (let i = 0; i < 100 && clients !== expected; i++) {
      await new Promise((r) => setTimeout(r, 20));
      clients = await probe.clients();
    }
    return clients;
  };

  beforeAll(async () => {
    redis = await startRedis();
    probe = await Probe.open(redis.port);
  });
  afterAll(async () => {
    for (const r of runtimes) await r.close();
    probe.close();
    await redis.stop();
  });

  it('calls of one warm Faaslet share one connection', async () => {
    const runtime = await open();
    await push(runtime);
    const after = await probe.connectionsReceived();
    for (let i = 0; i < 5; i++) await push(runtime);
    expect(await probe.connectionsReceived()).toBe(after);
    await runtime.close();
  });

  it('a connection the server killed between calls is replaced before use: the next call succeeds', async () => {
    const runtime = await open();
    await push(runtime);
    // Every client but the probe: the worker's connection and the host's (ioredis reconnects by itself).
    expect(Number(await probe.command('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'))).toBeGreaterThanOrEqual(2);
    const before = await probe.connectionsReceived();
    await push(runtime);
    expect(await probe.connectionsReceived()).toBeGreaterThan(before);
    // Kept again from then on.
    const after = await probe.connectionsReceived();
    await push(runtime);
    await push(runtime);
    expect(await probe.connectionsReceived()).toBe(after);
    await runtime.close();
  });

  it('close() disposes the Faaslets: their connections and fds are gone, run after run', async () => {
    const cycle = async () => {
      const runtime = await open(2);
      await Promise.all([push(runtime), push(runtime), push(runtime)]);
      expect(await probe.clients()).toBeGreaterThan(1);
      await runtime.close();
      // Only the probe is left: the workers' connections and the host's store are closed.
      expect(await clientsSettle(1)).toBe(1);
    };
    // The first run loads what stays loaded (the native module, compiled guests): the baseline is after it.
    await cycle();
    const baseline = openFds();
    for (let i = 0; i < 3; i++) await cycle();
    expect(openFds()).toBe(baseline);
  });

  it("a worker replaced after a call timeout: its warm Faaslets' connections are closed by the pool", async () => {
    const runtime = await open(1);
    await push(runtime);
    const withWorker = await probe.clients();
    // The same worker then runs a guest that outlives its timeout: it is terminated, never disposing its Faaslets.
    await expect(runtime.invoke(await spinGuest(), { timeoutMs: 300 })).rejects.toThrow('call timed out after 300 ms');
    expect(await clientsSettle(withWorker - 1)).toBe(withWorker - 1);
    await push(runtime);
    await runtime.close();
    expect(await clientsSettle(1)).toBe(1);
  });

  it('close() does not hang on a worker stuck in a guest: the call fails, the others are disposed', async () => {
    const runtime = await open(2);
    const spin = await spinGuest();
    // One worker spins; the other keeps a Faaslet with a connection.
    const stuck = runtime.invoke(spin);
    stuck.catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    await push(runtime);
    expect(await probe.clients()).toBeGreaterThan(2);
    await runtime.close();
    await expect(stuck).rejects.toThrow();
    expect(await clientsSettle(1)).toBe(1);
  });
});
