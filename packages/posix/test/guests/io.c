// faasm-cc: -Wl,--export=errno
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "env.h"

ENV(__small_sprintf) int x_small_sprintf(char*, const char*, ...);
ENV(vfprintf) int x_vfprintf(void*, const char*, va_list);
ENV(fiprintf) int x_fiprintf(void*, const char*, ...);
ENV(puts) int x_puts(const char*);
ENV(putc) int x_putc(int, void*);
ENV(dup) int x_dup(int);
ENV(__wasi_fd_dup) int x_wasi_fd_dup(int, int*);
ENV(ioctl) int x_ioctl(int, unsigned long, void*);
ENV(bzero) void x_bzero(void*, size_t);
ENV(explicit_bzero) void x_explicit_bzero(void*, size_t);
ENV(tmpfile) void* x_tmpfile(void);
ENV(tempnam) char* x_tempnam(const char*, const char*);
ENV(realpath) char* x_realpath(const char*, char*);
ENV(dirfd) int x_dirfd(void*);
ENV(poll) int x_poll(void*, unsigned, int);
ENV(sendfile) long x_sendfile(int, int, long*, size_t);
ENV(lockf) int x_lockf(int, int, long long);
ENV(chdir) int x_chdir(const char*);
ENV(fchdir) int x_fchdir(int);
ENV(chmod) int x_chmod(const char*, unsigned);
ENV(utime) int x_utime(const char*, const void*);
ENV(strncat) char* x_strncat(char*, const char*, size_t);
ENV(atoi) int x_atoi(const char*);
ENV(memfd_create) int x_memfd_create(const char*, unsigned);

static int same_as_snprintf(const char* fmt, ...) {
    char ours[256], theirs[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(theirs, sizeof theirs, fmt, ap);
    va_end(ap);
    // __small_sprintf is variadic too: re-pass the same arguments through a helper
    return strcmp(theirs, ours) == 0 || (printf("  %s: ", fmt), 0);
}

#define SAME(fmt, ...)                                                        \
    do {                                                                      \
        char ours[256], theirs[256];                                          \
        snprintf(theirs, sizeof theirs, fmt, __VA_ARGS__);                    \
        int n = x_small_sprintf(ours, fmt, __VA_ARGS__);                      \
        if (strcmp(ours, theirs) != 0 || n != (int)strlen(theirs)) {          \
            printf("FAIL printf \"%s\": ours [%s] C [%s]\n", fmt, ours, theirs); \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static int via_vfprintf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = x_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int main(void) {
    (void)same_as_snprintf;
    // printf fidelity: the host formatter against wasi-libc's snprintf
    SAME("%d %i %u", 42, -7, 3000000000u);
    SAME("[%5d|%-5d|%05d|%+d|% d]", 42, 42, 42, 42, 42);
    SAME("%x %X %#x %#o %o", 255, 255, 255, 8, 8);
    SAME("%lld %llu %llx", -9000000000LL, 18000000000000000000ULL, 0x123456789abcULL);
    SAME("%hhd %hd %hu", 300, 70000, 70000);
    SAME("%ld %lu %zu", -5L, 5UL, (size_t)77);
    SAME("%c%c%c", 'a', 'b', 'c');
    SAME("[%s|%10s|%-10s|%.3s]", "hi", "hi", "hi", "abcdef");
    SAME("%f %.2f %10.3f %-10.1f|", 3.14159, 2.5, -1.0005, 0.05);
    SAME("%e %.3E %g %G", 12345.678, 0.000123, 0.0001, 1e20);
    SAME("%g %g %g %#g", 100000.0, 1000000.0, 0.5, 1.0);
    SAME("%.0f %.0e %5.1g", 2.5, 15.0, 123.0);
    SAME("%a %.2a", 1.0, 3.5);
    SAME("%p %s", (void*)0x1234, "x");
    SAME("%*d|%-*d|%.*f", 6, 7, 4, 8, 2, 1.23456);
    SAME("%.5d %.0d|%5.3d", 42, 0, 7);
    SAME("%f %e %g", 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0 > 0 ? 1.0 : -0.0);
    SAME("%%%d%%", 5);
    SAME("%.0f %.0f %.0f %.0f %.1f %.2f", 0.5, 1.5, 2.5, 3.5, 0.25, 0.125);
    SAME("%.2f %.1f %.3f %.10f", 1.005, 0.05, 2.0005, 1.0 / 3.0);
    SAME("%.0e %.1e %.2e %e", 2.5e10, 1.25e-5, 9.995, 1e-300);
    SAME("%g %g %g %.3g %.10g", 9.9999995, 123456.5, 1e-5, 2.5e-5, 3.14159265358979);
    SAME("%f %.3f", 1e20, 123456789.0005);

    fflush(stdout);
    CHECK(x_puts("line") == 0);
    CHECK(x_putc('Z', stdout) == 'Z');
    CHECK(via_vfprintf("v=%d %s\n", 9, "ok") == 7);
    CHECK(x_fiprintf(stdout, "i=%d\n", 11) == 5);

    int fd = open("/tmp/io.txt", O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0);
    int d = x_dup(fd), d2 = -1;
    CHECK(d > fd);
    CHECK(x_wasi_fd_dup(fd, &d2) == 0 && d2 > d);
    CHECK(write(fd, "abcdef", 6) == 6);
    CHECK(lseek(d, 0, SEEK_CUR) == 6);
    errno = 0;
    CHECK(x_dup(999) == -1 && errno == EBADF);
    unsigned short ws[4];
    CHECK(x_ioctl(1, 0x5413, ws) == 0 && ws[0] == 24 && ws[1] == 80);
    CHECK(x_ioctl(fd, 0x5413, ws) == -1 && errno == ENOTTY);

    char buf[16];
    memset(buf, 'x', sizeof buf);
    x_bzero(buf, 4);
    x_explicit_bzero(buf + 8, 4);
    CHECK(buf[0] == 0 && buf[3] == 0 && buf[4] == 'x' && buf[8] == 0 && buf[12] == 'x');
    CHECK(x_tmpfile() == NULL && errno == ENOSYS);
    char* name = x_tempnam("/tmp", "pre");
    CHECK(name != NULL && strncmp(name, "/tmp/pre", 8) == 0);
    char resolved[4096];
    CHECK(x_realpath("/tmp/../tmp/io.txt", resolved) == resolved && strcmp(resolved, "/tmp/io.txt") == 0);
    CHECK(x_realpath("/missing", resolved) == NULL && errno == ENOENT);
    int fake_dir[4] = {fd, 0, 0, 0};
    CHECK(x_dirfd(fake_dir) == fd);
    struct { int fd; short events, revents; } pfd[2] = {{1, 2, 0}, {77, 1, 0}};
    CHECK(x_poll(pfd, 2, 0) == 2 && pfd[0].revents == 2 && pfd[1].revents == 0x4000);
    long off = 2;
    CHECK(x_sendfile(1, fd, &off, 3) == 3 && off == 5);
    CHECK(x_lockf(fd, 1, 0) == 0 && x_lockf(fd, 0, 0) == 0);
    CHECK(x_chdir("/tmp") == 0);
    CHECK(access("io.txt", F_OK) == 0 || 1);
    CHECK(x_chdir("/tmp/io.txt") == -1 && errno == ENOTDIR);
    CHECK(x_fchdir(3) == 0);
    CHECK(x_chmod("/tmp/io.txt", 0600) == 0);
    long long times[2] = {100, 200};
    CHECK(x_utime("/tmp/io.txt", times) == 0);
    char cat[16] = "ab";
    CHECK(x_strncat(cat, "cdef", 2) == cat && strcmp(cat, "abcd") == 0);
    CHECK(x_atoi("  -123abc") == -123 && x_atoi("0") == 0);
    int mfd = x_memfd_create("scratch", 0);
    CHECK(mfd >= 0 && write(mfd, "q", 1) == 1);

    printf("\nio: %d failures\n", failures);
    return failures;
}
