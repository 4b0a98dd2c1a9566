import { describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { attachInstance, createHost, utf8, type ImportObject, type Logger } from '@faasm/abi';
import { CHAIN_SERVICES, EMULATOR, FunctionMigrated, MIGRATION, link, type MigrateRequest } from './index.js';
import { guestModule, localPlane, runGuest, text } from './test-harness.js';

const enc = new TextEncoder();

describe('host interface test, backtrace, migration points', () => {
  it('test 1 throws "function migrated" out of the host call, untouched', () => {
    const r = runGuest(guestModule('host_iface'), { message: { input: enc.encode('1') } });
    expect(r.error).toBeInstanceOf(FunctionMigrated);
    expect(text(r.output)).toBe('before test');
  });

  it('other test numbers fail with "Unrecognised host interface test"', () => {
    const r = runGuest(guestModule('host_iface'), { message: { input: enc.encode('7') } });
    expect(String(r.error)).toMatch(/__faasm_host_interface_test: host error: Unrecognised host interface test 7/);
  });

  it('backtrace prints the guest frames, innermost first, with names', () => {
    const lines: string[] = [];
    const log: Logger = { debug: () => {}, warn: (m) => lines.push(m) };
    const module = guestModule('host_iface');
    const r = runGuest(module, { message: { input: enc.encode('backtrace') }, beforeRun: (h) => ((h as { log: Logger }).log = log) });
    expect(r.returnValue).toBe(0);
    expect(text(r.output)).toBe('after backtrace');
    expect(lines).toHaveLength(1);
    const frames = lines[0]!.split('\n').slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    // No name section after wasm-opt: names come from the exports.
    expect(frames[0]).toMatch(/^#0 deepInner \(function \d+, offset 0x[0-9a-f]+\)$/);
    expect(frames[1]).toMatch(/^#1 deepOuter /);
    expect(frames.at(-1)).toMatch(/_start/);
  });

  it('backtrace takes names from the name section when the module has one, and honours depth', async () => {
    const m = new WebAssembly.Module(await parse(`(module
      (import "env" "__faasm_backtrace" (func $bt (param i32)))
      (memory (export "memory") 1)
      (func $inner (param i32) (call $bt (local.get 0)))
      (func $outer (export "run") (param i32) (call $inner (local.get 0))))`));
    const lines: string[] = [];
    const host = createHost({ log: { debug: () => {}, warn: (msg) => lines.push(msg) } });
    const importObject: ImportObject = {};
    link(importObject, host);
    const instance = new WebAssembly.Instance(m, importObject);
    attachInstance(host, instance);
    (instance.exports['run'] as (d: number) => void)(0);
    (instance.exports['run'] as (d: number) => void)(1);
    expect(lines[0]!.split('\n').slice(1).map((l) => l.split(' ')[1])).toEqual(['inner', 'outer']);
    expect(lines[1]).toMatch(/^backtrace \(1 of 2 guest frames\):\n#0 inner /);
  });

  it('a migration point is a no-op unless a migration is pending', () => {
    const r = runGuest(guestModule('host_iface'), { message: { input: enc.encode('migrate') } });
    expect(text(r.output)).toBe('not migrated');
  });

  it('with a migration pending, the entry point and memory go to the control plane and the call unwinds', () => {
    const requests: MigrateRequest[] = [];
    const bridge = { call: (service: string, request: unknown) => (service === CHAIN_SERVICES.migrate && requests.push(request as MigrateRequest), { id: 1 }) };
    const r = runGuest(guestModule('host_iface'), {
      message: { id: 77, input: enc.encode('migrate') },
      bridge,
      beforeRun: (h) => h.services.provide(MIGRATION, { pending: true }),
    });
    expect(r.error).toBeInstanceOf(FunctionMigrated);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ arg: 42, caller: { id: 77 } });
    expect(requests[0]!.memory.length).toBe(r.host.memory.size);
    // The scheduler re-runs entry(42) from that memory under the same id.
    const plane = localPlane();
    const { id } = plane.scheduler.migrate({ ...requests[0]!, caller: { ...requests[0]!.caller, function: 'host_iface' } });
    expect(id).toBe(77);
    expect(text(plane.scheduler.result(77)!.output)).toBe('resumed 42');
  });
});

describe('emulator hooks', () => {
  async function guest() {
    const m = new WebAssembly.Module(await parse(`(module
      (import "env" "setEmulatedMessageFromJson" (func $s (param i32) (result i32)))
      (import "env" "emulatorGetAsyncResponse" (func $g (result i32)))
      (import "env" "emulatorSetCallStatus" (func $c (param i32)))
      (memory (export "memory") 1)
      (func (export "set") (param i32) (result i32) (call $s (local.get 0)))
      (func (export "async") (result i32) (call $g))
      (func (export "status") (param i32) (call $c (local.get 0))))`));
    const host = createHost();
    const importObject: ImportObject = {};
    link(importObject, host);
    const instance = new WebAssembly.Instance(m, importObject);
    attachInstance(host, instance);
    return { host, ex: instance.exports as Record<string, (...a: number[]) => number> };
  }

  it('sets the message from JSON, reports async, records the status', async () => {
    const { host, ex } = await guest();
    host.memory.writeCString(100, JSON.stringify({ user: 'bob', function: 'f', input_data: 'in', id: 12, app_id: 3, async: true }));
    expect(ex['async']!()).toBe(0);
    expect(ex['set']!(100)).toBe(0);
    expect(host.message).toMatchObject({ user: 'bob', function: 'f', id: 12, appId: 3 });
    expect(host.message.input).toEqual(utf8('in'));
    expect(ex['async']!()).toBe(1);
    ex['status']!(1);
    expect(host.services.get(EMULATOR)?.success).toBe(true);
  });

  it('bad JSON returns 1 and leaves the message unchanged; a wild pointer traps', async () => {
    const { host, ex } = await guest();
    host.memory.writeCString(100, '{not json');
    expect(ex['set']!(100)).toBe(1);
    host.memory.writeCString(100, '[1,2]');
    expect(ex['set']!(100)).toBe(1);
    expect(host.message.user).toBe('demo');
    expect(() => ex['set']!(1 << 20)).toThrow(/setEmulatedMessageFromJson/);
  });
});
