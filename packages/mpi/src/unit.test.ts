import { GuestMemory, GuestTrap, ProcExit, SPEC_IMPORTS, compose, createHost, attachInstance, lifecycleOf, type ImportObject } from '@faasm/abi';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { MpiErr } from './errors.js';
import { table } from './imports.js';
import { MPI_WORLD, link, manifest } from './index.js';
import { OpId, PREDEFINED, TypeId } from './layout.js';
import { opDefined, predefinedCombine } from './reduce.js';
import { ShmTransport, ShmWorld, defaultRingBytes } from './shm.js';
import { MpiState, bindRank, unbindRank } from './state.js';
import { nativeSyscalls } from '@faasm/native';
import { GUESTS, WASI_STUB, runGuest } from './test-helpers.js';
import * as stub from '../test/wasi-stub.mjs';

describe('import table', () => {
  it('provides exactly the MPI rows of imports.tsv with their signatures', () => {
    const spec = SPEC_IMPORTS.filter((r) => r.package === '@faasm/mpi');
    expect(spec).toHaveLength(55);
    expect(Object.keys(table.modules.env!).sort()).toEqual(spec.map((r) => r.name).sort());
    for (const r of spec) {
      const row = table.modules.env![r.name]!;
      expect([r.name, row.params, row.result]).toEqual([r.name, r.params, r.result]);
    }
    expect(manifest.package).toBe('@faasm/mpi');
  });

  it('never crashes the host on garbage arguments before MPI_Init', () => {
    const host = createHost({ log: { debug: () => {}, warn: () => {} } });
    host.memory.attach(new WebAssembly.Memory({ initial: 1 }));
    const imports: ImportObject = {};
    link(imports, host, { errors: 'return' });
    for (const [name, f] of Object.entries(imports.env!)) {
      const row = table.modules.env![name]!;
      const args = row.params.map(() => 0xfffffff0 | 0);
      try {
        const result = (f as (...a: number[]) => unknown)(...args);
        expect(typeof result, name).toBe('number');
        if (name !== 'MPI_Wtime' && name !== 'MPI_Comm_f2c') expect(result, name).not.toBe(0);
      } catch (e) {
        expect(e instanceof GuestTrap || e instanceof ProcExit, `${name}: ${String(e)}`).toBe(true);
      }
    }
  });
});

describe('reduction ops (MPI 4.x §6.9.2)', () => {
  it('defines each op on the standard groups only', () => {
    const kindOf = (id: number) => PREDEFINED.get(id)!.kind;
    expect(opDefined(OpId.SUM, kindOf(TypeId.DOUBLE))).toBe(true);
    expect(opDefined(OpId.LAND, kindOf(TypeId.DOUBLE))).toBe(false);
    expect(opDefined(OpId.BAND, kindOf(TypeId.BYTE))).toBe(true);
    expect(opDefined(OpId.SUM, kindOf(TypeId.BYTE))).toBe(false);
    expect(opDefined(OpId.LOR, kindOf(TypeId.C_BOOL))).toBe(true);
    expect(opDefined(OpId.MAX, kindOf(TypeId.C_BOOL))).toBe(false);
    for (let op = OpId.MAX; op <= OpId.MINLOC; op++) expect(opDefined(op, kindOf(TypeId.CHAR))).toBe(false);
    expect(opDefined(OpId.MAXLOC, kindOf(TypeId.DOUBLE_INT))).toBe(true);
    expect(opDefined(OpId.MAXLOC, kindOf(TypeId.INT))).toBe(false);
  });

  it('wraps integer arithmetic like C and works on unaligned bytes', () => {
    const prod = predefinedCombine(OpId.PROD, 'i8')!;
    const a = Int8Array.of(100, -3);
    const b = Int8Array.of(3, 50);
    prod(new Uint8Array(a.buffer), new Uint8Array(b.buffer), 2);
    expect([...b]).toEqual([44, 106]); // 300 mod 256 = 44, -150 mod 256 = 106
    const sum = predefinedCombine(OpId.SUM, 'f64')!;
    const raw = new Uint8Array(17);
    const x = new Float64Array([1.5, 2.25]);
    raw.set(new Uint8Array(x.buffer), 1);
    const y = new Float64Array([10, 20]);
    sum(raw.subarray(1), new Uint8Array(y.buffer), 2);
    expect([...y]).toEqual([11.5, 22.25]);
    const big = predefinedCombine(OpId.SUM, 'u64')!;
    const p = BigUint64Array.of(2n ** 64n - 1n);
    const q = BigUint64Array.of(2n);
    big(new Uint8Array(p.buffer), new Uint8Array(q.buffer), 1);
    expect(q[0]).toBe(1n);
  });

  it('MAXLOC keeps the lower index on ties', () => {
    const maxloc = predefinedCombine(OpId.MAXLOC, 'double_int')!;
    const pair = (v: number, i: number) => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setFloat64(0, v, true);
      new DataView(b.buffer).setInt32(8, i, true);
      return b;
    };
    const b = pair(5, 7);
    maxloc(pair(5, 2), b, 1);
    expect(new DataView(b.buffer).getInt32(8, true)).toBe(2);
    maxloc(pair(4, 0), b, 1);
    expect(new DataView(b.buffer).getFloat64(0, true)).toBe(5);
  });
});

describe('shared-memory transport and engine', () => {
  function pair(ringBytes: number) {
    const world = ShmWorld.create(2, ringBytes);
    const control = { checkAbort: () => { if (world.aborted) throw new Error('aborted'); } };
    const mem = [new GuestMemory(new WebAssembly.Memory({ initial: 2 })), new GuestMemory(new WebAssembly.Memory({ initial: 2 }))];
    const engines = [0, 1].map((r) => new Engine(new ShmTransport(world, r), mem[r]!, control, 0));
    const pump = (done: () => boolean) => {
      for (let i = 0; i < 100_000 && !done(); i++) for (const e of engines) e.progress();
      expect(done()).toBe(true);
    };
    return { world, mem, engines, pump };
  }

  it('streams a message larger than the ring through it, wrapping around', () => {
    const { mem, engines, pump } = pair(1024);
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 255);
    mem[0]!.write(100, data);
    const r = engines[1]!.irecv(0, 0, 3, { guest: 200, len: 5000 }, 5000);
    const s = engines[0]!.isend(1, 0, 3, { guest: 100, len: 5000 });
    pump(() => r.done && s.done);
    expect(mem[1]!.copy(200, 5000)).toEqual(data);
    expect(r.status).toMatchObject({ source: 0, tag: 3, bytes: 5000, error: 0 });
  });

  it('matches by tag and ANY_TAG in send order, buffers unexpected messages, truncates', () => {
    const { engines, pump } = pair(4096);
    const [e0, e1] = engines as [Engine, Engine];
    e0.isend(1, 0, 1, { host: Uint8Array.of(1) });
    e0.isend(1, 0, 2, { host: Uint8Array.of(2) });
    e0.isend(1, 0, 1, { host: Uint8Array.of(3, 3, 3) });
    pump(() => e0.idle);
    const byTag = e1.irecv(0, 0, 2, { host: new Uint8Array(1) }, 1);
    pump(() => byTag.done);
    expect(byTag.status.tag).toBe(2);
    const any = e1.irecv(-1, 0, -1, undefined, -1);
    pump(() => any.done);
    expect([...any.result!]).toEqual([1]);
    const short = e1.irecv(0, 0, 1, { host: new Uint8Array(2) }, 2);
    pump(() => short.done);
    expect(short.status).toMatchObject({ bytes: 2, error: MpiErr.TRUNCATE });
    const probeCtx = e1.irecv(0, 9, -1, undefined, -1);
    e0.isend(1, 8, 0, { host: Uint8Array.of(8) });
    e0.isend(1, 9, 0, { host: Uint8Array.of(9) });
    pump(() => probeCtx.done);
    expect([...probeCtx.result!]).toEqual([9]); // contexts never cross
  });

  it('takes eager messages from the ring head only when nothing earlier matches (order, tags, truncation)', () => {
    const { engines, pump } = pair(4096);
    const [e0, e1] = engines as [Engine, Engine];
    for (const [tag, byte] of [[1, 1], [2, 2], [1, 3], [1, 4]] as const) expect(e0.sendHost(1, 0, tag, Uint8Array.of(byte)).done).toBe(true);
    const into = new Uint8Array(1);
    // The head (tag 1) is not ours: the general path buffers it and matches tag 2.
    expect(e1.recvHost(0, 0, 2, into)).toMatchObject({ source: 0, tag: 2, bytes: 1, error: 0 });
    expect(into[0]).toBe(2);
    // The buffered tag-1 message came first: it must be delivered before the ring's.
    expect(e1.recvHost(0, 0, 1, into)).toMatchObject({ tag: 1, bytes: 1 });
    expect(into[0]).toBe(1);
    expect(e1.recvHost(-1, 0, -1, into)).toMatchObject({ source: 0, tag: 1, bytes: 1 });
    expect(into[0]).toBe(3);
    // Longer than the buffer: MPI_ERR_TRUNCATE, the first bytes delivered.
    e0.sendHost(1, 0, 5, Uint8Array.of(7, 8, 9));
    expect(e1.recvHost(0, 0, -1, into)).toMatchObject({ tag: 1, bytes: 1, error: 0 });
    expect(into[0]).toBe(4);
    const two = new Uint8Array(2);
    expect(e1.recvHost(0, 0, 5, two)).toMatchObject({ tag: 5, bytes: 2, error: MpiErr.TRUNCATE });
    expect([...two]).toEqual([7, 8]);
    // A posted receive has the first claim on the next message.
    const posted = e1.irecv(0, 0, -1, { host: new Uint8Array(1) }, 1);
    e0.sendHost(1, 0, 6, Uint8Array.of(6));
    e0.sendHost(1, 0, 6, Uint8Array.of(16));
    expect(e1.recvHost(0, 0, 6, into)).toMatchObject({ tag: 6 });
    pump(() => posted.done);
    expect([posted.status.tag, into[0]]).toEqual([6, 16]);
  });

  it('keeps a long unexpected queue in order while receives take from its middle and front', () => {
    const { engines, pump } = pair(16384);
    const [e0, e1] = engines as [Engine, Engine];
    for (let i = 0; i < 400; i++) e0.sendHost(1, 0, 1 + (i % 2), Uint8Array.of(i & 255, i >> 8));
    pump(() => (e1.progress(), e0.idle));
    const into = new Uint8Array(2);
    const value = () => into[0]! | (into[1]! << 8);
    const evens: number[] = [];
    const odds: number[] = [];
    for (let i = 0; i < 150; i++) evens.push((e1.recvHost(0, 0, 1, into), value()));
    for (let i = 0; i < 200; i++) odds.push((e1.recvHost(0, 0, 2, into), value()));
    for (let i = 150; i < 200; i++) evens.push((e1.recvHost(0, 0, -1, into), value()));
    expect(evens).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i));
    expect(odds).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i + 1));
  });

  it('receives from MPI_ANY_SOURCE eagerly and keeps each source in order', () => {
    const world = ShmWorld.create(3, 4096);
    const control = { checkAbort: () => {} };
    const engines = [0, 1, 2].map((r) => new Engine(new ShmTransport(world, r), new GuestMemory(new WebAssembly.Memory({ initial: 1 })), control, 0));
    const [e0, e1, e2] = engines as [Engine, Engine, Engine];
    e2.sendHost(0, 0, 0, Uint8Array.of(20));
    e1.sendHost(0, 0, 0, Uint8Array.of(10));
    e2.sendHost(0, 0, 0, Uint8Array.of(21));
    const got: string[] = [];
    const into = new Uint8Array(1);
    for (let i = 0; i < 3; i++) got.push(`${e0.recvHost(-1, 0, 0, into).source}:${into[0]}`);
    expect(got.filter((g) => g.startsWith('2:'))).toEqual(['2:20', '2:21']);
    expect(got).toContain('1:10');
  });

  it('a reader wakes the writer only when it waits for ring space', () => {
    const { world, engines, pump } = pair(1024);
    const [e0, e1] = engines as [Engine, Engine];
    const t0 = e0.transport;
    // A small message: the reader's release must not ring the writer's doorbell.
    let token = t0.armSleep();
    e0.sendHost(1, 0, 0, Uint8Array.of(1));
    e1.recvHost(0, 0, 0, new Uint8Array(1));
    expect(t0.armSleep()).toBe(token);
    t0.disarm();
    // A message larger than the ring: the writer waits for space and is woken.
    const big = e0.sendHost(1, 0, 0, new Uint8Array(3000));
    expect(big.done).toBe(false);
    token = t0.armSleep();
    const r = e1.irecv(0, 0, 0, { host: new Uint8Array(3000) }, 3000);
    e1.progress();
    expect(t0.armSleep()).not.toBe(token);
    t0.disarm();
    pump(() => r.done && big.done);
    expect(world.aborted).toBe(false);
  });

  it('sizes rings by world size and records the first abort only', () => {
    expect(defaultRingBytes(1)).toBe(0);
    expect(defaultRingBytes(2)).toBe(256 << 10);
    expect(defaultRingBytes(14)).toBe(256 << 10);
    expect(defaultRingBytes(16)).toBe(128 << 10);
    expect(defaultRingBytes(1024)).toBe(64 << 10);
    const world = ShmWorld.create(3, 1024);
    expect(world.abort(2, 7, 'first')).toBe(true);
    expect(world.abort(1, 1, 'second')).toBe(false);
    expect(world.abortInfo()).toEqual({ rank: 2, code: 7, message: 'first' });
    expect(world.allocContexts(4)).toBe(3);
    expect(world.allocContexts(1)).toBe(7);
  });
});

describe('execution model', () => {
  async function instantiate(name: string, mpi: Record<string, unknown>) {
    const module = await WebAssembly.compile(readFileSync(new URL(`${name}.wasm`, GUESTS)));
    const host = createHost({ log: { debug: () => {}, warn: () => {} } });
    const { importObject } = compose(module, host, [{ name: WASI_STUB, pkg: stub }, { name: '@faasm/mpi', pkg: { manifest, link } }], { '@faasm/mpi': mpi, [WASI_STUB]: { stdoutFile: '/dev/null' } });
    const instance = await WebAssembly.instantiate(module, importObject);
    attachInstance(host, instance);
    lifecycleOf(host).instantiated();
    return { host, importObject, start: () => (host.exports.function('__wasm_call_ctors')?.(), host.exports.function('_start')!()) };
  }

  it('a world of one rank runs on the calling thread without the module source', async () => {
    const { host, start } = await instantiate('pi', { worldSize: 1 });
    expect(() => start()).not.toThrow();
    const world = host.services.get(MPI_WORLD)!;
    expect(world.active).toBe(true);
    expect(await world.close(0)).toEqual({ ok: true });
    expect(world.active).toBe(false);
  });

  it('never crashes the host on garbage arguments after MPI_Init (MPI_ERRORS_RETURN)', async () => {
    const { importObject } = await instantiate('pi', { worldSize: 1, errors: 'return' });
    const env = importObject.env as Record<string, (...a: number[]) => unknown>;
    expect(env['MPI_Init']!(0, 0)).toBe(0);
    for (const garbage of [0xfffffff0 | 0, -5, 1 << 30, 3]) {
      for (const [name, f] of Object.entries(env)) {
        if (name === 'MPI_Finalize' || name === 'MPI_Init' || name === 'MPI_Wtime') continue;
        const args = table.modules.env![name]!.params.map(() => garbage);
        try {
          const result = f(...args);
          expect(typeof result, name).toBe('number');
        } catch (e) {
          expect(e instanceof GuestTrap || e instanceof ProcExit, `${name}(${garbage}): ${String(e)}`).toBe(true);
        }
      }
    }
  });

  it('resets between calls of a reused Faaslet (MPI_Init again is not "called twice")', async () => {
    const { host, start } = await instantiate('pi', { worldSize: 1 });
    start();
    lifecycleOf(host).beforeCall();
    expect(host.services.get(MPI_WORLD)!.active).toBe(false);
    expect(() => start()).not.toThrow();
  });

  it('a bigger world without MPI_WORLD_SOURCE fails MPI_Init with a clear error', async () => {
    const { start } = await instantiate('hello', {});
    expect(() => start()).toThrow(/world of 5 ranks needs the module .*MPI_WORLD_SOURCE/);
  });

  it('runs a guest built against Faasm\'s ABI without the SDK library', async () => {
    const r = await runGuest('faasm_abi', 3);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain('faasm abi OK 3');
  }, 60_000);
});

describe('rank binding (bindRanks)', () => {
  const native = nativeSyscalls();
  const fakeState = (rank: number, size: number, bindRanks?: 'none' | 'cores'): MpiState => Object.assign(Object.create(MpiState.prototype) as MpiState, { rank, size, options: { bindRanks }, unboundCpus: undefined });

  it("'cores' binds the calling thread to the rank's CPU and unbinding restores its set; 'none' and the default leave it alone", () => {
    const before = native?.threadAffinity();
    const cpus = Array.isArray(before) ? before : [];
    for (const s of [fakeState(1, 2), fakeState(1, 2, 'none')]) {
      bindRank(s);
      expect(s.unboundCpus).toBeUndefined();
    }
    const s = fakeState(1, 2, 'cores');
    bindRank(s);
    if (!native || cpus.length < 2) {
      // Without @faasm/native or with one CPU the option does nothing (documented).
      expect(s.unboundCpus).toBeUndefined();
      return;
    }
    try {
      expect(native.threadAffinity()).toEqual([cpus[1]]);
      expect(s.unboundCpus).toEqual(cpus);
    } finally {
      unbindRank(s);
    }
    expect(native.threadAffinity()).toEqual(cpus);
    expect(s.unboundCpus).toBeUndefined();
    const tooMany = fakeState(0, cpus.length + 1, 'cores');
    bindRank(tooMany);
    expect(tooMany.unboundCpus).toBeUndefined();
  });

  it("a world with bindRanks 'cores' runs and leaves rank 0's thread unbound", async () => {
    const before = native?.threadAffinity();
    const r = await runGuest('p2p', 2, { mpi: { bindRanks: 'cores' } });
    expect([r.error, r.returnValue]).toEqual([undefined, 0]);
    expect(r.stdout).toContain('p2p OK 2');
    expect(native?.threadAffinity()).toEqual(before);
  });
});
