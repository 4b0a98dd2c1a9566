/**
 * Constants as guests see them. Socket, poll and ioctl numbers follow wasi-libc (the
 * sysroot our guests and Faasm's are built with); where Faasm's older musl sysroot used
 * Linux numbers that do not clash, both are accepted (noted at each table).
 */

/** Faasm's fake identity (faasm-abi.md, Module conventions). */
export const Identity = { PID: 23, PPID: 1, TID: 66, UID: 1000, GID: 1000, HOSTNAME: 'faasm', PROCESSORS: 4 } as const;

/** `struct utsname` fields (6 × 65 bytes). */
export const UTSNAME = { sysname: 'faasm', nodename: 'faasm', release: '0.29.0', version: 'faasm-js', machine: 'wasm32', domainname: '(none)' } as const;
export const UTS_FIELD = 65;

/** The stack Faasm links guests with (4 MiB). */
export const FAASM_STACK = 4 * 1024 * 1024;

/** `RLIMIT_*` (wasi-libc/musl numbering) and RLIM_INFINITY. */
export const Rlimit = { CPU: 0, FSIZE: 1, DATA: 2, STACK: 3, CORE: 4, RSS: 5, NPROC: 6, NOFILE: 7, MEMLOCK: 8, AS: 9, COUNT: 16 } as const;
export const RLIM_INFINITY = 0xffffffffffffffffn;

/** sysconf names (wasi-libc/musl `_SC_*`) with sandbox-safe answers. */
export const Sysconf = {
  ARG_MAX: 0, CHILD_MAX: 1, CLK_TCK: 2, NGROUPS_MAX: 3, OPEN_MAX: 4, STREAM_MAX: 5, TZNAME_MAX: 6,
  JOB_CONTROL: 7, SAVED_IDS: 8, VERSION: 29, PAGESIZE: 30, RTSIG_MAX: 31, SEM_NSEMS_MAX: 32,
  SEM_VALUE_MAX: 33, SIGQUEUE_MAX: 34, TIMER_MAX: 35, LINE_MAX: 43, RE_DUP_MAX: 44, IOV_MAX: 60,
  THREADS: 67, THREAD_SAFE_FUNCTIONS: 68, GETGR_R_SIZE_MAX: 69, GETPW_R_SIZE_MAX: 70,
  LOGIN_NAME_MAX: 71, TTY_NAME_MAX: 72, THREAD_DESTRUCTOR_ITERATIONS: 73, THREAD_KEYS_MAX: 74,
  THREAD_STACK_MIN: 75, THREAD_THREADS_MAX: 76, NPROCESSORS_CONF: 83, NPROCESSORS_ONLN: 84,
  PHYS_PAGES: 85, AVPHYS_PAGES: 86, ATEXIT_MAX: 87, NZERO: 109, MONOTONIC_CLOCK: 149,
  SYMLOOP_MAX: 173, HOST_NAME_MAX: 180,
} as const;

/** sysconf answers; names not listed give -1 with EINVAL. `-1` values mean "no limit" (errno untouched). */
export const SYSCONF_VALUES: ReadonlyMap<number, number> = new Map([
  [Sysconf.ARG_MAX, 131072], [Sysconf.CHILD_MAX, 0], [Sysconf.CLK_TCK, 100], [Sysconf.NGROUPS_MAX, 32],
  [Sysconf.OPEN_MAX, 1024], [Sysconf.STREAM_MAX, 1024], [Sysconf.TZNAME_MAX, 6], [Sysconf.JOB_CONTROL, -1],
  [Sysconf.SAVED_IDS, 1], [Sysconf.VERSION, 200809], [Sysconf.PAGESIZE, 65536], [Sysconf.RTSIG_MAX, 32],
  [Sysconf.SEM_NSEMS_MAX, -1], [Sysconf.SEM_VALUE_MAX, 0x7fffffff], [Sysconf.SIGQUEUE_MAX, 32],
  [Sysconf.TIMER_MAX, -1], [Sysconf.LINE_MAX, 2048], [Sysconf.RE_DUP_MAX, 255], [Sysconf.IOV_MAX, 1024],
  [Sysconf.THREADS, 200809], [Sysconf.THREAD_SAFE_FUNCTIONS, 200809], [Sysconf.GETGR_R_SIZE_MAX, 1024],
  [Sysconf.GETPW_R_SIZE_MAX, 1024], [Sysconf.LOGIN_NAME_MAX, 256], [Sysconf.TTY_NAME_MAX, 32],
  [Sysconf.THREAD_DESTRUCTOR_ITERATIONS, 4], [Sysconf.THREAD_KEYS_MAX, 128], [Sysconf.THREAD_STACK_MIN, 2048],
  [Sysconf.THREAD_THREADS_MAX, -1], [Sysconf.NPROCESSORS_CONF, Identity.PROCESSORS],
  [Sysconf.NPROCESSORS_ONLN, Identity.PROCESSORS], [Sysconf.ATEXIT_MAX, -1], [Sysconf.NZERO, 20],
  [Sysconf.MONOTONIC_CLOCK, 200809], [Sysconf.SYMLOOP_MAX, 40], [Sysconf.HOST_NAME_MAX, 255],
]);

/** confstr names. */
export const Confstr = { PATH: 0 } as const;

/** ioctl requests: Linux numbers (musl) and wasi-libc's FIONREAD/FIONBIO. */
export const Ioctl = {
  TCGETS: 0x5401, TCSETS: 0x5402, TIOCGPGRP: 0x540f, TIOCGWINSZ: 0x5413, TIOCSWINSZ: 0x5414,
  FIONREAD_LINUX: 0x541b, FIONBIO_LINUX: 0x5421, FIONREAD_WASI: 1, FIONBIO_WASI: 2,
} as const;

/** poll events: wasi-libc's bits. */
export const Poll = { IN: 0x1, OUT: 0x2, ERR: 0x1000, HUP: 0x2000, NVAL: 0x4000 } as const;

/** Signals (bits/signal.h). */
export const Signal = { HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, CHLD: 17, CONT: 18, STOP: 19, NSIG: 65 } as const;
export const SIG_DFL = 0;
export const SIG_IGN = 1;
export const SIG_ERR = -1;
export const SigHow = { BLOCK: 0, UNBLOCK: 1, SETMASK: 2 } as const;

/** lockf commands. */
export const Lockf = { ULOCK: 0, LOCK: 1, TLOCK: 2, TEST: 3 } as const;

/** Socket constants: wasi-libc first; Linux numbers accepted where they do not clash. */
export const Af = { UNSPEC: 0, INET: 1, INET6: 2, UNIX: 3, LINUX_INET: 2, LINUX_INET6: 10 } as const;
export const SockType = { DGRAM: 5, STREAM: 6, LINUX_STREAM: 1, LINUX_DGRAM: 2 } as const;
export const SOCK_TYPE_MASK = 0xf;
export const Sol = { SOCKET: 0x7fffffff, LINUX_SOCKET: 1 } as const;
export const So = { REUSEADDR: 2, TYPE: 3, ERROR: 4, KEEPALIVE: 9, RCVBUF: 8, SNDBUF: 7 } as const;
export const Shut = { RD: 1, WR: 2, RDWR: 3 } as const;
/** h_errno values (netdb.h). */
export const HErrno = { HOST_NOT_FOUND: 1, TRY_AGAIN: 2, NO_RECOVERY: 3, NO_DATA: 4 } as const;
/** AT_FDCWD as wasi-libc and musl define it. */
export const AT_FDCWD = -100;
