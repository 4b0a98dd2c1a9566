import { parse } from '@bytecodealliance/jco';
import { LinkError, lifecycleOf, type LoadedPackage } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain JavaScript fixture package
import * as testPackage from '../test/fixtures/test-package.mjs';
import { Faaslet, FaasletInitError } from './faaslet.js';
import { ModuleCache } from './modules.js';
import { bridgeGuest, exitGuest, lifecycleGuest, missingImportsGuest, trapGuest, zygoteFailsGuest } from './test-guests.js';

const packages: LoadedPackage[] = [{ name: 'test-package', pkg: testPackage }];
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function faaslet(bytes: Uint8Array, extra: Partial<ConstructorParameters<typeof Faaslet>[1]> = {}) {
  const loaded = await new ModuleCache().load(bytes);
  return new Faaslet(loaded, { packages, ...extra });
}

describe('Faaslet lifecycle', () => {
  it('runs constructors and the zygote once, and resets memory, globals and size between calls', async () => {
    const f = await faaslet(await lifecycleGuest());
    const pages = f.host.memory.size;
    for (let i = 0; i < 3; i++) {
      const result = f.call();
      expect(result.returnValue).toBe(0);
      expect(text(result.output)).toBe('1111');
      expect(f.host.memory.size).toBe(pages + 3 * 65536);
    }
    f.reset();
    expect(f.host.memory.size).toBe(pages);
  });

  it("dispose runs every package's lifecycle dispose once, despite a failing one, and ends the Faaslet", async () => {
    const disposed: string[] = [];
    const warnings: string[] = [];
    const log = { debug() {}, warn: (m: string) => void warnings.push(m) };
    const f = await faaslet(await lifecycleGuest(), {
      log,
      prepare: (host) => {
        lifecycleOf(host).register({ name: 'kept-connection', dispose: () => void disposed.push('kept-connection') });
        lifecycleOf(host).register({
          name: 'broken',
          dispose: () => {
            throw new Error('already gone');
          },
        });
      },
    });
    expect(f.call().returnValue).toBe(0);
    expect(f.disposed).toBe(false);
    await Promise.all([f.dispose(), f.dispose()]);
    await f.dispose();
    expect(disposed).toEqual(['kept-connection']);
    expect(warnings.some((w) => w.includes('broken: dispose failed: already gone'))).toBe(true);
    expect(f.disposed).toBe(true);
    expect(() => f.call()).toThrow(/disposed/);
  });

  it('turns exit codes into the return value and replaces the output', async () => {
    const f = await faaslet(await exitGuest());
    const result = f.call();
    expect(result.returnValue).toBe(3);
    expect(text(result.output)).toBe('Call failed (return value=3)');
  });

  it('runs a table entry for a pointer call, with and without an argument', async () => {
    const f = await faaslet(await exitGuest());
    expect(f.call({ entry: { tableIndex: 1, arg: 21 } }).returnValue).toBe(42);
    expect(text(f.call({ entry: { tableIndex: 2 } }).output)).toBe('Call failed (return value=7)');
    const bad = f.call({ entry: { tableIndex: 99 } });
    expect(bad.returnValue).toBe(1);
    expect(bad.error).toMatch(/table index 99 out of range/);
  });

  it('reports traps and host exceptions as failed calls naming the cause', async () => {
    const f = await faaslet(await trapGuest());
    const trapped = f.call();
    expect(trapped.returnValue).toBe(1);
    expect(trapped.error).toMatch(/wasm trap: unreachable/);
    const again = f.call({ entry: { tableIndex: 0 } });
    expect(again.returnValue).toBe(1);
  });

  it('names the import when a host function throws', async () => {
    const loaded = await new ModuleCache().load(await trapGuest());
    const f = new Faaslet(loaded, { packages });
    expect(() => (f.instance.exports['host_failure'] as () => void)()).toThrow('boom: host error: host-side failure');
  });

  it('fails initialisation when the zygote returns non-zero', async () => {
    await expect(faaslet(await zygoteFailsGuest())).rejects.toThrow(new FaasletInitError('zygote failed (returned 2)'));
  });

  it('refuses unresolved imports with one error naming every import and its package', async () => {
    const error = await faaslet(await missingImportsGuest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    const message = (error as Error).message;
    expect(message).toContain('3 unresolved imports');
    expect(message).toContain('env.MPI_Send (provided by @faasm/mpi, which is not linked)');
    expect(message).toContain('wasi_snapshot_preview1.fd_write (provided by @faasm/wasi, which is not linked)');
    expect(message).toContain("env.no_such_thing (not part of Faasm's interface)");
  });

  it('calls through a synchronous bridge when one is given', async () => {
    const f = await faaslet(await bridgeGuest(), { bridge: { call: (_s, v) => (v as number) * 2 } });
    expect(text(f.call().output)).toBe('42');
  });
});

describe('Faaslet lifecycle with a C guest', () => {
  it('runs constructors and the zygote once; every call starts from the snapshot', async () => {
    const { readFileSync } = await import('node:fs');
    const { loadPackages } = await import('@faasm/abi');
    const bytes = readFileSync(new URL('../test/guests/lifecycle.wasm', import.meta.url));
    const loaded = await new ModuleCache().load(bytes);
    const f = new Faaslet(loaded, {
      packages: await loadPackages(['@faasm/memory', '@faasm/wasi', '@faasm/functions']),
      packageOptions: { '@faasm/wasi': { stdout: 'capture' } },
    });
    const size = f.host.memory.size;
    for (let i = 0; i < 3; i++) {
      const result = f.call();
      expect(result.error).toBeUndefined();
      expect(text(result.output)).toBe('ctors=1 zygote=1 calls=1 buffer=made by the zygote');
      expect(text(result.stdout)).toBe('ctors=1 zygote=1 calls=1 buffer=made by the zygote\n');
      expect(f.host.memory.size).toBeGreaterThanOrEqual(size + 8 * 1024 * 1024);
    }
    f.reset();
    expect(f.host.memory.size).toBe(size);
  });
});

describe('Faaslet memory at link time', () => {
  /** A package that records what memory its link saw attached to the host. */
  function probe() {
    const seen: { memory: WebAssembly.Memory | undefined } = { memory: undefined };
    const pkg: LoadedPackage = {
      name: 'probe',
      pkg: {
        manifest: { imports: { probe: ['f'] } },
        link(importObject, host) {
          seen.memory = host.memory.attached ? host.memory.memory : undefined;
          importObject['probe'] = { f: () => {} };
        },
      },
    };
    return { seen, pkg };
  }
  const guest = (memory: string) =>
    parse(`(module (import "probe" "f" (func)) (import "env" "memory" (memory ${memory})) (func (export "_start") (call 0)))`);

  it('creates a shared memory before linking and instantiates over that one (packages build fast paths over it)', async () => {
    const { seen, pkg } = probe();
    const f = new Faaslet(await new ModuleCache().load(await guest('1 4 shared')), { packages: [pkg] });
    expect(seen.memory).toBeDefined();
    expect(seen.memory!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(f.host.memory.memory).toBe(seen.memory);
    expect(f.call().returnValue).toBe(0);
  });

  it('creates a plain imported memory at instantiation (it is replaced when a reset finds it grown)', async () => {
    const { seen, pkg } = probe();
    const f = new Faaslet(await new ModuleCache().load(await guest('1 4')), { packages: [pkg] });
    expect(seen.memory).toBeUndefined();
    expect(f.host.memory.memory.buffer).toBeInstanceOf(ArrayBuffer);
  });
});
