import { Errno, type FaasletHost } from '@faasm/abi';
import { Static, posixOf } from './state.js';
import { Filetype, normalize } from './wasi-calls.js';

// Path helpers over WASI: every path a POSIX handler takes is resolved against the
// Faaslet's preopens (and its chdir), then handed to the WASI provider.

/** WASI lookupflags: follow symlinks. */
export const SYMLINK_FOLLOW = 1;

/** Resolves a guest path and writes it into scratch at `offset`; returns [fd, ptr, len] or a negative errno. */
export function pathArg(host: FaasletHost, path: string, offset = 256): [number, number, number] | number {
  const state = posixOf(host);
  if (path === '') return -Errno.NOENT;
  const target = state.wasi.resolve(path, state.cwd);
  if (!target) return -Errno.NOENT;
  const written = state.wasi.scratchString(target.rel, offset);
  if (!written) return -Errno.NAMETOOLONG;
  return [target.fd, written[0], written[1]];
}

/** path_filestat_get of a guest path into scratch(4096); returns the filestat address or a negative errno. */
export function statPath(host: FaasletHost, path: string, follow = true): number {
  const state = posixOf(host);
  const arg = pathArg(host, path);
  if (typeof arg === 'number') return arg;
  const out = state.wasi.scratch(4096);
  const errno = state.wasi.call('path_filestat_get', arg[0], follow ? SYMLINK_FOLLOW : 0, arg[1], arg[2], out);
  return errno === 0 ? out : -errno;
}

/** The absolute, normalised form of a guest path under the current cwd. */
export function absolute(host: FaasletHost, path: string): string {
  const cwd = posixOf(host).cwd ?? '/';
  return normalize(path.startsWith('/') ? path : `${cwd}/${path}`);
}

/** Filetype of a filestat at `stat` (witx filestat: filetype u8 at 16). */
export function statFiletype(host: FaasletHost, stat: number): number {
  return host.memory.u8(stat + 16);
}

export { Filetype };

/**
 * Reads a whole (small) guest file through WASI, e.g. the runtime root's /etc/passwd;
 * undefined if it cannot be opened. Reads at most 1 MiB.
 */
export function readGuestFile(host: FaasletHost, path: string): string | undefined {
  const state = posixOf(host);
  const wasi = state.wasi;
  const arg = pathArg(host, path);
  if (typeof arg === 'number') return undefined;
  const out = wasi.scratch(4096);
  const RIGHTS = (1n << 1n) | (1n << 2n) | (1n << 5n) | (1n << 21n);
  if (wasi.call('path_open', arg[0], SYMLINK_FOLLOW, arg[1], arg[2], 0, RIGHTS, 0n, 0, out) !== 0) return undefined;
  const fd = host.memory.u32(out);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const iov = wasi.scratch(0);
    const buf = wasi.scratch(64);
    for (;;) {
      host.memory.setU32(iov, buf);
      host.memory.setU32(iov + 4, Static.SCRATCH_SIZE - 128);
      if (wasi.call('fd_read', fd, iov, 1, wasi.scratch(8)) !== 0) return undefined;
      const n = host.memory.u32(wasi.scratch(8));
      if (n === 0 || total > 1 << 20) break;
      chunks.push(host.memory.copy(buf, n));
      total += n;
    }
  } finally {
    wasi.call('fd_close', fd);
  }
  return Buffer.concat(chunks).toString('utf8');
}
