import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno, ErrnoError, GUEST_FILES, lifecycleOf } from '@faasm/abi';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BACKENDS } from './test-backends.js';
import { FD_TABLE } from './service.js';
import { STDIO, Stdio, allocateCapture } from './stdio.js';
import { Calls } from './test-calls.js';
import { MemoryFs } from './memory-fs.js';

describe('captured stdio shared by a thread team', () => {
  const text = (b: Uint8Array): string => new TextDecoder().decode(b);
  const bytes = (t: string): Uint8Array => new TextEncoder().encode(t);

  it("every thread appends to the owner's capture, in order; only the owner restarts and takes it", () => {
    const capture = allocateCapture();
    const owner = new Stdio('capture', 'empty', capture, true);
    const thread = new Stdio('capture', 'empty', capture, false);
    owner.write(1, bytes('a'));
    thread.write(1, bytes('b'));
    thread.write(2, bytes('x'));
    owner.write(1, bytes('c'));
    thread.restart();
    expect(thread.takeCaptured().stdout.byteLength).toBe(0);
    const got = owner.takeCaptured();
    expect([text(got.stdout), text(got.stderr)]).toEqual(['abc', 'x']);
    thread.write(1, bytes('stale'));
    owner.restart();
    expect(owner.takeCaptured().stdout.byteLength).toBe(0);
  });

  it('grows as output arrives, and a write past the limit fails with NOSPC (nothing partial)', () => {
    const stdio = new Stdio('capture', 'empty', allocateCapture(10_000), true);
    const chunk = bytes('0123456789'.repeat(100));
    for (let i = 0; i < 10; i++) expect(stdio.write(1, chunk)).toBe(1000);
    expect(() => stdio.write(1, bytes('!'))).toThrow(expect.objectContaining({ errno: Errno.NOSPC }));
    const got = stdio.takeCaptured().stdout;
    expect(got.byteLength).toBe(10_000);
    expect(text(got.subarray(9990))).toBe('0123456789');
    expect(stdio.write(1, bytes('again'))).toBe(5);
  });
});

describe.each(BACKENDS)('lifecycle and services (%s backend)', (fs) => {
  it('captures stdout and stderr per call; beforeCall restarts the capture', () => {
    const c = new Calls({ fs });
    const stdio = c.host.services.require(STDIO);
    expect(stdio.mode).toBe('capture');
    c.write(1, 'one ');
    c.write(2, 'err');
    c.write(1, 'two');
    const first = stdio.takeCaptured();
    expect(new TextDecoder().decode(first.stdout)).toBe('one two');
    expect(new TextDecoder().decode(first.stderr)).toBe('err');
    expect(stdio.takeCaptured().stdout.byteLength).toBe(0);
    c.write(1, 'stale');
    lifecycleOf(c.host).beforeCall();
    c.write(1, 'fresh');
    expect(new TextDecoder().decode(stdio.takeCaptured().stdout)).toBe('fresh');
  });

  it("the GUEST_FILES service reads inside the sandbox and fails only with ErrnoErrors that name no host path", () => {
    const c = new Calls({ fs });
    const files = c.host.services.require(GUEST_FILES);
    expect(new TextDecoder().decode(files.readFile('/etc/hosts'))).toBe('127.0.0.1\tlocalhost\n');
    for (const [path, errno] of [['/etc/missing', Errno.NOENT], ['/etc/hosts/x', Errno.NOTDIR], ['/../../etc/passwd', Errno.NOTCAPABLE], ['bad\0path', Errno.INVAL]] as const) {
      let thrown: unknown;
      try {
        files.readFile(path);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, path).toBeInstanceOf(ErrnoError);
      expect([path, (thrown as ErrnoError).errno]).toEqual([path, errno]);
      expect((thrown as Error).message).not.toMatch(/faasm-root|\/tmp\//);
    }
  });

  it('restore closes fds opened during the call and reinstates the snapshot fds with their positions', () => {
    const c = new Calls({ fs });
    const life = lifecycleOf(c.host);
    const name = `kept-${process.pid}-${Math.random()}`;
    if (fs === 'node') onTestFinished(() => rmSync(join(tmpdir(), `faasm-root-${process.pid}`, 'tmp', name), { force: true }));
    const kept = c.open(3, `tmp/${name}`, 1 | 8);
    c.write(kept, 'abcdef');
    expect(c.seek(kept, 2n)).toBe(2n);
    const saved = life.snapshot();
    // The call: moves the position, closes the kept fd, opens others, renumbers stdout.
    expect(c.seek(kept, 4n)).toBe(4n);
    const during = c.open(3, 'etc/hosts');
    expect(c.call('fd_close', kept)).toBe(0);
    expect(c.call('fd_close', 4)).toBe(0);
    expect(c.read(kept)).toBe(Errno.BADF);
    life.restore(saved);
    expect(c.read(during)).toBe(Errno.BADF);
    expect(c.read(kept)).toBe('cdef');
    const table = c.host.services.require(FD_TABLE);
    expect(table.openFds()).toEqual([0, 1, 2, 3, 4, kept]);
    expect(table.lookup(4)?.preopen).toBe('.');
    // A second call after a second restore behaves the same.
    c.read(kept);
    life.restore(saved);
    expect(c.read(kept)).toBe('cdef');
  });

  it('directory fds past the initial path area (it grows) keep their paths, through a snapshot and restore', () => {
    const c = new Calls({ fs });
    const life = lifecycleOf(c.host);
    const base = `tmp/many-${process.pid}-${Math.random()}`;
    if (fs === 'node') onTestFinished(() => rmSync(join(tmpdir(), `faasm-root-${process.pid}`, base.slice(4)), { recursive: true, force: true }));
    expect(c.call('path_create_directory', 3, ...c.str(base))).toBe(0);
    const dirs: number[] = [];
    for (let i = 0; i < 40; i++) {
      expect(c.call('path_create_directory', 3, ...c.str(`${base}/d${i}`))).toBe(0);
      dirs.push(c.open(3, `${base}/d${i}`, 2));
      const f = c.open(dirs[i]!, 'f', 1);
      c.write(f, `file ${i}`);
      expect(c.call('fd_close', f)).toBe(0);
    }
    const saved = life.snapshot();
    for (const i of [0, 9, 39]) expect(c.call('fd_close', dirs[i]!)).toBe(0);
    expect(c.call('fd_close', 3)).toBe(0);
    life.restore(saved);
    for (let i = 0; i < 40; i++) expect(c.read(c.open(dirs[i]!, 'f'))).toBe(`file ${i}`);
    // A relative `..` resolves from each directory's own stored path.
    expect(c.read(c.open(dirs[39]!, '../d7/f'))).toBe('file 7');
  });

  it('FD_TABLE dup shares the open file description; dupTo and renumber; errors are ErrnoError', () => {
    const c = new Calls({ fs });
    const t = c.host.services.require(FD_TABLE);
    const fd = c.open(3, 'etc/hosts');
    const dup = t.dup(fd);
    expect(dup).toBe(fd + 1);
    expect(c.read(fd, 4)).toBe('127.');
    expect(c.read(dup, 4)).toBe('0.0.');
    expect(t.lookup(dup)).toMatchObject({ kind: 'file', position: 8, preopen: undefined });
    expect(t.dup(fd, 100)).toBe(100);
    expect(t.dupTo(fd, 1)).toBe(1);
    expect(c.read(1, 3)).toBe('1\tl');
    t.close(fd);
    expect(c.read(dup, 3)).toBe('oca');
    expect(() => t.dup(fd)).toThrow(ErrnoError);
    try { t.dup(999); } catch (e) { expect((e as ErrnoError).errno).toBe(Errno.BADF); }
    const data = t.pread(dup, 0n, 9);
    expect(new TextDecoder().decode(data as Uint8Array)).toBe('127.0.0.1');
    expect(t.pread(999, 0n, 1)).toBe(Errno.BADF);
    expect(t.pread(3, 0n, 1)).toBe(Errno.ISDIR);
    expect(t.lookup(0)?.kind).toBe('stdin');
    expect(t.lookup(3)?.preopen).toBe('/');
    expect(t.lookup(998)).toBeUndefined();
    t.renumber(dup, 100);
    expect(t.lookup(dup)).toBeUndefined();
    expect(c.read(100, 3)).toBe('lho');
  });

  it('dispose closes every handle, preopens included', () => {
    const c = new Calls({ fs });
    const t = c.host.services.require(FD_TABLE);
    const fd = c.open(3, 'etc/hosts');
    t.dispose();
    expect(t.openFds()).toEqual([]);
    expect(c.read(fd)).toBe(Errno.BADF);
    expect(c.call('fd_prestat_get', 3, 300)).toBe(Errno.BADF);
  });

  it("the lifecycle's dispose (a discarded Faaslet) closes the table's handles", () => {
    const c = new Calls({ fs });
    const t = c.host.services.require(FD_TABLE);
    const fd = c.open(3, 'etc/hosts');
    expect(lifecycleOf(c.host).dispose()).toEqual([]);
    expect(t.openFds()).toEqual([]);
    expect(c.read(fd)).toBe(Errno.BADF);
  });

  it('runs out of fds with MFILE, not a crash', () => {
    const c = new Calls({ fs });
    let errno = 0;
    const [p, l] = c.str('etc/hosts');
    for (let i = 0; i < 1100 && errno === 0; i++) errno = c.call('path_open', 3, 1, p, l, 0, 2n, 0n, 0, 100);
    expect(errno).toBe(Errno.MFILE);
  });
});

describe('options', () => {
  it('extra preopens follow fd 4 (node): prestat names them and paths resolve inside them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-pre-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'in.txt'), 'inside');
    const c = new Calls({ preopens: [{ host: dir, guest: '/data' }] });
    expect(c.call('fd_prestat_get', 5, 300)).toBe(0);
    expect(c.view.getUint32(304, true)).toBe(5);
    expect(c.call('fd_prestat_dir_name', 5, 320, 5)).toBe(0);
    expect(new TextDecoder().decode(new Uint8Array(c.memory.buffer, 320, 5))).toBe('/data');
    expect(c.call('fd_prestat_dir_name', 5, 320, 4)).toBe(Errno.NAMETOOLONG);
    expect(c.call('fd_prestat_get', 6, 300)).toBe(Errno.BADF);
    expect(c.read(c.open(5, 'in.txt'))).toBe('inside');
    const [p, l] = c.str('../in.txt');
    expect(c.call('path_open', 5, 1, p, l, 0, 2n, 0n, 0, 100)).toBe(Errno.NOTCAPABLE);
  });

  it('memory backend: preopens start empty and are filled through FD_TABLE.fs', () => {
    const c = new Calls({ fs: 'memory', preopens: [{ host: '/data', guest: '/data' }] });
    const mem = c.host.services.require(FD_TABLE).fs as MemoryFs;
    mem.writeFile('/data/x.txt', 'memory!');
    expect(c.read(c.open(5, 'x.txt'))).toBe('memory!');
    expect(c.read(c.open(3, 'etc/hosts'))).toBe('127.0.0.1\tlocalhost\n');
  });

  it('a given node root is used as is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-root-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc', 'hosts'), 'custom');
    const c = new Calls({ root: dir });
    expect(c.read(c.open(3, 'etc/hosts'))).toBe('custom');
    expect(c.read(c.open(4, 'etc/hosts'))).toBe('custom');
  });

  it('stdin empty gives EOF; inherit reads the process stdin', () => {
    const c = new Calls({ stdin: 'empty' });
    expect(c.read(0)).toBe('');
  });

  it('passthrough writes synchronously to the real stdout and stderr', () => {
    const dist = join(import.meta.dirname, '..', 'dist', 'index.js');
    const script = `
      import { createHost } from '@faasm/abi';
      import { link } from ${JSON.stringify(dist)};
      const host = createHost();
      const memory = new WebAssembly.Memory({ initial: 1 });
      host.memory.attach(memory);
      const imports = {};
      link(imports, host, { stdin: 'inherit' });
      const v = new DataView(memory.buffer);
      new Uint8Array(memory.buffer).set(new TextEncoder().encode('out!err!'), 1000);
      v.setUint32(0, 1000, true); v.setUint32(4, 4, true);
      v.setUint32(8, 1004, true); v.setUint32(12, 4, true);
      const w = imports.wasi_snapshot_preview1;
      w.fd_write(1, 0, 1, 16);
      w.fd_write(2, 8, 1, 16);
      v.setUint32(0, 2000, true); v.setUint32(4, 10, true);
      w.fd_read(0, 0, 1, 16);
      v.setUint32(4, v.getUint32(16, true), true);
      w.fd_write(1, 0, 1, 16);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'), input: 'in', encoding: 'utf8',
    });
    expect(run.stdout).toBe('out!in');
    expect(run.stderr).toBe('err!');
    expect(run.status).toBe(0);
  });
});
