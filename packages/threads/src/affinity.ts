/**
 * Thread affinity for the thread runtime: binding the calling OS thread to a set of
 * CPUs (sched_setaffinity through @faasm/native), and the Faaslet's place list shared
 * with every worker. Without the native module (not built, not Linux, FAASM_NATIVE=off)
 * binding is a no-op: callers keep their bookkeeping (OpenMP's place queries answer the
 * same), only the OS mask is left alone.
 */
import { availableParallelism } from 'node:os';
import { nativeSyscalls, type NativeSyscalls } from '@faasm/native';

/** One OS thread's binding: the mask it had unbound, and the CPUs it is bound to now. */
export class ThreadAffinity {
  #native: NativeSyscalls | undefined | null = null;
  #initial: readonly number[] | undefined;
  #bound: readonly number[] | undefined;

  /** `initial`: this thread's unbound mask (a worker gets its Faaslet's, not the one it inherited). */
  constructor(initial?: readonly number[]) {
    this.#initial = initial;
  }

  #syscalls(): NativeSyscalls | undefined {
    if (this.#native === null) this.#native = nativeSyscalls() ?? undefined;
    return this.#native;
  }

  /** True when binding reaches the OS (the native module is in use). */
  get native(): boolean {
    return this.#syscalls() !== undefined;
  }

  /** True while this thread is bound by `bind` (and the OS took it). */
  get bound(): boolean {
    return this.#bound !== undefined;
  }

  /** The calling thread's OS id (gettid), or 0 without native. */
  osThreadId(): number {
    return this.#syscalls()?.threadId() ?? 0;
  }

  /** The calling thread's CPUs as the OS reports them, or undefined without native. */
  current(): number[] | undefined {
    const cpus = this.#syscalls()?.threadAffinity();
    return Array.isArray(cpus) ? cpus : undefined;
  }

  /**
   * The CPUs this thread may use when unbound (its mask before the first bind; without
   * native, 0..availableParallelism-1).
   */
  allowed(): readonly number[] {
    this.#initial ??= this.current();
    return this.#initial ?? Array.from({ length: availableParallelism() }, (_, i) => i);
  }

  /**
   * Puts a worker whose mask differs from its Faaslet's unbound mask (inherited from a
   * bound parent thread) back to that mask.
   */
  reset(): void {
    const initial = this.#initial;
    const current = this.current();
    if (initial && current && !sameCpus(initial, current)) this.#syscalls()!.setThreadAffinity(initial);
  }

  /**
   * Binds the calling OS thread to `cpus` (one system call, none if it is bound to them
   * already); returns true if the OS binding is in effect, false without native or if
   * the kernel refused (no allowed CPU in the set).
   */
  bind(cpus: readonly number[]): boolean {
    const bound = this.#bound;
    if (bound !== undefined && (bound === cpus || sameCpus(bound, cpus))) return true;
    const native = this.#syscalls();
    if (!native) return false;
    this.allowed();
    if (native.setThreadAffinity(cpus) !== 0) return false;
    this.#bound = cpus;
    return true;
  }

  /** Gives the calling thread back its unbound mask (no system call if it is not bound). */
  unbind(): void {
    if (this.#bound === undefined) return;
    this.#bound = undefined;
    if (this.#initial) this.#syscalls()?.setThreadAffinity(this.#initial);
  }
}

function sameCpus(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Words of the shared place table: a seqlock generation, the place count, offsets, CPU ids. */
export const PLACE_WORDS = 4096;
const GEN = 0;
const COUNT = 1;
const OFFSETS = 2;

/**
 * Publishes a place list (each place a list of CPU ids) for every thread of the Faaslet;
 * false if it does not fit PLACE_WORDS. A seqlock: the generation is odd while written.
 */
export function publishPlaces(table: Int32Array, places: readonly (readonly number[])[]): boolean {
  const cpus = places.reduce((n, p) => n + p.length, 0);
  if (OFFSETS + places.length + 1 + cpus > table.length) return false;
  let gen = Atomics.load(table, GEN);
  while ((gen & 1) !== 0 || Atomics.compareExchange(table, GEN, gen, gen + 1) !== gen) gen = Atomics.load(table, GEN);
  table[COUNT] = places.length;
  let at = OFFSETS + places.length + 1;
  places.forEach((place, i) => {
    table[OFFSETS + i] = at;
    for (const cpu of place) table[at++] = cpu;
  });
  table[OFFSETS + places.length] = at;
  Atomics.store(table, GEN, gen + 2);
  return true;
}

/** The published generation (even; 0: nothing published yet). */
export function placesGeneration(table: Int32Array): number {
  let gen = Atomics.load(table, GEN);
  while ((gen & 1) !== 0) gen = Atomics.load(table, GEN);
  return gen;
}

/** A copy of the published place list (empty if none). */
export function readPlaces(table: Int32Array): number[][] {
  for (;;) {
    const gen = placesGeneration(table);
    const count = table[COUNT]!;
    const places: number[][] = [];
    for (let i = 0; i < count; i++) {
      const from = table[OFFSETS + i]!;
      const to = table[OFFSETS + i + 1]!;
      places.push(Array.from(table.subarray(from, to)));
    }
    if (Atomics.load(table, GEN) === gen) return places;
  }
}
