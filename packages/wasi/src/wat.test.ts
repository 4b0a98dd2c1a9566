import { GuestTrap, ProcExit, attachInstance, createHost, type ImportObject } from '@faasm/abi';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BACKENDS } from './test-backends.js';
import { link } from './link.js';
import { FD_TABLE } from './service.js';
import { wat } from './test-run.js';

const MODULE = `
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0 points past the end of memory
  (data (i32.const 0) "\\f0\\ff\\00\\00\\20\\00\\00\\00")
  (func (export "bad_iovec") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
  (func (export "exit") (param i32) (call $proc_exit (local.get 0)))
  ;; readdir into a buffer that ends at the last byte of memory
  (func (export "readdir_edge") (param i32) (result i32)
    (call $fd_readdir (i32.const 3) (i32.sub (i32.const 65536) (local.get 0)) (local.get 0) (i64.const 0) (i32.const 32)))
  (func (export "used") (result i32) (i32.load (i32.const 32)))
  ;; argv pointers written at the very end: out of bounds by one
  (func (export "args_edge") (result i32)
    (call $args_get (i32.const 65532) (i32.const 100)))
)`;

async function instance(fs: 'node' | 'memory') {
  const host = createHost({ message: { args: ['x'] } });
  const imports: ImportObject = {};
  link(imports, host, { stdout: 'capture', fs });
  onTestFinished(() => host.services.get(FD_TABLE)?.dispose());
  const inst = new WebAssembly.Instance(await wat(MODULE), imports);
  attachInstance(host, inst);
  return inst.exports as Record<string, (...a: number[]) => number>;
}

describe.each(BACKENDS)('WAT fixtures (%s backend)', (fs) => {
  it('a wild iovec traps out of the guest with a GuestTrap naming fd_write', async () => {
    const e = await instance(fs);
    expect(() => e['bad_iovec']!()).toThrow(GuestTrap);
    expect(() => e['bad_iovec']!()).toThrow(/^fd_write: out-of-bounds/);
  });

  it('proc_exit unwinds the guest with ProcExit(code)', async () => {
    const e = await instance(fs);
    let thrown: unknown;
    try { e['exit']!(3); } catch (err) { thrown = err; }
    expect(thrown).toBeInstanceOf(ProcExit);
    expect((thrown as ProcExit).code).toBe(3);
  });

  it('fd_readdir fills a buffer that ends exactly at the end of memory, and traps one byte past it', async () => {
    const e = await instance(fs);
    expect(e['readdir_edge']!(100)).toBe(0);
    expect(e['used']!()).toBe(100);
    expect(e['readdir_edge']!(4096)).toBe(0);
    expect(e['used']!()).toBeGreaterThan(24 * 5);
    expect(e['used']!()).toBeLessThan(4096);
  });

  it('args_get with the pointer array crossing the end of memory traps before writing', async () => {
    const e = await instance(fs);
    expect(() => e['args_edge']!()).toThrow(/^args_get: out-of-bounds/);
  });
});
