import * as fs from 'node:fs';
import { nativeSyscalls, type NativeSyscalls } from '@faasm/native';
import { Filetype, type FiletypeCode } from './constants.js';
import type { DirEntry, FastPaths, FileStat, FsBackend, OpenRequest } from './backend.js';
import { nativeClose, nativeFastPaths, openFlags } from './native-fs.js';
const NS_PER_MS = 1_000_000n;

function filetypeOf(s: fs.Stats | fs.BigIntStats | fs.Dirent): FiletypeCode {
  if (s.isFile()) return Filetype.REGULAR_FILE;
  if (s.isDirectory()) return Filetype.DIRECTORY;
  if (s.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (s.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (s.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (s.isSocket()) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

function statOf(s: fs.BigIntStats): FileStat {
  return {
    dev: s.dev,
    ino: s.ino,
    filetype: filetypeOf(s),
    nlink: s.nlink,
    size: s.size,
    atimNs: s.atimeNs,
    mtimNs: s.mtimeNs,
    ctimNs: s.ctimeNs,
  };
}

/**
 * Node's fs lacks nanosecond utimes: times cross as double seconds, exact to ~240 ns
 * for present-day dates (a documented limit of this backend).
 */
function seconds(ns: bigint): number {
  return Number(ns / NS_PER_MS) / 1000 + Number(ns % NS_PER_MS) / 1e9;
}

/**
 * The Node filesystem. Handles are real process-wide fds, so threads can share them.
 * With @faasm/native (Linux; not FAASM_NATIVE=off) it offers FastPaths: opens resolved
 * by openat2 with RESOLVE_BENEATH and vectored I/O straight from guest memory.
 */
export class NodeFs implements FsBackend {
  readonly kind = 'node';
  readonly processWide = true;
  /** Where /proc exists (Linux): the real path of an open fd. */
  readonly realpathOf: ((handle: number) => string) | undefined;
  /** Where /proc exists: a path resolved from an open directory (openat-like). */
  readonly beneath: ((handle: number, name: string) => string) | undefined;
  readonly fast: FastPaths | undefined;
  readonly #native: NativeSyscalls | undefined;

  constructor() {
    const proc = fs.existsSync('/proc/self/fd');
    this.realpathOf = proc ? (handle) => fs.readlinkSync(`/proc/self/fd/${handle}`) : undefined;
    this.beneath = proc ? (handle, name) => (name === '' ? `/proc/self/fd/${handle}` : `/proc/self/fd/${handle}/${name}`) : undefined;
    const native = nativeSyscalls();
    this.fast = native ? nativeFastPaths(native) : undefined;
    this.#native = this.fast ? native : undefined;
  }

  lstat(path: string): FileStat {
    return statOf(fs.lstatSync(path, { bigint: true }));
  }

  fstat(handle: number): FileStat {
    return statOf(fs.fstatSync(handle, { bigint: true }));
  }

  open(path: string, r: OpenRequest): number {
    return fs.openSync(path, openFlags(r), 0o666);
  }

  close(handle: number): void {
    if (this.#native) nativeClose(this.#native, handle);
    else fs.closeSync(handle);
  }

  read(handle: number, buffer: Uint8Array, position: number | null): number {
    return fs.readSync(handle, buffer, 0, buffer.byteLength, position);
  }

  write(handle: number, buffer: Uint8Array, position: number | null): number {
    return fs.writeSync(handle, buffer, 0, buffer.byteLength, position);
  }

  ftruncate(handle: number, size: number): void {
    fs.ftruncateSync(handle, size);
  }

  futimes(handle: number, atim: bigint | undefined, mtim: bigint | undefined): void {
    if (atim === undefined || mtim === undefined) {
      const s = fs.fstatSync(handle, { bigint: true });
      atim ??= s.atimeNs;
      mtim ??= s.mtimeNs;
    }
    fs.futimesSync(handle, seconds(atim), seconds(mtim));
  }

  utimes(path: string, atim: bigint | undefined, mtim: bigint | undefined): void {
    if (atim === undefined || mtim === undefined) {
      const s = fs.lstatSync(path, { bigint: true });
      atim ??= s.atimeNs;
      mtim ??= s.mtimeNs;
    }
    fs.lutimesSync(path, seconds(atim), seconds(mtim));
  }

  fsync(handle: number, dataOnly: boolean): void {
    if (dataOnly) fs.fdatasyncSync(handle);
    else fs.fsyncSync(handle);
  }

  readdir(path: string): DirEntry[] {
    return fs.readdirSync(path, { withFileTypes: true }).map((d) => ({ name: d.name, filetype: filetypeOf(d), ino: 0n }));
  }

  mkdir(path: string): void {
    fs.mkdirSync(path);
  }

  rmdir(path: string): void {
    fs.rmdirSync(path);
  }

  unlink(path: string): void {
    fs.unlinkSync(path);
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  link(from: string, to: string): void {
    fs.linkSync(from, to);
  }

  symlink(target: string, path: string): void {
    fs.symlinkSync(target, path);
  }

  readlink(path: string): string {
    return fs.readlinkSync(path, 'utf8');
  }

  realpath(path: string): string {
    return fs.realpathSync.native(path);
  }
}
