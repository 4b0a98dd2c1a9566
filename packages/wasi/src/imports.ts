import { fn, importTable } from '@faasm/abi';
import { fdReaddir } from './dir.js';
import {
  fdAdvise, fdAllocate, fdClose, fdDatasync, fdFdstatGet, fdFdstatSetFlags, fdFdstatSetRights, fdFilestatGet,
  fdFilestatSetSize, fdFilestatSetTimes, fdPread, fdPrestatDirName, fdPrestatGet, fdPwrite, fdRead, fdRenumber,
  fdSeek, fdSync, fdTell, fdWrite,
} from './fd.js';
import {
  pathCreateDirectory, pathFilestatGet, pathFilestatSetTimes, pathLink, pathOpen, pathReadlink, pathRemoveDirectory,
  pathRename, pathSymlink, pathUnlinkFile,
} from './path.js';
import { pollOneoff } from './poll.js';
import {
  argsGet, argsSizesGet, clockResGet, clockTimeGet, environGet, environSizesGet, procExit, randomGet, schedYield,
} from './process.js';
import { sockAccept, sockRecv, sockSend, sockShutdown } from './sock.js';
import type { WasiHost } from './state.js';

const I = 'i32';
const L = 'i64';

/** wasi_snapshot_preview1, every function of the witx. Handlers take the per-Faaslet WasiHost. */
export const table = importTable<WasiHost>('@faasm/wasi', {
  wasi_snapshot_preview1: {
    args_get: fn([I, I], I, argsGet),
    args_sizes_get: fn([I, I], I, argsSizesGet),
    environ_get: fn([I, I], I, environGet),
    environ_sizes_get: fn([I, I], I, environSizesGet),
    clock_res_get: fn([I, I], I, clockResGet),
    clock_time_get: fn([I, L, I], I, clockTimeGet),
    fd_advise: fn([I, L, L, I], I, fdAdvise),
    fd_allocate: fn([I, L, L], I, fdAllocate),
    fd_close: fn([I], I, fdClose),
    fd_datasync: fn([I], I, fdDatasync),
    fd_fdstat_get: fn([I, I], I, fdFdstatGet),
    fd_fdstat_set_flags: fn([I, I], I, fdFdstatSetFlags),
    fd_fdstat_set_rights: fn([I, L, L], I, fdFdstatSetRights),
    fd_filestat_get: fn([I, I], I, fdFilestatGet),
    fd_filestat_set_size: fn([I, L], I, fdFilestatSetSize),
    fd_filestat_set_times: fn([I, L, L, I], I, fdFilestatSetTimes),
    fd_pread: fn([I, I, I, L, I], I, fdPread),
    fd_prestat_get: fn([I, I], I, fdPrestatGet),
    fd_prestat_dir_name: fn([I, I, I], I, fdPrestatDirName),
    fd_pwrite: fn([I, I, I, L, I], I, fdPwrite),
    fd_read: fn([I, I, I, I], I, fdRead),
    fd_readdir: fn([I, I, I, L, I], I, fdReaddir),
    fd_renumber: fn([I, I], I, fdRenumber),
    fd_seek: fn([I, L, I, I], I, fdSeek),
    fd_sync: fn([I], I, fdSync),
    fd_tell: fn([I, I], I, fdTell),
    fd_write: fn([I, I, I, I], I, fdWrite),
    path_create_directory: fn([I, I, I], I, pathCreateDirectory),
    path_filestat_get: fn([I, I, I, I, I], I, pathFilestatGet),
    path_filestat_set_times: fn([I, I, I, I, L, L, I], I, pathFilestatSetTimes),
    path_link: fn([I, I, I, I, I, I, I], I, pathLink),
    path_open: fn([I, I, I, I, I, L, L, I, I], I, pathOpen),
    path_readlink: fn([I, I, I, I, I, I], I, pathReadlink),
    path_remove_directory: fn([I, I, I], I, pathRemoveDirectory),
    path_rename: fn([I, I, I, I, I, I], I, pathRename),
    path_symlink: fn([I, I, I, I, I], I, pathSymlink),
    path_unlink_file: fn([I, I, I], I, pathUnlinkFile),
    poll_oneoff: fn([I, I, I, I], I, pollOneoff),
    proc_exit: fn([I], null, procExit),
    random_get: fn([I, I], I, randomGet),
    sched_yield: fn([], I, schedYield),
    sock_accept: fn([I, I, I], I, sockAccept),
    sock_recv: fn([I, I, I, I, I, I], I, sockRecv),
    sock_send: fn([I, I, I, I, I], I, sockSend),
    sock_shutdown: fn([I, I], I, sockShutdown),
  },
});
