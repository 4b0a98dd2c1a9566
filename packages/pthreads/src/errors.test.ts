import { describe, expect, it } from 'vitest';
import { runGuest } from '../../threads/src/test-harness.js';

const wasm = new URL('../test/guests/pt_errors.wasm', import.meta.url);
const run = (mode: string) => runGuest(wasm, { args: [mode] });

describe('pthread failures reach the caller', () => {
  it('a trap in a thread is raised by pthread_join with its message', async () => {
    const r = await run('trap');
    expect(r.code).toBe(1);
    expect(r.error?.message).toMatch(/pthread_join: .*unreachable/);
  });

  it('exit() in a thread ends the call with its code', async () => {
    const r = await run('exit');
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(3);
  });

  it('a detached thread that traps is reported after the call', async () => {
    const r = await run('detached-trap');
    expect(r.code).toBe(0);
    expect(r.error?.message).toMatch(/unreachable/);
  });

  it('returns error codes for bad handles and keys (not traps)', async () => {
    const r = await run('codes');
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain('codes bad=0');
    expect(r.code).toBe(0);
  });

  it.each([
    ['wild-mutex', /pthread_mutex_lock: .*out-of-bounds/],
    ['unaligned-mutex', /pthread_mutex_lock: .*unaligned/],
    ['wild-cond', /pthread_cond_signal: .*out-of-bounds/],
    ['wild-create', /pthread_create: .*out-of-bounds/],
    ['wild-join', /pthread_join: .*out-of-bounds/],
    ['relock', /pthread_mutex_lock: deadlock/],
  ])('%s traps naming the import', async (mode, message) => {
    const r = await run(mode);
    expect(r.code).toBe(1);
    expect(r.error?.message).toMatch(message);
  });
});

