import { Errno } from '@faasm/abi';
import type { WasiHost } from './state.js';

/**
 * The fd table never holds a socket (preview1 has no way to create one and the host
 * preopens none), so every sock_* call is BADF for a closed fd and NOTSOCK otherwise.
 */
function notSocket(w: WasiHost, fd: number): number {
  return w.table.slot(fd) < 0 ? Errno.BADF : Errno.NOTSOCK;
}

/** `errno sock_accept(fd, fdflags flags, fd *conn)` */
export function sockAccept(w: WasiHost, fd: number, _flags: number, connPtr: number): number {
  w.memory.check(connPtr, 4);
  return notSocket(w, fd);
}

/** `errno sock_recv(fd, const iovec *ri_data, size ri_data_len, riflags, size *ro_datalen, roflags *ro_flags)` */
export function sockRecv(w: WasiHost, fd: number, data: number, dataLen: number, _flags: number, lenPtr: number, flagsPtr: number): number {
  w.memory.iovecs(data, dataLen);
  w.memory.check(lenPtr, 4);
  w.memory.check(flagsPtr, 2);
  return notSocket(w, fd);
}

/** `errno sock_send(fd, const ciovec *si_data, size si_data_len, siflags, size *so_datalen)` */
export function sockSend(w: WasiHost, fd: number, data: number, dataLen: number, _flags: number, lenPtr: number): number {
  w.memory.iovecs(data, dataLen);
  w.memory.check(lenPtr, 4);
  return notSocket(w, fd);
}

/** `errno sock_shutdown(fd, sdflags how)` */
export function sockShutdown(w: WasiHost, fd: number, _how: number): number {
  return notSocket(w, fd);
}
