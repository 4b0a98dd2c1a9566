import type { FiletypeCode } from './constants.js';

/**
 * The filesystem behind the fd table. Paths are backend paths: absolute, `/`-separated,
 * already resolved and sandboxed by the caller (see resolve.ts); a backend never sees a
 * guest path. Handles are small integers the backend owns. Errors are thrown as
 * `ErrnoError` or as Node-style errors with an `E...` `code` (mapped by errnoFromNode).
 * A third backend is one file implementing this interface.
 */
export interface FsBackend {
  readonly kind: 'node' | 'memory';
  /** Whether handles and paths are valid in every thread of the process (Node fds are). */
  readonly processWide: boolean;
  lstat(path: string): FileStat;
  fstat(handle: number): FileStat;
  open(path: string, request: OpenRequest): number;
  close(handle: number): void;
  /** Reads into `buffer`; `position` null reads at (and advances) the handle's stream position. */
  read(handle: number, buffer: Uint8Array, position: number | null): number;
  /** Writes `buffer`; `position` null writes at the stream position. APPEND is the fd table's job. */
  write(handle: number, buffer: Uint8Array, position: number | null): number;
  ftruncate(handle: number, size: number): void;
  /** Sets times in nanoseconds since the epoch; undefined leaves a time unchanged. */
  futimes(handle: number, atim: bigint | undefined, mtim: bigint | undefined): void;
  utimes(path: string, atim: bigint | undefined, mtim: bigint | undefined): void;
  fsync(handle: number, dataOnly: boolean): void;
  /** Entries of a directory, without `.` and `..`. `ino` 0 means unknown (WASI allows it). */
  readdir(path: string): DirEntry[];
  mkdir(path: string): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
  link(from: string, to: string): void;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
  /**
   * The real path of an open handle when the backend can race with outside changes
   * (Linux /proc/self/fd); undefined when it cannot tell. Used to verify that an opened
   * file lies inside its preopen.
   */
  readonly realpathOf?: ((handle: number) => string | undefined) | undefined;
  /**
   * A path naming `name` inside the directory open as `handle`, resolved by the kernel
   * from that directory whatever its path is now (Linux: /proc/self/fd/<handle>/<name>);
   * absent where the backend cannot race with outside changes. `name` '' names the directory.
   */
  readonly beneath?: ((handle: number, name: string) => string) | undefined;
  /** Canonical form of a preopen's host path (symlinks resolved). */
  realpath(path: string): string;
  /** System calls beside the portable interface, where the backend has them (see FastPaths). */
  readonly fast?: FastPaths | undefined;
}

/**
 * A FastPaths result telling the caller to take its portable path instead (a guest
 * range it must check and trap on itself, more iovecs than the fast path takes, a
 * race the kernel asked to retry too often). Never a WASI errno (those are 0–76).
 */
export const NOT_TAKEN = -0x10001;

/** FastPaths readv/writev results below this are not errnos: take the portable path (NOT_TAKEN). */
export const NOT_AN_ERRNO = -4095;

/**
 * Race-free sandboxed opens and vectored I/O straight from guest memory (NodeFs on
 * Linux with @faasm/native). openBeneath's results are a handle, a negated WASI errno,
 * or NOT_TAKEN; readv/writev are the backend's own system calls (no layer between the
 * guest and the kernel): a byte count, a negated errno in the backend's numbering
 * (`errno` maps it to WASI's), or a value below NOT_AN_ERRNO (take the portable path).
 * Nothing throws and nothing allocates on success.
 */
export interface FastPaths {
  /**
   * Opens the guest path at [ptr, ptr + len) of `memory` below the directory open as
   * `dirHandle`, every component (`..` and symlinks included) resolved by the kernel
   * without leaving it: -XDEV when the path would leave it (absolute paths, `..` above
   * it, absolute or escaping symlinks); a NUL in the path -INVAL, empty -NOENT.
   * `bits` is the request as OpenBits (an integer: path_open's hot path builds no object).
   */
  openBeneath(dirHandle: number, memory: Uint8Array, ptr: number, len: number, bits: number): number;
  /**
   * readv (position -1: at and advancing the handle's position) or preadv of the iovec
   * array at `iovs` in `memory`; the byte count is also stored as a u32 at `resultPtr`
   * (checked before any I/O, like every iovec).
   */
  readv(handle: number, memory: Uint8Array, iovs: number, count: number, position: number, resultPtr: number): number;
  /** writev / pwritev, as readv. */
  writev(handle: number, memory: Uint8Array, iovs: number, count: number, position: number, resultPtr: number): number;
  /** The WASI errno of a (positive) errno readv/writev returned negated. */
  errno(hostErrno: number): number;
}

export interface FileStat {
  dev: bigint;
  ino: bigint;
  filetype: FiletypeCode;
  nlink: bigint;
  size: bigint;
  atimNs: bigint;
  mtimNs: bigint;
  ctimNs: bigint;
}

export interface DirEntry {
  name: string;
  filetype: FiletypeCode;
  ino: bigint;
}

export interface OpenRequest {
  read: boolean;
  write: boolean;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
  directory: boolean;
  /** Fail with LOOP if the final component is a symlink. */
  noFollow: boolean;
  sync: boolean;
  dsync: boolean;
}

/** An OpenRequest as bits of one integer (FastPaths.openBeneath; index of constant flag tables). */
export const OpenBits = {
  READ: 1, WRITE: 2, CREATE: 4, EXCLUSIVE: 8, TRUNCATE: 16, DIRECTORY: 32, NO_FOLLOW: 64, SYNC: 128, DSYNC: 256,
} as const;
/** One more than the largest OpenBits value (the size of a table indexed by them). */
export const OPEN_BITS_COUNT = 512;

/** The OpenBits of a request. */
export function openBits(r: OpenRequest): number {
  return (r.read ? OpenBits.READ : 0) | (r.write ? OpenBits.WRITE : 0) | (r.create ? OpenBits.CREATE : 0) |
    (r.exclusive ? OpenBits.EXCLUSIVE : 0) | (r.truncate ? OpenBits.TRUNCATE : 0) | (r.directory ? OpenBits.DIRECTORY : 0) |
    (r.noFollow ? OpenBits.NO_FOLLOW : 0) | (r.sync ? OpenBits.SYNC : 0) | (r.dsync ? OpenBits.DSYNC : 0);
}

/** The request OpenBits stand for. */
export function openRequest(bits: number): OpenRequest {
  return {
    read: (bits & OpenBits.READ) !== 0,
    write: (bits & OpenBits.WRITE) !== 0,
    create: (bits & OpenBits.CREATE) !== 0,
    exclusive: (bits & OpenBits.EXCLUSIVE) !== 0,
    truncate: (bits & OpenBits.TRUNCATE) !== 0,
    directory: (bits & OpenBits.DIRECTORY) !== 0,
    noFollow: (bits & OpenBits.NO_FOLLOW) !== 0,
    sync: (bits & OpenBits.SYNC) !== 0,
    dsync: (bits & OpenBits.DSYNC) !== 0,
  };
}

/** Joins a backend directory path and a relative component list. */
export function joinPath(root: string, rel: readonly string[]): string {
  if (rel.length === 0) return root;
  return root === '/' ? `/${rel.join('/')}` : `${root}/${rel.join('/')}`;
}
