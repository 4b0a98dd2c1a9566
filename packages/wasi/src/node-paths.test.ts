import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno, GuestTrap } from '@faasm/abi';
import { nativeSyscalls } from '@faasm/native';
import { describe, expect, it, onTestFinished } from 'vitest';
import { NodeFs } from './node-fs.js';
import { Calls } from './test-calls.js';

const switchedOff = process.env.FAASM_NATIVE === 'off';
const path = switchedOff ? 'portable' : 'native';

/** A fresh root: box/{sub/file, up → ../outside, abs → /etc/hosts}, plus outside. */
function fixture(): { root: string; c: Calls } {
  const root = mkdtempSync(join(tmpdir(), 'wasi-node-paths-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'box', 'sub'), { recursive: true });
  mkdirSync(join(root, 'box', 'other'));
  writeFileSync(join(root, 'box', 'sub', 'file'), 'inside');
  writeFileSync(join(root, 'outside'), 'outside');
  symlinkSync('../outside', join(root, 'box', 'up'));
  symlinkSync('/etc/hosts', join(root, 'box', 'abs'));
  symlinkSync('../other', join(root, 'box', 'sub', 'sibling'));
  // The preopen is `box`: `outside` lies beyond it.
  return { root, c: new Calls({ root: join(root, 'box') }) };
}

describe(`Node backend, ${path} paths`, () => {
  it(`uses @faasm/native's fast paths exactly when the module is available and not switched off`, () => {
    const fs = new NodeFs();
    expect(fs.fast !== undefined).toBe(!switchedOff && nativeSyscalls() !== undefined);
    // CI builds the native module: there the native paths are always the ones tested.
    if (process.env.CI === 'true' && !switchedOff && process.platform === 'linux') expect(fs.fast).toBeDefined();
  });

  it('path_open: escapes are NOTCAPABLE; `..` below a non-preopen directory may stay inside the preopen', () => {
    const { c } = fixture();
    const tryOpen = (dir: number, p: string, follow = 1): number => {
      const [ptr, len] = c.str(p);
      const e = c.call('path_open', dir, follow, ptr, len, 0, 2n, 0n, 0, 100);
      if (e === 0) c.call('fd_close', c.view.getUint32(100, true));
      return e;
    };
    for (const p of ['../outside', 'up', 'abs', 'sub/../../outside', 'sub/../up']) expect(tryOpen(3, p), p).toBe(Errno.NOTCAPABLE);
    const sub = c.open(3, 'sub', 2);
    expect(tryOpen(sub, '../sub/file')).toBe(Errno.SUCCESS);
    expect(tryOpen(sub, 'sibling', 1)).toBe(Errno.SUCCESS);
    expect(tryOpen(sub, '../../outside')).toBe(Errno.NOTCAPABLE);
    expect(tryOpen(sub, '../up')).toBe(Errno.NOTCAPABLE);
    // Without SYMLINK_FOLLOW a final symlink is LOOP; a NUL is INVAL; a missing file NOENT.
    expect(tryOpen(3, 'up', 0)).toBe(Errno.LOOP);
    expect(tryOpen(3, 'sub/file\0')).toBe(Errno.INVAL);
    expect(tryOpen(3, 'missing')).toBe(Errno.NOENT);
    expect(tryOpen(3, 'sub/file/')).toBe(Errno.NOTDIR);
    expect(c.read(c.open(sub, '../sub/file'))).toBe('inside');
  });

  it('fd_write/fd_read: a pointer out of bounds traps before any byte moves; positions follow seeks', () => {
    const { root, c } = fixture();
    const fd = c.open(3, 'sub/new', 1 | 8);
    const view = c.view;
    view.setUint32(200, 8192, true);
    view.setUint32(204, 4, true);
    // nwritten out of bounds: trap, nothing written.
    expect(() => c.call('fd_write', fd, 200, 1, 0xfffffffe)).toThrow(GuestTrap);
    // An iovec out of bounds: trap, nothing written.
    view.setUint32(208, 0xfffffff0, true);
    view.setUint32(212, 64, true);
    expect(() => c.call('fd_write', fd, 200, 2, 300)).toThrow(/fd_write/);
    expect(readFileSync(join(root, 'box', 'sub', 'new'), 'utf8')).toBe('');
    // Two iovecs in one call, then a seek back and a positional read.
    new Uint8Array(c.memory.buffer).set(new TextEncoder().encode('abcd'), 8192);
    view.setUint32(208, 8192, true);
    view.setUint32(212, 2, true);
    expect(c.call('fd_write', fd, 200, 2, 300)).toBe(0);
    expect(view.getUint32(300, true)).toBe(6);
    expect(readFileSync(join(root, 'box', 'sub', 'new'), 'utf8')).toBe('abcdab');
    expect(c.seek(fd, 1n)).toBe(1n);
    expect(c.read(fd, 3)).toBe('bcd');
    expect(c.seek(fd, 0n, 1)).toBe(4n);
    expect(c.write(fd, 'XY')).toBe(2);
    expect(readFileSync(join(root, 'box', 'sub', 'new'), 'utf8')).toBe('abcdXY');
    // fd_pread does not move the position; fd_pwrite neither.
    view.setUint32(400, 9000, true);
    view.setUint32(404, 3, true);
    expect(c.call('fd_pread', fd, 400, 1, 2n, 408)).toBe(0);
    expect(new TextDecoder().decode(new Uint8Array(c.memory.buffer, 9000, view.getUint32(408, true)))).toBe('cdX');
    expect(c.call('fd_pwrite', fd, 400, 1, 0n, 408)).toBe(0);
    expect(c.seek(fd, 0n, 1)).toBe(6n);
    expect(readFileSync(join(root, 'box', 'sub', 'new'), 'utf8')).toBe('cdXdXY');
    // An iovec out of bounds traps in fd_pread as well.
    view.setUint32(400, 0xffffff00, true);
    expect(() => c.call('fd_pread', fd, 400, 1, 0n, 408)).toThrow(/fd_pread/);
  });

  it('path_open: the quick and the full path report errors in the same (witx) order; freed fds are reused lowest first', () => {
    const { c } = fixture();
    const open = (dir: number, p: string, oflags = 0, base = 2n, fdflags = 0, inheriting = 0n): number => {
      const [ptr, len] = c.str(p);
      const e = c.call('path_open', dir, 1, ptr, len, oflags, base, inheriting, fdflags, 100);
      return e === 0 ? -c.view.getUint32(100, true) : e;
    };
    // Path checks come before the fd, flag and rights checks.
    expect(open(3, '', 0x10)).toBe(Errno.NOENT);
    expect(open(99, 'sub/fi\0le')).toBe(Errno.INVAL);
    expect(open(3, 'sub/fi\0le', 0x10)).toBe(Errno.INVAL);
    expect(open(3, `${'a/'.repeat(2100)}\0`)).toBe(Errno.INVAL);
    expect(open(99, '/etc/hosts')).toBe(Errno.NOTCAPABLE);
    expect(open(3, `/${'a/'.repeat(2100)}`)).toBe(Errno.NOTCAPABLE);
    // Then the fd, the flags and the rights.
    expect(open(99, 'sub/file')).toBe(Errno.BADF);
    expect(open(3, 'sub/file', 0x10)).toBe(Errno.INVAL);
    expect(open(3, 'sub/file', 0, 2n, 0x20)).toBe(Errno.INVAL);
    const all = (1n << 30n) - 1n;
    const dir = -open(3, 'sub', 2, all, 0, all);
    expect(dir).toBeGreaterThan(0);
    expect(c.call('fd_fdstat_set_rights', dir, 1n << 13n, 0n)).toBe(Errno.SUCCESS); // PATH_OPEN only
    expect(open(dir, 'file', 1)).toBe(Errno.NOTCAPABLE); // CREAT without PATH_CREATE_FILE
    expect(open(dir, 'file', 8)).toBe(Errno.NOTCAPABLE); // TRUNC without PATH_FILESTAT_SET_SIZE
    expect(open(dir, 'file', 0, 2n)).toBe(Errno.NOTCAPABLE); // FD_READ beyond the inheriting rights
    // Then the kernel's (or the walk's) own errors.
    expect(open(3, 'sub/file', 2)).toBe(Errno.NOTDIR);
    expect(open(3, 'sub/missing')).toBe(Errno.NOENT);
    expect(open(3, 'sub/file', 1 | 4)).toBe(Errno.EXIST);
    // fds: the lowest free one, again after a close.
    const a = -open(3, 'sub/file');
    const b = -open(3, 'sub/file');
    expect(b).toBe(a + 1);
    expect(c.call('fd_close', a)).toBe(Errno.SUCCESS);
    expect(-open(3, 'sub/file')).toBe(a);
    expect(c.read(b)).toBe('inside');
  });
});
