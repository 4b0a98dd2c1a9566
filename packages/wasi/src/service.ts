import { Errno, ServiceKey } from '@faasm/abi';
import type { FsBackend } from './backend.js';
import { DescKind, type FdTable, type FdTableHandle } from './fdtable.js';
import { filetypeOf } from './access.js';
import { errnoOf, type WasiHost } from './state.js';

/** What @faasm/posix and others may learn about an fd. */
export interface FdInfo {
  kind: 'stdin' | 'stdout' | 'stderr' | 'file';
  filetype: number;
  fdflags: number;
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** The preopen's guest name, when the fd is a preopen. */
  preopen: string | undefined;
  position: number;
}

/**
 * The fd table as a service (ServiceKey FD_TABLE). Errors are thrown as `ErrnoError`
 * (BADF, MFILE, ...): callers turn them into their own return convention.
 */
export interface FdTableService {
  /** Attach handle for other workers of the same Faaslet (`WasiOptions.table`). */
  readonly handle: FdTableHandle;
  /** The filesystem backend (e.g. to populate an in-memory tree in tests). */
  readonly fs: FsBackend;
  /** dup(fd): the lowest free fd ≥ minFd, sharing fd's open file description (position, flags). */
  dup(fd: number, minFd?: number): number;
  /** dup2(fd, to): `to` refers to fd's description; what `to` held is closed. Returns `to`. */
  dupTo(fd: number, to: number): number;
  /** fd_renumber semantics: both open; `to` takes `from`'s place, `from` is closed. */
  renumber(from: number, to: number): void;
  close(fd: number): void;
  lookup(fd: number): FdInfo | undefined;
  /** Reads `length` bytes at `offset` without moving the fd's position (file-backed mmap); an errno on failure. */
  pread(fd: number, offset: bigint, length: number): Uint8Array | number;
  /** Open fd numbers, ascending. */
  openFds(): number[];
  /**
   * Closes every host handle of the table (preopened directories included) and empties
   * it: call it when a Faaslet is discarded, from the host that created the table.
   */
  dispose(): void;
}

export const FD_TABLE = new ServiceKey<FdTableService>('@faasm/wasi/fd-table');

const KINDS = { [DescKind.STDIN]: 'stdin', [DescKind.STDOUT]: 'stdout', [DescKind.STDERR]: 'stderr', [DescKind.FILE]: 'file' } as const;

export function fdTableService(w: WasiHost): FdTableService {
  const t: FdTable = w.table;
  return {
    // A getter: taking the handle (to share the table) switches the table to atomic claims.
    get handle() {
      return t.handle;
    },
    fs: w.fs,
    dup: (fd, minFd = 0) => t.dup(fd, minFd),
    dupTo: (fd, to) => t.dupTo(fd, to),
    renumber: (from, to) => t.renumber(from, to),
    close: (fd) => t.close(fd),
    lookup(fd) {
      const s = t.slot(fd);
      if (s < 0) return undefined;
      const d = t.desc(s);
      const [rightsBase, rightsInheriting] = t.rights(s);
      return {
        kind: KINDS[t.kind(d) as keyof typeof KINDS],
        filetype: filetypeOf(w, d),
        fdflags: t.fdflags(d),
        rightsBase,
        rightsInheriting,
        preopen: t.preopens[t.preopenOf(s)]?.guest,
        position: t.position(d),
      };
    },
    pread(fd, offset, length) {
      const s = t.slot(fd);
      if (s < 0) return Errno.BADF;
      const d = t.desc(s);
      if (t.kind(d) !== DescKind.FILE) return Errno.ACCES;
      try {
        const out = new Uint8Array(length);
        let got = 0;
        while (got < length) {
          const n = w.fs.read(t.handleOf(d), out.subarray(got), Number(offset) + got);
          if (n === 0) break;
          got += n;
        }
        return out.subarray(0, got);
      } catch (e) {
        return errnoOf(e);
      }
    },
    openFds: () => t.openFds(),
    dispose: () => {
      t.dispose();
      w.listings.clear();
    },
  };
}
