/**
 * Guest struct layouts of wasi_snapshot_preview1 (wasm32, little-endian), from the witx.
 */

/** `struct fdstat { u8 fs_filetype; u16 fs_flags; u64 fs_rights_base; u64 fs_rights_inheriting; }` */
export const FDSTAT = { size: 24, filetype: 0, flags: 2, rightsBase: 8, rightsInheriting: 16 } as const;

/**
 * `struct filestat { u64 dev; u64 ino; u8 filetype; u64 nlink; u64 size; u64 atim; u64 mtim; u64 ctim; }`
 */
export const FILESTAT = { size: 64, dev: 0, ino: 8, filetype: 16, nlink: 24, fileSize: 32, atim: 40, mtim: 48, ctim: 56 } as const;

/** `struct prestat { u8 tag; struct { u32 pr_name_len; } dir; }` */
export const PRESTAT = { size: 8, tag: 0, nameLen: 4 } as const;

/** `struct dirent { u64 d_next; u64 d_ino; u32 d_namlen; u8 d_type; }` followed by the name. */
export const DIRENT = { size: 24, next: 0, ino: 8, namlen: 16, type: 20 } as const;

/**
 * `struct subscription { u64 userdata; u8 tag; union { struct { u32 id; u64 timeout;
 * u64 precision; u16 flags; } clock; struct { u32 fd; } fd_readwrite; } u; }` — the union
 * starts at 8 (tag) and its payload at 16.
 */
export const SUBSCRIPTION = { size: 48, userdata: 0, tag: 8, clockId: 16, timeout: 24, precision: 32, flags: 40, fd: 16 } as const;

/**
 * `struct event { u64 userdata; u16 error; u8 type; struct { u64 nbytes; u16 flags; } fd_readwrite; }`
 */
export const EVENT = { size: 32, userdata: 0, error: 8, type: 10, nbytes: 16, flags: 24 } as const;

/** `struct iovec { u8 *buf; u32 buf_len; }` (ciovec is the same). */
export const IOVEC = { size: 8, buf: 0, len: 4 } as const;
