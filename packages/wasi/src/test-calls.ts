import { createHost, type FaasletHost, type ImportObject } from '@faasm/abi';
import { onTestFinished } from 'vitest';
import { link } from './link.js';
import { FD_TABLE } from './service.js';
import type { WasiOptions } from './options.js';

/** Calls imports directly over a one-page memory: for lifecycle and service tests. */
export class Calls {
  readonly host: FaasletHost;
  readonly imports: ImportObject;
  readonly memory: WebAssembly.Memory;
  readonly #enc = new TextEncoder();

  constructor(options: WasiOptions = {}, host: FaasletHost = createHost()) {
    this.host = host;
    this.memory = new WebAssembly.Memory({ initial: 2 });
    host.memory.attach(this.memory);
    this.imports = {};
    link(this.imports, host, { stdout: 'capture', ...options });
    // Node-backed tables hold directory fds: close them with the test.
    onTestFinished(() => host.services.get(FD_TABLE)?.dispose());
  }

  call(name: string, ...args: Array<number | bigint>): number {
    return (this.imports['wasi_snapshot_preview1']![name] as (...a: Array<number | bigint>) => number)(...args);
  }

  get view(): DataView {
    return new DataView(this.memory.buffer);
  }

  /** Puts a string at 4096 and returns [ptr, len]. */
  str(s: string, at = 4096): [number, number] {
    const b = this.#enc.encode(s);
    new Uint8Array(this.memory.buffer).set(b, at);
    return [at, b.length];
  }

  /** path_open relative to `dir`; returns the fd or throws with the errno. */
  open(dir: number, path: string, oflags = 0, rights = (1n << 30n) - 1n, fdflags = 0, follow = 1): number {
    const [p, l] = this.str(path);
    const e = this.call('path_open', dir, follow, p, l, oflags, rights, rights, fdflags, 100);
    if (e !== 0) throw new Error(`path_open ${path}: errno ${e}`);
    return this.view.getUint32(100, true);
  }

  write(fd: number, text: string): number {
    const b = this.#enc.encode(text);
    new Uint8Array(this.memory.buffer).set(b, 8192);
    this.view.setUint32(200, 8192, true);
    this.view.setUint32(204, b.length, true);
    const e = this.call('fd_write', fd, 200, 1, 208);
    if (e !== 0) throw new Error(`fd_write: errno ${e}`);
    return this.view.getUint32(208, true);
  }

  /** Reads up to n bytes; returns the text or the errno as a number. */
  read(fd: number, n = 256): string | number {
    this.view.setUint32(200, 16384, true);
    this.view.setUint32(204, n, true);
    const e = this.call('fd_read', fd, 200, 1, 208);
    if (e !== 0) return e;
    return new TextDecoder().decode(new Uint8Array(this.memory.buffer, 16384, this.view.getUint32(208, true)));
  }

  seek(fd: number, offset: bigint, whence = 0): bigint | number {
    const e = this.call('fd_seek', fd, offset, whence, 216);
    return e === 0 ? this.view.getBigUint64(216, true) : e;
  }
}
