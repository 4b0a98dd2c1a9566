import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BACKENDS } from './test-backends.js';
import { runGuest } from './test-run.js';

/** A fresh scratch name under the runtime root's tmp/, removed after the test. */
function scratch(kind: string, fs: 'node' | 'memory'): string {
  const name = `${kind}-${randomUUID()}`;
  if (fs === 'node') onTestFinished(() => rmSync(join(tmpdir(), `faasm-root-${process.pid}`, 'tmp', name), { recursive: true, force: true }));
  return name;
}

function expectClean(stdout: string, minChecks: number): void {
  const fails = stdout.split('\n').filter((l) => l.startsWith('FAIL'));
  expect(fails).toEqual([]);
  const m = /checks (\d+) fails 0\n$/.exec(stdout);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThanOrEqual(minChecks);
}

describe.each(BACKENDS)('C guest files.c (%s backend)', (fs) => {
  it('every fd_* function, path_open flag and error path behaves as the witx says', () => {
    const run = runGuest('files', { fs }, { args: [scratch('files', fs)] });
    expectClean(run.stdout, 150);
    expect(run.code).toBe(0);
  });
});

describe.each(BACKENDS)('C guest paths.c (%s backend)', (fs) => {
  it('path_* functions, symlinks, fd_readdir and the sandbox', () => {
    const run = runGuest('paths', { fs }, { args: [scratch('paths', fs)] });
    expectClean(run.stdout, 100);
    expect(run.code).toBe(0);
  });
});

describe.each(BACKENDS)('C guest libc.c (%s backend)', (fs) => {
  it('Faasm filesystem facts through wasi-libc: /etc, absolute paths, stdio files, sleep', () => {
    const run = runGuest('libc', { fs }, { args: [scratch('libc', fs)] });
    expectClean(run.stdout, 30);
    expect(run.code).toBe(0);
  });
});
