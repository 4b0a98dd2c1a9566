import { ServiceKey } from '@faasm/abi';
import type { Heap } from './heap.js';

/**
 * The Faaslet's heap: the one owner of the break. Other packages allocate guest memory
 * through it (state mapping, MPI_Alloc_mem, dlopen regions, thread stacks).
 */
export const HEAP = new ServiceKey<Heap>('@faasm/memory/heap');

/**
 * Reads a file's bytes for a file-backed mmap. Provided by the package that owns the fd
 * table (@faasm/posix wires it to @faasm/wasi's). Returns the bytes (possibly fewer than
 * asked, at end of file) or a WASI errno.
 */
export interface MmapFiles {
  read(fd: number, offset: bigint, length: number): Uint8Array | number;
}

export const MMAP_FILES = new ServiceKey<MmapFiles>('@faasm/memory/mmap-files');
