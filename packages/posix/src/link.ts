import { lifecycleOf, linkTable, manifestOf, type FaasletHost, type ImportObject, type ImportTable } from '@faasm/abi';
import { MMAP_FILES, provideHeap } from '@faasm/memory';
import { FD_TABLE } from '@faasm/wasi';
import { table } from './imports.js';
import type { PosixOptions } from './options.js';
import { POSIX_STATE, PosixState, type PosixSnapshot } from './state.js';
import { WasiCalls } from './wasi-calls.js';

export const manifest = manifestOf(table as unknown as ImportTable<unknown>);

/**
 * Adds @faasm/posix's imports and its per-Faaslet state to `host`. File-backed mmap
 * (@faasm/memory's MMAP_FILES) is provided here: @faasm/wasi's FD_TABLE.pread, else WASI's fd_pread.
 * Link after the WASI provider (compose's default order does): POSIX calls reach the fd
 * table through the `wasi_snapshot_preview1` functions in the same import object.
 */
export function link(importObject: ImportObject, host: FaasletHost, options: PosixOptions = {}, only?: ReadonlySet<string>): void {
  linkTable(table, importObject, host, only);
  provideHeap(host);
  const wasi = new WasiCalls(host, importObject);
  const state = new PosixState(host, options, wasi);
  host.services.provide(POSIX_STATE, state);
  if (!host.services.get(MMAP_FILES)) {
    host.services.provide(MMAP_FILES, {
      read(fd, offset, length) {
        const fdTable = host.services.get(FD_TABLE);
        if (fdTable) return fdTable.pread(fd, offset, length);
        const out = new Uint8Array(length);
        let done = 0;
        const iov = wasi.scratch(0);
        const nread = wasi.scratch(8);
        const buf = wasi.scratch(64);
        while (done < length) {
          host.memory.setU32(iov, buf);
          host.memory.setU32(iov + 4, Math.min(length - done, 32768));
          const errno = wasi.call('fd_pread', fd, iov, 1, offset + BigInt(done), nread);
          if (errno !== 0) return errno;
          const n = host.memory.u32(nread);
          if (n === 0) break;
          out.set(host.memory.bytes(buf, n), done);
          done += n;
        }
        return out;
      },
    });
  }
  lifecycleOf(host).register({
    name: '@faasm/posix',
    snapshot: () => state.snapshot(),
    restore: (saved) => {
      if (saved) state.restore(saved as PosixSnapshot);
    },
  });
}
