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

  it('mutex kinds, condition variables, a producer/consumer queue and a malloc stress', async () => {
    const run = await runGuest(guest('pt_sync'));
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('pt_sync failures=0');
    expect(run.code).toBe(0);
  });
});
