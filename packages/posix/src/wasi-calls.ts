import { Errno, type FaasletHost, type ImportObject } from '@faasm/abi';
import { Static, posixOf } from './state.js';

type WasiFn = (...args: unknown[]) => unknown;

/** WASI filetype codes (witx `filetype`). */
export const Filetype = { UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4, SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7 } as const;

/** A preopened directory: its fd and its guest path. */
export interface PreopenDir {
  fd: number;
  name: string;
}

/**
 * POSIX handlers reach the fd table and the filesystem through WASI itself: the
 * `wasi_snapshot_preview1` functions bound in the same import object (by @faasm/wasi or
 * any WASI provider), called with pointers into the Faaslet's static scratch area. So
 * a file opened by `open` here is the same fd the guest's wasi-libc sees, and no
 * package reaches into another's internals.
 */
export class WasiCalls {
  readonly #host: FaasletHost;
  readonly #importObject: ImportObject;
  #preopens: PreopenDir[] | undefined;

  constructor(host: FaasletHost, importObject: ImportObject) {
    this.#host = host;
    this.#importObject = importObject;
  }

  #fn(name: string): WasiFn | undefined {
    const f = this.#importObject['wasi_snapshot_preview1']?.[name];
    return typeof f === 'function' ? (f as WasiFn) : undefined;
  }

  /** Whether a WASI function is available (a provider linked it). */
  has(name: string): boolean {
    return this.#fn(name) !== undefined;
  }

  /** Calls a WASI function; NOSYS when no provider is linked. Returns the WASI errno. */
  call(name: string, ...args: Array<number | bigint>): number {
    const f = this.#fn(name);
    if (!f) return Errno.NOSYS;
    return Number(f(...args));
  }

  /** Scratch address `offset` bytes into the static scratch area. */
  scratch(offset = 0): number {
    return posixOf(this.#host).at(Static.SCRATCH + offset);
  }

  /** Writes `text` into scratch at `offset` (no NUL); returns [ptr, len], or undefined if too long. */
  scratchString(text: string, offset: number): [number, number] | undefined {
    const bytes = new TextEncoder().encode(text);
    if (offset + bytes.length > Static.SCRATCH_SIZE) return undefined;
    const ptr = this.scratch(offset);
    this.#host.memory.write(ptr, bytes);
    return [ptr, bytes.length];
  }

  /** Writes all of [ptr, ptr+len) to fd (looping on short writes); returns errno. */
  writeAll(fd: number, ptr: number, len: number): number {
    const iov = this.scratch(0);
    const out = this.scratch(8);
    let done = 0;
    while (done < len) {
      this.#host.memory.setU32(out, 0);
      this.#host.memory.setU32(iov, ptr + done);
      this.#host.memory.setU32(iov + 4, len - done);
      const errno = this.call('fd_write', fd, iov, 1, out);
      if (errno !== 0) return errno;
      const n = this.#host.memory.u32(out);
      if (n === 0 || n > len - done) return Errno.IO;
      done += n;
    }
    return 0;
  }

  /** Writes host bytes to fd through scratch (chunked); returns errno. */
  writeBytes(fd: number, data: Uint8Array): number {
    const chunk = Static.SCRATCH_SIZE - 64;
    for (let at = 0; at < data.length; at += chunk) {
      const part = data.subarray(at, at + chunk);
      const buf = this.scratch(64);
      this.#host.memory.write(buf, part);
      const errno = this.writeAll(fd, buf, part.length);
      if (errno !== 0) return errno;
    }
    return 0;
  }

  /** fd's WASI filetype, or a negative errno. */
  filetype(fd: number): number {
    const buf = this.scratch(0);
    const errno = this.call('fd_fdstat_get', fd, buf);
    if (errno !== 0) return -errno;
    return this.#host.memory.u8(buf);
  }

  /** The preopened directories (fd_prestat_get from fd 3 until BADF), cached. */
  preopens(): PreopenDir[] {
    if (this.#preopens) return this.#preopens;
    const found: PreopenDir[] = [];
    const buf = this.scratch(0);
    for (let fd = 3; fd < 64; fd++) {
      if (this.call('fd_prestat_get', fd, buf) !== 0) break;
      const len = this.#host.memory.u32(buf + 4);
      if (len > 1024) continue;
      if (this.call('fd_prestat_dir_name', fd, this.scratch(16), len) !== 0) continue;
      found.push({ fd, name: this.#host.memory.string(this.scratch(16), len) });
    }
    this.#preopens = found;
    return found;
  }

  /** Forgets the preopen cache (after a renumber). */
  invalidate(): void {
    this.#preopens = undefined;
  }

  /**
   * Resolves a guest path to (preopen fd, path relative to it), as wasi-libc does: a
   * relative path (with no chdir yet) against the `.` preopen, else the absolute path
   * against the longest matching preopen. `..` never climbs above `/`. Undefined = NOENT.
   */
  resolve(path: string, cwd: string | undefined): { fd: number; rel: string } | undefined {
    const preopens = this.preopens();
    if (!path.startsWith('/') && cwd === undefined) {
      const dot = preopens.find((p) => p.name === '.');
      if (dot) return { fd: dot.fd, rel: normalize(`/${path}`).slice(1) || '.' };
    }
    const full = normalize(path.startsWith('/') ? path : `${cwd ?? '/'}/${path}`);
    let best: { fd: number; rel: string; score: number } | undefined;
    for (const p of preopens) {
      if (p.name === '.') continue;
      const name = normalize(p.name);
      if (full !== name && name !== '/' && !full.startsWith(`${name}/`)) continue;
      const rel = (name === '/' ? full.slice(1) : full.slice(name.length + 1)) || '.';
      if (!best || name.length > best.score) best = { fd: p.fd, rel, score: name.length };
    }
    return best && { fd: best.fd, rel: best.rel };
  }
}

/** Normalises a path: collapses `//`, `.` and `..` (never above `/`). */
export function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
