import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Errno } from '@faasm/abi';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Calls } from './test-calls.js';

/** Swaps `d` between a real directory and a symlink to the host's `/` until told to stop. */
const SWAPPER = `
const fs = require('fs');
const { workerData } = require('worker_threads');
const stop = new Int32Array(workerData.stop);
const { box } = workerData;
while (Atomics.load(stop, 0) === 0) {
  fs.renameSync(box + '/dirA', box + '/d');
  fs.renameSync(box + '/d', box + '/dirA');
  fs.renameSync(box + '/linkB', box + '/d');
  fs.renameSync(box + '/d', box + '/linkB');
}
`;

describe('sandbox under a race', () => {
  it('a directory swapped for a symlink to / during lookups never yields a host file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wasi-race-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const box = join(root, 'box');
    mkdirSync(join(box, 'dirA', 'etc'), { recursive: true });
    writeFileSync(join(box, 'dirA', 'etc', 'passwd'), 'FAKE');
    symlinkSync('/', join(box, 'linkB'));
    const c = new Calls({ root });
    const boxFd = c.open(3, 'box', 2);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(SWAPPER, { eval: true, workerData: { stop: stop.buffer, box } });
    const seen = new Map<string, number>();
    try {
      for (let i = 0; i < 1500; i++) {
        for (const [dir, path] of [[3, 'box/d/etc/passwd'], [boxFd, 'd/etc/passwd'], [boxFd, 'd/etc/../etc/passwd']] as const) {
          const [p, l] = c.str(path);
          const e = c.call('path_open', dir, 1, p, l, 0, 2n, 0n, 0, 100);
          let outcome: string;
          if (e === 0) {
            const fd = c.view.getUint32(100, true);
            outcome = String(c.read(fd, 64));
            c.call('fd_close', fd);
          } else {
            outcome = `errno ${e}`;
          }
          seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
        }
      }
    } finally {
      Atomics.store(stop, 0, 1);
      await worker.terminate();
    }
    // Errnos are whatever the race produced (readlink of what just became a directory is
    // INVAL, and so on); the content of a host file never is.
    const allowed = ['FAKE', ...[Errno.NOENT, Errno.NOTCAPABLE, Errno.NOTDIR, Errno.INVAL, Errno.LOOP].map((e) => `errno ${e}`)];
    for (const outcome of seen.keys()) expect(allowed).toContain(outcome);
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(4500);
  }, 60_000);
});

/** Swaps `d` between a real directory and a symlink to an outside directory. */
const SWAPPER_OUT = SWAPPER;

describe('sandbox under a race (operations other than open)', () => {
  it('mkdir, create, unlink, rename, symlink and utimes through a swapping directory never touch the outside', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wasi-race2-'));
    const outside = mkdtempSync(join(tmpdir(), 'wasi-outside-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    onTestFinished(() => rmSync(outside, { recursive: true, force: true }));
    writeFileSync(join(outside, 'victim'), 'keep me');
    const box = join(root, 'box');
    mkdirSync(join(box, 'dirA'), { recursive: true });
    symlinkSync(outside, join(box, 'linkB'));
    const c = new Calls({ root });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(SWAPPER_OUT, { eval: true, workerData: { stop: stop.buffer, box } });
    const before = statSync(join(outside, 'victim'));
    try {
      for (let i = 0; i < 600; i++) {
        const [p, l] = c.str('box/d/victim');
        c.call('path_unlink_file', 3, p, l);
        if (c.call('path_open', 3, 1, p, l, 1, 64n, 0n, 0, 100) === 0) c.call('fd_close', c.view.getUint32(100, true));
        const [q, m] = c.str('box/d/made', 5000);
        if (c.call('path_create_directory', 3, q, m) === 0) c.call('path_remove_directory', 3, q, m);
        const [t, n] = c.str('x', 6000);
        if (c.call('path_symlink', t, n, 3, q, m) === 0) c.call('path_unlink_file', 3, q, m);
        c.call('path_filestat_set_times', 3, 0, p, l, 5n, 5n, 1 | 4);
        const [r, k] = c.str('box/d/renamed', 7000);
        if (c.call('path_rename', 3, p, l, 3, r, k) === 0) c.call('path_rename', 3, r, k, 3, p, l);
      }
    } finally {
      Atomics.store(stop, 0, 1);
      await worker.terminate();
    }
    expect(readdirSync(outside)).toEqual(['victim']);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me');
    expect(statSync(join(outside, 'victim')).mtimeMs).toBe(before.mtimeMs);
  }, 60_000);
});
