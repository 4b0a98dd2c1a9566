import { Errno, ErrnoError, type ErrnoCode } from '@faasm/abi';
import { Filetype, type FiletypeCode } from './constants.js';
import type { DirEntry, FileStat, FsBackend, OpenRequest } from './backend.js';
import { realtimeNs } from './process.js';

interface Inode {
  ino: bigint;
  type: FiletypeCode;
  data: Uint8Array;
  size: number;
  children: Map<string, Inode> | undefined;
  target: string;
  nlink: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

interface OpenFile {
  inode: Inode;
  pos: number;
}

const DEV = 0x6d656dn;

function err(errno: ErrnoCode): never {
  throw new ErrnoError(errno);
}

/**
 * An in-memory filesystem (tests, browsers, ephemeral runs). It lives in one thread's
 * heap: threads of a Faaslet in other workers do not see it (use the Node backend for
 * thread teams). Paths never hold symlinks to follow: the resolver has resolved them.
 */
export class MemoryFs implements FsBackend {
  readonly kind = 'memory';
  readonly processWide = false;
  #nextIno = 1n;
  #nextHandle = 3;
  readonly #root: Inode;
  readonly #open = new Map<number, OpenFile>();

  constructor() {
    this.#root = this.#inode(Filetype.DIRECTORY);
    this.#root.nlink = 2;
  }

  #inode(type: FiletypeCode): Inode {
    const now = realtimeNs();
    return {
      ino: this.#nextIno++, type, data: new Uint8Array(0), size: 0,
      children: type === Filetype.DIRECTORY ? new Map() : undefined, target: '', nlink: 1, atim: now, mtim: now, ctim: now,
    };
  }

  #parts(path: string): string[] {
    if (!path.startsWith('/')) err(Errno.INVAL);
    return path.split('/').filter((c) => c !== '' && c !== '.');
  }

  /** The inode at path (no symlink is followed), or undefined if absent. */
  #lookup(path: string): Inode | undefined {
    let node = this.#root;
    for (const c of this.#parts(path)) {
      if (node.type !== Filetype.DIRECTORY) err(Errno.NOTDIR);
      const next = node.children!.get(c);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  #get(path: string): Inode {
    return this.#lookup(path) ?? err(Errno.NOENT);
  }

  /** Parent directory and final name of path. */
  #parent(path: string): [Inode, string] {
    const parts = this.#parts(path);
    const name = parts.pop();
    if (name === undefined) err(Errno.EXIST);
    const dir = this.#get(`/${parts.join('/')}`);
    if (dir.type !== Filetype.DIRECTORY) err(Errno.NOTDIR);
    return [dir, name];
  }

  #file(handle: number): OpenFile {
    return this.#open.get(handle) ?? err(Errno.BADF);
  }

  #stat(n: Inode): FileStat {
    return { dev: DEV, ino: n.ino, filetype: n.type, nlink: BigInt(n.nlink), size: BigInt(n.type === Filetype.SYMBOLIC_LINK ? n.target.length : n.size), atimNs: n.atim, mtimNs: n.mtim, ctimNs: n.ctim };
  }

  lstat(path: string): FileStat {
    return this.#stat(this.#get(path));
  }

  fstat(handle: number): FileStat {
    return this.#stat(this.#file(handle).inode);
  }

  open(path: string, r: OpenRequest): number {
    let node = this.#lookup(path);
    if (node && r.create && r.exclusive) err(Errno.EXIST);
    if (!node) {
      if (!r.create) err(Errno.NOENT);
      if (r.directory) err(Errno.INVAL);
      const [dir, name] = this.#parent(path);
      node = this.#inode(Filetype.REGULAR_FILE);
      dir.children!.set(name, node);
      dir.mtim = dir.ctim = realtimeNs();
    }
    if (node.type === Filetype.SYMBOLIC_LINK) err(r.noFollow ? Errno.LOOP : Errno.NOENT);
    if (r.directory && node.type !== Filetype.DIRECTORY) err(Errno.NOTDIR);
    if (node.type === Filetype.DIRECTORY && r.write) err(Errno.ISDIR);
    if (r.truncate && node.type === Filetype.REGULAR_FILE) this.#resize(node, 0);
    const handle = this.#nextHandle++;
    this.#open.set(handle, { inode: node, pos: 0 });
    return handle;
  }

  close(handle: number): void {
    if (!this.#open.delete(handle)) err(Errno.BADF);
  }

  read(handle: number, buffer: Uint8Array, position: number | null): number {
    const f = this.#file(handle);
    const n = f.inode;
    if (n.type === Filetype.DIRECTORY) err(Errno.ISDIR);
    const at = position ?? f.pos;
    const count = Math.max(0, Math.min(buffer.byteLength, n.size - at));
    buffer.set(n.data.subarray(at, at + count));
    if (position === null) f.pos += count;
    n.atim = realtimeNs();
    return count;
  }

  #resize(n: Inode, size: number): void {
    if (size > n.data.byteLength) {
      const grown = new Uint8Array(Math.max(size, n.data.byteLength * 2, 64));
      grown.set(n.data.subarray(0, n.size));
      n.data = grown;
    } else if (size < n.size) {
      n.data.fill(0, size, n.size);
    }
    n.size = size;
    n.mtim = n.ctim = realtimeNs();
  }

  write(handle: number, buffer: Uint8Array, position: number | null): number {
    const f = this.#file(handle);
    const n = f.inode;
    if (n.type === Filetype.DIRECTORY) err(Errno.ISDIR);
    const at = position ?? f.pos;
    if (at + buffer.byteLength > n.size) this.#resize(n, at + buffer.byteLength);
    n.data.set(buffer, at);
    n.mtim = n.ctim = realtimeNs();
    if (position === null) f.pos += buffer.byteLength;
    return buffer.byteLength;
  }

  ftruncate(handle: number, size: number): void {
    const n = this.#file(handle).inode;
    if (n.type !== Filetype.REGULAR_FILE) err(Errno.INVAL);
    this.#resize(n, size);
  }

  futimes(handle: number, atim: bigint | undefined, mtim: bigint | undefined): void {
    const n = this.#file(handle).inode;
    if (atim !== undefined) n.atim = atim;
    if (mtim !== undefined) n.mtim = mtim;
    n.ctim = realtimeNs();
  }

  utimes(path: string, atim: bigint | undefined, mtim: bigint | undefined): void {
    const n = this.#get(path);
    if (atim !== undefined) n.atim = atim;
    if (mtim !== undefined) n.mtim = mtim;
    n.ctim = realtimeNs();
  }

  fsync(handle: number): void {
    this.#file(handle);
  }

  readdir(path: string): DirEntry[] {
    const n = this.#get(path);
    if (n.type !== Filetype.DIRECTORY) err(Errno.NOTDIR);
    return [...n.children!].map(([name, c]) => ({ name, filetype: c.type, ino: c.ino }));
  }

  mkdir(path: string): void {
    const [dir, name] = this.#parent(path);
    if (dir.children!.has(name)) err(Errno.EXIST);
    const n = this.#inode(Filetype.DIRECTORY);
    n.nlink = 2;
    dir.children!.set(name, n);
    dir.nlink++;
    dir.mtim = dir.ctim = realtimeNs();
  }

  rmdir(path: string): void {
    const [dir, name] = this.#parent(path);
    const n = dir.children!.get(name) ?? err(Errno.NOENT);
    if (n.type !== Filetype.DIRECTORY) err(Errno.NOTDIR);
    if (n.children!.size > 0) err(Errno.NOTEMPTY);
    dir.children!.delete(name);
    dir.nlink--;
    dir.mtim = dir.ctim = realtimeNs();
  }

  unlink(path: string): void {
    const [dir, name] = this.#parent(path);
    const n = dir.children!.get(name) ?? err(Errno.NOENT);
    if (n.type === Filetype.DIRECTORY) err(Errno.ISDIR);
    dir.children!.delete(name);
    n.nlink--;
    n.ctim = dir.mtim = dir.ctim = realtimeNs();
  }

  #contains(ancestor: Inode, node: Inode): boolean {
    if (ancestor === node) return true;
    for (const c of ancestor.children?.values() ?? []) if (c.type === Filetype.DIRECTORY && this.#contains(c, node)) return true;
    return false;
  }

  rename(from: string, to: string): void {
    const [fromDir, fromName] = this.#parent(from);
    const n = fromDir.children!.get(fromName) ?? err(Errno.NOENT);
    const [toDir, toName] = this.#parent(to);
    const existing = toDir.children!.get(toName);
    if (existing === n) return;
    if (n.type === Filetype.DIRECTORY && this.#contains(n, toDir)) err(Errno.INVAL);
    if (existing) {
      if (n.type === Filetype.DIRECTORY) {
        if (existing.type !== Filetype.DIRECTORY) err(Errno.NOTDIR);
        if (existing.children!.size > 0) err(Errno.NOTEMPTY);
        toDir.nlink--;
      } else if (existing.type === Filetype.DIRECTORY) {
        err(Errno.ISDIR);
      } else {
        existing.nlink--;
      }
    }
    fromDir.children!.delete(fromName);
    toDir.children!.set(toName, n);
    if (n.type === Filetype.DIRECTORY) {
      fromDir.nlink--;
      toDir.nlink++;
    }
    n.ctim = fromDir.mtim = toDir.mtim = realtimeNs();
  }

  link(from: string, to: string): void {
    const n = this.#get(from);
    if (n.type === Filetype.DIRECTORY) err(Errno.PERM);
    const [dir, name] = this.#parent(to);
    if (dir.children!.has(name)) err(Errno.EXIST);
    dir.children!.set(name, n);
    n.nlink++;
    n.ctim = realtimeNs();
  }

  symlink(target: string, path: string): void {
    const [dir, name] = this.#parent(path);
    if (dir.children!.has(name)) err(Errno.EXIST);
    const n = this.#inode(Filetype.SYMBOLIC_LINK);
    n.target = target;
    dir.children!.set(name, n);
  }

  readlink(path: string): string {
    const n = this.#get(path);
    if (n.type !== Filetype.SYMBOLIC_LINK) err(Errno.INVAL);
    return n.target;
  }

  realpath(path: string): string {
    const n = this.#get(path);
    if (n.type !== Filetype.DIRECTORY) err(Errno.NOTDIR);
    const parts = this.#parts(path);
    return `/${parts.join('/')}`;
  }

  /** Creates a file with `data` (and missing parent directories): for setting up runs. */
  writeFile(path: string, data: Uint8Array | string): void {
    const parts = this.#parts(path);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (!this.#lookup(dir)) this.mkdir(dir);
    }
    const h = this.open(path, { read: false, write: true, create: true, exclusive: false, truncate: true, directory: false, noFollow: true, sync: false, dsync: false });
    this.write(h, typeof data === 'string' ? new TextEncoder().encode(data) : data, 0);
    this.close(h);
  }

  /** Creates a directory and its missing parents. */
  mkdirp(path: string): void {
    const parts = this.#parts(path);
    for (let i = 1; i <= parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (!this.#lookup(dir)) this.mkdir(dir);
    }
  }
}
