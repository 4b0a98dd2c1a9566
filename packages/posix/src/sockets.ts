import { Errno, ErrnoError, ServiceKey, type Bridge, type FaasletHost } from '@faasm/abi';
import { Af, SOCK_TYPE_MASK, Shut, So, SockType, Sol } from './constants.js';
import { htons, ipv4Text, networkOrder, parseIpv4, parseIpv6 } from './inet.js';
import type { NetworkAllow } from './options.js';
import { posixOf } from './state.js';

/** An endpoint in host terms. */
export interface Endpoint {
  host: string;
  port: number;
}

/**
 * Real sockets, provided by the runtime (through its bridge: service `net`) or injected
 * for tests. Handles are the backend's; errors are thrown as ErrnoError. Called only
 * after the allow-list admitted the destination.
 */
export interface NetBackend {
  socket(family: 4 | 6, type: 'stream' | 'dgram'): number;
  bind(handle: number, to: Endpoint): void;
  listen(handle: number, backlog: number): void;
  accept(handle: number): { handle: number; peer: Endpoint };
  connect(handle: number, to: Endpoint): void;
  send(handle: number, data: Uint8Array, to?: Endpoint): number;
  recv(handle: number, max: number): { data: Uint8Array; from?: Endpoint };
  shutdown(handle: number, how: 'read' | 'write' | 'both'): void;
  local(handle: number): Endpoint;
  close(handle: number): void;
}

export const NET_BACKEND = new ServiceKey<NetBackend>('@faasm/posix/net');

/**
 * The bridge protocol (runtime side to implement): `bridge.call('net', { op, ...args })`
 * with op ∈ socket/bind/listen/accept/connect/send/recv/shutdown/local/close and the
 * arguments of NetBackend; the answer is the method's result, or `{ errno }`.
 */
export function bridgeNetBackend(bridge: Bridge): NetBackend {
  const call = <T>(op: string, args: Record<string, unknown>): T => {
    const answer = bridge.call('net', { op, ...args }) as { errno?: number } | T;
    if (answer !== null && typeof answer === 'object' && typeof (answer as { errno?: unknown }).errno === 'number') {
      throw new ErrnoError((answer as { errno: number }).errno as never);
    }
    return answer as T;
  };
  return {
    socket: (family, type) => call('socket', { family, type }),
    bind: (handle, to) => call('bind', { handle, to }),
    listen: (handle, backlog) => call('listen', { handle, backlog }),
    accept: (handle) => call('accept', { handle }),
    connect: (handle, to) => call('connect', { handle, to }),
    send: (handle, data, to) => call('send', { handle, data, to }),
    recv: (handle, max) => call('recv', { handle, max }),
    shutdown: (handle, how) => call('shutdown', { handle, how }),
    local: (handle) => call('local', { handle }),
    close: (handle) => call('close', { handle }),
  };
}

/** A guest socket: fds from SOCKET_FD_BASE up, beyond any WASI fd. */
export interface GuestSocket {
  family: 4 | 6;
  type: 'stream' | 'dgram';
  linux: boolean;
  handle: number | undefined;
  options: Map<string, number>;
}
export const SOCKET_FD_BASE = 4096;

/** Whether `to` matches the allow-list (exact host, or any host for "*"; port or range). */
export function allowed(allow: readonly NetworkAllow[] | undefined, to: Endpoint): boolean {
  if (!allow) return false;
  return allow.some((a) => {
    const hostOk = a.host === '*' || a.host === to.host || (a.host === 'localhost' && to.host === '127.0.0.1');
    const [lo, hi] = typeof a.port === 'number' ? [a.port, a.port] : a.port;
    return hostOk && to.port >= lo && to.port <= hi;
  });
}

/** Reads a guest sockaddr (wasi-libc numbering; Linux AF_INET 2 with a 16-byte address and AF_INET6 10 also accepted). */
export function readSockaddr(host: FaasletHost, addr: number, len: number): Endpoint & { family: 4 | 6 } {
  const n = len >>> 0;
  host.memory.check(addr, Math.min(n, 128));
  if (n < 2) throw new ErrnoError(Errno.INVAL);
  const family = host.memory.u16(addr);
  const port = htons(host, host.memory.u16(addr + 2));
  const v4 = family === Af.INET || (family === Af.LINUX_INET && n < 28);
  const v6 = !v4 && (family === Af.INET6 || family === Af.LINUX_INET6);
  if (v4) {
    if (n < 8) throw new ErrnoError(Errno.INVAL);
    return { family: 4, host: ipv4Text(host.memory.i32(addr + 4)), port };
  }
  if (v6) {
    if (n < 24) throw new ErrnoError(Errno.INVAL);
    const b = host.memory.copy(addr + 8, 16);
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    return { family: 6, host: words.join(':'), port };
  }
  throw new ErrnoError(Errno.AFNOSUPPORT);
}

/** Writes an endpoint back as a guest sockaddr (Faasm's setSockAddr) and its length to *lenPtr. */
export function writeSockaddr(host: FaasletHost, sock: GuestSocket, addr: number, lenPtr: number, ep: Endpoint): void {
  if (addr === 0 || lenPtr === 0) return;
  const room = host.memory.u32(lenPtr);
  const bytes = new Uint8Array(sock.family === 4 ? 16 : 28);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, sock.family === 4 ? (sock.linux ? Af.LINUX_INET : Af.INET) : sock.linux ? Af.LINUX_INET6 : Af.INET6, true);
  view.setUint16(2, ep.port, false);
  if (sock.family === 4) view.setUint32(4, networkOrder(parseIpv4(ep.host) ?? 0), true);
  else bytes.set(parseIpv6(ep.host) ?? new Uint8Array(16), 8);
  host.memory.write(addr, bytes.subarray(0, Math.min(room, bytes.length)));
  host.memory.setU32(lenPtr, bytes.length);
}

/** Checks an optional (sockaddr*, socklen_t*) output pair: the length, then that many bytes. */
function checkAddrOut(host: FaasletHost, addr: number, lenPtr: number): void {
  if (addr === 0 || lenPtr === 0) return;
  host.memory.check(addr, Math.min(host.memory.u32(lenPtr), 128));
}

/** The socket behind a guest fd; EBADF / ENOTSOCK. */
export function socketOf(host: FaasletHost, fd: number): GuestSocket {
  const state = posixOf(host);
  const sock = state.sockets.get(fd);
  if (sock) return sock;
  if (fd < 0) throw new ErrnoError(Errno.BADF);
  const type = state.wasi.filetype(fd);
  throw new ErrnoError(type < 0 ? Errno.BADF : Errno.NOTSOCK);
}

function backend(host: FaasletHost): NetBackend {
  const injected = host.services.get(NET_BACKEND);
  if (injected) return injected;
  if (host.bridge) return bridgeNetBackend(host.bridge);
  host.log.warn('network: the allow-list admits this socket but no network bridge is present (run under @faasm/runtime)');
  throw new ErrnoError(Errno.NETUNREACH);
}

/** Checks the allow-list for `to`, logging a denial. */
function admit(host: FaasletHost, what: string, to: Endpoint): void {
  const allow = posixOf(host).options.network?.allow;
  if (allowed(allow, to)) return;
  host.log.warn(`network: ${what} ${to.host}:${to.port} denied (not in the Faaslet's network allow-list)`);
  throw new ErrnoError(Errno.ACCES);
}

/** Opens the backend socket lazily (the first admitted use). */
function handleOf(host: FaasletHost, sock: GuestSocket): number {
  sock.handle ??= backend(host).socket(sock.family, sock.type);
  return sock.handle;
}

/** Runs a socket operation with C's convention: the result, or -1 and errno. */
export function socketCall(host: FaasletHost, body: () => number): number {
  try {
    return body();
  } catch (error) {
    if (error instanceof ErrnoError) return posixOf(host).fail(error.errno);
    throw error;
  }
}

/** `int socket(int domain, int type, int proto)`: denied (-1/EACCES, logged) without an allow-list; else a socket fd. */
export function socket(host: FaasletHost, domain: number, type: number, _proto: number): number {
  return socketCall(host, () => {
    const state = posixOf(host);
    const family = domain === Af.INET ? 4 : domain === Af.INET6 || domain === Af.LINUX_INET6 ? 6 : undefined;
    if (family === undefined) throw new ErrnoError(Errno.AFNOSUPPORT);
    const t = type & SOCK_TYPE_MASK;
    const kind = t === SockType.STREAM || t === SockType.LINUX_STREAM ? 'stream' : t === SockType.DGRAM || t === SockType.LINUX_DGRAM ? 'dgram' : undefined;
    if (!kind) throw new ErrnoError(Errno.PROTOTYPE);
    if (!state.options.network?.allow.length) {
      host.log.warn('network: socket() denied: this Faaslet has no network allow-list (start the runtime with network.allow)');
      throw new ErrnoError(Errno.ACCES);
    }
    let fd = SOCKET_FD_BASE;
    while (state.sockets.has(fd)) fd++;
    const linux = domain === Af.LINUX_INET6 || t === SockType.LINUX_STREAM || t === SockType.LINUX_DGRAM;
    state.sockets.set(fd, { family, type: kind, linux, handle: undefined, options: new Map() });
    return fd;
  });
}

/** `int bind(int fd, const struct sockaddr* a, socklen_t n)`: allow-listed addresses only (-1/EACCES). */
export function bind(host: FaasletHost, fd: number, addr: number, len: number): number {
  host.memory.check(addr, Math.min(len >>> 0, 128));
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    const to = readSockaddr(host, addr, len);
    admit(host, 'bind', to);
    backend(host).bind(handleOf(host, sock), to);
    return 0;
  });
}

/** `int listen(int fd, int backlog)`: on a bound socket; -1/EINVAL if not bound. */
export function listen(host: FaasletHost, fd: number, backlog: number): number {
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    if (sock.handle === undefined) throw new ErrnoError(Errno.INVAL);
    backend(host).listen(sock.handle, backlog);
    return 0;
  });
}

/** `int accept(int fd, struct sockaddr* a, socklen_t* n)`: a new socket fd and the peer; -1/EINVAL if not listening. */
export function accept(host: FaasletHost, fd: number, addr: number, lenPtr: number): number {
  checkAddrOut(host, addr, lenPtr);
  return socketCall(host, () => {
    const state = posixOf(host);
    const sock = socketOf(host, fd);
    if (sock.handle === undefined) throw new ErrnoError(Errno.INVAL);
    const { handle, peer } = backend(host).accept(sock.handle);
    let newFd = SOCKET_FD_BASE;
    while (state.sockets.has(newFd)) newFd++;
    const child: GuestSocket = { ...sock, handle, options: new Map() };
    state.sockets.set(newFd, child);
    writeSockaddr(host, child, addr, lenPtr, peer);
    return newFd;
  });
}

/** `int connect(int fd, const struct sockaddr* a, socklen_t n)`: allow-listed destinations only (-1/EACCES, logged). */
export function connect(host: FaasletHost, fd: number, addr: number, len: number): number {
  host.memory.check(addr, Math.min(len >>> 0, 128));
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    const to = readSockaddr(host, addr, len);
    admit(host, 'connect to', to);
    backend(host).connect(handleOf(host, sock), to);
    return 0;
  });
}

/** `ssize_t send(int fd, const void* buf, size_t n, int flags)`: on a connected socket; -1/ENOTCONN otherwise. */
export function send(host: FaasletHost, fd: number, buf: number, len: number, _flags: number): number {
  host.memory.check(buf, len >>> 0);
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    const data = host.memory.copy(buf, len >>> 0);
    if (sock.handle === undefined) throw new ErrnoError(Errno.NOTCONN);
    return backend(host).send(sock.handle, data);
  });
}

/** `ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* a, socklen_t al)`: allow-listed destinations. */
export function sendto(host: FaasletHost, fd: number, buf: number, len: number, flags: number, addr: number, addrLen: number): number {
  if (addr === 0) return send(host, fd, buf, len, flags);
  host.memory.check(buf, len >>> 0);
  host.memory.check(addr, Math.min(addrLen >>> 0, 128));
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    const data = host.memory.copy(buf, len >>> 0);
    const to = readSockaddr(host, addr, addrLen);
    admit(host, 'sendto', to);
    return backend(host).send(handleOf(host, sock), data, to);
  });
}

/** `ssize_t recv(int fd, void* buf, size_t n, int flags)`: bytes received (0 at end); -1/ENOTCONN if never connected. */
export function recv(host: FaasletHost, fd: number, buf: number, len: number, flags: number): number {
  return recvfrom(host, fd, buf, len, flags, 0, 0);
}

/** `ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* a, socklen_t* al)`: bytes and the sender. */
export function recvfrom(host: FaasletHost, fd: number, buf: number, len: number, _flags: number, addr: number, lenPtr: number): number {
  host.memory.check(buf, len >>> 0);
  checkAddrOut(host, addr, lenPtr);
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    host.memory.check(buf, len >>> 0);
    if (sock.handle === undefined) throw new ErrnoError(Errno.NOTCONN);
    const { data, from } = backend(host).recv(sock.handle, len >>> 0);
    const part = data.subarray(0, len >>> 0);
    host.memory.write(buf, part);
    if (from) writeSockaddr(host, sock, addr, lenPtr, from);
    return part.length;
  });
}

/** `int shutdown(int fd, int how)`: SHUT_RD/WR/RDWR (wasi-libc 1/2/3 or Linux 0/1/2); -1/ENOTCONN if never connected. */
export function shutdown(host: FaasletHost, fd: number, how: number): number {
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    const mode = how === Shut.RDWR || (sock.linux && how === 2) ? 'both' : how === Shut.WR || (sock.linux && how === 1) ? 'write' : how === Shut.RD || (sock.linux && how === 0) ? 'read' : undefined;
    if (!mode) throw new ErrnoError(Errno.INVAL);
    if (sock.handle === undefined) throw new ErrnoError(Errno.NOTCONN);
    backend(host).shutdown(sock.handle, mode);
    return 0;
  });
}

/** `int getsockname(int fd, struct sockaddr* a, socklen_t* n)`: the local address (0.0.0.0:0 before bind/connect). */
export function getsockname(host: FaasletHost, fd: number, addr: number, lenPtr: number): number {
  checkAddrOut(host, addr, lenPtr);
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    host.memory.check(lenPtr, 4);
    const local = sock.handle === undefined ? { host: sock.family === 4 ? '0.0.0.0' : '::', port: 0 } : backend(host).local(sock.handle);
    writeSockaddr(host, sock, addr, lenPtr, local);
    return 0;
  });
}

function optionKey(level: number, name: number): string | undefined {
  return level === Sol.SOCKET || level === Sol.LINUX_SOCKET ? `socket:${name}` : level >= 0 ? `${level}:${name}` : undefined;
}

/** `int setsockopt(int fd, int level, int name, const void* v, socklen_t n)`: recorded per socket (int values). */
export function setsockopt(host: FaasletHost, fd: number, level: number, name: number, value: number, len: number): number {
  host.memory.check(value, Math.min(len >>> 0, 4096));
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    const key = optionKey(level, name);
    if (!key || (len >>> 0) < 4) throw new ErrnoError(Errno.INVAL);
    sock.options.set(key, host.memory.i32(value));
    return 0;
  });
}

/** `int getsockopt(int fd, int level, int name, void* v, socklen_t* n)`: SO_TYPE, SO_ERROR (0), or the recorded value (0). */
export function getsockopt(host: FaasletHost, fd: number, level: number, name: number, value: number, lenPtr: number): number {
  host.memory.check(lenPtr, 4);
  host.memory.check(value, Math.min(host.memory.u32(lenPtr), 4096));
  return socketCall(host, () => {
    const sock = socketOf(host, fd);
    const key = optionKey(level, name);
    if (!key) throw new ErrnoError(Errno.INVAL);
    if (host.memory.u32(lenPtr) < 4) throw new ErrnoError(Errno.INVAL);
    let v = sock.options.get(key) ?? 0;
    if (key === `socket:${So.TYPE}`) v = sock.type === 'stream' ? (sock.linux ? SockType.LINUX_STREAM : SockType.STREAM) : sock.linux ? SockType.LINUX_DGRAM : SockType.DGRAM;
    if (key === `socket:${So.ERROR}`) v = 0;
    host.memory.setI32(value, v);
    host.memory.setU32(lenPtr, 4);
    return 0;
  });
}

/** Closes a socket fd (from the close syscall); false if fd is not a socket. */
export function closeSocket(host: FaasletHost, fd: number): boolean {
  const state = posixOf(host);
  const sock = state.sockets.get(fd);
  if (!sock) return false;
  state.sockets.delete(fd);
  if (sock.handle !== undefined) {
    try {
      backend(host).close(sock.handle);
    } catch {
      // closing never fails for the guest
    }
  }
  return true;
}
