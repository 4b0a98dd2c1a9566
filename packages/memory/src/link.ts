import { lifecycleOf, linkTable, manifestOf, type FaasletHost, type ImportObject, type ImportTable } from '@faasm/abi';
import { Heap, type HeapSnapshot, type MemoryOptions } from './heap.js';
import { table } from './imports.js';
import { HEAP } from './services.js';

export const manifest = manifestOf(table as unknown as ImportTable<unknown>);

/**
 * Provides the heap for `host` (once per host) and registers its lifecycle: the break is
 * set to the memory size after instantiation; snapshot/restore carry the break and the
 * free list.
 */
export function provideHeap(host: FaasletHost, options: MemoryOptions = {}): Heap {
  const existing = host.services.get(HEAP);
  if (existing) return existing;
  const heap = new Heap(host.memory, options);
  host.services.provide(HEAP, heap);
  lifecycleOf(host).register({
    name: '@faasm/memory',
    instantiated: () => heap.reset(),
    snapshot: () => heap.snapshot(),
    restore: (saved) => {
      if (saved) heap.restore(saved as HeapSnapshot);
    },
  });
  return heap;
}

/** Adds @faasm/memory's imports to `importObject` and provides the heap service. */
export function link(importObject: ImportObject, host: FaasletHost, options: MemoryOptions = {}, only?: ReadonlySet<string>): void {
  linkTable(table, importObject, host, only);
  provideHeap(host, options);
}
