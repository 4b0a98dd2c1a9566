import { describe, expect, it } from 'vitest';
import { GuestTrap } from '@faasm/abi';
import { boundEnv, thrownBy } from '../../threads/src/test-harness.js';
import { link } from './index.js';

const bound = () => boundEnv(link);

const W = 0xfffffff0 | 0;

describe('every pointer argument out of bounds traps naming the import', () => {
  const calls: Array<[string, unknown[]]> = [
    ['__kmpc_fork_call', [0, 3, 1, W]],
    ['__kmpc_critical', [0, 0, W]],
    ['__kmpc_end_critical', [0, 0, W]],
    ['__kmpc_critical_with_hint', [0, 0, W, 0]],
    ['__kmpc_reduce', [0, 0, 1, 4, 64, 1, W]],
    ['__kmpc_reduce_nowait', [0, 0, 1, 4, 64, 1, W]],
    ['__kmpc_end_reduce_nowait', [0, 0, W]],
    ['__kmpc_for_static_init_4', [0, 0, 34, 64, W, 72, 76, 1, 1]],
    ['__kmpc_for_static_init_4', [0, 0, 34, 64, 68, W, 76, 1, 1]],
    ['__kmpc_for_static_init_8', [0, 0, 34, 64, W, 80, 88, 1n, 1n]],
    ['__kmpc_for_static_init_8u', [0, 0, 34, 64, 72, W, 88, 1n, 1n]],
    ['__kmpc_for_static_init_4u', [0, 0, 34, 64, W, 72, 76, 1, 1]],
    ['omp_init_lock', [W]],
    ['omp_set_lock', [W]],
    ['omp_unset_lock', [W]],
    ['omp_test_lock', [W]],
    ['omp_destroy_lock', [W]],
    ['omp_init_nest_lock', [W]],
    ['omp_set_nest_lock', [W]],
    ['omp_unset_nest_lock', [W]],
    ['omp_test_nest_lock', [W]],
    ['omp_destroy_nest_lock', [W]],
    ['omp_get_schedule', [W, 64]],
    ['__faasm_sm_reduce', [W, 2, 1, 0]],
    ['__atomic_load', [8, W, 64, 5]],
    ['__atomic_store', [8, 64, W, 5]],
    ['__atomic_exchange', [8, 64, 72, W, 5]],
    ['__atomic_compare_exchange', [8, W, 64, 72, 5, 5]],
    ['__kmpc_omp_task', [0, 0, W]],
  ];
  it.each(calls.map(([name, args]) => [name, args.map(String).join(', '), args] as const))('%s(%s)', (name, _text, args) => {
    const env = bound();
    const error = thrownBy(() => env[name]!(...args));
    expect(error).toBeInstanceOf(GuestTrap);
    expect((error as Error).message).toMatch(new RegExp(`^${name}: .*out-of-bounds`));
  });

  it('dispatch loops write their bounds through checked pointers', () => {
    const env = bound();
    env['__kmpc_dispatch_init_4']!(0, 0, 35, 0, 9, 1, 2);
    expect(() => env['__kmpc_dispatch_next_4']!(0, 0, 64, W, 72, 76)).toThrow(/__kmpc_dispatch_next_4: .*out-of-bounds/);
  });

  it('rejects bad task sizes and snapshot-reduce types', () => {
    const env = bound();
    expect(() => env['__kmpc_omp_task_alloc']!(0, 0, 1, 4, 0, 1)).toThrow(/__kmpc_omp_task_alloc: bad task size/);
    expect(() => env['__faasm_sm_reduce']!(64, 9, 1, 0)).toThrow(/__faasm_sm_reduce: unknown variable type 9/);
    expect(() => env['__faasm_sm_reduce']!(64, 2, 9, 0)).toThrow(/__faasm_sm_reduce: unknown reduce op 9/);
  });
});

describe('queries and setters outside any region', () => {
  it('follow OpenMP 5.2 on the initial thread', () => {
    const env = bound();
    expect(env['omp_get_thread_num']!()).toBe(0);
    expect(env['omp_get_num_threads']!()).toBe(1);
    expect(env['omp_in_parallel']!()).toBe(0);
    expect(env['omp_get_level']!()).toBe(0);
    expect(env['omp_get_ancestor_thread_num']!(0)).toBe(0);
    expect(env['omp_get_ancestor_thread_num']!(1)).toBe(-1);
    expect(env['omp_get_team_size']!(-1)).toBe(-1);
    env['omp_set_num_threads']!(3);
    expect(env['omp_get_max_threads']!()).toBe(3);
    env['omp_set_num_threads']!(0);
    expect(env['omp_get_max_threads']!()).toBe(3);
    env['omp_set_max_active_levels']!(4);
    expect(env['omp_get_max_active_levels']!()).toBe(4);
    expect(env['omp_get_nested']!()).toBe(1);
    env['omp_set_dynamic']!(1);
    expect(env['omp_get_dynamic']!()).toBe(1);
    env['omp_set_default_device']!(2);
    expect(env['omp_get_default_device']!()).toBe(2);
    expect(env['omp_get_num_devices']!()).toBe(0);
    expect(env['__kmpc_master']!(0, 0)).toBe(1);
    expect(env['__kmpc_single']!(0, 0)).toBe(1);
    expect(env['__kmpc_global_thread_num']!(0)).toBe(0);
    expect(typeof env['omp_get_wtime']!()).toBe('number');
  });
});
