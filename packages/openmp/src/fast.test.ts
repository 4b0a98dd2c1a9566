import { readFileSync } from 'node:fs';
import { createHost, GuestTrap, type ImportObject } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the repository's generator (plain JavaScript)
import { wasmSource } from '../../../tools/gen-wasm.mjs';
import { boundEnv, linkedOverSharedMemory, thrownBy } from '../../threads/src/test-harness.js';
import { link } from './index.js';

describe('critical sections in wasm', () => {
  it('the committed module is the one locksWat() assembles to', async () => {
    expect(readFileSync(new URL('./fast-wasm.ts', import.meta.url), 'utf8')).toBe(await wasmSource('openmp'));
  });

  it('replace the JavaScript imports over a shared memory and use the first word of the name as the lock', () => {
    const { env, words } = linkedOverSharedMemory(link);
    for (const name of ['__kmpc_critical', '__kmpc_critical_with_hint', '__kmpc_end_critical', 'omp_set_lock', 'omp_unset_lock', 'omp_test_lock']) {
      // An exported wasm function, not a bound JavaScript closure (the sweep tests cover
      // its fallback: every bad pointer traps naming the import).
      expect(String(env[name]), name).toMatch(/^function \d+\(\) \{ \[native code\] \}$/);
      expect((env[name] as unknown as { faasmPackage: string }).faasmPackage).toBe('@faasm/openmp');
    }
    env['__kmpc_critical']!(0, 0, 64);
    env['__kmpc_critical_with_hint']!(0, 0, 96, 0);
    expect([words[16], words[24]]).toEqual([1, 1]);
    env['__kmpc_end_critical']!(0, 0, 64);
    expect([words[16], words[24]]).toEqual([0, 1]);
    words[24] = 2; // contended: the release clears the word and wakes a sleeper
    env['__kmpc_end_critical']!(0, 0, 96);
    expect(words[24]).toBe(0);
    // omp locks: the word of the omp_lock_t.
    expect(env['omp_test_lock']!(128)).toBe(1);
    expect(env['omp_test_lock']!(128)).toBe(0);
    env['omp_unset_lock']!(128);
    expect(words[32]).toBe(0);
    env['omp_set_lock']!(128);
    expect(words[32]).toBe(1);
    env['omp_unset_lock']!(128);
    expect(words[32]).toBe(0);
  });

  it('stay JavaScript without a shared memory (snapshot mode)', () => {
    const host = createHost();
    host.memory.attach(new WebAssembly.Memory({ initial: 1 }));
    const importObject: ImportObject = {};
    link(importObject, host);
    expect(String(importObject['env']!['__kmpc_critical'])).not.toMatch(/native code/);
  });

  it('trap naming the import on a misaligned name or lock, as the JavaScript versions do', () => {
    const env = boundEnv(link);
    for (const [name, args] of [['__kmpc_critical', [0, 0, 66]], ['__kmpc_end_critical', [0, 0, 66]], ['omp_set_lock', [66]], ['omp_unset_lock', [66]], ['omp_test_lock', [66]]] as const) {
      const e = thrownBy(() => env[name]!(...args));
      expect(e, name).toBeInstanceOf(GuestTrap);
      expect((e as GuestTrap).importName).toBe(name);
    }
  });
});
