import type { GuestMemory } from '@faasm/abi';

/** Wasm page size: every break Faasm hands out is a multiple of it (faasm-abi.md, Memory). */
export const WASM_PAGE = 65536;

/** Faasm links guests with `--max-memory=4294901760` (65535 pages): the default ceiling. */
export const FAASM_MAX_MEMORY = 4294901760;

/** Options of @faasm/memory (structured-cloneable: the runtime passes them into workers). */
export interface MemoryOptions {
  /** A per-Faaslet limit on linear memory, in bytes (rounded down to whole pages). */
  maxMemoryBytes?: number;
}

/** A free region below the break, [start, start + length). */
export interface FreeRegion {
  readonly start: number;
  readonly length: number;
}

/** What `snapshot()` saves and `restore()` takes back (plain data). */
export interface HeapSnapshot {
  readonly brk: number;
  readonly seen: number;
  readonly base: number;
  readonly free: ReadonlyArray<readonly [number, number]>;
}

/** Growth past the module's maximum or the configured per-Faaslet limit. */
export class MemoryLimitExceeded extends Error {
  override readonly name = 'MemoryLimitExceeded';
  constructor(readonly requested: number, readonly limit: number) {
    super(`Memory growth exceeding max: break would reach ${requested} bytes, limit is ${limit} bytes`);
  }
}

/** Rounds up to a whole number of wasm pages (no overflow for lengths < 2^53). */
export function pageAlign(bytes: number): number {
  return Math.ceil(bytes / WASM_PAGE) * WASM_PAGE;
}

/**
 * The Faaslet's break and its free regions: the one place that owns the guest's heap top.
 * Faasm's rules (faasm-abi.md, Memory): the break starts at the memory size; growth is
 * 64 KiB-aligned; growth past the maximum fails "Memory growth exceeding max"; unmapping
 * at the top lowers the break. Guests that grow memory themselves (wasi-libc's malloc uses
 * `memory.grow`) move the break up with them: whenever the memory is found larger than the
 * heap last saw it, the break becomes max(own break, memory size). Better than Faasm,
 * regions unmapped below the top go to a free list (first fit, coalesced) that later
 * allocations reuse, so map/unmap cycles do not grow memory without bound.
 */
export class Heap {
  readonly #memory: GuestMemory;
  readonly #limit: number;
  /** The heap's own break. */
  #brk = 0;
  /** The memory size when the heap last looked (to notice guest `memory.grow`). */
  #seen = 0;
  /** The break at instantiation: nothing below it is ever put on the free list. */
  #base = 0;
  /** Sorted, disjoint, non-adjacent free regions, all below the break. */
  #free: FreeRegion[] = [];

  constructor(memory: GuestMemory, options: MemoryOptions = {}) {
    this.#memory = memory;
    const configured = options.maxMemoryBytes;
    const limit = configured !== undefined && Number.isFinite(configured) && configured >= 0 ? Math.floor(configured / WASM_PAGE) * WASM_PAGE : FAASM_MAX_MEMORY;
    this.#limit = Math.min(limit, FAASM_MAX_MEMORY);
  }

  /** The ceiling for the break in bytes (the configured limit or Faasm's maximum). */
  get limit(): number {
    return this.#limit;
  }

  /** Current break: max(own break, memory size) once the guest has grown memory itself. */
  get break(): number {
    this.#sync();
    return this.#brk;
  }

  /** The free regions below the break (a copy, lowest first). */
  get freeRegions(): readonly FreeRegion[] {
    this.#sync();
    return this.#free.slice();
  }

  /** Sets the break to the memory size and forgets the free list (after instantiation). */
  reset(): void {
    const size = this.#memory.size;
    this.#brk = size;
    this.#seen = size;
    this.#base = size;
    this.#free = [];
  }

  #sync(): void {
    const size = this.#memory.size;
    if (size > this.#seen) {
      // The guest grew memory itself: what it grew is its own. Space between a lowered
      // break and the old size is no longer reachable from the top: keep it as free.
      if (this.#brk < this.#seen) this.#insertFree(this.#brk, this.#seen - this.#brk);
      if (this.#brk < size) this.#brk = size;
      this.#seen = size;
    }
  }

  /** Makes memory at least `bytes` long (page-aligned), or throws MemoryLimitExceeded. */
  #ensure(bytes: number): void {
    if (bytes > this.#limit) throw new MemoryLimitExceeded(bytes, this.#limit);
    const size = this.#memory.size;
    if (bytes <= size) return;
    try {
      this.#memory.memory.grow((bytes - size) / WASM_PAGE);
    } catch (error) {
      if (error instanceof RangeError) throw new MemoryLimitExceeded(bytes, this.#limit);
      throw error;
    }
    this.#seen = this.#memory.size;
  }

  /**
   * `sbrk(increment)`: 0 returns the break; > 0 moves it up by the increment rounded up to
   * whole pages and returns the old break; < 0 lowers the break only (memory never
   * shrinks) and returns the old break. Throws MemoryLimitExceeded past the limit.
   */
  sbrk(increment: number): number {
    const old = this.break;
    if (increment === 0) return old;
    if (increment > 0) {
      const next = old + pageAlign(increment);
      this.#claim(old, next);
      this.#brk = next;
      return old;
    }
    this.#lowerBreak(Math.max(0, pageAlign(old + increment)));
    return old;
  }

  /**
   * Allocates `length` bytes (rounded up to pages), zeroed: first fit from the free list,
   * else at the top of the heap. Returns the address. Throws MemoryLimitExceeded.
   */
  allocate(length: number): number {
    const size = pageAlign(Math.max(1, length));
    this.#sync();
    for (let i = 0; i < this.#free.length; i++) {
      const region = this.#free[i]!;
      if (region.length < size) continue;
      if (region.length === size) this.#free.splice(i, 1);
      else this.#free[i] = { start: region.start + size, length: region.length - size };
      this.#memory.fill(region.start, size, 0);
      return region.start;
    }
    if (this.#memory.shared) return this.#allocateShared(size);
    const old = this.#brk;
    this.#claim(old, old + size);
    this.#brk = old + size;
    return old;
  }

  /**
   * Shared memory (a thread team): several workers' heaps grow the same memory, so the
   * region is whatever one atomic `memory.grow` returns — never a range another worker
   * may have claimed between reading the size and growing.
   */
  #allocateShared(size: number): number {
    const current = this.#memory.size;
    if (current + size > this.#limit) throw new MemoryLimitExceeded(current + size, this.#limit);
    let start: number;
    try {
      start = this.#memory.memory.grow(size / WASM_PAGE) * WASM_PAGE;
    } catch (error) {
      if (error instanceof RangeError) throw new MemoryLimitExceeded(current + size, this.#limit);
      throw error;
    }
    this.#brk = Math.max(this.#brk, start + size);
    this.#seen = this.#memory.size;
    return start;
  }

  /**
   * Releases [ptr, ptr + length) (length rounded up to pages): at the top it lowers the
   * break; below, the region joins the free list. Ranges outside [initial break, break)
   * are ignored (POSIX: unmapping what is not mapped is not an error). Returns false if
   * `ptr` is not page-aligned (munmap's EINVAL).
   */
  release(ptr: number, length: number): boolean {
    const start = ptr >>> 0;
    if (start % WASM_PAGE !== 0) return false;
    const brk = this.break;
    const lo = Math.max(start, this.#base);
    const hi = Math.min(start + pageAlign(length), brk);
    if (hi <= lo) return true;
    if (hi === brk) {
      this.#lowerBreak(lo);
      return true;
    }
    this.#insertFree(lo, hi - lo);
    return true;
  }

  /**
   * MAP_FIXED: claims [ptr, ptr + length) where the guest asked (it must already be inside
   * memory: wasm memory is all mapped), zeroed, taken off the free list, with the break
   * raised past it if needed. Returns false if the range is not page-aligned or not in memory.
   */
  reserve(ptr: number, length: number): boolean {
    const start = ptr >>> 0;
    const end = start + pageAlign(Math.max(1, length));
    if (start % WASM_PAGE !== 0 || end > this.#memory.size) return false;
    this.#sync();
    this.#free = this.#free.flatMap((r) => {
      const rEnd = r.start + r.length;
      if (rEnd <= start || r.start >= end) return [r];
      const parts: FreeRegion[] = [];
      if (r.start < start) parts.push({ start: r.start, length: start - r.start });
      if (rEnd > end) parts.push({ start: end, length: rEnd - end });
      return parts;
    });
    if (end > this.#brk) this.#brk = end;
    this.#memory.fill(start, end - start, 0);
    return true;
  }

  /** Lowers the break to `next`, dropping free space above it and merging a free tail. */
  #lowerBreak(next: number): void {
    let brk = next;
    this.#free = this.#free.flatMap((r) => (r.start >= brk ? [] : r.start + r.length > brk ? [{ start: r.start, length: brk - r.start }] : [r]));
    const last = this.#free[this.#free.length - 1];
    if (last && last.start + last.length === brk) {
      this.#free.pop();
      brk = last.start;
    }
    this.#brk = brk;
  }

  /** Adds a region to the free list, merging overlaps and neighbours. */
  #insertFree(start: number, length: number): void {
    let lo = start;
    let hi = start + length;
    const kept: FreeRegion[] = [];
    for (const r of this.#free) {
      if (r.start + r.length < lo || r.start > hi) kept.push(r);
      else {
        lo = Math.min(lo, r.start);
        hi = Math.max(hi, r.start + r.length);
      }
    }
    kept.push({ start: lo, length: hi - lo });
    kept.sort((a, b) => a.start - b.start);
    this.#free = kept;
  }

  /** Grows to `next` if needed and zeroes [from, next) where it held old bytes. */
  #claim(from: number, next: number): void {
    const sizeBefore = this.#memory.size;
    this.#ensure(next);
    const end = Math.min(next, sizeBefore);
    if (end > from) this.#memory.fill(from, end - from, 0);
  }

  /** Saves the break, base and free list. */
  snapshot(): HeapSnapshot {
    this.#sync();
    return { brk: this.#brk, seen: this.#seen, base: this.#base, free: this.#free.map((r) => [r.start, r.length] as const) };
  }

  /** Restores what `snapshot()` saved (the memory itself is restored by the runtime). */
  restore(saved: HeapSnapshot): void {
    this.#brk = saved.brk;
    // A memory that cannot shrink may be larger than at snapshot time: that is not growth.
    this.#seen = Math.max(saved.seen, this.#memory.attached ? this.#memory.size : 0);
    this.#base = saved.base;
    this.#free = saved.free.map(([start, length]) => ({ start, length }));
  }
}
