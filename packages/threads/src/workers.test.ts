import { describe, expect, it } from 'vitest';
import { MINI_WASI, runGuest } from './test-harness.js';

describe('thread workers', () => {
  it('report a worker that cannot build its instance as the waiting call\'s error', async () => {
    // Workers compose without the WASI package: instantiation fails in the worker.
    const run = await runGuest(new URL('../test/guests/boot.wasm', import.meta.url), {
      workerPackages: ['@faasm/pthreads'],
    });
    expect(run.code).toBe(1);
    expect(run.error?.message).toMatch(/pthread_join: LinkError: module has \d+ unresolved import.*proc_exit/s);
  });

  it('run the same guest after a failure with a working setup', async () => {
    const run = await runGuest(new URL('../test/guests/boot.wasm', import.meta.url), { packages: [MINI_WASI, '@faasm/pthreads'] });
    expect(run.error).toBeUndefined();
    expect(run.code).toBe(0);
  });
});
