/**
 * WASI preview1 constants, from the witx (`typenames.witx` of wasi_snapshot_preview1).
 * Errno values live in @faasm/abi's `Errno`.
 */

/** `filetype` (u8). */
export const Filetype = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;
export type FiletypeCode = (typeof Filetype)[keyof typeof Filetype];

/** `fdflags` (u16). */
export const Fdflags = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;

/** `oflags` (u16). */
export const Oflags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;

/** `lookupflags` (u32). */
export const Lookupflags = { SYMLINK_FOLLOW: 1 } as const;

/** `fstflags` (u16). */
export const Fstflags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;

/** `whence` (u8). */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;

/** `clockid` (u32). */
export const Clockid = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3 } as const;

/** `advice` (u8). */
export const Advice = { NORMAL: 0, SEQUENTIAL: 1, RANDOM: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;

/** `eventtype` (u8). */
export const Eventtype = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;

/** `subclockflags` (u16). */
export const Subclockflags = { ABSTIME: 1 } as const;

/** `eventrwflags` (u16). */
export const Eventrwflags = { FD_READWRITE_HANGUP: 1 } as const;

/** `preopentype` (u8). */
export const Preopentype = { DIR: 0 } as const;

/** `sdflags` (u8). */
export const Sdflags = { RD: 1, WR: 2 } as const;

/**
 * `rights` (u64). Every defined right is below bit 30, so the host keeps the low 32 bits
 * for checks and the high 32 bits only to report them back unchanged.
 */
export const Rights = {
  FD_DATASYNC: 1 << 0,
  FD_READ: 1 << 1,
  FD_SEEK: 1 << 2,
  FD_FDSTAT_SET_FLAGS: 1 << 3,
  FD_SYNC: 1 << 4,
  FD_TELL: 1 << 5,
  FD_WRITE: 1 << 6,
  FD_ADVISE: 1 << 7,
  FD_ALLOCATE: 1 << 8,
  PATH_CREATE_DIRECTORY: 1 << 9,
  PATH_CREATE_FILE: 1 << 10,
  PATH_LINK_SOURCE: 1 << 11,
  PATH_LINK_TARGET: 1 << 12,
  PATH_OPEN: 1 << 13,
  FD_READDIR: 1 << 14,
  PATH_READLINK: 1 << 15,
  PATH_RENAME_SOURCE: 1 << 16,
  PATH_RENAME_TARGET: 1 << 17,
  PATH_FILESTAT_GET: 1 << 18,
  PATH_FILESTAT_SET_SIZE: 1 << 19,
  PATH_FILESTAT_SET_TIMES: 1 << 20,
  FD_FILESTAT_GET: 1 << 21,
  FD_FILESTAT_SET_SIZE: 1 << 22,
  FD_FILESTAT_SET_TIMES: 1 << 23,
  PATH_SYMLINK: 1 << 24,
  PATH_REMOVE_DIRECTORY: 1 << 25,
  PATH_UNLINK_FILE: 1 << 26,
  POLL_FD_READWRITE: 1 << 27,
  SOCK_SHUTDOWN: 1 << 28,
  SOCK_ACCEPT: 1 << 29,
} as const;

/** Every defined right. */
export const ALL_RIGHTS = (1 << 30) - 1;

/** Rights of the stdio streams: no seek/tell, so wasi-libc's isatty() sees a terminal. */
export const STDIN_RIGHTS = Rights.FD_READ | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE | Rights.FD_ADVISE;
export const STDOUT_RIGHTS = Rights.FD_WRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_DATASYNC | Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE;
