// @faasm/ffi (and @faasm/dynlink) composed by the runtime from a module's imports.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';

const repo = join(import.meta.dirname, '..', '..', '..');

describe('runtime: libffi guests', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({ workers: 1, stdout: 'capture' });
  });
  afterAll(() => runtime.close());

  it('runs a guest calling through ffi_call and closures, twice (the second after a reset)', async () => {
    const guest = join(repo, 'packages/ffi/test/guests/ffi_calls.wasm');
    for (let i = 0; i < 2; i++) {
      const r = await runtime.invoke(guest);
      expect(r.returnValue, `failing CHECK at ffi_calls.c line ${r.returnValue}`).toBe(0);
    }
  }, 60_000);
});
