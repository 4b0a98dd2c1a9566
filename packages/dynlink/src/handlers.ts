import type { FaasletHost } from '@faasm/abi';
import { DlError } from './linker.js';
import { MAIN_HANDLE } from './layout.js';
import { linkerOf } from './state.js';

/**
 * `void *dlopen(const char *filename, int flags)`: NULL → the main module's handle;
 * else loads the side module at `filename` (through the Faaslet's filesystem sandbox,
 * relative paths from `.`), with the libraries its dylink.0 section needs, into the
 * guest's memory and table, runs its data relocations and constructors, and returns its
 * handle (the same handle when it is already loaded). RTLD_NOLOAD only looks. Returns 0
 * on failure, with the reason for dlerror.
 */
export function dlopen(host: FaasletHost, filenamePtr: number, flags: number): number {
  const linker = linkerOf(host);
  if (filenamePtr === 0) return MAIN_HANDLE;
  const path = host.memory.cstring(filenamePtr);
  try {
    if (path === '') throw new DlError('dlopen: empty file name');
    return linker.open(path, flags)?.handle ?? 0;
  } catch (e) {
    if (!(e instanceof DlError)) throw e;
    linker.fail(e.message);
    return 0;
  }
}

/**
 * `void *dlsym(void *handle, const char *symbol)`: a function's table index (its function
 * pointer; added to the table on first use) or a data symbol's address. The main handle
 * and RTLD_DEFAULT search the main module, then global side modules; a side module's
 * handle searches it and its dependencies. Returns 0 when not found, with the reason for
 * dlerror; RTLD_NEXT is not supported (0 and an error).
 */
export function dlsym(host: FaasletHost, handle: number, symbolPtr: number): number {
  const linker = linkerOf(host);
  const name = host.memory.cstring(symbolPtr);
  try {
    return linker.symbol(handle | 0, name);
  } catch (e) {
    if (!(e instanceof DlError)) throw e;
    linker.fail(e.message);
    return 0;
  }
}

/**
 * `int dlclose(void *handle)`: 0 for a valid handle, else non-zero with the reason for
 * dlerror. As in musl, modules stay loaded (their functions may still be referenced).
 */
export function dlclose(host: FaasletHost, handle: number): number {
  const linker = linkerOf(host);
  if (linker.isHandle(handle | 0)) return 0;
  linker.fail(`dlclose: invalid handle 0x${(handle >>> 0).toString(16)}`);
  return 1;
}

/**
 * `char *dlerror(void)`: the last dlopen/dlsym/dlclose error as a NUL-terminated string
 * in guest memory (a buffer the host allocates with the guest's malloc and reuses), then
 * cleared: NULL when nothing failed since the last call.
 */
export function dlerror(host: FaasletHost): number {
  return linkerOf(host).takeError();
}
