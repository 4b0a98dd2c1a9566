import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { removeStaleRoots } from './root.js';

it('removes the runtime roots of processes that are gone, and only those', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasi-roots-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  // A process that has exited: its pid is free (until reused, which would only keep its root).
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(gone.stdout);
  expect(deadPid).toBeGreaterThan(0);
  const keep = [`faasm-root-${process.pid}`, `faasm-root-${process.ppid}`, 'faasm-root-x', 'other'];
  for (const name of [...keep, `faasm-root-${deadPid}`]) mkdirSync(join(dir, name, 'etc'), { recursive: true });
  // A file with a root's name is not a root.
  writeFileSync(join(dir, `faasm-root-${deadPid + 1}`), '');
  removeStaleRoots(dir);
  expect(existsSync(join(dir, `faasm-root-${deadPid}`))).toBe(false);
  for (const name of keep) expect(existsSync(join(dir, name)), name).toBe(true);
  removeStaleRoots(join(dir, 'missing'));
});
