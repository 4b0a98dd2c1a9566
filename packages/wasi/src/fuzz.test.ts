import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, GuestTrap, ProcExit, type ImportObject } from '@faasm/abi';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BACKENDS } from './test-backends.js';
import { link } from './link.js';
import { FD_TABLE } from './service.js';
import { ARGS, type Kind } from './test-args.js';

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const I32 = [0, 1, 2, 3, 4, 5, 6, -1, 0x7fffffff, 0x80000000 | 0, 65535, 65536, 131071, 16, 24, 4096];
const I64 = [0n, 1n, -1n, (1n << 63n) - 1n, -(1n << 63n), 1n << 53n, 4096n];

function value(kind: Kind, next: () => number): number | bigint {
  const r = next();
  if (kind === 'N') return r % 3 === 0 ? BigInt.asIntN(64, (BigInt(r) << 32n) | BigInt(next())) : I64[r % I64.length]!;
  if (kind === 'fd') return r % 4 === 0 ? next() | 0 : r % 8;
  if (r % 3 === 0) return next() | 0;
  return I32[r % I32.length]!;
}

describe.each(BACKENDS)('fuzz (%s backend): arbitrary arguments never crash the host', (fs) => {
  // poll_oneoff is left out: garbage subscriptions may legitimately sleep for years.
  const names = Object.keys(ARGS).filter((n) => n !== 'poll_oneoff');
  it.each(names)('%s returns an errno or traps cleanly for 300 random argument lists', (name) => {
    const host = createHost({ message: { args: ['a'], env: { K: 'v' } } });
    const memory = new WebAssembly.Memory({ initial: 2 });
    host.memory.attach(memory);
    const imports: ImportObject = {};
    // The Node backend gets a throwaway root: garbage paths create garbage files.
    const root = fs === 'node' ? mkdtempSync(join(tmpdir(), 'wasi-fuzz-')) : undefined;
    if (root) onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    link(imports, host, { stdout: 'capture', fs, ...(root ? { root } : {}) });
    onTestFinished(() => host.services.get(FD_TABLE)?.dispose());
    const f = imports['wasi_snapshot_preview1']![name] as (...a: Array<number | bigint>) => unknown;
    const next = rng(name.length * 7919 + name.charCodeAt(0));
    const u8 = new Uint8Array(memory.buffer);
    for (let i = 0; i < 300; i++) {
      // Random bytes in part of memory: iovecs, paths and structs the call may read.
      for (let j = 0; j < 64; j++) u8[next() % 8192] = next() & 0xff;
      const args = ARGS[name]!.map((k) => value(k, next));
      let result: unknown;
      try {
        result = f(...args);
      } catch (e) {
        if (e instanceof ProcExit) continue;
        expect(e).toBeInstanceOf(GuestTrap);
        expect((e as GuestTrap).importName).toBe(name);
        expect((e as Error).message).not.toMatch(/host error/);
        continue;
      }
      if (name !== 'proc_exit') {
        expect(typeof result).toBe('number');
        expect(result as number).toBeGreaterThanOrEqual(0);
        expect(result as number).toBeLessThanOrEqual(76);
      }
    }
  });
});
