import { Errno, ProcExit } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { BUF, BUF2, guest } from './test-harness.js';

describe('identity and system', () => {
  it('getpid 23, getppid 1, uid/gid 1000, getres*', async () => {
    const g = await guest();
    expect(g.call('getpid')).toBe(23);
    expect(g.call('getppid')).toBe(1);
    for (const f of ['getuid', 'geteuid', 'getgid', 'getegid']) expect(g.call(f)).toBe(1000);
    expect(g.call('getresuid', BUF, BUF + 4, BUF + 8)).toBe(0);
    expect([0, 4, 8].map((o) => g.host.memory.u32(BUF + o))).toEqual([1000, 1000, 1000]);
    expect(g.call('getresgid', BUF, BUF + 4, BUF + 8)).toBe(0);
    expect(g.call('setgroups', 0, 0)).toBe(-1);
    expect(g.errno()).toBe(Errno.PERM);
  });

  it('getpwnam/getpwuid read the runtime root\'s /etc/passwd', async () => {
    const g = await guest();
    const pw = g.call('getpwnam', g.str(BUF, 'faasm'));
    expect(pw).not.toBe(0);
    const m = g.host.memory;
    expect(m.cstring(m.u32(pw))).toBe('faasm');
    expect(m.u32(pw + 8)).toBe(1000);
    expect(m.cstring(m.u32(pw + 16))).toBe('Faasm User');
    expect(m.cstring(m.u32(pw + 20))).toBe('/home/faasm');
    expect(m.cstring(m.u32(pw + 24))).toBe('/bin/bash');
    const root = g.call('getpwuid', 0);
    expect(m.cstring(m.u32(root))).toBe('root');
    expect(g.call('getpwnam', g.str(BUF, 'nobody'))).toBe(0);
    expect(g.call('getpwuid', 4242)).toBe(0);
  });

  it('passwd from options overrides the file', async () => {
    const g = await guest({ passwd: 'alice:x:7:8:A:/home/a:/bin/sh\n' });
    const pw = g.call('getpwuid', 7);
    expect(g.host.memory.cstring(g.host.memory.u32(pw))).toBe('alice');
  });

  it('group family: getgrnam, getgrgid, getgrent iteration, setgrent rewinds', async () => {
    const g = await guest();
    const m = g.host.memory;
    const gr = g.call('getgrnam', g.str(BUF, 'faasm'));
    expect(m.cstring(m.u32(gr))).toBe('faasm');
    expect(m.u32(gr + 8)).toBe(1000);
    expect(m.cstring(m.u32(m.u32(gr + 12)))).toBe('faasm');
    expect(m.cstring(m.u32(g.call('getgrgid', 0)))).toBe('root');
    expect(g.call('getgrgid', 999)).toBe(0);
    const names: string[] = [];
    for (let p = g.call('getgrent'); p !== 0; p = g.call('getgrent')) names.push(m.cstring(m.u32(p)));
    expect(names).toEqual(['root', 'faasm']);
    g.call('setgrent');
    expect(m.cstring(m.u32(g.call('getgrent')))).toBe('root');
    g.call('endgrent');
    expect(m.cstring(m.u32(g.call('getgrent')))).toBe('root');
  });

  it('uname says faasm; gethostname faasm or ENAMETOOLONG', async () => {
    const g = await guest();
    expect(g.call('uname', BUF)).toBe(0);
    expect(g.host.memory.cstring(BUF)).toBe('faasm');
    expect(g.host.memory.cstring(BUF + 65)).toBe('faasm');
    expect(g.host.memory.cstring(BUF + 4 * 65)).toBe('wasm32');
    expect(g.call('gethostname', BUF2, 64)).toBe(0);
    expect(g.host.memory.cstring(BUF2)).toBe('faasm');
    expect(g.call('gethostname', BUF2, 3)).toBe(-1);
    expect(g.errno()).toBe(Errno.NAMETOOLONG);
  });

  it('sysconf: 4 processors, 64 KiB pages, EINVAL for unknown names', async () => {
    const g = await guest();
    expect(g.call('sysconf', 84)).toBe(4);
    expect(g.call('sysconf', 83)).toBe(4);
    expect(g.call('sysconf', 30)).toBe(65536);
    expect(g.call('sysconf', 4)).toBe(1024);
    expect(g.call('sysconf', 85)).toBe(65535);
    expect(g.call('sysconf', 9999)).toBe(-1);
    expect(g.errno()).toBe(Errno.INVAL);
  });

  it('confstr returns the size needed and truncates', async () => {
    const g = await guest();
    expect(g.call('confstr', 0, BUF, 100)).toBe(14);
    expect(g.host.memory.cstring(BUF)).toBe('/bin:/usr/bin');
    expect(g.call('confstr', 0, BUF, 5)).toBe(14);
    expect(g.host.memory.cstring(BUF)).toBe('/bin');
    expect(g.call('confstr', 0, 0, 0)).toBe(14);
    expect(g.call('confstr', 77, BUF, 10)).toBe(0);
    expect(g.errno()).toBe(Errno.INVAL);
  });

  it('rlimits: defaults, lowering recorded, raising the hard limit EPERM', async () => {
    const g = await guest();
    const m = g.host.memory;
    expect(g.call('getrlimit', 3, BUF)).toBe(0);
    expect(m.u64(BUF)).toBe(4n * 1024n * 1024n);
    expect(g.call('getrlimit', 7, BUF)).toBe(0);
    expect(m.u64(BUF)).toBe(1024n);
    m.setU64(BUF, 100n);
    m.setU64(BUF + 8, 512n);
    expect(g.call('setrlimit', 7, BUF)).toBe(0);
    expect(g.call('getrlimit', 7, BUF2)).toBe(0);
    expect([m.u64(BUF2), m.u64(BUF2 + 8)]).toEqual([100n, 512n]);
    m.setU64(BUF + 8, 4096n);
    expect(g.call('setrlimit', 7, BUF)).toBe(-1);
    expect(g.errno()).toBe(Errno.PERM);
    expect(g.call('getrlimit', 99, BUF)).toBe(-1);
    expect(g.errno()).toBe(Errno.INVAL);
  });

  it('getrusage fills times and maxrss; bad who EINVAL', async () => {
    const g = await guest();
    g.host.memory.fill(BUF, 152, 0xff);
    expect(g.call('getrusage', 0, BUF)).toBe(0);
    expect(g.host.memory.i64(BUF)).toBeGreaterThanOrEqual(0n);
    expect(g.host.memory.i32(BUF + 32)).toBe(g.host.memory.size / 1024);
    expect(g.host.memory.u8(BUF + 151)).toBe(0);
    expect(g.call('getrusage', 5, BUF)).toBe(-1);
  });

  it('priority: nice can only go up; umask returns the previous mask', async () => {
    const g = await guest();
    expect(g.call('getpriority', 0, 0)).toBe(0);
    expect(g.call('setpriority', 0, 0, 5)).toBe(0);
    expect(g.call('getpriority', 0, 0)).toBe(5);
    expect(g.call('setpriority', 0, 0, 1)).toBe(-1);
    expect(g.errno()).toBe(Errno.ACCES);
    expect(g.call('getpriority', 7, 0)).toBe(-1);
    expect(g.call('umask', 0o077)).toBe(0o022);
    expect(g.call('umask', 0o1777)).toBe(0o077);
    expect(g.call('umask', 0)).toBe(0o777);
  });

  it('ttyname and isatty consistency with WASI fdstat', async () => {
    const g = await guest();
    const p = g.call('ttyname', 1);
    expect(g.host.memory.cstring(p)).toBe('/dev/tty');
    expect(g.call('ttyname', 3)).toBe(0);
    expect(g.errno()).toBe(Errno.NOTTY);
    expect(g.call('ttyname', 99)).toBe(0);
    expect(g.errno()).toBe(Errno.BADF);
    // ioctl(TIOCGWINSZ) agrees: a tty answers, a directory is ENOTTY
    expect(g.call('ioctl', 1, 0x5413, BUF)).toBe(0);
    expect([g.host.memory.u16(BUF), g.host.memory.u16(BUF + 2)]).toEqual([24, 80]);
    expect(g.call('ioctl', 3, 0x5413, BUF)).toBe(-1);
    expect(g.errno()).toBe(Errno.NOTTY);
  });

  it('snapshot/restore carries umask, signals and the static page', async () => {
    const g = await guest();
    const { lifecycleOf } = await import('@faasm/abi');
    g.call('umask', 0o700);
    const saved = lifecycleOf(g.host).snapshot();
    g.call('umask', 0o000);
    g.call('signal', 10, 1);
    lifecycleOf(g.host).restore(saved);
    expect(g.call('umask', 0)).toBe(0o700);
    expect(g.call('signal', 10, 0)).toBe(0);
    expect(() => g.call('exit', 3)).toThrow(ProcExit);
  });
});
