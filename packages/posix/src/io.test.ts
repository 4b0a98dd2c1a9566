import { Errno } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { BUF, BUF2, BUF3, guest, type Guest } from './test-harness.js';

/** Opens a path through the open syscall (Linux flags). */
function open(g: Guest, path: string, flags: number): number {
  return g.call('__syscall3', 5, g.str(BUF3, path), flags, 0o644);
}
function write(g: Guest, fd: number, text: string): number {
  const bytes = new TextEncoder().encode(text);
  g.host.memory.write(BUF3 + 1024, bytes);
  return g.call('__syscall3', 4, fd, BUF3 + 1024, bytes.length);
}

describe('io extras', () => {
  it('dup and __wasi_fd_dup share the description; bad fd EBADF', async () => {
    const g = await guest();
    const fd = open(g, '/tmp/dup.txt', 0o102);
    expect(fd).toBeGreaterThanOrEqual(5);
    const d = g.call('dup', fd);
    expect(d).toBeGreaterThan(fd);
    expect(write(g, fd, 'ab')).toBe(2);
    expect(write(g, d, 'cd')).toBe(2);
    expect(g.call('__wasi_fd_dup', fd, BUF)).toBe(0);
    const d2 = g.host.memory.u32(BUF);
    expect(d2).toBeGreaterThan(d);
    // shared position: lseek(d2, 0, SEEK_CUR) == 4
    expect(g.call('__syscall3', 19, d2, 0, 1)).toBe(4);
    expect(g.call('dup', 999)).toBe(-1);
    expect(g.errno()).toBe(Errno.BADF);
    expect(g.call('__wasi_fd_dup', 999, BUF)).toBe(Errno.BADF);
  });

  it('ioctl: TIOCGWINSZ/TCGETS on stdio, FIONREAD, ENOTTY otherwise, EBADF', async () => {
    const g = await guest({ winsize: { rows: 50, cols: 132 } });
    expect(g.call('ioctl', 1, 0x5413, BUF)).toBe(0);
    expect([g.host.memory.u16(BUF), g.host.memory.u16(BUF + 2)]).toEqual([50, 132]);
    expect(g.call('ioctl', 0, 0x5401, BUF)).toBe(0);
    expect(g.call('ioctl', 3, 0x5401, BUF)).toBe(-1);
    expect(g.errno()).toBe(Errno.NOTTY);
    expect(g.call('ioctl', 3, 0x541b, BUF)).toBe(0);
    expect(g.call('ioctl', 1, 0x1234, BUF)).toBe(-1);
    expect(g.errno()).toBe(Errno.NOTTY);
    expect(g.call('ioctl', 77, 0x5413, BUF)).toBe(-1);
    expect(g.errno()).toBe(Errno.BADF);
  });

  it('puts, putc, vfprintf, fiprintf write to stdout; __small_sprintf formats into a buffer', async () => {
    const g = await guest();
    const m = g.host.memory;
    expect(g.call('puts', g.str(BUF, 'hello'))).toBe(0);
    expect(g.call('putc', 0x41, 0)).toBe(0x41);
    // varargs: int 42, then (8-aligned) double 1.5, then char* "x"
    m.setI32(BUF2, 42);
    m.setF64(BUF2 + 8, 1.5);
    m.setU32(BUF2 + 16, g.str(BUF2 + 64, 'x'));
    expect(g.call('vfprintf', 0, g.str(BUF, '[%5d|%-6.2f|%s]\n'), BUF2)).toBe(17);
    m.setI32(BUF2, 255);
    m.setI32(BUF2 + 4, 255);
    expect(g.call('fiprintf', 0, g.str(BUF, '%#x %o\n'), BUF2)).toBe(9);
    expect(g.stdout()).toBe('hello\nA[   42|1.50  |x]\n0xff 377\n');
    m.setI32(BUF2, -7);
    expect(g.call('__small_sprintf', BUF3, g.str(BUF, 'v=%03d%%'), BUF2)).toBe(6);
    expect(m.cstring(BUF3)).toBe('v=-07%');
  });

  it('bzero and explicit_bzero zero exactly n bytes', async () => {
    const g = await guest();
    g.host.memory.fill(BUF, 16, 7);
    g.call('bzero', BUF, 4);
    g.call('explicit_bzero', BUF + 8, 4);
    expect([...g.host.memory.bytes(BUF, 16)]).toEqual([0, 0, 0, 0, 7, 7, 7, 7, 0, 0, 0, 0, 7, 7, 7, 7]);
  });

  it('tmpfile is unsupported (NULL/ENOSYS); tempnam gives a fresh name under dir', async () => {
    const g = await guest();
    expect(g.call('tmpfile')).toBe(0);
    expect(g.errno()).toBe(Errno.NOSYS);
    const p = g.call('tempnam', g.str(BUF, '/tmp'), g.str(BUF + 64, 'abc'));
    expect(g.host.memory.cstring(p)).toMatch(/^\/tmp\/abc[0-9a-z]{6}$/);
    expect(g.host.memory.cstring(g.call('tempnam', 0, 0))).toMatch(/^\/tmp\/file/);
  });

  it('realpath normalises existing paths; ENOENT otherwise', async () => {
    const g = await guest();
    expect(g.call('realpath', g.str(BUF, '/etc/../etc//passwd'), BUF2)).toBe(BUF2);
    expect(g.host.memory.cstring(BUF2)).toBe('/etc/passwd');
    const p = g.call('realpath', g.str(BUF, '/tmp/./'), 0);
    expect(g.host.memory.cstring(p)).toBe('/tmp');
    expect(g.call('realpath', g.str(BUF, '/nope'), BUF2)).toBe(0);
    expect(g.errno()).toBe(Errno.NOENT);
  });

  it('dirfd reads the DIR\'s fd; NULL is EINVAL', async () => {
    const g = await guest();
    g.host.memory.setI32(BUF, 9);
    expect(g.call('dirfd', BUF)).toBe(9);
    expect(g.call('dirfd', 0)).toBe(-1);
  });

  it('poll: stdio and files ready, bad fd POLLNVAL, negative fds skipped', async () => {
    const g = await guest();
    const m = g.host.memory;
    const entries = [[1, 0x2], [3, 0x1], [99, 0x1], [-1, 0x1]] as const;
    entries.forEach(([fd, ev], i) => {
      m.setI32(BUF + i * 8, fd);
      m.setU16(BUF + i * 8 + 4, ev);
      m.setU16(BUF + i * 8 + 6, 0xffff);
    });
    expect(g.call('poll', BUF, 4, 0)).toBe(3);
    expect([0, 1, 2, 3].map((i) => m.u16(BUF + i * 8 + 6))).toEqual([0x2, 0x1, 0x4000, 0]);
    expect(g.call('poll', BUF, 5000, 0)).toBe(-1);
    expect(g.call('poll', BUF, 0, -1)).toBe(-1);
    expect(g.call('poll', 0, 0, 1)).toBe(0);
  });

  it('sendfile copies between fds (with and without an offset)', async () => {
    const g = await guest();
    const src = open(g, '/tmp/src.txt', 0o102);
    expect(write(g, src, 'hello sendfile')).toBe(14);
    const dst = open(g, '/tmp/dst.txt', 0o102);
    g.host.memory.setI32(BUF, 6);
    expect(g.call('sendfile', dst, src, BUF, 100)).toBe(8);
    expect(g.host.memory.i32(BUF)).toBe(14);
    g.call('__syscall3', 19, src, 0, 0);
    expect(g.call('sendfile', 1, src, 0, 5)).toBe(5);
    expect(g.stdout()).toBe('hello');
    expect(g.call('sendfile', dst, 999, 0, 5)).toBe(-1);
    expect(g.errno()).toBe(Errno.BADF);
    expect(g.call('sendfile', src, src, 0, 5)).toBe(-1);
    expect(g.errno()).toBe(Errno.INVAL);
    expect(g.call('sendfile', dst, src, 0, 5)).toBe(5);
    expect(g.call('sendfile', dst, src, 0, 100)).toBe(4);
    expect(g.call('sendfile', dst, src, 0, 100)).toBe(0);
  });

  it('lockf: 0 on a valid fd for every cmd; EBADF, EINVAL', async () => {
    const g = await guest();
    for (const cmd of [0, 1, 2, 3]) expect(g.call('lockf', 1, cmd, 0n)).toBe(0);
    expect(g.call('lockf', 1, 9, 0n)).toBe(-1);
    expect(g.errno()).toBe(Errno.INVAL);
    expect(g.call('lockf', 99, 1, 0n)).toBe(-1);
    expect(g.errno()).toBe(Errno.BADF);
  });

  it('chdir/fchdir move the cwd used by relative paths; chmod; utime', async () => {
    const g = await guest();
    expect(g.call('chdir', g.str(BUF, '/etc'))).toBe(0);
    expect(g.call('__syscall2', 183, BUF2, 100)).toBe(5);
    expect(g.host.memory.cstring(BUF2)).toBe('/etc');
    expect(g.call('realpath', g.str(BUF, 'passwd'), BUF2)).toBe(BUF2);
    expect(g.host.memory.cstring(BUF2)).toBe('/etc/passwd');
    expect(g.call('chdir', g.str(BUF, '/etc/passwd'))).toBe(-1);
    expect(g.errno()).toBe(Errno.NOTDIR);
    expect(g.call('chdir', g.str(BUF, '/missing'))).toBe(-1);
    expect(g.errno()).toBe(Errno.NOENT);
    expect(g.call('fchdir', 3)).toBe(0);
    expect(g.call('__syscall2', 183, BUF2, 100)).toBe(2);
    expect(g.call('fchdir', 1)).toBe(-1);
    expect(g.errno()).toBe(Errno.NOTDIR);
    expect(g.call('fchdir', 99)).toBe(-1);
    expect(g.errno()).toBe(Errno.BADF);
    expect(g.call('chmod', g.str(BUF, '/etc/passwd'), 0o600)).toBe(0);
    expect(g.call('chmod', g.str(BUF, '/nope'), 0o600)).toBe(-1);
    g.host.memory.setI64(BUF2, 1000n);
    g.host.memory.setI64(BUF2 + 8, 2000n);
    expect(g.call('utime', g.str(BUF, '/etc/passwd'), BUF2)).toBe(0);
    expect(g.call('__syscall2', 195, BUF, BUF3)).toBe(0);
    expect(g.host.memory.i64(BUF3 + 88)).toBe(2000n);
    expect(g.call('utime', g.str(BUF, '/etc/passwd'), 0)).toBe(0);
    expect(g.call('utime', g.str(BUF, '/nope'), 0)).toBe(-1);
  });

  it('strncat and atoi behave like C', async () => {
    const g = await guest();
    g.str(BUF, 'abc');
    g.host.memory.write(BUF2, new TextEncoder().encode('defgh')); // no NUL needed within n
    expect(g.call('strncat', BUF, BUF2, 3)).toBe(BUF);
    expect(g.host.memory.cstring(BUF)).toBe('abcdef');
    g.str(BUF2, 'xy');
    g.call('strncat', BUF, BUF2, 10);
    expect(g.host.memory.cstring(BUF)).toBe('abcdefxy');
    const cases: Array<[string, number]> = [['42', 42], ['  -17x', -17], ['+8', 8], ['abc', 0], ['', 0], ['4294967297', 1], ['\t\n 99', 99]];
    for (const [text, v] of cases) expect([text, g.call('atoi', g.str(BUF, text))]).toEqual([text, v]);
  });

  it('memfd_create gives a readable/writable anonymous fd', async () => {
    const g = await guest();
    const fd = g.call('memfd_create', g.str(BUF, 'buf'), 0);
    expect(fd).toBeGreaterThanOrEqual(5);
    expect(write(g, fd, 'xyz')).toBe(3);
    g.call('__syscall3', 19, fd, 0, 0);
    expect(g.call('__syscall3', 3, fd, BUF2, 10)).toBe(3);
    expect(g.host.memory.string(BUF2, 3)).toBe('xyz');
    // unlinked: nothing named .memfd-* remains in /tmp
    const dir = open(g, '/tmp', 0o200000);
    const n = g.call('__syscall3', 220, dir, BUF3, 4096);
    const names: string[] = [];
    for (let at = 0; at < n; at += g.host.memory.u16(BUF3 + at + 16)) names.push(g.host.memory.cstring(BUF3 + at + 19));
    expect(names.some((x) => x.startsWith('.memfd'))).toBe(false);
  });
});
