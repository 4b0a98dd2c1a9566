import { setFlagsFromString } from 'node:v8';

/**
 * Turns V8's Liftoff baseline compiler off for wasm compiled from now on in this
 * process. V8 11.3 (Node 20) Liftoff loses values held across
 * `memory.atomic.wait32` (`41 + wait32()` returns 1), which breaks guest locks
 * (THREADS.md). Call before compiling any wasm; thread workers call it first thing.
 */
export function ensureNoLiftoff(): void {
  setFlagsFromString('--no-liftoff');
}
