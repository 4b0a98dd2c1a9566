/**
 * WASI preview1 errno values (witx `errno`). wasi-libc uses the same numbers for C's
 * `errno`, so these are also what env.* POSIX imports report to guests.
 */
export const Errno = {
  SUCCESS: 0, '2BIG': 1, ACCES: 2, ADDRINUSE: 3, ADDRNOTAVAIL: 4, AFNOSUPPORT: 5, AGAIN: 6,
  ALREADY: 7, BADF: 8, BADMSG: 9, BUSY: 10, CANCELED: 11, CHILD: 12, CONNABORTED: 13,
  CONNREFUSED: 14, CONNRESET: 15, DEADLK: 16, DESTADDRREQ: 17, DOM: 18, DQUOT: 19, EXIST: 20,
  FAULT: 21, FBIG: 22, HOSTUNREACH: 23, IDRM: 24, ILSEQ: 25, INPROGRESS: 26, INTR: 27,
  INVAL: 28, IO: 29, ISCONN: 30, ISDIR: 31, LOOP: 32, MFILE: 33, MLINK: 34, MSGSIZE: 35,
  MULTIHOP: 36, NAMETOOLONG: 37, NETDOWN: 38, NETRESET: 39, NETUNREACH: 40, NFILE: 41,
  NOBUFS: 42, NODEV: 43, NOENT: 44, NOEXEC: 45, NOLCK: 46, NOLINK: 47, NOMEM: 48, NOMSG: 49,
  NOPROTOOPT: 50, NOSPC: 51, NOSYS: 52, NOTCONN: 53, NOTDIR: 54, NOTEMPTY: 55,
  NOTRECOVERABLE: 56, NOTSOCK: 57, NOTSUP: 58, NOTTY: 59, NXIO: 60, OVERFLOW: 61,
  OWNERDEAD: 62, PERM: 63, PIPE: 64, PROTO: 65, PROTONOSUPPORT: 66, PROTOTYPE: 67, RANGE: 68,
  ROFS: 69, SPIPE: 70, SRCH: 71, STALE: 72, TIMEDOUT: 73, TXTBSY: 74, XDEV: 75,
  NOTCAPABLE: 76,
} as const;

export type ErrnoName = keyof typeof Errno;
export type ErrnoCode = (typeof Errno)[ErrnoName];

/** Node's `error.code` (libuv/POSIX names) → WASI errno. Unknown codes map to EIO. */
const FROM_NODE_CODE: Readonly<Record<string, ErrnoCode>> = Object.fromEntries(
  (Object.keys(Errno) as ErrnoName[])
    .filter((name) => name !== 'SUCCESS' && name !== 'NOTCAPABLE')
    .map((name) => [`E${name}`, Errno[name]] as const),
);

/** Extra Node spellings that are aliases in POSIX. */
const NODE_ALIASES: Readonly<Record<string, ErrnoCode>> = {
  EWOULDBLOCK: Errno.AGAIN,
  EOPNOTSUPP: Errno.NOTSUP,
  ENOTBLK: Errno.INVAL,
};

/** Maps a thrown Node filesystem/network error to a WASI errno. */
export function errnoFromNode(error: unknown): ErrnoCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return FROM_NODE_CODE[code] ?? NODE_ALIASES[code] ?? Errno.IO;
  return Errno.IO;
}

/** An errno raised inside a handler, turned into a return value by the handler's caller. */
export class ErrnoError extends Error {
  override readonly name = 'ErrnoError';
  constructor(readonly errno: ErrnoCode, detail?: string) {
    super(detail ?? `errno ${errno}`);
  }
}
