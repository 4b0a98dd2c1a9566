import { readFileSync } from 'node:fs';
import { Errno, GuestTrap } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the repository's generator (plain JavaScript)
import { wasmSource } from '../../../tools/gen-wasm.mjs';
import { linkedOverSharedMemory, thrownBy } from '../../threads/src/test-harness.js';
import { link } from './index.js';
import { Mutex, MutexType } from './layout.js';
import { pthreadOf } from './state.js';

const M = 64;
const ATTR = 32;
const word = (field: number) => (M + field) / 4;

/** The pthread imports over one page of shared memory, its words and the thread's state. */
function linked() {
  const { env, words, host } = linkedOverSharedMemory(link);
  return { env, words, local: pthreadOf(host) };
}

function init(env: Record<string, (...args: number[]) => number>, words: Int32Array, type: number): void {
  words[ATTR / 4] = type;
  expect(env['pthread_mutex_init']!(M, ATTR)).toBe(0);
}

describe('mutexes in wasm', () => {
  it('the committed module is the one mutexWat() assembles to', async () => {
    expect(readFileSync(new URL('./fast-wasm.ts', import.meta.url), 'utf8')).toBe(await wasmSource('pthreads'));
  });

  it('replace lock, trylock and unlock over a shared memory, recording pthread_self as the owner', () => {
    const { env, words, local } = linked();
    for (const name of ['pthread_mutex_lock', 'pthread_mutex_trylock', 'pthread_mutex_unlock']) {
      expect(String(env[name]), name).toMatch(/^function \d+\(\) \{ \[native code\] \}$/);
      expect((env[name] as unknown as { faasmPackage: string }).faasmPackage).toBe('@faasm/pthreads');
    }
    expect(env['pthread_mutex_lock']!(M)).toBe(0);
    expect([words[word(Mutex.LOCK)], words[word(Mutex.OWNER)], words[word(Mutex.COUNT)]]).toEqual([1, 1, 1]);
    expect(env['pthread_mutex_trylock']!(M)).toBe(Errno.BUSY);
    expect(env['pthread_mutex_unlock']!(M)).toBe(0);
    expect([words[word(Mutex.LOCK)], words[word(Mutex.OWNER)], words[word(Mutex.COUNT)]]).toEqual([0, 0, 0]);
    // A thread's identity changes (a pthread starts on a worker): the owner follows.
    local.self = 77;
    expect(env['pthread_mutex_trylock']!(M)).toBe(0);
    expect(words[word(Mutex.OWNER)]).toBe(77);
    words[word(Mutex.LOCK)] = 2; // a sleeper: the release clears the word
    expect(env['pthread_mutex_unlock']!(M)).toBe(0);
    expect(words[word(Mutex.LOCK)]).toBe(0);
  });

  it('leave every other case to the JavaScript import: relock, recursion, owner checks, EPERM', () => {
    const { env, words, local } = linked();
    expect(env['pthread_mutex_unlock']!(M)).toBe(Errno.PERM);
    expect(env['pthread_mutex_lock']!(M)).toBe(0);
    const relock = thrownBy(() => env['pthread_mutex_lock']!(M));
    expect(relock).toBeInstanceOf(GuestTrap);
    expect((relock as GuestTrap).message).toMatch(/pthread_mutex_lock: deadlock/);
    expect(env['pthread_mutex_unlock']!(M)).toBe(0);

    init(env, words, MutexType.RECURSIVE);
    expect(env['pthread_mutex_lock']!(M)).toBe(0);
    expect(env['pthread_mutex_lock']!(M)).toBe(0);
    expect(env['pthread_mutex_trylock']!(M)).toBe(0);
    expect(words[word(Mutex.COUNT)]).toBe(3);
    local.self = 5;
    expect(env['pthread_mutex_unlock']!(M)).toBe(Errno.PERM);
    local.self = 1;
    for (let i = 0; i < 3; i++) expect(env['pthread_mutex_unlock']!(M)).toBe(0);
    expect(words[word(Mutex.LOCK)]).toBe(0);

    init(env, words, MutexType.ERRORCHECK);
    expect(env['pthread_mutex_lock']!(M)).toBe(0);
    expect(env['pthread_mutex_lock']!(M)).toBe(Errno.DEADLK);
    local.self = 5;
    expect(env['pthread_mutex_unlock']!(M)).toBe(Errno.PERM);
    local.self = 1;
    expect(env['pthread_mutex_unlock']!(M)).toBe(0);
  });

  it('trap naming the import on a misaligned or out-of-bounds mutex', () => {
    const { env } = linked();
    for (const name of ['pthread_mutex_lock', 'pthread_mutex_trylock', 'pthread_mutex_unlock']) {
      for (const bad of [M + 2, 65536 - 20]) {
        const e = thrownBy(() => env[name]!(bad));
        expect(e, `${name}(${bad})`).toBeInstanceOf(GuestTrap);
        expect((e as GuestTrap).importName).toBe(name);
      }
    }
  });
});
