import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FD_TABLE } from './service.js';
import { Calls } from './test-calls.js';

/** Runs the worker; it stays alive until `done` (Node closes the fds a worker opened when it exits). */
function runWorker(data: unknown): Promise<{ result: Record<string, unknown>; done: () => Promise<number> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(import.meta.dirname, '..', 'test', 'fd-worker.mjs'), { workerData: data });
    worker.once('message', (m) => resolve({ result: m as Record<string, unknown>, done: () => worker.terminate() }));
    worker.once('error', reject);
  });
}

describe('fd table shared by a thread team', () => {
  it('a file opened in one thread is read and written in another, and fds opened there are seen here', async () => {
    const c = new Calls();
    const file = `shared-${process.pid}-${Date.now()}`;
    onTestFinished(() => rmSync(join(tmpdir(), `faasm-root-${process.pid}`, 'tmp', file), { force: true }));
    const name = `tmp/${file}`;
    const fd = c.open(3, name, 1 | 8);
    c.write(fd, 'hello from main');
    expect(c.seek(fd, 6n)).toBe(6n);
    const handle = c.host.services.require(FD_TABLE).handle;
    const { result, done } = await runWorker({ table: handle, fd });
    expect(result).toMatchObject({ readErrno: 0, read: 'from main', writeErrno: 0, openErrno: 0 });
    // The worker's read and write moved the shared position.
    expect(c.seek(fd, 0n, 1)).toBe(BigInt('hello from main'.length + 'from worker'.length));
    expect(c.seek(fd, 0n)).toBe(0n);
    expect(c.read(fd)).toBe('hello from mainfrom worker');
    expect(c.read(result['opened'] as number)).toBe('127.0.0.1\tlocalhost\n');
    await done();
  });

  it('refuses to share an in-memory filesystem', async () => {
    const c = new Calls({ fs: 'memory' });
    await expect(runWorker({ table: c.host.services.require(FD_TABLE).handle, fd: 3 })).rejects.toThrow(/in-memory/);
  });
});
