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
 * creator's EEXIST is fine), and removed at exit when created by the main thread.
 */
export function defaultNodeRoot(): string {
  const root = join(tmpdir(), `faasm-root-${process.pid}`);
  if (fs.existsSync(join(root, 'etc', 'resolv.conf'))) return root;
  // Created once per process: the main thread removes it when the process exits.
  if (isMainThread && !fs.existsSync(root)) process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
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

/** Populates a fresh in-memory tree with Faasm's runtime root at `root`. */
export function populateMemoryRoot(mem: MemoryFs, root: string): void {
  const base = root === '/' ? '' : root;
  mem.mkdirp(root);
  for (const d of ROOT_DIRS) mem.mkdirp(`${base}/${d}`);
  for (const [file, text] of Object.entries(ROOT_FILES)) mem.writeFile(`${base}/${file}`, text);
}
