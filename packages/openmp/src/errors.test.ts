import { describe, expect, it } from 'vitest';
import { runGuest } from '../../threads/src/test-harness.js';

const wasm = new URL('../test/guests/omp_errors.wasm', import.meta.url);
const run = (mode: string) => runGuest(wasm, { args: [mode], env: { OMP_NUM_THREADS: '2' } });

describe('OpenMP failures reach the caller', () => {
  it('a trap in a team thread fails the region with its message (the others leave the barrier)', async () => {
    const r = await run('trap');
    expect(r.code).toBe(1);
    expect(r.error?.message).toMatch(/__kmpc_fork_call: .*unreachable/);
  });

  it('a trap in thread 0 is raised as is, after the team stopped', async () => {
    const r = await run('trap-master');
    expect(r.code).toBe(1);
    expect(r.error?.message).toMatch(/unreachable/);
  });

  it('exit() in a team thread ends the call with its code', async () => {
    const r = await run('exit');
    expect(r.code).toBe(5);
  });

  it.each([
    ['wild-critical', /__kmpc_critical: .*out-of-bounds/],
    ['wild-static', /__kmpc_for_static_init_4: .*out-of-bounds/],
  ])('%s traps naming the import', async (mode, message) => {
    const r = await run(mode);
    expect(r.code).toBe(1);
    expect(r.error?.message).toMatch(message);
  });

  it('the runtime is usable after a failed region', async () => {
    const r = await run('after-trap');
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain('sum=4950');
  });
});
