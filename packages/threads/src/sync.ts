/**
 * Spin-then-wait primitives on Int32Array words (SharedArrayBuffer-backed: the
 * runtime's control blocks or the guest's shared memory). Spinning first keeps the
 * fast path off the futex (THREADS.md: wake-ups cost microseconds, spins ~0.3 µs).
 */
import { availableParallelism } from 'node:os';

export const SPINS = 20_000;
/** Waits are sliced so a waiter notices a failed team even if nobody wakes it. */
const SLICE_MS = 50;

/** Thrown by a wait whose `abort` check fires (a failed team, a shutdown). */
export class WaitAborted extends Error {
  override readonly name = 'WaitAborted';
  /** Crosses host imports untouched (see @faasm/abi isControlFlow). */
  readonly controlFlow = true;
}

/** Spins until `view[index] !== value` (returns it) or `spins` loads saw `value` (returns `value`). */
export function spinWhileEqual(view: Int32Array, index: number, value: number, spins: number = SPINS): number {
  for (let i = 0; i < spins; i++) {
    const now = Atomics.load(view, index);
    if (now !== value) return now;
  }
  return value;
}

/**
 * How long a thread that waits for a teammate keeps spinning before it sleeps on the
 * futex (libomp's KMP_BLOCKTIME, 200 ms there): a worker waiting for the next fork,
 * the forking thread waiting at the join, threads waiting at a barrier. Long enough
 * that back-to-back regions do not sleep (a futex wake-up costs ~12 µs here, and a
 * woken thread may be queued on its waker's CPU); short enough that an idle team
 * costs at most this much CPU per thread after each region, and that a spinner does
 * not long hold a CPU a teammate is queued for (1 ms made loaded barriers slower).
 */
export const BLOCKTIME_MS = 0.2;

/**
 * How long a spinner keeps going while the thread it waits for is asleep or has not
 * yet started what it was woken for (a woken thread normally runs within ~12 µs).
 * Past that, the thread it waits for is most likely queued behind the spinner on the
 * same CPU (the kernel packs runnable threads, sched_vcpu_pack): spinning on only
 * delays it, so the spinner sleeps instead (there is no sched_yield in JS).
 */
export const WAKE_GRACE_MS = 0.025;

/**
 * Loads between two clock reads of a timed spin minus one (~2.5 µs; the wake grace is
 * measured in these steps). A clock read allocates a HeapNumber: back-to-back
 * regions, whose waits are shorter, make none.
 */
export const CLOCK_EVERY = 255;

/** CPUs this process may use; a team larger than that is oversubscribed. */
const CORES = availableParallelism();

/**
 * The spin budget for a team of `size` threads: BLOCKTIME_MS, or only WAKE_GRACE_MS
 * when the team has more threads than there are cores (a spinner then most likely
 * holds the CPU its teammate needs; libomp yields in that case).
 */
export function spinBudget(size: number): number {
  return size > CORES ? WAKE_GRACE_MS : BLOCKTIME_MS;
}

/**
 * The spin budget of a team whose block sets `blocktimeUs` (its BLOCKTIME_US word; 0:
 * spinBudget's default). An oversubscribed team keeps the wake grace whatever it asks.
 */
export function teamSpinBudget(size: number, blocktimeUs: number): number {
  if (blocktimeUs <= 0 || size > CORES) return spinBudget(size);
  return blocktimeUs / 1000;
}

/**
 * libomp's KMP_BLOCKTIME (200 ms): how long an idle worker of an unbound team that fits
 * the cores waits for the next fork when it can yield its CPU (@faasm/native's
 * sched_yield, every YIELD_EVERY clock reads, ~20 µs): a worker still spinning when the
 * next region forks starts it at once, where a sleeping one takes a futex wake-up
 * (0.4–6 ms measured after a long serial phase), and the yields let a teammate queued
 * on the same CPU run first.
 */
export const IDLE_BLOCKTIME_MS = 200;
const YIELD_EVERY = 7;

/**
 * Spins until `view[index] !== value` (returns it), for at most `budgetMs`; gives up
 * early (returns `value`) once the thread it waits for has stayed unresponsive for
 * WAKE_GRACE_MS: `asleep[asleepIndex] !== 0` (a sleeper count of waitAnnounced, or a
 * flag that thread clears as soon as it runs; `asleepIndex` -1: no such check). The
 * clock is read only every CLOCK_EVERY loads; `yieldCpu`, if given, runs every
 * YIELD_EVERY + 1 clock reads.
 */
export function spinWhileEqualAwake(
  view: Int32Array, index: number, value: number, asleep: Int32Array, asleepIndex: number, budgetMs: number = BLOCKTIME_MS,
  yieldCpu?: () => number,
): number {
  let start = -1;
  let asleepSince = -1;
  for (let i = 0, reads = 0; ; i++) {
    const now = Atomics.load(view, index);
    if (now !== value) return now;
    if ((i & CLOCK_EVERY) === CLOCK_EVERY) {
      if (yieldCpu && (++reads & YIELD_EVERY) === 0) yieldCpu();
      const t = performance.now();
      if (start < 0) start = t;
      else if (t - start >= budgetMs) return value;
      if (asleepIndex < 0 || Atomics.load(asleep, asleepIndex) === 0) asleepSince = -1;
      else if (asleepSince < 0) asleepSince = t;
      else if (t - asleepSince >= WAKE_GRACE_MS) return value;
    }
  }
}

/** Spins while `view[index] < bound`, at most `spins` loads; returns the last value read. */
export function spinWhileBelow(view: Int32Array, index: number, bound: number, spins: number = SPINS): number {
  let now = Atomics.load(view, index);
  for (let i = 0; i < spins && now < bound; i++) now = Atomics.load(view, index);
  return now;
}

/**
 * Returns once `view[index] !== value`. `abort` runs between wait slices; if it
 * returns a message, the wait throws WaitAborted with it.
 */
export function waitWhileEqual(
  view: Int32Array,
  index: number,
  value: number,
  abort?: () => string | undefined,
  spins: number = SPINS,
): number {
  const spun = spinWhileEqual(view, index, value, spins);
  if (spun !== value) return spun;
  return sleepWhileEqual(view, index, value, abort);
}

/** The sleeping half of a wait: Atomics.wait in slices while `abort` may interrupt it. */
function sleepWhileEqual(view: Int32Array, index: number, value: number, abort: (() => string | undefined) | undefined): number {
  for (;;) {
    const now = Atomics.load(view, index);
    if (now !== value) return now;
    Atomics.wait(view, index, value, abort ? SLICE_MS : Infinity);
    if (abort) {
      const reason = abort();
      if (reason !== undefined) throw new WaitAborted(reason);
    }
  }
}

/**
 * Like waitWhileEqual, but a thread that has to sleep counts itself in
 * `view[sleepers]` while asleep, so that its waker can skip Atomics.notify (a
 * process-wide lock, ~50 ns even with nobody waiting) on the fast path. The waker
 * must change `view[index]` first and then call notifyAnnounced: both are
 * sequentially consistent, so either the waker sees the sleeper or the sleeper sees
 * the new value before it waits.
 */
export function waitAnnounced(
  view: Int32Array,
  index: number,
  value: number,
  sleepers: number,
  abort?: () => string | undefined,
  spins: number = SPINS,
): number {
  const spun = spinWhileEqual(view, index, value, spins);
  if (spun !== value) return spun;
  Atomics.add(view, sleepers, 1);
  try {
    return sleepWhileEqual(view, index, value, abort);
  } finally {
    Atomics.sub(view, sleepers, 1);
  }
}

/** Wakes the threads waitAnnounced put to sleep on `view[index]` (after changing it), if any. */
export function notifyAnnounced(view: Int32Array, index: number, sleepers: number): void {
  if (Atomics.load(view, sleepers) !== 0) Atomics.notify(view, index);
}

/**
 * Waits until `view[index] !== value` or `deadline` (ms, performance.now() clock).
 * Returns false on timeout.
 */
export function waitUntil(view: Int32Array, index: number, value: number, deadline: number): boolean {
  for (;;) {
    if (Atomics.load(view, index) !== value) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(view, index, value, left);
  }
}

/**
 * Acquires the futex lock word at `index` (0 free, 1 held, 2 held with waiters;
 * Drepper, "Futexes Are Tricky", mutex 3).
 */
export function lockWord(view: Int32Array, index: number, spins = 2000): void {
  let c = Atomics.compareExchange(view, index, 0, 1);
  if (c === 0) return;
  for (let i = 0; i < spins; i++) {
    c = Atomics.compareExchange(view, index, 0, 1);
    if (c === 0) return;
  }
  if (c !== 2) c = Atomics.exchange(view, index, 2);
  while (c !== 0) {
    Atomics.wait(view, index, 2);
    c = Atomics.exchange(view, index, 2);
  }
}

/** Tries the lock word once: true if acquired. */
export function tryLockWord(view: Int32Array, index: number): boolean {
  return Atomics.compareExchange(view, index, 0, 1) === 0;
}

/** Releases a lock word taken by lockWord/tryLockWord. */
export function unlockWord(view: Int32Array, index: number): void {
  if (Atomics.sub(view, index, 1) !== 1) {
    Atomics.store(view, index, 0);
    Atomics.notify(view, index, 1);
  }
}
