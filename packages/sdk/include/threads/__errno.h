/*
 * Overlay of wasi-libc's <__errno.h> for the thread kit (faasm cc --threads).
 * Debian's wasi-libc header declares errno _Thread_local while the library defines
 * a plain global, so any -matomics program touching errno fails to link
 * (R_WASM_MEMORY_ADDR_TLS_SLEB against a non-TLS symbol). Declaring it as the library
 * defines it links; errno is then shared by all threads (see THREADS.md).
 */
#ifndef __wasilibc___errno_h
#define __wasilibc___errno_h

#ifdef __cplusplus
extern "C" {
#endif

extern int errno;

#define errno errno

#ifdef __cplusplus
}
#endif

#endif
