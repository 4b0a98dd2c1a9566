// faasm-cc: -Wl,--export=errno
#include <stdio.h>
#include <string.h>
#include "env.h"

ENV(syscall) long x_syscall(long, ...);
ENV(__syscall) long x___syscall(long, long*);
ENV(__syscall0) long x_syscall0(long);
ENV(__syscall1) long x_syscall1(long, long);
ENV(__syscall2) long x_syscall2(long, long, long);
ENV(__syscall3) long x_syscall3(long, long, long, long);
ENV(__syscall5) long x_syscall5(long, long, long, long, long, long);
ENV(__syscall6) long x_syscall6(long, long, long, long, long, long, long);
ENV(__syscall_cp) long x_syscall_cp(long, long, long, long, long, long, long);

// musl i386 numbers (packages/posix/src/sysno.ts)
enum { SYS_read = 3, SYS_write = 4, SYS_open = 5, SYS_close = 6, SYS_getpid = 20, SYS_mkdir = 39,
       SYS_llseek = 140, SYS_mmap2 = 192, SYS_munmap = 91, SYS_stat64 = 195, SYS_fstat64 = 197,
       SYS_getdents64 = 220, SYS_clock_gettime = 265, SYS_getrandom = 355, SYS_gettid = 224 };

int main(void) {
    CHECK(x_syscall0(SYS_getpid) == 23);
    CHECK(x_syscall(SYS_getpid) == 23);
    long args[1] = {0};
    CHECK(x___syscall(SYS_gettid, args) == 66);
    CHECK(x_syscall2(SYS_mkdir, (long)"/tmp/sc", 0755) == 0);
    long fd = x_syscall3(SYS_open, (long)"/tmp/sc/f", 02 | 0100, 0644);
    CHECK(fd >= 5);
    CHECK(x_syscall_cp(SYS_write, fd, (long)"syscalls!", 9, 0, 0, 0) == 9);
    long long pos = -1;
    CHECK(x_syscall5(SYS_llseek, fd, 0, 0, (long)&pos, 0) == 0 && pos == 0);
    char buf[16] = {0};
    CHECK(x_syscall3(SYS_read, fd, (long)buf, 8) == 8 && strcmp(buf, "syscalls") == 0);
    unsigned char st[144];
    CHECK(x_syscall2(SYS_fstat64, fd, (long)st) == 0 && *(long long*)(st + 48) == 9);
    CHECK(x_syscall1(SYS_close, fd) == 0);
    CHECK(x_syscall1(SYS_close, fd) == -8 /* -EBADF (WASI numbering) */);
    CHECK(x_syscall2(SYS_stat64, (long)"/tmp/sc/f", (long)st) == 0);
    long dir = x_syscall3(SYS_open, (long)"/tmp/sc", 0200000, 0);
    char dents[512];
    long n = x_syscall3(SYS_getdents64, dir, (long)dents, sizeof dents);
    int found = 0;
    for (long at = 0; at < n; at += *(unsigned short*)(dents + at + 16)) found |= strcmp(dents + at + 19, "f") == 0;
    CHECK(found);
    long p = x_syscall6(SYS_mmap2, 0, 100000, 3, 0x22, -1, 0);
    CHECK(p > 0 && p % 65536 == 0);
    ((char*)p)[99999] = 1;
    CHECK(x_syscall2(SYS_munmap, p, 100000) == 0);
    CHECK(x_syscall6(SYS_mmap2, 0, 100000, 3, 0x22, -1, 0) == p);
    long long ts[2];
    CHECK(x_syscall2(SYS_clock_gettime, 1, (long)ts) == 0);
    unsigned char rnd[32] = {0};
    CHECK(x_syscall3(SYS_getrandom, (long)rnd, sizeof rnd, 0) == 32);
    CHECK(x_syscall1(4242, 0) == -52 /* -ENOSYS */);
    printf("syscalls: %d failures\n", failures);
    return failures;
}
