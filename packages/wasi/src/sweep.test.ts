import { createHost, Errno, GuestTrap, rowsOf, SPEC_IMPORTS, type ImportObject } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { link } from './link.js';
import { table } from './imports.js';

/**
 * Argument kinds of every import, from the witx: `fd`, `ptr` (guest pointer; an out
 * pointer or a buffer), `str`/`len` (a path and its length), `iov`/`cnt` (iovec array and
 * count), `n` (a plain number), `N` (an i64).
 */
type Kind = 'fd' | 'ptr' | 'str' | 'len' | 'iov' | 'cnt' | 'n' | 'N';
const ARGS: Record<string, Kind[]> = {
  args_get: ['ptr', 'ptr'],
  args_sizes_get: ['ptr', 'ptr'],
  environ_get: ['ptr', 'ptr'],
  environ_sizes_get: ['ptr', 'ptr'],
  clock_res_get: ['n', 'ptr'],
  clock_time_get: ['n', 'N', 'ptr'],
  fd_advise: ['fd', 'N', 'N', 'n'],
  fd_allocate: ['fd', 'N', 'N'],
  fd_close: ['fd'],
  fd_datasync: ['fd'],
  fd_fdstat_get: ['fd', 'ptr'],
  fd_fdstat_set_flags: ['fd', 'n'],
  fd_fdstat_set_rights: ['fd', 'N', 'N'],
  fd_filestat_get: ['fd', 'ptr'],
  fd_filestat_set_size: ['fd', 'N'],
  fd_filestat_set_times: ['fd', 'N', 'N', 'n'],
  fd_pread: ['fd', 'iov', 'cnt', 'N', 'ptr'],
  fd_prestat_get: ['fd', 'ptr'],
  fd_prestat_dir_name: ['fd', 'str', 'len'],
  fd_pwrite: ['fd', 'iov', 'cnt', 'N', 'ptr'],
  fd_read: ['fd', 'iov', 'cnt', 'ptr'],
  fd_readdir: ['fd', 'str', 'len', 'N', 'ptr'],
  fd_renumber: ['fd', 'fd'],
  fd_seek: ['fd', 'N', 'n', 'ptr'],
  fd_sync: ['fd'],
  fd_tell: ['fd', 'ptr'],
  fd_write: ['fd', 'iov', 'cnt', 'ptr'],
  path_create_directory: ['fd', 'str', 'len'],
  path_filestat_get: ['fd', 'n', 'str', 'len', 'ptr'],
  path_filestat_set_times: ['fd', 'n', 'str', 'len', 'N', 'N', 'n'],
  path_link: ['fd', 'n', 'str', 'len', 'fd', 'str', 'len'],
  path_open: ['fd', 'n', 'str', 'len', 'n', 'N', 'N', 'n', 'ptr'],
  path_readlink: ['fd', 'str', 'len', 'str', 'len', 'ptr'],
  path_remove_directory: ['fd', 'str', 'len'],
  path_rename: ['fd', 'str', 'len', 'fd', 'str', 'len'],
  path_symlink: ['str', 'len', 'fd', 'str', 'len'],
  path_unlink_file: ['fd', 'str', 'len'],
  poll_oneoff: ['ptr', 'ptr', 'cnt', 'ptr'],
  proc_exit: ['n'],
  random_get: ['str', 'len'],
  sched_yield: [],
  sock_accept: ['fd', 'n', 'ptr'],
  sock_recv: ['fd', 'iov', 'cnt', 'n', 'ptr', 'ptr'],
  sock_send: ['fd', 'iov', 'cnt', 'n', 'ptr'],
  sock_shutdown: ['fd', 'n'],
};

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

describe.each(['node', 'memory'] as const)('sweep (%s backend)', (fs) => {
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
      new DataView(memory.buffer).setUint32(IOV, PAGE - 4, true);
      new DataView(memory.buffer).setUint32(IOV + 4, 1 << 20, true);
      const f = imports['wasi_snapshot_preview1']![name] as (...a: number[]) => number;
      expect(() => f(name === 'fd_write' ? 1 : 0, IOV, 1, SCRATCH)).toThrow(GuestTrap);
      expect(() => f(1, IOV, 0x7fffffff, SCRATCH)).toThrow(/out-of-bounds/);
    }
  });
});
