import * as fs from 'node:fs';
import { constants } from 'node:os';
import { Errno, ErrnoError, errnoFromNode, type ErrnoCode } from '@faasm/abi';
import { NOT_TAKEN as NATIVE_NOT_TAKEN, OUT_OF_BOUNDS, Resolve, type NativeSyscalls } from '@faasm/native';
import { NOT_TAKEN, OPEN_BITS_COUNT, openRequest, type FastPaths, type OpenRequest } from './backend.js';

const C = fs.constants;
/** RESOLVE_BENEATH keeps every component inside the directory; no /proc magic links either. */
const BENEATH = Resolve.BENEATH | Resolve.NO_MAGICLINKS;
const AT_FDCWD = -100;

/** Linux errno number → WASI errno (a constant table, built once from the platform's names). */
const WASI_ERRNO: readonly ErrnoCode[] = (() => {
  const table = new Array<ErrnoCode>(4096).fill(Errno.IO);
  for (const [name, value] of Object.entries(constants.errno)) {
    if (value > 0 && value < table.length) table[value] = errnoFromNode({ code: name });
  }
  return table;
})();

/** A native result (≥ 0, -errno, OUT_OF_BOUNDS or NOT_TAKEN) as a FastPaths result. */
function fastResult(r: number): number {
  if (r >= 0) return r;
  if (r === OUT_OF_BOUNDS || r === NATIVE_NOT_TAKEN) return NOT_TAKEN;
  return -(WASI_ERRNO[-r] ?? Errno.IO);
}

/** The open(2) flags of a request, as NodeFs.open builds them. */
export function openFlags(r: OpenRequest): number {
  let flags = r.directory ? C.O_RDONLY | C.O_DIRECTORY : r.read && r.write ? C.O_RDWR : r.write ? C.O_WRONLY : C.O_RDONLY;
  if (r.create) flags |= C.O_CREAT;
  if (r.exclusive) flags |= C.O_EXCL;
  if (r.truncate) flags |= C.O_TRUNC;
  if (r.noFollow) flags |= C.O_NOFOLLOW;
  if (r.sync) flags |= C.O_SYNC;
  if (r.dsync) flags |= C.O_DSYNC;
  return flags;
}

/** open(2) flags by OpenBits: a constant table, so the hot path does no flag arithmetic. */
const OPEN_FLAGS: Int32Array = (() => {
  const table = new Int32Array(OPEN_BITS_COUNT);
  for (let bits = 0; bits < OPEN_BITS_COUNT; bits++) table[bits] = openFlags(openRequest(bits));
  return table;
})();

/**
 * NodeFs's fast paths over @faasm/native, or undefined where the kernel lacks openat2
 * (before Linux 5.6, or filtered by a seccomp profile): the sandbox then keeps the
 * portable walk, and so does I/O (one switch for both, so the paths tested are the ones used).
 */
export function nativeFastPaths(native: NativeSyscalls): FastPaths | undefined {
  const probe = native.openBeneath(AT_FDCWD, '.', C.O_RDONLY | C.O_DIRECTORY, 0, BENEATH);
  if (probe < 0) return undefined;
  native.close(probe);
  return {
    openBeneath: (dir, memory, ptr, len, bits) =>
      fastResult(native.openBeneathIn(dir, memory, ptr, len, OPEN_FLAGS[bits & (OPEN_BITS_COUNT - 1)]!, 0o666, BENEATH)),
    // The native calls themselves: fd_read/fd_write call straight into C. Their
    // OUT_OF_BOUNDS and NOT_TAKEN lie below NOT_AN_ERRNO.
    readv: native.readv,
    writev: native.writev,
    errno: (hostErrno) => WASI_ERRNO[hostErrno] ?? Errno.IO,
  };
}

/** close(2) through the native module; failures throw as fs.closeSync's would (an errno). */
export function nativeClose(native: NativeSyscalls, handle: number): void {
  const r = native.close(handle);
  if (r < 0) throw new ErrnoError(WASI_ERRNO[-r] ?? Errno.IO);
}
