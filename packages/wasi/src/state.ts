import { Errno, ErrnoError, MemoryFault, type FaasletHost, type GuestMemory } from '@faasm/abi';
import type { FastPaths, FsBackend } from './backend.js';
import type { Listing } from './dir.js';
import type { FdTable } from './fdtable.js';
import type { Stdio } from './stdio.js';

/**
 * The per-Faaslet context every WASI handler receives (bound by linkTable in place of
 * the bare FaasletHost, so the hot path needs no service lookup).
 */
export class WasiHost {
  readonly memory: GuestMemory;
  /** Directory listings cached per description for fd_readdir cookies (per thread). */
  readonly listings = new Map<number, Listing>();
  /** A private word for blocking sleeps (poll_oneoff, EAGAIN retries). */
  readonly sleeper = new Int32Array(new SharedArrayBuffer(4));
  /** The backend's fast paths (undefined: portable paths only), held here for the hot path. */
  readonly fast: FastPaths | undefined;

  constructor(
    readonly host: FaasletHost,
    readonly table: FdTable,
    readonly fs: FsBackend,
    readonly stdio: Stdio,
  ) {
    this.memory = host.memory;
    this.fast = fs.fast;
  }
}

/**
 * Turns what a syscall threw into the errno returned to the guest. Anything that is not
 * an errno (a memory fault, a bug) is rethrown: the table wrapper makes it a trap.
 */
export function errnoOf(e: unknown): number {
  if (e instanceof ErrnoError) return e.errno;
  if (e instanceof MemoryFault) throw e;
  const code = (e as { code?: unknown } | null)?.code;
  // System errors only (ENOENT, ...): Node's own ERR_* codes are host bugs and must trap.
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return errnoFromCode(code);
  throw e;
}

const EXTRA: Readonly<Record<string, number>> = { EWOULDBLOCK: Errno.AGAIN, EOPNOTSUPP: Errno.NOTSUP, EOF: Errno.SUCCESS };

function errnoFromCode(code: string): number {
  const name = code.slice(1) as keyof typeof Errno;
  const direct = Errno[name];
  if (direct !== undefined && name !== 'SUCCESS' && name !== 'NOTCAPABLE') return direct;
  return EXTRA[code] ?? Errno.IO;
}

/** Throws an errno (for early exits inside handlers). */
export function fail(errno: number): never {
  throw new ErrnoError(errno as (typeof Errno)[keyof typeof Errno]);
}
