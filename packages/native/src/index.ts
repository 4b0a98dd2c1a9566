/**
 * @faasm/native: the Linux system calls Node's fs lacks or makes slow, for the host
 * interface's hot paths (sandboxed opens with openat2's RESOLVE_BENEATH, vectored I/O
 * straight from guest memory, blocking sockets for workers whose event loop the guest
 * blocks). Optional: `nativeSyscalls()` is undefined where the module was not built (no C
 * compiler, not Linux) or is switched off with FAASM_NATIVE=off, and callers keep a
 * portable path. Every call is synchronous and reports failure as -errno.
 */
import { createRequire } from 'node:module';

/** Returned instead of -errno when a guest offset or length lies outside guest memory. */
export const OUT_OF_BOUNDS = -0x10000;
/** Returned when the call is valid but the native path does not take it (over 1,024 iovecs). */
export const NOT_TAKEN = -0x10001;

/** openat2(2) resolve flags (linux/openat2.h). */
export const Resolve = {
  NO_XDEV: 0x01,
  NO_MAGICLINKS: 0x02,
  NO_SYMLINKS: 0x04,
  BENEATH: 0x08,
  IN_ROOT: 0x10,
} as const;

/** poll(2) revents bits (Linux) that {@link NativeSyscalls.pollIn} returns. */
export const Poll = {
  IN: 0x001,
  PRI: 0x002,
  OUT: 0x004,
  ERR: 0x008,
  HUP: 0x010,
  NVAL: 0x020,
  RDHUP: 0x2000,
} as const;

export interface NativeSyscalls {
  /** `openat2(dirfd, path, {flags | O_CLOEXEC, mode, resolve})` → fd, or -errno (EXDEV: the path left dirfd). */
  openBeneath(dirfd: number, path: string, flags: number, mode: number, resolve: number): number;
  /**
   * openBeneath with the path taken from `memory` at [pathPtr, pathPtr + pathLength), no
   * string decoding on the way → fd, -errno (NUL inside -EINVAL, empty -ENOENT) or
   * OUT_OF_BOUNDS. Both retry openat2's EAGAIN (a rename raced a `..`) a few times.
   */
  openBeneathIn(dirfd: number, memory: Uint8Array, pathPtr: number, pathLength: number, flags: number, mode: number, resolve: number): number;
  /** `close(fd)` → 0 or -errno. */
  close(fd: number): number;
  /**
   * `readv`/`preadv(fd, iovs)` with the iovec array (u32 pointer, u32 length pairs) at
   * `iovs` in `memory`; position -1 reads at the file offset. A `resultPtr` ≥ 0 (checked
   * with the iovecs, before any I/O) also receives the byte count as a little-endian u32
   * (WASI's `*nread`). → bytes, -errno, OUT_OF_BOUNDS or NOT_TAKEN.
   */
  readv(fd: number, memory: Uint8Array, iovs: number, count: number, position: number, resultPtr?: number): number;
  /** `writev`/`pwritev`, as readv. */
  writev(fd: number, memory: Uint8Array, iovs: number, count: number, position: number, resultPtr?: number): number;
  /** `read(fd, bytes + offset, length)` → bytes, -errno or OUT_OF_BOUNDS. */
  read(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  /** `write(fd, bytes + offset, length)` → bytes, -errno or OUT_OF_BOUNDS. */
  write(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  /** The S_IFMT bits of `fstat(fd)`, or -errno. */
  fileType(fd: number): number;
  /** A blocking TCP socket (TCP_NODELAY) connected to ipv4:port whose reads and writes time out after timeoutMs → fd or -errno. */
  connectTcp(ipv4: string, port: number, timeoutMs: number): number;
  /**
   * `poll(fd, POLLIN | POLLRDHUP, timeoutMs)` → the revents bits ({@link Poll}), 0 when
   * nothing happened in time (0 ms: no wait), or -errno (EINTR is retried). On a kept
   * request/reply socket with nothing in flight, any bit means it is closed or out of step.
   */
  pollIn(fd: number, timeoutMs: number): number;
  /**
   * `sched_setaffinity(0, cpus)`: binds the calling OS thread (this worker or the main
   * thread, not the process) to `cpus` → 0 or -errno (EINVAL: empty, or an id outside
   * the kernel's CPU set; a set with no allowed CPU).
   */
  setThreadAffinity(cpus: readonly number[]): number;
  /** `sched_getaffinity(0)`: the calling OS thread's CPUs, ascending, or -errno. */
  threadAffinity(): number[] | number;
  /** `gettid()`: the calling OS thread's id. */
  threadId(): number;
  /** `sched_yield()`: lets a thread queued on this CPU run first → 0 or -errno. */
  yieldThread(): number;
}

/** Why the native module is not in use, or undefined when it is. */
export function nativeUnavailableReason(): string | undefined {
  return load().reason;
}

/** The native system calls, or undefined (see nativeUnavailableReason). */
export function nativeSyscalls(): NativeSyscalls | undefined {
  return load().syscalls;
}

function load(): { syscalls?: NativeSyscalls; reason?: string } {
  const switchedOff = ['off', '0', 'false'].includes((process.env.FAASM_NATIVE ?? '').toLowerCase());
  if (switchedOff) return { reason: 'switched off by FAASM_NATIVE' };
  if (process.platform !== 'linux') return { reason: `not available on ${process.platform}` };
  const require = createRequire(import.meta.url);
  try {
    // require() caches the loaded module: repeated calls cost a map lookup.
    return { syscalls: require('../build/faasm_native.node') as NativeSyscalls };
  } catch (error) {
    return { reason: `${notLoaded(require)} (${(error as Error).message.split('\n')[0]}); run \`node packages/native/build.mjs\`` };
  }
}

/**
 * Why the module did not load, from the stamp build.mjs writes beside it: the module is
 * written against V8's C++ API, so a build for another Node ABI cannot load (Node refuses
 * it, which surfaces here as "did not self-register" or an undefined symbol).
 */
function notLoaded(require: NodeJS.Require): string {
  let built: { node?: string; modules?: string };
  try {
    built = require('../build/faasm_native.json') as typeof built;
  } catch {
    return 'not built';
  }
  return built.modules === process.versions.modules
    ? 'failed to load'
    : `built for another Node (${built.node}, ABI ${built.modules}; this is ${process.version}, ABI ${process.versions.modules})`;
}
