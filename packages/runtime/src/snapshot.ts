/**
 * Faaslet snapshots: what a reset restores (Faasm's Proto-Faaslet restore).
 *
 * Memory: the whole linear memory except the dead part of the stack. Stack memory
 * below the snapshot's stack pointer holds no live data between calls (a call starts
 * with the stack pointer at the snapshot value, and C never reads stack memory it has
 * not written), so it is not restored; everything else (data, bss, heap) is. With
 * Faasm's `--stack-first` layout the stack is [0, SP); with wasm-ld's default layout
 * it is [__data_end, SP). Without the `__stack_pointer`/`__data_end` exports the whole
 * memory is restored.
 *
 * Globals: every exported mutable global (the runtime's binary rewrite exports all of
 * them) is saved and restored, so no module state survives a reset.
 */

export interface MemorySnapshot {
  readonly byteLength: number;
  /** Restored ranges: [start, bytes]. */
  readonly ranges: ReadonlyArray<{ start: number; bytes: Uint8Array }>;
  readonly globals: ReadonlyArray<{ name: string; value: number | bigint }>;
  /** Package lifecycle state (break, fd table, ...). */
  readonly packages: Map<string, unknown>;
}

function globalValue(instance: WebAssembly.Instance, name: string): number | undefined {
  const g = instance.exports[name];
  return g instanceof WebAssembly.Global && typeof g.value === 'number' ? g.value >>> 0 : undefined;
}

/** The dead stack region [low, high) of this instance, or undefined if unknown. */
export function deadStackRegion(instance: WebAssembly.Instance): { low: number; high: number } | undefined {
  const sp = globalValue(instance, '__stack_pointer');
  const dataEnd = globalValue(instance, '__data_end');
  if (sp === undefined || dataEnd === undefined) return undefined;
  // --stack-first: the stack sits below the data; default layout: just above it.
  if (sp <= dataEnd) return { low: 0, high: sp };
  const low = (dataEnd + 15) & ~15;
  return low < sp ? { low, high: sp } : undefined;
}

export function takeSnapshot(instance: WebAssembly.Instance, memory: WebAssembly.Memory, packages: Map<string, unknown>): MemorySnapshot {
  const all = new Uint8Array(memory.buffer);
  const dead = deadStackRegion(instance);
  const ranges = dead
    ? [
        { start: 0, bytes: all.slice(0, dead.low) },
        { start: dead.high, bytes: all.slice(dead.high) },
      ].filter((r) => r.bytes.length > 0)
    : [{ start: 0, bytes: all.slice() }];
  const globals: Array<{ name: string; value: number | bigint }> = [];
  for (const [name, value] of Object.entries(instance.exports)) {
    if (value instanceof WebAssembly.Global) {
      try {
        const saved = value.value as number | bigint;
        value.value = saved; // throws for immutable globals
        globals.push({ name, value: saved });
      } catch {
        // immutable: nothing to restore
      }
    }
  }
  return { byteLength: all.byteLength, ranges, globals, packages };
}

/** Writes the snapshot back into an instance whose memory has the snapshot's size. */
export function restoreSnapshot(snapshot: MemorySnapshot, instance: WebAssembly.Instance, memory: WebAssembly.Memory): void {
  const current = memory.buffer.byteLength;
  if (current < snapshot.byteLength) memory.grow((snapshot.byteLength - current) / 65536);
  const all = new Uint8Array(memory.buffer);
  for (const range of snapshot.ranges) all.set(range.bytes, range.start);
  for (const { name, value } of snapshot.globals) (instance.exports[name] as WebAssembly.Global).value = value;
}
