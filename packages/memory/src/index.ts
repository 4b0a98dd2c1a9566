export { table } from './imports.js';
export { link, manifest, provideHeap } from './link.js';
export { HEAP, MMAP_FILES, type MmapFiles } from './services.js';
export {
  Heap,
  MemoryLimitExceeded,
  pageAlign,
  WASM_PAGE,
  FAASM_MAX_MEMORY,
  type MemoryOptions,
  type FreeRegion,
  type HeapSnapshot,
} from './heap.js';
export { MAP_FAILED, MapFlags, sbrk, mmap, munmap, msync, shmOpen } from './handlers.js';
