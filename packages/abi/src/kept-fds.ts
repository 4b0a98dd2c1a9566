import { ServiceKey } from './host.js';

/**
 * Raw fds a Faaslet keeps open across calls (sockets from @faasm/native): fds are
 * process-wide, so if the worker thread holding them dies without disposing its
 * Faaslets (terminated while stuck in a guest, a call timeout), the thread that started
 * it closes what is still recorded. Record an fd right after opening it and release it
 * right before closing it (a number released late could be reused by someone else).
 */
export interface KeptFds {
  keep(fd: number): void;
  release(fd: number): void;
}

/** Provided on a Faaslet's host by an embedder that can clean up after its worker. */
export const KEPT_FDS = new ServiceKey<KeptFds>('kept-fds');

/**
 * A {@link KeptFds} ledger in a SharedArrayBuffer: the worker records and releases, the
 * thread that started it {@link drain}s it once the worker is gone. Fixed capacity: an
 * fd that does not fit is not recorded (it then only closes through dispose).
 */
export class FdLedger implements KeptFds {
  readonly #slots: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.#slots = new Int32Array(buffer);
  }

  static allocate(capacity = 256): SharedArrayBuffer {
    return new SharedArrayBuffer(capacity * 4);
  }

  keep(fd: number): void {
    if (!Number.isInteger(fd) || fd < 0) return;
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) if (Atomics.compareExchange(slots, i, 0, fd + 1) === 0) return;
  }

  release(fd: number): void {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) if (Atomics.compareExchange(slots, i, fd + 1, 0) === fd + 1) return;
  }

  /** Takes every recorded fd (the ledger is then empty). Only once the worker is gone. */
  drain(): number[] {
    const fds: number[] = [];
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) {
      const entry = Atomics.exchange(slots, i, 0);
      if (entry !== 0) fds.push(entry - 1);
    }
    return fds;
  }
}
