import * as fs from 'node:fs';
import { Errno, ServiceKey } from '@faasm/abi';
import { fail } from './state.js';
import { asGrowable, growableSab, type GrowableSab } from './growable.js';

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

/** The most one call can capture per stream (address space is reserved, not memory). */
export const CAPTURE_MAX_BYTES = 1 << 30;
/** A log's header: Int32 lock word and byte length, then the bytes from offset 16. */
const LOG_HEADER = 16;
const LOCK = 0;
const LENGTH = 1;

/** The shared capture buffers of a Faaslet: every thread of its team appends to them. */
export interface CaptureBuffers {
  stdout: SharedArrayBuffer;
  stderr: SharedArrayBuffer;
}


/** Capture buffers holding up to `maxBytes` per stream. */
export function allocateCapture(maxBytes = CAPTURE_MAX_BYTES): CaptureBuffers {
  const log = (): SharedArrayBuffer => growableSab(LOG_HEADER + Math.min(4096, maxBytes), LOG_HEADER + maxBytes);
  return { stdout: log(), stderr: log() };
}

/**
 * An append-only byte log in a growable SharedArrayBuffer that any worker may write
 * (under a lock word) and the owner drains: the captured output of a thread team, in
 * the order the writes happened.
 */
class CaptureLog {
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly sab: GrowableSab;

  constructor(sab: SharedArrayBuffer) {
    this.sab = asGrowable(sab);
    this.#words = new Int32Array(sab, 0, LOG_HEADER / 4);
    // Length-tracking: follows the buffer as any worker grows it.
    this.#bytes = new Uint8Array(sab);
  }

  /** The lock word: 0 free, 1 held, 2 held with a thread waiting (only then does unlock notify). */
  #lock(): void {
    const w = this.#words;
    if (Atomics.compareExchange(w, LOCK, 0, 1) === 0) return;
    while (Atomics.exchange(w, LOCK, 2) !== 0) Atomics.wait(w, LOCK, 2, 1);
  }

  #unlock(): void {
    if (Atomics.exchange(this.#words, LOCK, 0) === 2) Atomics.notify(this.#words, LOCK, 1);
  }

  /** Appends `data`; NOSPC once the log would pass CAPTURE_MAX_BYTES. */
  append(data: Uint8Array): void {
    this.#lock();
    try {
      const length = this.#words[LENGTH]!;
      const need = LOG_HEADER + length + data.byteLength;
      if (need > this.sab.maxByteLength) fail(Errno.NOSPC);
      if (need > this.sab.byteLength) this.sab.grow(Math.min(this.sab.maxByteLength, Math.max(need, 2 * this.sab.byteLength)));
      this.#bytes.set(data, LOG_HEADER + length);
      this.#words[LENGTH] = length + data.byteLength;
    } finally {
      this.#unlock();
    }
  }

  /** Returns and clears what was appended. */
  take(): Uint8Array {
    this.#lock();
    try {
      const length = this.#words[LENGTH]!;
      this.#words[LENGTH] = 0;
      return this.#bytes.slice(LOG_HEADER, LOG_HEADER + length);
    } finally {
      this.#unlock();
    }
  }
}

/**
 * Per-Faaslet stdio. Passthrough writes go to the process's real fds with
 * fs.writeSync (never console.log: a worker's console is relayed by the main thread's
 * event loop, which may be blocked — THREADS.md); EAGAIN on a non-blocking pipe waits
 * on a private SharedArrayBuffer and retries.
 */
export class Stdio implements StdioService {
  readonly #out: CaptureLog | undefined;
  readonly #err: CaptureLog | undefined;
  readonly #sleeper = new Int32Array(new SharedArrayBuffer(4));

  /**
   * `capture`: the team's shared capture buffers (capture mode); `owner` false for the
   * other threads of a team: only the Faaslet's own thread restarts and takes them.
   */
  constructor(
    readonly mode: 'passthrough' | 'capture',
    readonly stdin: 'inherit' | 'empty',
    capture?: CaptureBuffers,
    readonly owner = true,
  ) {
    if (mode === 'capture') {
      const buffers = capture ?? allocateCapture();
      this.#out = new CaptureLog(buffers.stdout);
      this.#err = new CaptureLog(buffers.stderr);
    }
  }

  /** Writes to stdout (1) or stderr (2). `data` may be a live view of guest memory. */
  write(stream: 1 | 2, data: Uint8Array): number {
    if (this.#out && this.#err) {
      (stream === 1 ? this.#out : this.#err).append(data);
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

  /** Starts a new capture (lifecycle beforeCall of the Faaslet's own thread). */
  restart(): void {
    if (!this.owner) return;
    this.#out?.take();
    this.#err?.take();
  }

  takeCaptured(): Captured {
    if (!this.owner || !this.#out || !this.#err) return { stdout: new Uint8Array(0), stderr: new Uint8Array(0) };
    return { stdout: this.#out.take(), stderr: this.#err.take() };
  }
}
