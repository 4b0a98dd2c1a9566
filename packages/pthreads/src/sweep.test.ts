import { describe, expect, it } from 'vitest';
import { GuestTrap } from '@faasm/abi';
import { boundEnv, thrownBy } from '../../threads/src/test-harness.js';
import { link } from './index.js';

const bound = () => boundEnv(link);

const WILD = 0xfffffff0 | 0;

describe('every pointer argument out of bounds traps naming the import', () => {
  const calls: Array<[string, unknown[]]> = [
    ['pthread_create', [WILD, 0, 1, 0]],
    ['pthread_create', [64, WILD, 1, 0]],
    ['pthread_join', [129, WILD]],
    ['pthread_once', [WILD, 1]],
    ['pthread_attr_init', [WILD]],
    ['pthread_attr_destroy', [WILD]],
    ['pthread_attr_setstacksize', [WILD, 65536]],
    ['pthread_key_create', [WILD, 0]],
    ['pthread_mutex_init', [WILD, 0]],
    ['pthread_mutex_init', [64, WILD]],
    ['pthread_mutex_destroy', [WILD]],
    ['pthread_mutex_lock', [WILD]],
    ['pthread_mutex_trylock', [WILD]],
    ['pthread_mutex_unlock', [WILD]],
    ['pthread_mutexattr_init', [WILD]],
    ['pthread_mutexattr_destroy', [WILD]],
    ['pthread_cond_init', [WILD, 0]],
    ['pthread_cond_init', [64, WILD]],
    ['pthread_cond_destroy', [WILD]],
    ['pthread_cond_wait', [WILD, 128]],
    ['pthread_cond_timedwait', [64, 128, WILD]],
    ['pthread_cond_signal', [WILD]],
    ['pthread_cond_broadcast', [WILD]],
    ['__faasm_futex_wait', [WILD, 0, 0n]],
    ['__faasm_futex_wake', [WILD, 1]],
  ];
  it.each(calls.map(([name, args]) => [name, args.map(String).join(', '), args] as const))('%s(%s)', (name, _text, args) => {
    const env = bound();
    const error = thrownBy(() => env[name]!(...args));
    expect(error).toBeInstanceOf(GuestTrap);
    expect((error as Error).message).toMatch(new RegExp(`^${name}: .*out-of-bounds`));
  });

  it('unaligned lock objects trap too', () => {
    expect(() => bound()['pthread_mutex_lock']!(66)).toThrow(/pthread_mutex_lock: .*unaligned/);
  });

  it('bad handles are error codes', () => {
    const env = bound();
    expect(env['pthread_join']!(12345, 0)).toBe(71); // ESRCH
    expect(env['pthread_detach']!(12345)).toBe(71);
    expect(env['pthread_key_delete']!(77)).toBe(28); // EINVAL
    expect(env['pthread_getspecific']!(77)).toBe(0);
    expect(env['pthread_attr_setstacksize']!(64, 10)).toBe(28);
    expect(env['pthread_equal']!(5, 5)).toBe(1);
    expect(env['pthread_self']!()).toBe(1);
  });
});
