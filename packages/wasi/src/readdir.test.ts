import { Errno } from '@faasm/abi';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BACKENDS } from './test-backends.js';
import { Calls } from './test-calls.js';

/** Names listed by fd_readdir from cookie 0 with a big buffer. */
function list(c: Calls, fd: number): string[] {
  expect(c.call('fd_readdir', fd, 32768, 32768, 0n, 300)).toBe(0);
  const used = c.view.getUint32(300, true);
  const names: string[] = [];
  for (let at = 32768; at < 32768 + used;) {
    const len = c.view.getUint32(at + 16, true);
    names.push(new TextDecoder().decode(new Uint8Array(c.memory.buffer, at + 24, len)));
    at += 24 + len;
  }
  return names.sort();
}

describe.each(BACKENDS)('fd_readdir listings (%s backend)', (fs) => {
  it('a rewind (cookie 0) sees entries added since, whether or not the directory had settled', () => {
    const c = new Calls({ fs });
    const name = `rd-${process.pid}-${Math.random()}`;
    if (fs === 'node') onTestFinished(() => rmSync(join(tmpdir(), `faasm-root-${process.pid}`, 'tmp', name), { recursive: true, force: true }));
    const dir = `tmp/${name}`;
    const [p, l] = c.str(dir);
    expect(c.call('path_create_directory', 3, p, l)).toBe(0);
    const fd = c.open(3, dir, 2);
    c.call('fd_close', c.open(fd, 'a', 1));
    expect(list(c, fd)).toEqual(['.', '..', 'a']);
    c.call('fd_close', c.open(fd, 'b', 1));
    expect(list(c, fd)).toEqual(['.', '..', 'a', 'b']);
    // Let the directory settle so its listing is kept, then change it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
    expect(list(c, fd)).toEqual(['.', '..', 'a', 'b']);
    expect(list(c, fd)).toEqual(['.', '..', 'a', 'b']);
    const [u, n] = c.str('a');
    expect(c.call('path_unlink_file', fd, u, n)).toBe(0);
    expect(list(c, fd)).toEqual(['.', '..', 'b']);
    expect(c.call('fd_readdir', fd, 32768, 100, 0n, 300)).toBe(0);
    expect(c.view.getUint32(300, true)).toBe(76);
    expect(c.call('fd_readdir', 1, 32768, 100, 0n, 300)).toBe(Errno.NOTCAPABLE);
  });
});
