import { Errno, ProcExit } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { SYSCALLS, Sysno } from './index.js';
import { BUF, BUF2, BUF3, guest, type Guest } from './test-harness.js';

const O_RDWR = 2;
const O_CREAT = 0o100;
const O_DIRECTORY = 0o200000;

function sys(g: Guest, no: number, ...args: number[]): number {
  return g.call(`__syscall${args.length}`, no, ...args);
}

describe('syscall dispatch (musl i386 numbers)', () => {
  it('every syscall entry point routes to the same handler', async () => {
    const g = await guest();
    expect(g.call('__syscall0', Sysno.getpid)).toBe(23);
    expect(g.call('__syscall1', Sysno.getpid, 0)).toBe(23);
    const variants = ['__syscall2', '__syscall3', '__syscall4', '__syscall5', '__syscall6', '__syscall7'];
    variants.forEach((name, i) => expect(g.call(name, Sysno.gettid, ...new Array<number>(i + 2).fill(0))).toBe(66));
    expect(g.call('__syscall_cp', Sysno.getuid32, 0, 0, 0, 0, 0, 0)).toBe(1000);
    // syscall(no, ...) and __syscall(no, args*): the arguments are an array in memory
    g.host.memory.setU32(BUF, BUF2);
    expect(g.call('syscall', Sysno.uname, BUF)).toBe(0);
    expect(g.host.memory.cstring(BUF2)).toBe('faasm');
    expect(g.call('__syscall', Sysno.getegid32, BUF)).toBe(1000);
  });

  it('unknown numbers: -ENOSYS with the number logged', async () => {
    const g = await guest();
    expect(sys(g, 9999)).toBe(-Errno.NOSYS);
    expect(g.logs.join('\n')).toMatch(/syscall 9999 is not supported/);
    expect(g.call('__syscall2', 102, 99, BUF)).toBe(-Errno.NOSYS);
  });

  it('file syscalls: open/write/writev/llseek/read/readv/fstat64/stat64/lstat64/close', async () => {
    const g = await guest();
    const m = g.host.memory;
    const fd = sys(g, Sysno.open, g.str(BUF, '/tmp/f.txt'), O_RDWR | O_CREAT, 0o644);
    expect(fd).toBeGreaterThanOrEqual(5);
    g.str(BUF2, 'hello ');
    expect(sys(g, Sysno.write, fd, BUF2, 6)).toBe(6);
    g.str(BUF2 + 100, 'wor');
    g.str(BUF2 + 200, 'ld');
    m.setU32(BUF3, BUF2 + 100);
    m.setU32(BUF3 + 4, 3);
    m.setU32(BUF3 + 8, BUF2 + 200);
    m.setU32(BUF3 + 12, 2);
    expect(sys(g, Sysno.writev, fd, BUF3, 2)).toBe(5);
    expect(sys(g, Sysno._llseek, fd, 0, 0, BUF3 + 64, 0)).toBe(0);
    expect(m.u64(BUF3 + 64)).toBe(0n);
    expect(sys(g, Sysno.read, fd, BUF2 + 300, 5)).toBe(5);
    expect(m.string(BUF2 + 300, 5)).toBe('hello');
    m.setU32(BUF3, BUF2 + 400);
    m.setU32(BUF3 + 4, 2);
    m.setU32(BUF3 + 8, BUF2 + 500);
    m.setU32(BUF3 + 12, 10);
    expect(sys(g, Sysno.readv, fd, BUF3, 2)).toBe(6);
    expect(m.string(BUF2 + 400, 2) + m.string(BUF2 + 500, 4)).toBe(' world');
    expect(sys(g, Sysno.fstat64, fd, BUF3)).toBe(0);
    expect(m.u32(BUF3 + 24) & 0o170000).toBe(0o100000);
    expect(m.i64(BUF3 + 48)).toBe(11n);
    expect(m.u32(BUF3 + 28)).toBe(1000);
    expect(sys(g, Sysno.stat64, g.str(BUF, '/tmp'), BUF3)).toBe(0);
    expect(m.u32(BUF3 + 24) & 0o170000).toBe(0o040000);
    expect(sys(g, Sysno.lstat64, g.str(BUF, '/tmp/f.txt'), BUF3)).toBe(0);
    expect(sys(g, Sysno.stat64, g.str(BUF, '/nope'), BUF3)).toBe(-Errno.NOENT);
    expect(sys(g, Sysno.close, fd)).toBe(0);
    expect(sys(g, Sysno.close, fd)).toBe(-Errno.BADF);
    expect(sys(g, Sysno.read, 99, BUF, 1)).toBe(-Errno.BADF);
  });

  it('mkdir/rename/unlink/access/rmdir/getdents64/openat/readlink', async () => {
    const g = await guest();
    const m = g.host.memory;
    expect(sys(g, Sysno.mkdir, g.str(BUF, '/tmp/d'), 0o755)).toBe(0);
    expect(sys(g, Sysno.mkdir, g.str(BUF, '/tmp/d'), 0o755)).toBe(-Errno.EXIST);
    const fd = sys(g, Sysno.openat, -100, g.str(BUF, '/tmp/d/a'), O_RDWR | O_CREAT, 0o644);
    expect(fd).toBeGreaterThan(0);
    sys(g, Sysno.close, fd);
    expect(sys(g, Sysno.rename, g.str(BUF, '/tmp/d/a'), g.str(BUF2, '/tmp/d/b'))).toBe(0);
    expect(sys(g, Sysno.access, g.str(BUF, '/tmp/d/b'), 0)).toBe(0);
    expect(sys(g, Sysno.access, g.str(BUF, '/tmp/d/a'), 0)).toBe(-Errno.NOENT);
    const dir = sys(g, Sysno.open, g.str(BUF, '/tmp/d'), O_DIRECTORY, 0);
    const n = sys(g, Sysno.getdents64, dir, BUF3, 4096);
    const names: string[] = [];
    for (let at = 0; at < n; at += m.u16(BUF3 + at + 16)) names.push(m.cstring(BUF3 + at + 19));
    expect(names.sort()).toEqual(['.', '..', 'b']);
    expect(sys(g, Sysno.getdents64, dir, BUF3, 4096)).toBe(0);
    expect(sys(g, Sysno.lseek, dir, 0, 0)).toBe(0);
    expect(sys(g, Sysno.getdents64, dir, BUF3, 4096)).toBe(n);
    expect(sys(g, Sysno.getdents64, dir, BUF3, 8)).toBe(0);
    expect(sys(g, Sysno.unlink, g.str(BUF, '/tmp/d/b'))).toBe(0);
    expect(sys(g, Sysno.rmdir, g.str(BUF, '/tmp/d'))).toBe(0);
    expect(sys(g, Sysno.readlink, g.str(BUF, '/etc/passwd'), BUF2, 64)).toBe(-Errno.INVAL);
  });

  it('mmap/mmap2/munmap/mprotect/madvise/msync/membarrier reach @faasm/memory', async () => {
    const g = await guest();
    const p = sys(g, Sysno.mmap2, 0, 65536, 3, 0x22, -1, 0);
    expect(p % 65536).toBe(0);
    expect(sys(g, Sysno.mprotect, p, 65536, 1)).toBe(0);
    expect(sys(g, Sysno.madvise, p, 65536, 4)).toBe(0);
    expect(sys(g, Sysno.msync, p, 65536, 0)).toBe(0);
    expect(sys(g, Sysno.membarrier, 0, 0)).toBe(0);
    expect(sys(g, Sysno.munmap, p, 65536)).toBe(0);
    expect(sys(g, Sysno.mmap, 0, 65536, 3, 0x22, -1, 0)).toBe(p);
    expect(sys(g, Sysno.mmap, 0, 0, 3, 0x22, -1, 0)).toBe(-Errno.INVAL);
    expect(() => sys(g, Sysno.mprotect, 0x7fff0000, 65536, 1)).toThrow(/__syscall3: out-of-bounds/);
  });

  it('file-backed mmap maps a file\'s bytes (through @faasm/wasi)', async () => {
    const g = await guest();
    const fd = sys(g, Sysno.open, g.str(BUF, '/etc/passwd'), 0, 0);
    const p = g.call('mmap', 0, 20, 1, 2, fd, 0n);
    expect(g.host.memory.string(p, 5)).toBe('root:');
    const q = g.call('mmap', 0, 10, 1, 2, fd, 5n);
    expect(g.host.memory.string(q, 2)).toBe('x:');
    expect(g.call('mmap', 0, 10, 1, 2, 77, 0n)).toBe(-1);
  });

  it('time: clock_gettime, gettimeofday, time, nanosleep', async () => {
    const g = await guest();
    const m = g.host.memory;
    expect(sys(g, Sysno.clock_gettime, 0, BUF)).toBe(0);
    const now = BigInt(Math.floor(Date.now() / 1000));
    expect(m.i64(BUF) - now <= 1n && now - m.i64(BUF) <= 1n).toBe(true);
    expect(sys(g, Sysno.clock_gettime, 1, BUF)).toBe(0);
    expect(m.i32(BUF + 8)).toBeLessThan(1e9);
    expect(sys(g, Sysno.clock_gettime, 42, BUF)).toBe(-Errno.INVAL);
    expect(sys(g, Sysno.gettimeofday, BUF, 0)).toBe(0);
    expect(m.i32(BUF + 8)).toBeLessThan(1e6);
    expect(sys(g, Sysno.time, 0)).toBeGreaterThan(1.7e9);
    m.setI64(BUF, 0n);
    m.setI32(BUF + 8, 1000);
    expect(sys(g, Sysno.nanosleep, BUF, BUF2)).toBe(0);
    m.setI32(BUF + 8, 2e9);
    expect(sys(g, Sysno.nanosleep, BUF, 0)).toBe(-Errno.INVAL);
  });

  it('futex on unshared memory: EAGAIN on mismatch, timeout, no infinite wait; wake 0', async () => {
    const g = await guest();
    const m = g.host.memory;
    m.setI32(BUF, 5);
    expect(sys(g, Sysno.futex, BUF, 128, 6, 0)).toBe(-Errno.AGAIN);
    expect(sys(g, Sysno.futex, BUF, 128, 5, 0)).toBe(-Errno.DEADLK);
    m.setI64(BUF2, 0n);
    m.setI32(BUF2 + 8, 1000);
    expect(sys(g, Sysno.futex, BUF, 0, 5, BUF2)).toBe(-Errno.TIMEDOUT);
    expect(sys(g, Sysno.futex, BUF, 129, 1, 0)).toBe(0);
    expect(sys(g, Sysno.futex, BUF + 1, 1, 1, 0)).toBe(-Errno.INVAL);
  });

  it('getrandom, ioctl, poll, fcntl64, dup, dup2, sched_getaffinity, exit', async () => {
    const g = await guest();
    const m = g.host.memory;
    m.fill(BUF, 64, 0);
    expect(sys(g, Sysno.getrandom, BUF, 64, 0)).toBe(64);
    expect([...m.bytes(BUF, 64)].some((b) => b !== 0)).toBe(true);
    expect(sys(g, Sysno.ioctl, 1, 0x5413, BUF)).toBe(0);
    expect(sys(g, Sysno.ioctl, 3, 0x5413, BUF)).toBe(-Errno.NOTTY);
    m.setI32(BUF, 1);
    m.setU16(BUF + 4, 2);
    expect(sys(g, Sysno.poll, BUF, 1, 0)).toBe(1);
    expect(sys(g, Sysno.poll, BUF, 99999, 0)).toBe(-Errno.INVAL);
    const fd = sys(g, Sysno.open, g.str(BUF, '/tmp/x'), O_RDWR | O_CREAT | 0o2000, 0o644);
    expect(sys(g, Sysno.fcntl64, fd, 3, 0) & 0o2003).toBe(0o2002);
    expect(sys(g, Sysno.fcntl64, fd, 4, 0)).toBe(0);
    expect(sys(g, Sysno.fcntl64, fd, 3, 0) & 0o2000).toBe(0);
    expect(sys(g, Sysno.fcntl64, fd, 1, 0)).toBe(0);
    expect(sys(g, Sysno.fcntl64, fd, 0, 100)).toBe(100);
    expect(sys(g, Sysno.fcntl64, 999, 1, 0)).toBe(-Errno.BADF);
    expect(sys(g, Sysno.fcntl64, fd, 77, 0)).toBe(-Errno.INVAL);
    const d = sys(g, Sysno.dup, fd);
    expect(d).toBeGreaterThan(fd);
    expect(sys(g, Sysno.dup2, fd, 50)).toBe(50);
    expect(sys(g, Sysno.dup, 999)).toBe(-Errno.BADF);
    expect(sys(g, Sysno.sched_getaffinity, 0, 128, BUF2)).toBe(4);
    expect(m.u32(BUF2)).toBe(0xf);
    expect(sys(g, Sysno.sched_getaffinity, 0, 2, BUF2)).toBe(-Errno.INVAL);
    expect(sys(g, Sysno.sched_getaffinity, 5, 8, BUF2)).toBe(-Errno.SRCH);
    expect(() => sys(g, Sysno.exit_group, 4)).toThrow(ProcExit);
    expect(() => sys(g, Sysno.exit, 4)).toThrow(expect.objectContaining({ code: 4 }));
  });

  it('process syscalls: fork/execve/pipe ENOSYS, wait ECHILD, kill/tkill, rlimits, identity', async () => {
    const g = await guest();
    const m = g.host.memory;
    expect(sys(g, Sysno.fork)).toBe(-Errno.NOSYS);
    expect(sys(g, Sysno.vfork)).toBe(-Errno.NOSYS);
    expect(sys(g, Sysno.execve, g.str(BUF, '/bin/sh'), 0, 0)).toBe(-Errno.NOSYS);
    expect(sys(g, Sysno.pipe, BUF)).toBe(-Errno.NOSYS);
    expect(sys(g, Sysno.pipe2, BUF, 0)).toBe(-Errno.NOSYS);
    expect(sys(g, Sysno.wait4, -1, BUF, 0, 0)).toBe(-Errno.CHILD);
    expect(sys(g, Sysno.waitpid, -1, BUF, 0)).toBe(-Errno.CHILD);
    expect(sys(g, Sysno.kill, 23, 0)).toBe(0);
    expect(sys(g, Sysno.kill, 5, 0)).toBe(-Errno.SRCH);
    expect(sys(g, Sysno.tkill, 66, 17)).toBe(0);
    expect(sys(g, Sysno.tgkill, 23, 1, 17)).toBe(-Errno.SRCH);
    expect(sys(g, Sysno.ugetrlimit, 7, BUF)).toBe(0);
    expect([m.u32(BUF), m.u32(BUF + 4)]).toEqual([1024, 1024]);
    expect(sys(g, Sysno.getrlimit, 0, BUF)).toBe(0);
    expect(m.u32(BUF)).toBe(0xffffffff);
    expect(sys(g, Sysno.prlimit64, 0, 3, 0, BUF)).toBe(0);
    expect(m.u64(BUF)).toBe(4194304n);
    expect(sys(g, Sysno.prlimit64, 99, 3, 0, BUF)).toBe(-Errno.SRCH);
    expect(sys(g, Sysno.getpriority, 0, 0)).toBe(20);
    expect(sys(g, Sysno.setpriority, 0, 0, 3)).toBe(0);
    expect(sys(g, Sysno.getpriority, 0, 0)).toBe(17);
    expect(sys(g, Sysno.umask, 0o77)).toBe(0o22);
    expect(sys(g, Sysno.getresuid32, BUF, BUF + 4, BUF + 8)).toBe(0);
    expect(sys(g, Sysno.getrusage, 0, BUF)).toBe(0);
    expect(sys(g, Sysno.getrusage, 9, BUF)).toBe(-Errno.INVAL);
    expect(sys(g, Sysno.sched_yield)).toBe(0);
    expect(sys(g, Sysno.chdir, g.str(BUF, '/nope'))).toBe(-Errno.NOENT);
    expect(sys(g, Sysno.getcwd, BUF, 1)).toBe(-Errno.RANGE);
  });

  it('the table covers the seed\'s s__* list', () => {
    const seed = ['open', 'read', 'write', 'readv', 'writev', 'close', '_llseek', 'fstat64', 'lstat64', 'stat64', 'getdents64', 'mkdir', 'rename', 'unlink', 'access', 'readlink', 'mmap', 'mprotect', 'madvise', 'membarrier', 'futex', 'clock_gettime', 'gettimeofday', 'nanosleep', 'getrandom', 'ioctl', 'poll', 'fcntl64', 'dup', 'exit', 'sched_getaffinity', 'rt_sigaction', 'rt_sigprocmask', 'socketcall', 'gettid', 'fork', 'waitpid'] as const;
    for (const name of seed) expect([name, SYSCALLS.has(Sysno[name])]).toEqual([name, true]);
  });
});
