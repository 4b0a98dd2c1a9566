// @faasm/ffi and @faasm/dynlink composed by the runtime from a module's imports.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';

const repo = join(import.meta.dirname, '..', '..', '..');

describe('runtime: libffi and dynamic linking guests', () => {
  let runtime: Runtime;
  const root = mkdtempSync(join(tmpdir(), 'faasm-dynlink-root-'));
  beforeAll(async () => {
    // The Faaslet's filesystem root holds the side module dl_main opens (and the files
    // its error tests expect: a non-side wasm module and a C source).
    const guests = join(repo, 'packages/dynlink/test/guests');
    for (const f of ['libside.wasm', 'dl_main.wasm', 'libside.c']) copyFileSync(join(guests, f), join(root, f));
    runtime = await createRuntime({ workers: 1, stdout: 'capture', packageOptions: { '@faasm/wasi': { root } } });
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs a guest calling through ffi_call and closures, twice (the second after a reset)', async () => {
    const guest = join(repo, 'packages/ffi/test/guests/ffi_calls.wasm');
    for (let i = 0; i < 2; i++) {
      const r = await runtime.invoke(guest);
      expect(r.returnValue, `failing CHECK at ffi_calls.c line ${r.returnValue}`).toBe(0);
    }
  }, 60_000);

  it('runs a guest that dlopens a side module from its sandbox, twice (the reset forgets the module)', async () => {
    const guest = join(repo, 'packages/dynlink/test/guests/dl_main.wasm');
    for (let i = 0; i < 2; i++) {
      const r = await runtime.invoke(guest);
      expect(r.returnValue, `failing CHECK at dl_main.c line ${r.returnValue}`).toBe(0);
    }
  }, 60_000);
});
