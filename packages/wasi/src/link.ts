import { CAPTURED_STDIO, ErrnoError, GUEST_FILES, linkTable, type ErrnoCode, lifecycleOf, manifestOf, type FaasletHost, type ImportObject, type ImportTable } from '@faasm/abi';
import type { FsBackend } from './backend.js';
import { ALL_RIGHTS, Filetype, STDIN_RIGHTS, STDOUT_RIGHTS } from './constants.js';
import { DescKind, FdTable, Mode, type FdTableHandle, type FdTableSnapshot, type Preopen } from './fdtable.js';
import { table } from './imports.js';
import { MemoryFs } from './memory-fs.js';
import { NodeFs } from './node-fs.js';
import { readGuestFile } from './path.js';
import type { WasiOptions } from './options.js';
import { defaultNodeRoot, populateMemoryRoot } from './root.js';
import { FD_TABLE, fdTableService } from './service.js';
import { STDIO, Stdio, allocateCapture } from './stdio.js';
import { WasiHost, errnoOf } from './state.js';

export const manifest = manifestOf(table as ImportTable<never> as ImportTable<unknown>);

const OPEN_DIR = { read: true, write: false, create: false, exclusive: false, truncate: false, directory: true, noFollow: false, sync: false, dsync: false };

/** Faasm's layout: fd 3 = `/` and fd 4 = `.`, both the runtime root, then the extra preopens. */
function preopensFor(backend: FsBackend, options: WasiOptions): Preopen[] {
  let root: string;
  if (backend instanceof MemoryFs) {
    root = options.root ?? '/';
    populateMemoryRoot(backend, root);
  } else {
    root = options.root ?? defaultNodeRoot();
  }
  const real = backend.realpath(root);
  const list: Preopen[] = [{ guest: '/', host: real }, { guest: '.', host: real }];
  for (const p of options.preopens ?? []) {
    // A fresh in-memory tree has nothing yet: its preopens start as empty directories.
    if (backend instanceof MemoryFs) backend.mkdirp(p.host);
    list.push({ guest: p.guest, host: backend.realpath(p.host) });
  }
  return list;
}

/** Fills a fresh table: stdio on 0–2, preopens from 3. */
function install(t: FdTable, backend: FsBackend): void {
  const stdio = [
    [DescKind.STDIN, STDIN_RIGHTS],
    [DescKind.STDOUT, STDOUT_RIGHTS],
    [DescKind.STDERR, STDOUT_RIGHTS],
  ] as const;
  stdio.forEach(([kind, rights], fd) => {
    t.open({ kind, handle: fd, filetype: Filetype.CHARACTER_DEVICE, fdflags: 0, mode: Mode.STREAM, root: -1, path: '' }, BigInt(rights), 0n, -1, fd);
  });
  t.preopens.forEach((p, i) => {
    const handle = backend.open(p.host, OPEN_DIR);
    t.open({ kind: DescKind.FILE, handle, filetype: Filetype.DIRECTORY, fdflags: 0, mode: 0, root: i, path: '' }, BigInt(ALL_RIGHTS), BigInt(ALL_RIGHTS), i, 3 + i);
  });
}

/**
 * Links wasi_snapshot_preview1 into `importObject` for `host`, and provides the STDIO
 * and FD_TABLE services and a lifecycle participant (capture restarts before each
 * call; snapshot/restore save and reinstate the fd table, closing fds opened during
 * the call).
 */
export function link(importObject: ImportObject, host: FaasletHost, options: WasiOptions = {}): void {
  let handle: FdTableHandle | undefined = options.table;
  let backend: FsBackend;
  if (handle) {
    if (handle.fs === 'memory') throw new Error('@faasm/wasi: an in-memory filesystem cannot be shared with another worker; use fs: "node" for thread teams');
    backend = new NodeFs();
  } else {
    backend = options.fs === 'memory' ? new MemoryFs() : new NodeFs();
  }
  let t: FdTable;
  const mode = options.stdout ?? 'passthrough';
  // Another thread of a team attaches to the owner's table and capture buffers.
  const owner = handle === undefined;
  if (handle) {
    t = new FdTable(handle, backend, true);
  } else {
    handle = { buffer: FdTable.allocate(), preopens: preopensFor(backend, options), fs: backend.kind, ...(mode === 'capture' ? { capture: allocateCapture() } : {}) };
    t = new FdTable(handle, backend);
    install(t, backend);
  }
  const stdio = new Stdio(mode, options.stdin ?? 'empty', handle.capture, owner);
  const w = new WasiHost(host, t, backend, stdio);
  linkTable(table, importObject, w);
  host.services.provide(STDIO, stdio);
  // The runtime reads each call's captured output through abi's generic key.
  host.services.provide(CAPTURED_STDIO, stdio);
  host.services.provide(FD_TABLE, fdTableService(w));
  host.services.provide(GUEST_FILES, {
    // The contract: failures are ErrnoErrors (a system error's message names host paths).
    readFile(path) {
      try {
        return readGuestFile(w, path);
      } catch (e) {
        if (e instanceof ErrnoError) throw e;
        throw new ErrnoError(errnoOf(e) as ErrnoCode);
      }
    },
  });
  lifecycleOf(host).register({
    name: '@faasm/wasi',
    beforeCall: () => stdio.restart(),
    snapshot: () => t.snapshot(),
    restore: (saved) => {
      if (saved) t.restore(saved as FdTableSnapshot);
      w.listings.clear();
    },
    // The Faaslet is discarded: its host handles (preopens included) close. Only the
    // table's owner: a thread attached to a team's table leaves it to the owner.
    ...(owner
      ? {
          dispose: () => {
            t.dispose();
            w.listings.clear();
          },
        }
      : {}),
  });
}
