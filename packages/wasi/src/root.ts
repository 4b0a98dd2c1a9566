import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { MemoryFs } from './memory-fs.js';

/** Faasm's runtime root files (faasm-abi.md: "Runtime root"). */
export const ROOT_FILES: Readonly<Record<string, string>> = {
  'etc/hosts': '127.0.0.1\tlocalhost\n',
  'etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nfaasm:x:1000:1000:Faasm User:/home/faasm:/bin/bash\n',
  'etc/resolv.conf': 'nameserver 127.0.0.1\n',
};
export const ROOT_DIRS = ['etc', 'tmp', 'share'] as const;

/**
 * The default Node runtime root: `<tmpdir>/faasm-root-<pid>`, shared by the process's
 * Faaslets (as Faasm's root is per host). Created once, idempotently (a concurrent
 * creator's EEXIST is fine). The main thread removes it when the process exits: call
 * this on the main thread before workers link @faasm/wasi (as @faasm/runtime does), since
 * a root a worker creates first has no exit hook. Creating it also removes the roots of
 * processes that are gone (killed before their exit hook ran).
 */
export function defaultNodeRoot(): string {
  const dir = tmpdir();
  const root = join(dir, `faasm-root-${process.pid}`);
  if (fs.existsSync(join(root, 'etc', 'resolv.conf'))) return root;
  if (!fs.existsSync(root)) {
    if (isMainThread) process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
    removeStaleRoots(dir);
  }
  for (const d of ROOT_DIRS) fs.mkdirSync(join(root, d), { recursive: true });
  for (const [file, text] of Object.entries(ROOT_FILES)) {
    try {
      fs.writeFileSync(join(root, file), text, { flag: 'wx' });
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
  return root;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== 'ESRCH';
  }
}

/**
 * Removes `faasm-root-<pid>` directories in `dir` whose process no longer exists. A
 * live process's root is never touched (pids are checked in this process's pid
 * namespace: processes in other namespaces sharing the same tmpdir would need their own).
 */
export function removeStaleRoots(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^faasm-root-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    try {
      const path = join(dir, name);
      if (fs.lstatSync(path).isDirectory()) fs.rmSync(path, { recursive: true, force: true });
    } catch {
      // Another process removed it first, or it is not ours to remove: leave it.
    }
  }
}

/** Populates a fresh in-memory tree with Faasm's runtime root at `root`. */
export function populateMemoryRoot(mem: MemoryFs, root: string): void {
  const base = root === '/' ? '' : root;
  mem.mkdirp(root);
  for (const d of ROOT_DIRS) mem.mkdirp(`${base}/${d}`);
  for (const [file, text] of Object.entries(ROOT_FILES)) mem.writeFile(`${base}/${file}`, text);
}
