// State through the real runtime: the host replica on the main thread, Faaslets in
// pool workers. C guests from @faasm/state's fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';
import { demoFunctions } from './test-guests.js';

const names = ['state_async', 'state_shared_write', 'state_shared_read', 'state_incr', 'state_size'];

describe('state through the runtime (in-process global tier)', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await createRuntime({
      workers: 2,
      stdout: 'capture',
      functions: demoFunctions('state', names),
    });
  });
  afterAll(() => runtime.close());

  it('a pushed value is read by a chained call', async () => {
    const result = await runtime.invoke('demo/state_async');
    expect(result.error).toBeUndefined();
    expect(result.output.toString()).toBe('equal');
  });

  it('writes through a mapped pointer are seen by the next function without a push', async () => {
    expect((await runtime.invoke('demo/state_shared_write')).output.toString()).toBe('success');
    expect((await runtime.invoke('demo/state_shared_read')).output.toString()).toBe('success');
  });

  it('locked increments from concurrent Faaslets are never lost', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => runtime.invoke('demo/state_incr', { input: '250' })));
    for (const r of results) expect(r.returnValue).toBe(0);
    const last = Math.max(...results.map((r) => Number(r.output.toString())));
    expect(last).toBe(1000);
  });
});
