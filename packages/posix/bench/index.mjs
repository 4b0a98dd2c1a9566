// @faasm/posix benchmarks, each against a native C peer measured in the same run
// (clang-19 -O2, glibc): a syscall through `__syscall0` (wasm → host dispatch) vs a
// native getpid syscall, and `__small_sprintf` (host-side C formatting) vs snprintf.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { attachInstance, createHost, lifecycleOf } from '@faasm/abi';
import { link as linkMemory } from '@faasm/memory';
import { link as linkWasi } from '@faasm/wasi';
import { link } from '@faasm/posix';

const N = 200_000;
const NFMT = 50_000;

const WAT = `(module
  (import "env" "__syscall0" (func $sys0 (param i32) (result i32)))
  (import "env" "__small_sprintf" (func $fmt (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 64) "%d %s %.3f\\00")
  (data (i32.const 96) "faasm\\00")
  (func (export "getpids") (param $n i32)
    (loop $l
      (drop (call $sys0 (i32.const 20)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "formats") (param $n i32)
    (i32.store (i32.const 128) (i32.const 12345))
    (i32.store (i32.const 132) (i32.const 96))
    (f64.store (i32.const 136) (f64.const 3.14159))
    (loop $l
      (drop (call $fmt (i32.const 1024) (i32.const 64) (i32.const 128)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;

const C = `#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
static double ns(struct timespec a, struct timespec b, int n) { return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n; }
int main(void) {
  struct timespec a, b;
  volatile long sink = 0;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < ${N}; i++) sink += syscall(SYS_getpid);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%f\\n", ns(a, b, ${N}));
  char buf[64];
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < ${NFMT}; i++) sink += snprintf(buf, sizeof buf, "%d %s %.3f", 12345, "faasm", 3.14159);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%f\\n", ns(a, b, ${NFMT}));
  return 0;
}`;

function native() {
  const dir = mkdtempSync(join(tmpdir(), 'faasm-posix-bench-'));
  try {
    writeFileSync(join(dir, 'b.c'), C);
    execFileSync('clang-19', ['-O2', join(dir, 'b.c'), '-o', join(dir, 'b')]);
    return execFileSync(join(dir, 'b'), { encoding: 'utf8' }).trim().split('\n').map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function perOp(f, n) {
  f(Math.min(n, 10_000));
  const start = process.hrtime.bigint();
  f(n);
  return Number(process.hrtime.bigint() - start) / n;
}

export async function bench() {
  const host = createHost();
  const importObject = {};
  linkMemory(importObject, host);
  linkWasi(importObject, host, { fs: 'memory', stdout: 'capture' });
  link(importObject, host);
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(await parse(WAT)), importObject);
  attachInstance(host, instance);
  lifecycleOf(host).instantiated();
  const syscallNs = perOp(instance.exports.getpids, N);
  const formatNs = perOp(instance.exports.formats, NFMT);
  const [nativeSyscall, nativeFormat] = native();
  return [
    { name: 'getpid through __syscall0 (wasm → host dispatch)', unit: 'ns/op', ours: syscallNs, peer: 'native syscall(SYS_getpid)', peerValue: nativeSyscall, lowerIsBetter: true },
    { name: '__small_sprintf "%d %s %.3f" (host formatting)', unit: 'ns/op', ours: formatNs, peer: 'native snprintf (glibc)', peerValue: nativeFormat, lowerIsBetter: true },
  ];
}
