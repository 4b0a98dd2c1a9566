// WAT guests shared by the runtime's tests (not part of the build).
import { parse } from '@bytecodealliance/jco';

/**
 * Counts constructor runs (address 16), zygote runs (20) and calls (24) in memory and
 * calls in an unexported mutable global, reports ctors*100 + zygote*10 + calls +
 * global*1000, then grows memory by 3 pages. With correct resets every call reports 1111.
 */
export const lifecycleGuest = () =>
  parse(`(module
    (import "test" "report" (func $report (param i32)))
    (memory (export "memory") 1 100)
    (global $counter (mut i32) (i32.const 0))
    (func (export "__wasm_call_ctors")
      (i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (i32.const 1))))
    (func (export "_faasm_zygote") (result i32)
      (i32.store (i32.const 20) (i32.add (i32.load (i32.const 20)) (i32.const 1)))
      (i32.const 0))
    (func (export "_start")
      (i32.store (i32.const 24) (i32.add (i32.load (i32.const 24)) (i32.const 1)))
      (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
      (call $report
        (i32.add
          (i32.add (i32.mul (i32.load (i32.const 16)) (i32.const 100)) (i32.mul (i32.load (i32.const 20)) (i32.const 10)))
          (i32.add (i32.load (i32.const 24)) (i32.mul (global.get $counter) (i32.const 1000)))))
      (drop (memory.grow (i32.const 3)))))`);

/** Exits with the code given as the table entry's argument, or 3 from _start. */
export const exitGuest = () =>
  parse(`(module
    (import "test" "exit" (func $exit (param i32)))
    (import "test" "report" (func $report (param i32)))
    (memory (export "memory") 1)
    (table 4 funcref)
    (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func $seven (result i32) (i32.const 7))
    (elem (i32.const 1) $double $seven)
    (func (export "_start") (call $exit (i32.const 3))))`);

export const trapGuest = () =>
  parse(`(module
    (import "test" "boom" (func $boom))
    (memory (export "memory") 1)
    (func (export "_start") unreachable)
    (func (export "host_failure") (call $boom)))`);

/** Asks the main thread to double 21 through the bridge and reports the answer. */
export const bridgeGuest = () =>
  parse(`(module
    (import "test" "ask_main" (func $ask (param i32) (result i32)))
    (import "test" "report" (func $report (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (call $report (call $ask (i32.const 21)))))`);

export const zygoteFailsGuest = () =>
  parse(`(module
    (memory (export "memory") 1)
    (func (export "_faasm_zygote") (result i32) (i32.const 2))
    (func (export "_start")))`);

export const missingImportsGuest = () =>
  parse(`(module
    (import "env" "MPI_Send" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
    (import "env" "no_such_thing" (func))
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")))`);

/** The path of a C guest fixture of another package (`packages/<pkg>/test/guests/<name>.wasm`). */
export function packageGuest(pkg: string, name: string): string {
  return new URL(`../../${pkg}/test/guests/${name}.wasm`, import.meta.url).pathname;
}

/** Registers a package's guests as `demo/<name>` functions, for a runtime's `functions` option. */
export function demoFunctions(pkg: string, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [`demo/${name}`, packageGuest(pkg, name)]));
}
