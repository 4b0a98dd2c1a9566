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
});
