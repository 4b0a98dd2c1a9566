import { GuestTrap, type FaasletHost } from '@faasm/abi';
import { HEAP, MMAP_FILES } from './services.js';
import { MemoryLimitExceeded, pageAlign } from './heap.js';

/** mmap's failure value, `MAP_FAILED` = (void*)-1. */
export const MAP_FAILED = -1;

/** Linux/musl mmap flag bits the handlers look at. */
export const MapFlags = { SHARED: 0x01, PRIVATE: 0x02, FIXED: 0x10, ANONYMOUS: 0x20 } as const;

/** Runs `body`, turning a limit error into the "Memory growth exceeding max" trap. */
function growing<T>(name: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof MemoryLimitExceeded) throw new GuestTrap(name, error.message, { cause: error });
    throw error;
  }
}

/**
 * `void* __sbrk(intptr_t increment)`: 0 → the current break; > 0 → grows (page-rounded)
 * and returns the old break; < 0 → lowers the break and returns the old one. Past the
 * maximum: trap "Memory growth exceeding max" (Faasm's behaviour).
 */
export function sbrk(host: FaasletHost, increment: number): number {
  return growing('__sbrk', () => host.services.require(HEAP).sbrk(increment | 0)) | 0;
}

/**
 * `void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off)`: the hint
 * and prot are ignored (wasm has no protection), as in Faasm; anonymous maps are zeroed
 * pages from the free list or the top; fd != -1 maps a private copy of the file's bytes
 * from `off`. MAP_FIXED re-maps [addr, addr+len) in place (page-aligned, inside memory).
 * Returns the address, or MAP_FAILED (-1) for len 0, an unreadable fd or a bad MAP_FIXED.
 */
export function mmap(host: FaasletHost, addr: number, length: number, _prot: number, flags: number, fd: number, offset: bigint): number {
  const len = length >>> 0;
  if (len === 0 || offset < 0n) return MAP_FAILED;
  const heap = host.services.require(HEAP);
  const fixed = (flags & MapFlags.FIXED) !== 0;
  const anonymous = (flags & MapFlags.ANONYMOUS) !== 0 || fd === -1;
  if (fixed && !heap.reserve(addr, len)) return MAP_FAILED;
  if (anonymous) return fixed ? addr | 0 : growing('mmap', () => heap.allocate(len)) | 0;
  const files = host.services.get(MMAP_FILES);
  if (!files) {
    host.log.warn(`mmap: fd ${fd}: no file service is linked (link @faasm/wasi/@faasm/posix)`);
    return MAP_FAILED;
  }
  const bytes = files.read(fd, offset, len);
  if (typeof bytes === 'number') return MAP_FAILED;
  const ptr = fixed ? addr >>> 0 : growing('mmap', () => heap.allocate(len));
  host.memory.write(ptr, bytes.subarray(0, Math.min(bytes.length, pageAlign(len))));
  return ptr | 0;
}

/**
 * `int munmap(void* addr, size_t len)`: at the top the break comes down; elsewhere the
 * pages join the free list. Returns 0, or -1 for a non-page-aligned address or len 0.
 */
export function munmap(host: FaasletHost, addr: number, length: number): number {
  if ((length >>> 0) === 0) return -1;
  return host.services.require(HEAP).release(addr >>> 0, length >>> 0) ? 0 : -1;
}

/**
 * `int msync(void* addr, size_t len, int flags)`: file maps are private copies, so there
 * is nothing to write back; checks the range lies in memory and returns 0.
 */
export function msync(host: FaasletHost, addr: number, length: number, _flags: number): number {
  host.memory.check(addr, length >>> 0);
  return 0;
}

/**
 * `int shm_open(const char* name, int oflag, mode_t mode)`: POSIX shared memory objects
 * do not exist in a Faaslet (no other process to share with); reads the name and returns
 * -1 (ENOSYS in Faasm's sandbox sense).
 */
export function shmOpen(host: FaasletHost, name: number, _oflag: number, _mode: number): number {
  const text = host.memory.cstring(name, 4096);
  host.log.debug(`shm_open(${JSON.stringify(text)}): not supported in a Faaslet`);
  return -1;
}
