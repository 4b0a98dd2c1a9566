import { randomFillSync } from 'node:crypto';
import { Errno, ProcExit, type FaasletHost } from '@faasm/abi';
import { FD_TABLE } from '@faasm/wasi';
import { mmap as memoryMmap, munmap as memoryMunmap } from '@faasm/memory';
import { Identity, RLIM_INFINITY } from './constants.js';
import { sysAccess, sysClose, sysFstat, sysGetcwd, sysGetdents64, sysOpen, sysPathOp, sysReadWrite, sysReadlink, sysReadvWritev, sysRename, sysSeek, sysStat } from './fsyscalls.js';
import * as id from './identity.js';
import { FD_DUP, chdir, chmod, dupFd, fchdir, ioctlErrno, poll, sendfile } from './io.js';
import { memfdCreate } from './memfd.js';
import { kill, rtSigaction, rtSigprocmask } from './process.js';
import * as net from './sockets.js';
import { posixOf } from './state.js';
import { SocketCall, Sysno } from './sysno.js';

/** A syscall handler: how many argument words it reads, and its body (≥ 0 or -errno). */
interface Syscall {
  readonly arity: number;
  readonly run: (host: FaasletHost, a: readonly number[]) => number;
}

/** Runs a named POSIX handler (which returns -1 and sets errno) with the syscall convention. */
function viaErrno(host: FaasletHost, result: number): number {
  if (result !== -1) return result;
  const errno = host.memory.i32(posixOf(host).errnoAddress());
  return errno > 0 ? -errno : -Errno.IO;
}

const sys = (arity: number, run: Syscall['run']): Syscall => ({ arity, run });
const a0 = (a: readonly number[]) => a[0] ?? 0;
const a1 = (a: readonly number[]) => a[1] ?? 0;
const a2 = (a: readonly number[]) => a[2] ?? 0;
const a3 = (a: readonly number[]) => a[3] ?? 0;
const a4 = (a: readonly number[]) => a[4] ?? 0;
const a5 = (a: readonly number[]) => a[5] ?? 0;

function clockNs(id: number): bigint | undefined {
  switch (id) {
    case 0:
    case 5: // REALTIME, REALTIME_COARSE
      return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    case 1:
    case 4:
    case 6:
    case 7: // MONOTONIC (RAW, COARSE), BOOTTIME
      return process.hrtime.bigint();
    case 2:
    case 3: {
      const cpu = process.cpuUsage();
      return BigInt(cpu.user + cpu.system) * 1000n;
    }
    default:
      return undefined;
  }
}

function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** futex(uaddr, op, val, timeout*, ...): WAIT/WAKE on the guest word (Atomics on shared memory). */
function futex(host: FaasletHost, addr: number, op: number, val: number, timeout: number): number {
  const cmd = op & 0x7f; // strip FUTEX_PRIVATE_FLAG (128) and CLOCK_REALTIME (256)
  host.memory.check(addr, 4);
  if ((addr & 3) !== 0) return -Errno.INVAL;
  if (cmd === 0 || cmd === 9) {
    if (host.memory.i32(addr) !== val) return -Errno.AGAIN;
    const ms = timeout === 0 ? Infinity : Number(host.memory.i64(timeout)) * 1000 + host.memory.i32(timeout + 8) / 1e6;
    if (!host.memory.shared) {
      // Nobody else can change the word: waiting forever would hang the Faaslet.
      if (ms === Infinity) return -Errno.DEADLK;
      sleepMs(ms);
      return -Errno.TIMEDOUT;
    }
    const r = Atomics.wait(new Int32Array(host.memory.memory.buffer), addr >>> 2, val, ms);
    return r === 'timed-out' ? -Errno.TIMEDOUT : r === 'not-equal' ? -Errno.AGAIN : 0;
  }
  if (cmd === 1 || cmd === 10) return host.memory.shared ? Atomics.notify(new Int32Array(host.memory.memory.buffer), addr >>> 2, val) : 0;
  return -Errno.NOSYS;
}

/** fcntl64(fd, cmd, arg): DUPFD, GETFD/SETFD, GETFL/SETFL (Linux O_* values). */
function fcntl(host: FaasletHost, fd: number, cmd: number, arg: number): number {
  const state = posixOf(host);
  const sock = state.sockets.has(fd);
  switch (cmd) {
    case 0:
    case 1030: // F_DUPFD, F_DUPFD_CLOEXEC
      return dupFd(host, fd, arg);
    case 1:
    case 2: // F_GETFD, F_SETFD: close-on-exec means nothing without exec
      return sock || state.wasi.filetype(fd) >= 0 ? 0 : -Errno.BADF;
    case 3: {
      if (sock) return 2;
      const buf = state.wasi.scratch(0);
      const errno = state.wasi.call('fd_fdstat_get', fd, buf);
      if (errno !== 0) return -errno;
      const flags = host.memory.u16(buf + 2);
      const rights = host.memory.u64(buf + 8);
      const canRead = (rights & 2n) !== 0n;
      const canWrite = (rights & 64n) !== 0n;
      const access = canRead && canWrite ? 2 : canWrite ? 1 : 0;
      return access | (flags & 1 ? 0o2000 : 0) | (flags & 4 ? 0o4000 : 0) | (flags & 16 ? 0o4010000 : flags & 2 ? 0o10000 : 0);
    }
    case 4: {
      if (sock) return 0;
      const wasiFlags = (arg & 0o2000 ? 1 : 0) | (arg & 0o4000 ? 4 : 0);
      return -state.wasi.call('fd_fdstat_set_flags', fd, wasiFlags);
    }
    default:
      return -Errno.INVAL;
  }
}

/** The socket entry points by socketcall number, with their argument counts. */
const SOCKET_CALLS: ReadonlyMap<number, Syscall> = new Map([
  [SocketCall.SOCKET, sys(3, (h, a) => viaErrno(h, net.socket(h, a0(a), a1(a), a2(a))))],
  [SocketCall.BIND, sys(3, (h, a) => viaErrno(h, net.bind(h, a0(a), a1(a), a2(a))))],
  [SocketCall.CONNECT, sys(3, (h, a) => viaErrno(h, net.connect(h, a0(a), a1(a), a2(a))))],
  [SocketCall.LISTEN, sys(2, (h, a) => viaErrno(h, net.listen(h, a0(a), a1(a))))],
  [SocketCall.ACCEPT, sys(3, (h, a) => viaErrno(h, net.accept(h, a0(a), a1(a), a2(a))))],
  [SocketCall.ACCEPT4, sys(4, (h, a) => viaErrno(h, net.accept(h, a0(a), a1(a), a2(a))))],
  [SocketCall.GETSOCKNAME, sys(3, (h, a) => viaErrno(h, net.getsockname(h, a0(a), a1(a), a2(a))))],
  [SocketCall.SEND, sys(4, (h, a) => viaErrno(h, net.send(h, a0(a), a1(a), a2(a), a3(a))))],
  [SocketCall.RECV, sys(4, (h, a) => viaErrno(h, net.recv(h, a0(a), a1(a), a2(a), a3(a))))],
  [SocketCall.SENDTO, sys(6, (h, a) => viaErrno(h, net.sendto(h, a0(a), a1(a), a2(a), a3(a), a4(a), a5(a))))],
  [SocketCall.RECVFROM, sys(6, (h, a) => viaErrno(h, net.recvfrom(h, a0(a), a1(a), a2(a), a3(a), a4(a), a5(a))))],
  [SocketCall.SHUTDOWN, sys(2, (h, a) => viaErrno(h, net.shutdown(h, a0(a), a1(a))))],
  [SocketCall.SETSOCKOPT, sys(5, (h, a) => viaErrno(h, net.setsockopt(h, a0(a), a1(a), a2(a), a3(a), a4(a))))],
  [SocketCall.GETSOCKOPT, sys(5, (h, a) => viaErrno(h, net.getsockopt(h, a0(a), a1(a), a2(a), a3(a), a4(a))))],
]);

function socketcall(host: FaasletHost, call: number, args: number): number {
  const entry = SOCKET_CALLS.get(call);
  if (!entry) {
    host.log.warn(`socketcall ${call} is not supported`);
    return -Errno.NOSYS;
  }
  return entry.run(host, host.memory.u32s(args, entry.arity).map((v) => v | 0));
}

const ECHILD = () => -Errno.CHILD;
const ENOSYS = () => -Errno.NOSYS;

/** Faasm's `s__*` handlers by musl i386 syscall number. */
export const SYSCALLS: ReadonlyMap<number, Syscall> = new Map<number, Syscall>([
  [Sysno.exit, sys(1, (_h, a) => { throw new ProcExit(a0(a)); })],
  [Sysno.exit_group, sys(1, (_h, a) => { throw new ProcExit(a0(a)); })],
  [Sysno.read, sys(3, (h, a) => sysReadWrite(h, 'fd_read', a0(a), a1(a), a2(a)))],
  [Sysno.write, sys(3, (h, a) => sysReadWrite(h, 'fd_write', a0(a), a1(a), a2(a)))],
  [Sysno.readv, sys(3, (h, a) => sysReadvWritev(h, 'fd_read', a0(a), a1(a), a2(a)))],
  [Sysno.writev, sys(3, (h, a) => sysReadvWritev(h, 'fd_write', a0(a), a1(a), a2(a)))],
  [Sysno.open, sys(3, (h, a) => sysOpen(h, a0(a), a1(a), a2(a)))],
  [Sysno.openat, sys(4, (h, a) => sysOpen(h, a1(a), a2(a), a3(a), a0(a) === -100 ? undefined : a0(a)))],
  [Sysno.close, sys(1, (h, a) => sysClose(h, a0(a)))],
  [Sysno.lseek, sys(3, (h, a) => sysSeek(h, a0(a), BigInt(a1(a)), a2(a), 0))],
  [Sysno._llseek, sys(5, (h, a) => { const r = sysSeek(h, a0(a), (BigInt(a1(a)) << 32n) | BigInt(a2(a) >>> 0), a4(a), a3(a)); return r === -Errno.OVERFLOW ? 0 : r < 0 ? r : 0; })],
  [Sysno.stat64, sys(2, (h, a) => sysStat(h, a0(a), a1(a), true))],
  [Sysno.lstat64, sys(2, (h, a) => sysStat(h, a0(a), a1(a), false))],
  [Sysno.fstat64, sys(2, (h, a) => sysFstat(h, a0(a), a1(a)))],
  [Sysno.getdents64, sys(3, (h, a) => sysGetdents64(h, a0(a), a1(a), a2(a)))],
  [Sysno.mkdir, sys(2, (h, a) => sysPathOp(h, 'path_create_directory', a0(a)))],
  [Sysno.rmdir, sys(1, (h, a) => sysPathOp(h, 'path_remove_directory', a0(a)))],
  [Sysno.unlink, sys(1, (h, a) => sysPathOp(h, 'path_unlink_file', a0(a)))],
  [Sysno.rename, sys(2, (h, a) => sysRename(h, a0(a), a1(a)))],
  [Sysno.access, sys(2, (h, a) => sysAccess(h, a0(a), a1(a)))],
  [Sysno.readlink, sys(3, (h, a) => sysReadlink(h, a0(a), a1(a), a2(a)))],
  [Sysno.getcwd, sys(2, (h, a) => sysGetcwd(h, a0(a), a1(a)))],
  [Sysno.chdir, sys(1, (h, a) => viaErrno(h, chdir(h, a0(a))))],
  [Sysno.fchdir, sys(1, (h, a) => viaErrno(h, fchdir(h, a0(a))))],
  [Sysno.chmod, sys(2, (h, a) => viaErrno(h, chmod(h, a0(a), a1(a))))],
  [Sysno.mmap, sys(6, (h, a) => { const r = memoryMmap(h, a0(a), a1(a), a2(a), a3(a), a4(a), BigInt(a5(a))); return r === -1 ? -Errno.INVAL : r; })],
  [Sysno.mmap2, sys(6, (h, a) => { const r = memoryMmap(h, a0(a), a1(a), a2(a), a3(a), a4(a), BigInt(a5(a) >>> 0) * 4096n); return r === -1 ? -Errno.INVAL : r; })],
  [Sysno.munmap, sys(2, (h, a) => (memoryMunmap(h, a0(a), a1(a)) === 0 ? 0 : -Errno.INVAL))],
  [Sysno.mprotect, sys(3, (h, a) => { h.memory.check(a0(a), a1(a) >>> 0); return 0; })],
  [Sysno.madvise, sys(3, (h, a) => { h.memory.check(a0(a), a1(a) >>> 0); return 0; })],
  [Sysno.msync, sys(3, (h, a) => { h.memory.check(a0(a), a1(a) >>> 0); return 0; })],
  [Sysno.membarrier, sys(2, () => 0)],
  [Sysno.memfd_create, sys(2, (h, a) => viaErrno(h, memfdCreate(h, a0(a), a1(a))))],
  [Sysno.futex, sys(4, (h, a) => futex(h, a0(a), a1(a), a2(a), a3(a)))],
  [Sysno.clock_gettime, sys(2, (h, a) => clockGettime(h, a0(a), a1(a)))],
  [Sysno.clock_gettime64, sys(2, (h, a) => clockGettime(h, a0(a), a1(a)))],
  [Sysno.gettimeofday, sys(2, (h, a) => gettimeofday(h, a0(a)))],
  [Sysno.time, sys(1, (h, a) => { const s = Math.floor(Date.now() / 1000); if (a0(a) !== 0) h.memory.setI64(a0(a), s); return s; })],
  [Sysno.nanosleep, sys(2, (h, a) => nanosleep(h, a0(a), a1(a)))],
  [Sysno.sched_yield, sys(0, () => 0)],
  [Sysno.getrandom, sys(3, (h, a) => getrandom(h, a0(a), a1(a)))],
  [Sysno.ioctl, sys(3, (h, a) => ioctlErrno(h, a0(a), a1(a), a2(a)))],
  [Sysno.poll, sys(3, (h, a) => viaErrno(h, poll(h, a0(a), a1(a), a2(a))))],
  [Sysno.sendfile, sys(4, (h, a) => viaErrno(h, sendfile(h, a0(a), a1(a), a2(a), a3(a))))],
  [Sysno.fcntl, sys(3, (h, a) => fcntl(h, a0(a), a1(a), a2(a)))],
  [Sysno.fcntl64, sys(3, (h, a) => fcntl(h, a0(a), a1(a), a2(a)))],
  [Sysno.dup, sys(1, (h, a) => dupFd(h, a0(a)))],
  [Sysno.dup2, sys(2, (h, a) => dup2(h, a0(a), a1(a)))],
  [Sysno.sched_getaffinity, sys(3, (h, a) => schedGetaffinity(h, a0(a), a1(a), a2(a)))],
  [Sysno.sigaction, sys(3, (h, a) => rtSigaction(h, a0(a), a1(a), a2(a)))],
  [Sysno.rt_sigaction, sys(4, (h, a) => rtSigaction(h, a0(a), a1(a), a2(a)))],
  [Sysno.rt_sigprocmask, sys(4, (h, a) => rtSigprocmask(h, a0(a), a1(a), a2(a)))],
  [Sysno.socketcall, sys(2, (h, a) => socketcall(h, a0(a), a1(a)))],
  [Sysno.socket, sys(3, (h, a) => SOCKET_CALLS.get(SocketCall.SOCKET)!.run(h, a))],
  [Sysno.bind, sys(3, (h, a) => SOCKET_CALLS.get(SocketCall.BIND)!.run(h, a))],
  [Sysno.connect, sys(3, (h, a) => SOCKET_CALLS.get(SocketCall.CONNECT)!.run(h, a))],
  [Sysno.listen, sys(2, (h, a) => SOCKET_CALLS.get(SocketCall.LISTEN)!.run(h, a))],
  [Sysno.accept4, sys(4, (h, a) => SOCKET_CALLS.get(SocketCall.ACCEPT4)!.run(h, a))],
  [Sysno.getsockopt, sys(5, (h, a) => SOCKET_CALLS.get(SocketCall.GETSOCKOPT)!.run(h, a))],
  [Sysno.setsockopt, sys(5, (h, a) => SOCKET_CALLS.get(SocketCall.SETSOCKOPT)!.run(h, a))],
  [Sysno.getsockname, sys(3, (h, a) => SOCKET_CALLS.get(SocketCall.GETSOCKNAME)!.run(h, a))],
  [Sysno.sendto, sys(6, (h, a) => SOCKET_CALLS.get(SocketCall.SENDTO)!.run(h, a))],
  [Sysno.recvfrom, sys(6, (h, a) => SOCKET_CALLS.get(SocketCall.RECVFROM)!.run(h, a))],
  [Sysno.shutdown, sys(2, (h, a) => SOCKET_CALLS.get(SocketCall.SHUTDOWN)!.run(h, a))],
  [Sysno.getpid, sys(0, () => Identity.PID)],
  [Sysno.getppid, sys(0, () => Identity.PPID)],
  [Sysno.gettid, sys(0, () => Identity.TID)],
  [Sysno.getuid, sys(0, () => Identity.UID)],
  [Sysno.getuid32, sys(0, () => Identity.UID)],
  [Sysno.geteuid, sys(0, () => Identity.UID)],
  [Sysno.geteuid32, sys(0, () => Identity.UID)],
  [Sysno.getgid, sys(0, () => Identity.GID)],
  [Sysno.getgid32, sys(0, () => Identity.GID)],
  [Sysno.getegid, sys(0, () => Identity.GID)],
  [Sysno.getegid32, sys(0, () => Identity.GID)],
  [Sysno.getresuid, sys(3, (h, a) => id.getresuid(h, a0(a), a1(a), a2(a)))],
  [Sysno.getresuid32, sys(3, (h, a) => id.getresuid(h, a0(a), a1(a), a2(a)))],
  [Sysno.getresgid, sys(3, (h, a) => id.getresgid(h, a0(a), a1(a), a2(a)))],
  [Sysno.getresgid32, sys(3, (h, a) => id.getresgid(h, a0(a), a1(a), a2(a)))],
  [Sysno.uname, sys(1, (h, a) => id.uname(h, a0(a)))],
  [Sysno.umask, sys(1, (h, a) => id.umask(h, a0(a)))],
  [Sysno.getrusage, sys(2, (h, a) => viaErrno(h, id.getrusage(h, a0(a), a1(a))))],
  [Sysno.getpriority, sys(2, (h, a) => { const r = id.getpriority(h, a0(a), a1(a)); return a0(a) < 0 || a0(a) > 2 ? -Errno.INVAL : 20 - r; })],
  [Sysno.setpriority, sys(3, (h, a) => viaErrno(h, id.setpriority(h, a0(a), a1(a), a2(a))))],
  [Sysno.getrlimit, sys(2, (h, a) => getrlimit32(h, a0(a), a1(a)))],
  [Sysno.ugetrlimit, sys(2, (h, a) => getrlimit32(h, a0(a), a1(a)))],
  [Sysno.prlimit64, sys(4, (h, a) => prlimit64(h, a0(a), a1(a), a2(a), a3(a)))],
  [Sysno.kill, sys(2, (h, a) => viaErrno(h, kill(h, a0(a), a1(a))))],
  [Sysno.tkill, sys(2, (h, a) => (a0(a) === Identity.TID ? viaErrno(h, kill(h, Identity.PID, a1(a))) : -Errno.SRCH))],
  [Sysno.tgkill, sys(3, (h, a) => (a1(a) === Identity.TID ? viaErrno(h, kill(h, Identity.PID, a2(a))) : -Errno.SRCH))],
  [Sysno.fork, sys(0, ENOSYS)],
  [Sysno.vfork, sys(0, ENOSYS)],
  [Sysno.execve, sys(3, (h, a) => { h.memory.cstring(a0(a), 4096); return -Errno.NOSYS; })],
  [Sysno.pipe, sys(1, (h, a) => { h.memory.check(a0(a), 8); return -Errno.NOSYS; })],
  [Sysno.pipe2, sys(2, (h, a) => { h.memory.check(a0(a), 8); return -Errno.NOSYS; })],
  [Sysno.waitpid, sys(3, ECHILD)],
  [Sysno.wait4, sys(4, ECHILD)],
]);

/** getrandom(buf, len, flags): at most 64 KiB per call (a short count is allowed, as Linux caps it too). */
function getrandom(host: FaasletHost, buf: number, len: number): number {
  host.memory.check(buf, len >>> 0);
  const bytes = new Uint8Array(Math.min(len >>> 0, 65536));
  randomFillSync(bytes);
  host.memory.write(buf, bytes);
  return bytes.length;
}

function clockGettime(host: FaasletHost, clock: number, ts: number): number {
  host.memory.check(ts, 16);
  const ns = clockNs(clock);
  if (ns === undefined) return -Errno.INVAL;
  host.memory.setI64(ts, ns / 1_000_000_000n);
  host.memory.setI32(ts + 8, Number(ns % 1_000_000_000n));
  host.memory.setI32(ts + 12, 0);
  return 0;
}

function gettimeofday(host: FaasletHost, tv: number): number {
  if (tv === 0) return 0;
  const us = BigInt(Date.now()) * 1000n;
  host.memory.setI64(tv, us / 1_000_000n);
  host.memory.setI32(tv + 8, Number(us % 1_000_000n));
  host.memory.setI32(tv + 12, 0);
  return 0;
}

function nanosleep(host: FaasletHost, req: number, rem: number): number {
  const sec = host.memory.i64(req);
  const nsec = host.memory.i32(req + 8);
  if (sec < 0n || nsec < 0 || nsec >= 1e9) return -Errno.INVAL;
  sleepMs(Number(sec) * 1000 + nsec / 1e6);
  if (rem !== 0) host.memory.fill(rem, 16, 0);
  return 0;
}

function dup2(host: FaasletHost, from: number, to: number): number {
  const service = host.services.get(FD_DUP) ?? host.services.get(FD_TABLE);
  if (!service?.dupTo) return -Errno.NOSYS;
  if (from === to) return posixOf(host).wasi.filetype(from) < 0 ? -Errno.BADF : to;
  try {
    return service.dupTo(from, to);
  } catch (error) {
    const errno = (error as { errno?: number }).errno;
    if (typeof errno === 'number') return -errno;
    throw error;
  }
}

function schedGetaffinity(host: FaasletHost, pid: number, size: number, mask: number): number {
  if (pid !== 0 && pid !== Identity.PID && pid !== Identity.TID) return -Errno.SRCH;
  if ((size >>> 0) < 4) return -Errno.INVAL;
  host.memory.setU32(mask, (1 << Identity.PROCESSORS) - 1);
  return 4;
}

function getrlimit32(host: FaasletHost, resource: number, rlim: number): number {
  const scratch = posixOf(host).wasi.scratch(0);
  const r = viaErrno(host, id.getrlimit(host, resource, scratch));
  if (r < 0) return r;
  const clamp = (v: bigint) => (v >= 0xffffffffn || v === RLIM_INFINITY ? 0xffffffff : Number(v));
  host.memory.setU32(rlim, clamp(host.memory.u64(scratch)));
  host.memory.setU32(rlim + 4, clamp(host.memory.u64(scratch + 8)));
  return 0;
}

function prlimit64(host: FaasletHost, pid: number, resource: number, next: number, old: number): number {
  if (pid !== 0 && pid !== Identity.PID) return -Errno.SRCH;
  if (old !== 0) {
    const r = viaErrno(host, id.getrlimit(host, resource, old));
    if (r < 0) return r;
  }
  return next !== 0 ? viaErrno(host, id.setrlimit(host, resource, next)) : 0;
}

/** Routes syscall `no` with argument words produced lazily by `arg(i)`; unknown numbers → -ENOSYS, logged. */
export function dispatch(host: FaasletHost, no: number, arg: (i: number) => number): number {
  const entry = SYSCALLS.get(no);
  if (!entry) {
    host.log.warn(`syscall ${no} is not supported (ENOSYS)`);
    return -Errno.NOSYS;
  }
  const args: number[] = [];
  for (let i = 0; i < entry.arity; i++) args.push(arg(i) | 0);
  return entry.run(host, args) | 0;
}

/** `long syscall(long no, ...)` / `__syscall(no, args*)`: arguments read from the guest's varargs array. */
export function syscallArray(host: FaasletHost, no: number, args: number): number {
  return dispatch(host, no, (i) => host.memory.i32(args + i * 4));
}

/** `long __syscallN(long no, ...)`: arguments in registers. */
export function syscallN(host: FaasletHost, no: number, ...args: number[]): number {
  return dispatch(host, no, (i) => args[i] ?? 0);
}
