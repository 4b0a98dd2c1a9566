/* dlfcn.h for Faasm guests (Debian's wasi-libc has none): musl's interface, provided by
 * the host (@faasm/dynlink: env.dlopen, env.dlsym, env.dlclose, env.dlerror). Side
 * modules are built with `faasm cc --side-module`. */
#ifndef _DLFCN_H
#define _DLFCN_H

#ifdef __cplusplus
extern "C" {
#endif

#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_NOLOAD 4
#define RTLD_NODELETE 4096
#define RTLD_GLOBAL 256
#define RTLD_LOCAL 0

#define RTLD_NEXT ((void *)-1)
#define RTLD_DEFAULT ((void *)0)

int dlclose(void *);
char *dlerror(void);
void *dlopen(const char *, int);
void *dlsym(void *__restrict, const char *__restrict);

#ifdef __cplusplus
}
#endif

#endif
