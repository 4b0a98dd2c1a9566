// Tiny assertion kit for the wasi test guests: every failure prints one FAIL line,
// the guest ends with "checks N fails M".
#pragma once
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <wasi/api.h>

static int checks = 0, fails = 0;
#define EQ(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); checks++; \
  if (g_ != w_) { fails++; printf("FAIL %s:%d: %s = %lld, want %lld\n", __func__, __LINE__, #got, g_, w_); } } while (0)
#define STREQ(got, want) do { checks++; if (strcmp((got), (want)) != 0) { fails++; \
  printf("FAIL %s:%d: %s = \"%s\", want \"%s\"\n", __func__, __LINE__, #got, (got), (want)); } } while (0)
#define DONE() do { printf("checks %d fails %d\n", checks, fails); return fails ? 1 : 0; } while (0)

#define ALL_RIGHTS ((__wasi_rights_t)((1u << 30) - 1))
#define ROOT 3

// Raw imports, for arguments wasi-libc's wrappers cannot express (explicit lengths, NULs).
#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
RAW(path_open) int32_t raw_path_open(int32_t, int32_t, const char *, int32_t, int32_t, int64_t, int64_t, int32_t, int32_t *);
RAW(path_create_directory) int32_t raw_mkdir(int32_t, const char *, int32_t);

static __wasi_fd_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights, __wasi_fdflags_t fdflags, __wasi_errno_t *err) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  *err = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, rights, fdflags, &fd);
  return fd;
}

static __wasi_errno_t write_str(__wasi_fd_t fd, const char *s, __wasi_size_t *n) {
  __wasi_ciovec_t iov = { (const uint8_t *)s, strlen(s) };
  return __wasi_fd_write(fd, &iov, 1, n);
}

static __wasi_errno_t read_buf(__wasi_fd_t fd, char *buf, size_t len, __wasi_size_t *n) {
  __wasi_iovec_t iov = { (uint8_t *)buf, len };
  return __wasi_fd_read(fd, &iov, 1, n);
}
