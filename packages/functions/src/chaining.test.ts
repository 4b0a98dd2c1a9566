import { describe, expect, it } from 'vitest';
import { createHost, GuestTrap, type ImportObject } from '@faasm/abi';
import { CHAIN_SERVICES, ChainScheduler, link, syncBridge, type AwaitResponse, type CallResult, type ChainedCall } from './index.js';
import { guestModule, localPlane, runGuest, text } from './test-harness.js';

const enc = new TextEncoder();
const ok = (s: string): CallResult => ({ returnValue: 0, output: enc.encode(s) });

describe('C guests chaining through the scheduler', () => {
  it('chains by name and awaits two different outputs', () => {
    const plane = localPlane();
    const r = plane.run('chain_named_a');
    expect(r.text).toBe('a:b:1234|c:5678');
    expect(r.returnValue).toBe(0);
    expect(plane.calls).toEqual(['chain_named_b:1234', 'chain_named_c:5678']);
  });

  it('chains by pointer: the table entry runs with its own input, without _start', () => {
    const plane = localPlane();
    const r = plane.run('chain_ptr');
    expect(r.text).toBe('chain ok');
    expect(plane.calls).toHaveLength(2);
    expect(plane.calls[0]).toMatch(/^chain_ptr#\d+:1234$/);
  });

  it('a callee returning 1 reports "Call failed (return value=1)" to its awaiter', () => {
    const plane = localPlane();
    expect(plane.run('ret_one').text).toBe('Call failed (return value=1)');
    expect(plane.run('chain_ret_one').text).toBe('rc=1 out=Call failed (return value=1)');
  });

  it('awaiting an unknown id returns 1 with an empty output', () => {
    expect(localPlane().run('await_unknown').text).toBe('1 1 0');
  });

  it('a chain 50 deep completes', () => {
    expect(localPlane().run('chain_deep', '50').text).toBe('depth=50');
  });

  it('a fan-out of 1,000 pointer calls reports every result', () => {
    const plane = localPlane();
    const r = plane.run('fanout', '1000');
    // sum of i^2 for i < 1000
    expect(r.text).toBe('n=1000 sum=332833500 failed=0');
    expect(plane.calls).toHaveLength(1000);
  });

  it('chained calls share the caller app id and get distinct message ids', () => {
    const seen: ChainedCall[] = [];
    const scheduler = new ChainScheduler((call) => (seen.push(call), ok('x')), { firstId: 100 });
    const bridge = syncBridge(scheduler.handlers());
    const r = runGuest(guestModule('chain_named_a'), { message: { id: 5, appId: 42, user: 'alice', function: 'chain_named_a' }, bridge });
    expect(r.returnValue).toBe(0);
    expect(seen.map((c) => [c.message.id, c.message.appId, c.message.user, c.message.function])).toEqual([
      [100, 42, 'alice', 'chain_named_b'],
      [101, 42, 'alice', 'chain_named_c'],
    ]);
  });

  it('chaining without a control plane traps clearly', () => {
    const r = runGuest(guestModule('chain_named_a'));
    expect(r.returnValue).toBe(1);
    expect(String(r.error)).toMatch(/__faasm_chain_name: chaining needs a control plane/);
  });
});

describe('ChainScheduler', () => {
  const caller = { id: 1, appId: 9, user: 'demo', function: 'main' };

  it('answers an await at once when the call finished, later otherwise', async () => {
    let release: (r: CallResult) => void = () => {};
    const pending = new Promise<CallResult>((resolve) => (release = resolve));
    const scheduler = new ChainScheduler((call) => (call.message.function === 'slow' ? pending : ok('fast')), { firstId: 1 });
    const fast = scheduler.chain({ kind: 'name', caller, function: 'fast', input: enc.encode('') });
    const slow = scheduler.chain({ kind: 'name', caller, function: 'slow', input: enc.encode('') });
    expect(scheduler.await({ id: fast.id, output: true })).toEqual({ returnValue: 0, output: enc.encode('fast') });
    const waiting = scheduler.await({ id: slow.id, output: false });
    expect(waiting).toBeInstanceOf(Promise);
    release({ returnValue: 3, output: enc.encode('late') });
    expect(await waiting).toEqual({ returnValue: 3 });
  });

  it('await returns 1 on timeout, and the blocked counter goes up and down', async () => {
    const blocked: number[] = [];
    const scheduler = new ChainScheduler(() => new Promise<CallResult>(() => {}), { timeoutMs: 20, onBlocked: (d) => blocked.push(d) });
    const { id } = scheduler.chain({ kind: 'name', caller, function: 'never', input: new Uint8Array(0) });
    const answer = (await scheduler.await({ id, output: true })) as AwaitResponse;
    expect(answer.returnValue).toBe(1);
    expect(answer.error).toMatch(/timed out after 20 ms/);
    expect(blocked).toEqual([1, -1]);
  });

  it('tracks calls run outside the invoker: awaits wait for complete, with the usual timeout', async () => {
    const scheduler = new ChainScheduler(() => ok('never used'), { timeoutMs: 20 });
    expect(scheduler.has(5)).toBe(false);
    scheduler.track(5);
    expect(scheduler.has(5)).toBe(true);
    const waiting = scheduler.await({ id: 5, output: true });
    expect(waiting).toBeInstanceOf(Promise);
    scheduler.complete(5, { returnValue: 2, output: enc.encode('five') });
    expect(await waiting).toEqual({ returnValue: 2, output: enc.encode('five') });
    // The first result stays; an untracked id completes at once; a tracked one never completed times out.
    scheduler.complete(5, { returnValue: 0, output: enc.encode('again') });
    scheduler.complete(6, { returnValue: 0, output: enc.encode('six') });
    expect(scheduler.await({ id: 5, output: false })).toEqual({ returnValue: 2 });
    expect(scheduler.await({ id: 6, output: true })).toEqual({ returnValue: 0, output: enc.encode('six') });
    scheduler.track(7);
    const late = (await scheduler.await({ id: 7, output: false })) as AwaitResponse;
    expect([late.returnValue, late.error]).toEqual([1, 'call 7 timed out after 20 ms']);
  });

  it('an invoker that throws or rejects gives return value 1', async () => {
    const scheduler = new ChainScheduler((call) => {
      if (call.message.function === 'throws') throw new Error('no such function');
      return Promise.reject(new Error('worker died'));
    });
    const a = scheduler.chain({ kind: 'name', caller, function: 'throws', input: new Uint8Array(0) });
    const b = scheduler.chain({ kind: 'name', caller, function: 'rejects', input: new Uint8Array(0) });
    const ra = (await scheduler.await({ id: a.id, output: true })) as AwaitResponse;
    const rb = (await scheduler.await({ id: b.id, output: true })) as AwaitResponse;
    expect([ra.returnValue, rb.returnValue]).toEqual([1, 1]);
    expect(text(ra.output!)).toMatch(/no such function/);
    expect(text(rb.output!)).toMatch(/worker died/);
  });

  it('pointer and Python calls address the right function', () => {
    const seen: ChainedCall[] = [];
    const scheduler = new ChainScheduler((call) => (seen.push(call), ok('')));
    scheduler.chain({ kind: 'ptr', caller, funcPtr: 7, input: enc.encode('3') });
    scheduler.chain({ kind: 'py', caller, function: 'entry_fn', input: new Uint8Array(0) });
    expect(seen[0]).toMatchObject({ funcPtr: 7, message: { user: 'demo', function: 'main', appId: 9 } });
    expect(seen[1]!.message).toMatchObject({ user: 'python', function: 'py_func', pythonUser: 'demo', pythonFunction: 'main', pythonEntry: 'entry_fn' });
    expect(() => scheduler.chain({ kind: 'ptr', caller, input: new Uint8Array(0) })).toThrow(/needs funcPtr/);
  });

  it('keeps only the most recent results', () => {
    const scheduler = new ChainScheduler(() => ok('r'), { retain: 2, firstId: 1 });
    const ids = [1, 2, 3].map(() => scheduler.chain({ kind: 'name', caller, function: 'f', input: new Uint8Array(0) }).id);
    expect(scheduler.result(ids[0]!)).toBeUndefined();
    expect(scheduler.result(ids[2]!)?.returnValue).toBe(0);
  });

  it('message ids are u32 and never 0', () => {
    const scheduler = new ChainScheduler(() => ok(''), { firstId: 0xffffffff });
    expect([scheduler.nextId(), scheduler.nextId()]).toEqual([0xffffffff, 1]);
  });

  it('guest bad input: an out-of-range function pointer or output pointer traps, naming the import', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const m = new WebAssembly.Module(await parse(`(module
      (import "env" "__faasm_chain_ptr" (func $c (param i32 i32 i32) (result i32)))
      (import "env" "__faasm_await_call_output" (func $o (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1) (table (export "__indirect_function_table") 2 funcref)
      (func (export "chain") (param i32) (result i32) (call $c (local.get 0) (i32.const 0) (i32.const 0)))
      (func (export "out") (param i32) (result i32) (call $o (i32.const 1) (local.get 0) (i32.const 8))))`));
    const scheduler = new ChainScheduler(() => ok(''));
    const host = createHost({ bridge: syncBridge(scheduler.handlers()) });
    const importObject: ImportObject = {};
    link(importObject, host);
    const instance = new WebAssembly.Instance(m, importObject);
    host.memory.attach(instance.exports['memory'] as WebAssembly.Memory);
    host.exports.attach(instance.exports);
    const ex = instance.exports as Record<string, (x: number) => number>;
    expect(() => ex['chain']!(5)).toThrow(/__faasm_chain_ptr: function pointer 5 is not in the function table/);
    expect(() => ex['chain']!(1)).toThrow(/function pointer 1/);
    expect(() => ex['out']!(70000)).toThrow(GuestTrap);
  });

  it('syncBridge refuses an answer that is not ready, and unknown services', () => {
    const bridge = syncBridge({ slow: () => Promise.resolve(1) });
    expect(() => bridge.call('slow', {})).toThrow(/did not answer synchronously/);
    expect(() => bridge.call(CHAIN_SERVICES.chain, {})).toThrow(/no handler/);
  });
});
