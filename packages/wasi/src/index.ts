export { table } from './imports.js';
export { link, manifest } from './link.js';
export type { WasiOptions } from './options.js';
export { STDIO, type StdioService, type Captured } from './stdio.js';
export { FD_TABLE, type FdTableService, type FdInfo } from './service.js';
export { FdTable, MAX_FDS, type FdTableHandle, type Preopen } from './fdtable.js';
export type { FsBackend, FileStat, DirEntry, OpenRequest } from './backend.js';
export { NodeFs } from './node-fs.js';
export { MemoryFs } from './memory-fs.js';
export { ROOT_FILES, defaultNodeRoot } from './root.js';
export {
  Filetype, Fdflags, Oflags, Lookupflags, Fstflags, Whence, Clockid, Advice, Eventtype, Subclockflags,
  Eventrwflags, Preopentype, Sdflags, Rights, ALL_RIGHTS,
} from './constants.js';
export { FDSTAT, FILESTAT, PRESTAT, DIRENT, SUBSCRIPTION, EVENT, IOVEC } from './layout.js';
