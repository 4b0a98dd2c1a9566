import { ServiceKey, type ErrnoCode, type FaasletHost } from '@faasm/abi';
import { HEAP, WASM_PAGE } from '@faasm/memory';
import type { PosixOptions } from './options.js';
import type { WasiCalls } from './wasi-calls.js';
import type { GuestSocket } from './sockets.js';

/**
 * Offsets inside the Faaslet's static page: one 64 KiB page taken from the heap on first
 * use, holding what C returns pointers to (errno cells, struct passwd, struct hostent,
 * inet_ntoa's buffer...) and scratch space for calls into WASI.
 */
export const Static = {
  ERRNO: 0,
  H_ERRNO: 4,
  INET_NTOA: 16,
  TTYNAME: 32,
  PASSWD: 128,
  PASSWD_STRINGS: 160,
  GROUP: 1024,
  GROUP_STRINGS: 1056,
  HOSTENT: 2048,
  HOSTENT_STRINGS: 2112,
  PROTOENT: 2368,
  SERVENT: 2432,
  TEXTDOMAIN: 2496,
  EXCEPTION: 2560,
  EXCEPTION_SIZE: 1536,
  PATH: 4096,
  PATH_SIZE: 4096,
  SCRATCH: 8192,
  SCRATCH_SIZE: WASM_PAGE - 8192,
} as const;

/** A recorded signal disposition (no host signal is ever touched). */
export interface SignalAction {
  handler: number;
  flags: number;
  mask: bigint;
}

/** What snapshot() saves: plain data. */
export interface PosixSnapshot {
  staticPage: number;
  umask: number;
  priority: number;
  signals: Array<[number, SignalAction]>;
  blocked: bigint;
  rlimits: Array<[number, [bigint, bigint]]>;
  groupCursor: number;
  cwd: string | undefined;
}

/** Per-Faaslet POSIX state: nothing is module-level. */
export class PosixState {
  readonly host: FaasletHost;
  readonly options: PosixOptions;
  #staticPage = 0;
  umask = 0o022;
  priority = 0;
  signals = new Map<number, SignalAction>();
  blocked = 0n;
  rlimits = new Map<number, [bigint, bigint]>();
  groupCursor = 0;
  /** Exceptions thrown by __cxa_throw in this call, for the error message. */
  lastException: { ptr: number; type: number } | undefined;
  /** Guest sockets by fd (not saved in snapshots: a restored Faaslet has none). */
  sockets = new Map<number, GuestSocket>();
  /** getdents64 positions (WASI readdir cookies) per directory fd. */
  dirCookies = new Map<number, bigint>();
  /** The working directory set by chdir (undefined: the `.` preopen, as wasi-libc starts). */
  cwd: string | undefined;
  readonly wasi: WasiCalls;
  readonly cpuAtStart = process.cpuUsage();

  constructor(host: FaasletHost, options: PosixOptions, wasi: WasiCalls) {
    this.host = host;
    this.options = options;
    this.wasi = wasi;
  }

  /** The static page's address, allocated from the heap on first use. */
  get staticPage(): number {
    if (this.#staticPage === 0) this.#staticPage = this.host.services.require(HEAP).allocate(WASM_PAGE);
    return this.#staticPage;
  }

  /** Address of a static slot. */
  at(offset: number): number {
    return this.staticPage + offset;
  }

  /**
   * Where the guest's errno lives: its exported `__errno_location()`, or its exported
   * `errno` data symbol (wasi-libc: link with `-Wl,--export=errno`), else our static cell
   * (what our `__errno_location` import returns).
   */
  errnoAddress(): number {
    const location = this.host.exports.function('__errno_location');
    if (location) return (location() as number) >>> 0;
    const global = this.host.exports.global('errno');
    if (global) return Number(global.value) >>> 0;
    return this.at(Static.ERRNO);
  }

  /** Sets errno and returns -1 (the C convention of every named POSIX function). */
  fail(errno: ErrnoCode | number): number {
    this.host.memory.setI32(this.errnoAddress(), errno);
    return -1;
  }

  snapshot(): PosixSnapshot {
    return {
      staticPage: this.#staticPage,
      umask: this.umask,
      priority: this.priority,
      signals: [...this.signals.entries()].map(([k, v]) => [k, { ...v }]),
      blocked: this.blocked,
      rlimits: [...this.rlimits.entries()],
      groupCursor: this.groupCursor,
      cwd: this.cwd,
    };
  }

  restore(saved: PosixSnapshot): void {
    this.#staticPage = saved.staticPage;
    this.umask = saved.umask;
    this.priority = saved.priority;
    this.signals = new Map(saved.signals.map(([k, v]) => [k, { ...v }]));
    this.blocked = saved.blocked;
    this.rlimits = new Map(saved.rlimits);
    this.groupCursor = saved.groupCursor;
    this.cwd = saved.cwd;
    this.lastException = undefined;
    this.sockets = new Map();
    this.dirCookies = new Map();
  }
}

export const POSIX_STATE = new ServiceKey<PosixState>('@faasm/posix/state');

/** The host's POSIX state (linked by @faasm/posix). */
export function posixOf(host: FaasletHost): PosixState {
  return host.services.require(POSIX_STATE);
}
