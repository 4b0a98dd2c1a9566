// End-to-end chaining through the pool: C guests from @faasm/functions' fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';
import { demoFunctions } from './test-guests.js';

const names = ['chain_deep', 'fanout', 'chain_ptr', 'chain_named_a', 'chain_named_b', 'chain_named_c', 'ret_one', 'chain_ret_one'];

describe('chaining through the worker pool', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await createRuntime({
      workers: 2,
      stdout: 'capture',
      functions: demoFunctions('functions', names),
    });
  });

  afterAll(() => runtime.close());

  it('completes a chain 50 deep where each call awaits the next, on a pool of 2', async () => {
    const result = await runtime.invoke('demo/chain_deep', { input: '50' });
    expect(result.error).toBeUndefined();
    expect(result.returnValue).toBe(0);
    expect(result.output.toString()).toBe('depth=50');
    expect(runtime.workers).toBe(2);
  });

  it('fans out 1,000 pointer calls awaited by one caller and reports every result', async () => {
    const result = await runtime.invoke('demo/fanout', { input: '1000' });
    const expected = Array.from({ length: 1000 }, (_, i) => i * i).reduce((a, b) => a + b, 0);
    expect(result.output.toString()).toBe(`n=1000 sum=${expected} failed=0`);
    expect(result.returnValue).toBe(0);
  });

  it('chains by pointer with different inputs', async () => {
    expect((await runtime.invoke('demo/chain_ptr')).output.toString()).toBe('chain ok');
  });

  it('chains by name and awaits two different outputs', async () => {
    const result = await runtime.invoke('demo/chain_named_a');
    expect(result.returnValue).toBe(0);
    expect(result.output.toString()).toBe('a:b:1234|c:5678');
  });

  it('reports a failing function as "Call failed (return value=1)"', async () => {
    const result = await runtime.invoke('demo/ret_one');
    expect(result.returnValue).toBe(1);
    expect(result.output.toString()).toBe('Call failed (return value=1)');
    const chained = await runtime.invoke('demo/chain_ret_one');
    expect(chained.output.toString()).toBe('rc=1 out=Call failed (return value=1)');
  });

  it('answers 1 when awaiting a chained call to a function that does not exist, and traps on a wild name pointer', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const missing = await parse(`(module
      (import "env" "__faasm_chain_name" (func $chain (param i32 i32 i32) (result i32)))
      (import "env" "__faasm_await_call" (func $await (param i32) (result i32)))
      (import "env" "__faasm_write_output" (func $out (param i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "no_such_function\\00")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.add (i32.const 48) (call $await (call $chain (i32.const 16) (i32.const 0) (i32.const 0)))))
        (call $out (i32.const 0) (i32.const 1))))`);
    const result = await runtime.invoke(missing);
    expect(result.returnValue).toBe(0);
    expect(result.output.toString()).toBe('1');
    const wild = await parse(`(module (import "env" "__faasm_chain_name" (func $chain (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "_start") (drop (call $chain (i32.const 70000) (i32.const 0) (i32.const 0)))))`);
    const trapped = await runtime.invoke(wild);
    expect(trapped.returnValue).toBe(1);
    expect(trapped.error).toMatch(/^__faasm_chain_name: out-of-bounds guest access/);
  });

  it('carries inputs and outputs of any size through chained calls (board slots or the main thread)', async () => {
    const guest = await echoThirtyGuest();
    // 5 → 150 bytes fits a board slot both ways; 10 → 300 bytes out does not; 300 in does not.
    for (const input of ['hello', '0123456789', 'abc'.repeat(100)]) {
      const result = await runtime.invoke(guest, { input });
      expect(result.error).toBeUndefined();
      expect(result.output.toString()).toBe(input.repeat(30));
    }
  });

  it('starts a lone chained call in another worker while its chainer keeps busy', async () => {
    // The caller chains one call and, before awaiting it, waits (bounded) for the state
    // flag the callee sets: only a callee running concurrently can set it.
    const result = await runtime.invoke(await flagGuest());
    expect(result.error).toBeUndefined();
    expect(result.output.toString()).toBe('concurrent');
  });

  it('awaits a chained call another worker is running', async () => {
    // The caller keeps busy long enough for the idle worker to take the call it chained.
    const result = await runtime.invoke(await slowCalleeGuest(), { input: '300000000' });
    expect(result.error).toBeUndefined();
    expect(result.output.toString()).toBe('7');
  });
});

describe('chaining when a caller times out', () => {
  it('replaces the worker of a caller that timed out (running its callee, or waiting for it) and keeps chaining', async () => {
    const runtime = await createRuntime({ workers: 2, stdout: 'capture' });
    try {
      // Awaiting at once, the caller runs its callee itself; keeping busy first, another worker does.
      for (const guest of [await slowCalleeGuest(0), await slowCalleeGuest()]) {
        await expect(runtime.invoke(guest, { input: '1000000000', timeoutMs: 100 })).rejects.toThrow('call timed out after 100 ms');
        expect(runtime.workers).toBe(2);
      }
      const slow = await slowCalleeGuest();
      for (const input of ['hello', 'x'.repeat(300)]) {
        const echoed = await runtime.invoke(await echoThirtyGuest(), { input });
        expect(echoed.output.toString()).toBe(input.repeat(30));
      }
      const again = await runtime.invoke(slow, { input: '1000' });
      expect(again.output.toString()).toBe('7');
    } finally {
      await runtime.close();
    }
  });
});

describe('chaining with a short await timeout', () => {
  it('answers 1 when the awaited call, running in another worker, outlives the timeout', async () => {
    const runtime = await createRuntime({ workers: 2, stdout: 'capture', awaitTimeoutMs: 50 });
    try {
      const guest = await slowCalleeGuest();
      // Two calls at once start both workers (the idle one must be up to take the call).
      await Promise.all([runtime.invoke(guest, { input: '1' }), runtime.invoke(guest, { input: '1' })]);
      const result = await runtime.invoke(guest, { input: '2000000000' });
      expect(result.error).toBeUndefined();
      expect(result.output.toString()).toBe('1');
    } finally {
      await runtime.close();
    }
  });
});

/** Chains its own table entry 1 by pointer with its input; the callee outputs its input 30 times; outputs what it awaited. */
async function echoThirtyGuest(): Promise<Uint8Array> {
  const { parse } = await import('@bytecodealliance/jco');
  return parse(`(module
    (import "env" "__faasm_read_input" (func $read (param i32 i32) (result i32)))
    (import "env" "__faasm_write_output" (func $write (param i32 i32)))
    (import "env" "__faasm_chain_ptr" (func $chain (param i32 i32 i32) (result i32)))
    (import "env" "__faasm_await_call_output" (func $await (param i32 i32 i32) (result i32)))
    (memory (export "memory") 4)
    (table (export "__indirect_function_table") 2 funcref)
    (elem (i32.const 1) $echo30)
    (global $brk (mut i32) (i32.const 65536))
    (func (export "malloc") (param $n i32) (result i32)
      (global.get $brk)
      (global.set $brk (i32.add (global.get $brk) (local.get $n))))
    (func $echo30 (result i32)
      (local $n i32) (local $i i32)
      (local.set $n (call $read (i32.const 1024) (i32.const 4096)))
      (loop $copy
        (memory.copy (i32.add (i32.const 8192) (i32.mul (local.get $i) (local.get $n))) (i32.const 1024) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $copy (i32.lt_u (local.get $i) (i32.const 30))))
      (call $write (i32.const 8192) (i32.mul (local.get $n) (i32.const 30)))
      (i32.const 0))
    (func (export "_start")
      (local $n i32)
      (local.set $n (call $read (i32.const 1024) (i32.const 4096)))
      (drop (call $await (call $chain (i32.const 1) (i32.const 1024) (local.get $n)) (i32.const 0) (i32.const 4)))
      (call $write (i32.load (i32.const 0)) (i32.load (i32.const 4)))))`);
}

/**
 * Chains its table entry 1 by pointer (input: the callee's spin count; it returns 7),
 * spins `callerSpins` iterations itself, awaits, and outputs the return value as one digit.
 */
async function slowCalleeGuest(callerSpins = 200_000_000): Promise<Uint8Array> {
  const { parse } = await import('@bytecodealliance/jco');
  return parse(`(module
    (import "env" "__faasm_read_input" (func $read (param i32 i32) (result i32)))
    (import "env" "__faasm_write_output" (func $write (param i32 i32)))
    (import "env" "__faasm_chain_ptr" (func $chain (param i32 i32 i32) (result i32)))
    (import "env" "__faasm_await_call" (func $await (param i32) (result i32)))
    (memory (export "memory") 1)
    (table (export "__indirect_function_table") 2 funcref)
    (elem (i32.const 1) $slow)
    (func $spin (param $n i32)
      (loop $l
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
    (func $slow (param $n i32) (result i32)
      (call $spin (local.get $n))
      (i32.const 7))
    (func (export "_start")
      (local $id i32)
      (local.set $id (call $chain (i32.const 1) (i32.const 64) (call $read (i32.const 64) (i32.const 32))))
      (call $spin (i32.const ${callerSpins}))
      (i32.store8 (i32.const 0) (i32.add (i32.const 48) (call $await (local.get $id))))
      (call $write (i32.const 0) (i32.const 1))))`);
}

/**
 * Sets state "flag" to 0, chains table entry 1 (which sets it to 1), polls the flag up
 * to 3,000,000 times, awaits, and outputs "concurrent" if it saw the flag set first.
 */
async function flagGuest(): Promise<Uint8Array> {
  const { parse } = await import('@bytecodealliance/jco');
  return parse(`(module
    (import "env" "__faasm_write_output" (func $write (param i32 i32)))
    (import "env" "__faasm_chain_ptr" (func $chain (param i32 i32 i32) (result i32)))
    (import "env" "__faasm_await_call" (func $await (param i32) (result i32)))
    (import "env" "__faasm_read_state" (func $readState (param i32 i32 i32) (result i32)))
    (import "env" "__faasm_write_state" (func $writeState (param i32 i32 i32)))
    (memory (export "memory") 1)
    (table (export "__indirect_function_table") 2 funcref)
    (elem (i32.const 1) $setFlag)
    (data (i32.const 16) "flag\\00")
    (data (i32.const 64) "concurrentserial")
    (func $setFlag (result i32)
      (i32.store8 (i32.const 32) (i32.const 1))
      (call $writeState (i32.const 16) (i32.const 32) (i32.const 1))
      (i32.const 0))
    (func (export "_start")
      (local $id i32) (local $i i32)
      (call $writeState (i32.const 16) (i32.const 32) (i32.const 1))
      (local.set $id (call $chain (i32.const 1) (i32.const 0) (i32.const 0)))
      (block $seen
        (loop $poll
          (drop (call $readState (i32.const 16) (i32.const 48) (i32.const 1)))
          (br_if $seen (i32.load8_u (i32.const 48)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $poll (i32.lt_u (local.get $i) (i32.const 3000000)))))
      (drop (call $await (local.get $id)))
      (if (i32.load8_u (i32.const 48))
        (then (call $write (i32.const 64) (i32.const 10)))
        (else (call $write (i32.const 74) (i32.const 6))))))`);
}
