import { describe, expect, it } from 'vitest';
import { runGuest } from '../../threads/src/test-harness.js';

const guest = (name: string): URL => new URL(`../test/guests/${name}.wasm`, import.meta.url);

describe('pthread guests', () => {
  it('creates, joins, detaches and exits threads; once; keys with destructors; attributes', async () => {
    const run = await runGuest(guest('pt_threads'));
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('pt_threads failures=0');
    expect(run.code).toBe(0);
  });

  it.each([1, 2, 4])('mutex kinds, condition variables, a producer/consumer queue and a malloc stress with %i threads', async (threads) => {
    const run = await runGuest(guest('pt_sync'), { args: [String(threads)] });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain(`pt_sync threads=${threads} failures=0`);
    expect(run.code).toBe(0);
  });
});

describe('C++ guests', () => {
  it('use the thread kit from C++ (new/delete from two threads, OpenMP over a vector)', async () => {
    const run = await runGuest(guest('pt_cxx'), { env: { OMP_NUM_THREADS: '2' } });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain(`cxx threads=${2 * 1999000} total=332833500 errno=0`);
  });
});

describe('threads starting threads', () => {
  it('spawns workers from workers when the pool is busy', async () => {
    const run = await runGuest(guest('pt_nested'));
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('nested depth result=4');
    expect(run.code).toBe(0);
  });
});

describe('pthreads without shared memory', () => {
  it('runs each thread to completion inside pthread_create', async () => {
    const run = await runGuest(guest('pt_inline'));
    expect(run.host.memory.shared).toBe(false);
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('inline sum=60 total=6 distinct=1');
  });

  it('traps instead of hanging on a lock no other thread can release', async () => {
    const run = await runGuest(guest('pt_inline'), { args: ['relock'] });
    expect(run.error?.message).toMatch(/pthread_mutex_lock: deadlock/);
  });
});
