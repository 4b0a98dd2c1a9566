/**
 * dlfcn constants as musl (and so wasi-libc, and the SDK's dlfcn.h) defines them.
 * `RTLD_DEFAULT` is `(void *)0`, `RTLD_NEXT` `(void *)-1`.
 */
export const RTLD = {
  LAZY: 1,
  NOW: 2,
  NOLOAD: 4,
  GLOBAL: 0x100,
  LOCAL: 0,
  NODELETE: 0x1000,
  DEFAULT: 0,
  NEXT: -1,
} as const;

/** `dlopen(NULL, …)`: the handle of the main module. Side modules get 2, 3, … */
export const MAIN_HANDLE = 1;
