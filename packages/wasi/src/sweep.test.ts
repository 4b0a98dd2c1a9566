import { createHost, Errno, GuestTrap, rowsOf, SPEC_IMPORTS, type ImportObject } from '@faasm/abi';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BACKENDS } from './test-backends.js';
import { link } from './link.js';
import { FD_TABLE } from './service.js';
import { table } from './imports.js';

import { ARGS, type Kind } from './test-args.js';

const PAGE = 65536;
const SCRATCH = 1024; // valid buffers live here
const IOV = 512; // one iovec {SCRATCH, 16}
const STR = 256; // "x"
const BAD_FD = 777;

function setup(fs: 'node' | 'memory') {
  // A non-empty environ, so environ_get has something to write.
  const host = createHost({ message: { env: { KEY: 'value' } } });
  const memory = new WebAssembly.Memory({ initial: 1 });
  host.memory.attach(memory);
  const imports: ImportObject = {};
  link(imports, host, { stdout: 'capture', fs });
  onTestFinished(() => host.services.get(FD_TABLE)?.dispose());
  const view = new DataView(memory.buffer);
  view.setUint32(IOV, SCRATCH, true);
  view.setUint32(IOV + 4, 16, true);
  new Uint8Array(memory.buffer).set([0x78], STR);
  const call = (name: string, args: Array<number | bigint>): unknown =>
    (imports['wasi_snapshot_preview1']![name] as (...a: Array<number | bigint>) => unknown)(...args);
  return { call };
}

/** Valid arguments for a row: fd 3 (the `/` preopen), in-bounds buffers, a 1-byte path. */
function validArgs(kinds: Kind[], fd: number): Array<number | bigint> {
  return kinds.map((k, i) => {
    switch (k) {
      case 'fd': return fd;
      case 'ptr': return SCRATCH + 64 * i;
      case 'str': return STR;
      case 'len': return 1;
      case 'iov': return IOV;
      case 'cnt': return 1;
      case 'n': return 0;
      case 'N': return 0n;
    }
  });
}

const names = [...rowsOf(table)].map((r) => r.name);

describe('import table', () => {
  it('provides exactly the wasi_snapshot_preview1 rows of imports.tsv, with their signatures', () => {
    const spec = SPEC_IMPORTS.filter((s) => s.module === 'wasi_snapshot_preview1');
    expect(names.slice().sort()).toEqual(spec.map((s) => s.name).sort());
    for (const { name, row } of rowsOf(table)) {
      const s = spec.find((x) => x.name === name)!;
      expect([name, ...row.params, row.result]).toEqual([name, ...s.params, s.result]);
    }
  });

  it('the sweep below knows every row', () => {
    expect(Object.keys(ARGS).sort()).toEqual(names.slice().sort());
    for (const { name, row } of rowsOf(table)) {
      const kinds = ARGS[name]!;
      expect(kinds.length).toBe(row.params.length);
      kinds.forEach((k, i) => expect([name, i, row.params[i]]).toEqual([name, i, k === 'N' ? 'i64' : 'i32']));
    }
  });
});

describe.each(BACKENDS)('sweep (%s backend)', (fs) => {
  const withFd = Object.entries(ARGS).filter(([, kinds]) => kinds.includes('fd'));
  for (const [name, kinds] of withFd) {
    kinds.forEach((k, i) => {
      if (k !== 'fd') return;
      it(`${name}: a bad fd (argument ${i}) is BADF`, () => {
        const { call } = setup(fs);
        const args = validArgs(kinds, 3);
        args[i] = BAD_FD;
        expect(call(name, args)).toBe(Errno.BADF);
      });
    });
  }

  for (const [name, kinds] of Object.entries(ARGS)) {
    kinds.forEach((k, i) => {
      if (k !== 'ptr' && k !== 'str' && k !== 'iov') return;
      for (const bad of [PAGE - 1, 0xfffffff0]) {
        it(`${name}: pointer argument ${i} = 0x${bad.toString(16)} traps naming the import`, () => {
          const { call } = setup(fs);
          const args = validArgs(kinds, 3);
          args[i] = bad | 0;
          if (kinds[i + 1] === 'len') args[i + 1] = 8;
          if (kinds[i + 1] === 'cnt' && name === 'poll_oneoff') args[i + 1] = 1;
          let thrown: unknown;
          try {
            call(name, args);
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toBeInstanceOf(GuestTrap);
          expect((thrown as GuestTrap).importName).toBe(name);
          expect((thrown as Error).message).toMatch(/out-of-bounds/);
        });
      }
    });
  }

  it('an iovec whose buffer is out of bounds traps (fd_write, fd_read)', () => {
    for (const name of ['fd_write', 'fd_read']) {
      const host = createHost();
      const memory = new WebAssembly.Memory({ initial: 1 });
      host.memory.attach(memory);
      const imports: ImportObject = {};
      link(imports, host, { stdout: 'capture', fs });
      onTestFinished(() => host.services.get(FD_TABLE)?.dispose());
      new DataView(memory.buffer).setUint32(IOV, PAGE - 4, true);
      new DataView(memory.buffer).setUint32(IOV + 4, 1 << 20, true);
      const f = imports['wasi_snapshot_preview1']![name] as (...a: number[]) => number;
      expect(() => f(name === 'fd_write' ? 1 : 0, IOV, 1, SCRATCH)).toThrow(GuestTrap);
      expect(() => f(1, IOV, 0x7fffffff, SCRATCH)).toThrow(/out-of-bounds/);
    }
  });
});
