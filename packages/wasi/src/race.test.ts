import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Errno } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
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
      for (let i = 0; i < 4000; i++) {
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
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(12000);
  });
});
