import { fn, importTable, type FaasletHost } from '@faasm/abi';
import { mmap, msync, munmap, sbrk, shmOpen } from './handlers.js';

/** @faasm/memory's imports: the `memory` rows of spec/imports.tsv. */
export const table = importTable<FaasletHost>('@faasm/memory', {
  env: {
    __sbrk: fn(['i32'], 'i32', sbrk),
    mmap: fn(['i32', 'i32', 'i32', 'i32', 'i32', 'i64'], 'i32', mmap),
    munmap: fn(['i32', 'i32'], 'i32', munmap),
    msync: fn(['i32', 'i32', 'i32'], 'i32', msync),
    shm_open: fn(['i32', 'i32', 'i32'], 'i32', shmOpen),
  },
});
