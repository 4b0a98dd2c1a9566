// @faasm/memory benchmarks: an mmap/munmap cycle (64 KiB, anonymous) called from a wasm
// loop through the imports, against the same cycle in a native C loop (glibc, clang-19
// -O2), measured in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { attachInstance, createHost, lifecycleOf } from '@faasm/abi';
import { link } from '@faasm/memory';

const N = 200_000;

const WAT = `(module
  (import "env" "mmap" (func $mmap (param i32 i32 i32 i32 i32 i64) (result i32)))
  (import "env" "munmap" (func $munmap (param i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "cycles") (param $n i32) (local $p i32)
    (loop $l
      (local.set $p (call $mmap (i32.const 0) (i32.const 65536) (i32.const 3) (i32.const 34) (i32.const -1) (i64.const 0)))
      (drop (call $munmap (local.get $p) (i32.const 65536)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;

const C = `#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
int main(void) {
  struct timespec a, b;
  for (int i = 0; i < 1000; i++) munmap(mmap(0, 65536, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 65536);
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < ${N}; i++) { void* p = mmap(0, 65536, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); ((volatile char*)p)[0]; munmap(p, 65536); }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%f\\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / ${N});
  return 0;
}`;

function nativeNs() {
  const dir = mkdtempSync(join(tmpdir(), 'faasm-mem-bench-'));
  try {
    writeFileSync(join(dir, 'b.c'), C);
    execFileSync('clang-19', ['-O2', join(dir, 'b.c'), '-o', join(dir, 'b')]);
    return Number(execFileSync(join(dir, 'b'), { encoding: 'utf8' }).trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench() {
  const host = createHost();
  const importObject = {};
  link(importObject, host);
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(await parse(WAT)), importObject);
  attachInstance(host, instance);
  lifecycleOf(host).instantiated();
  instance.exports.cycles(10_000);
  const start = process.hrtime.bigint();
  instance.exports.cycles(N);
  const ours = Number(process.hrtime.bigint() - start) / N;
  return [
    {
      name: 'mmap+munmap 64 KiB cycle (wasm → host)',
      unit: 'ns/op',
      ours,
      peer: 'native mmap+munmap (glibc, clang-19 -O2)',
      peerValue: nativeNs(),
      lowerIsBetter: true,
    },
  ];
}
