import * as fs from 'node:fs';
import { ServiceKey } from '@faasm/abi';

/** What a call wrote to stdout/stderr while capture was on. */
export interface Captured {
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** The STDIO service: Faasm's CAPTURE_STDOUT. */
export interface StdioService {
  readonly mode: 'passthrough' | 'capture';
  /** Returns and clears what was captured since the last call (empty in passthrough mode). */
  takeCaptured(): Captured;
}

export const STDIO = new ServiceKey<StdioService>('@faasm/wasi/stdio');

function concat(chunks: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Per-Faaslet stdio. Passthrough writes go to the process's real fds with
 * fs.writeSync (never console.log: a worker's console is relayed by the main thread's
 * event loop, which may be blocked — THREADS.md); EAGAIN on a non-blocking pipe waits
 * on a private SharedArrayBuffer and retries.
 */
export class Stdio implements StdioService {
  readonly #out: Uint8Array[] = [];
  readonly #err: Uint8Array[] = [];
  readonly #sleeper = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    readonly mode: 'passthrough' | 'capture',
    readonly stdin: 'inherit' | 'empty',
  ) {}

  /** Writes to stdout (1) or stderr (2). `data` may be a live view of guest memory. */
  write(stream: 1 | 2, data: Uint8Array): number {
    if (this.mode === 'capture') {
      (stream === 1 ? this.#out : this.#err).push(data.slice());
      return data.byteLength;
    }
    let done = 0;
    while (done < data.byteLength) {
      try {
        done += fs.writeSync(stream, data, done, data.byteLength - done);
      } catch (e) {
        if ((e as { code?: string }).code !== 'EAGAIN') throw e;
        Atomics.wait(this.#sleeper, 0, 0, 1);
      }
    }
    return done;
  }

  /** Reads stdin: EOF when empty; else the process's fd 0 (blocking). */
  read(buffer: Uint8Array): number {
    if (this.stdin === 'empty' || buffer.byteLength === 0) return 0;
    for (;;) {
      try {
        return fs.readSync(0, buffer, 0, buffer.byteLength, null);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EOF') return 0;
        if (code !== 'EAGAIN') throw e;
        Atomics.wait(this.#sleeper, 0, 0, 1);
      }
    }
  }

  /** Starts a new capture (lifecycle beforeCall). */
  restart(): void {
    this.#out.length = 0;
    this.#err.length = 0;
  }

  takeCaptured(): Captured {
    const captured = { stdout: concat(this.#out), stderr: concat(this.#err) };
    this.restart();
    return captured;
  }
}
