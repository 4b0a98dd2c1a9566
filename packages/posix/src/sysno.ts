/**
 * Linux syscall numbers as Faasm's old sysroot issues them: musl's
 * `arch/i386/bits/syscall.h.in`. Chosen because Faasm's own notes use that numbering
 * (its `s__mmap` comment: "syscall 192 is mmap2", the i386 number; musl's wasm32 port
 * inherited i386's table, and `_llseek`, `fstat64`, `fcntl64` and `socketcall`, which
 * Faasm's handlers are named after, exist only on 32-bit x86-style tables).
 */
export const Sysno = {
  exit: 1, fork: 2, read: 3, write: 4, open: 5, close: 6, waitpid: 7, unlink: 10, execve: 11,
  chdir: 12, time: 13, chmod: 15, lseek: 19, getpid: 20, getuid: 24, access: 33, kill: 37,
  rename: 38, mkdir: 39, rmdir: 40, dup: 41, pipe: 42, getgid: 47, geteuid: 49, getegid: 50,
  ioctl: 54, fcntl: 55, umask: 60, dup2: 63, getppid: 64, sigaction: 67, getrlimit: 76,
  getrusage: 77, gettimeofday: 78, readlink: 85, mmap: 90, munmap: 91, getpriority: 96,
  setpriority: 97, socketcall: 102, wait4: 114, uname: 122, mprotect: 125, fchdir: 133,
  _llseek: 140, getdents: 141, msync: 144, readv: 145, writev: 146, sched_yield: 158,
  nanosleep: 162, getresuid: 165, poll: 168, getresgid: 171, rt_sigaction: 174,
  rt_sigprocmask: 175, getcwd: 183, sendfile: 187, vfork: 190, ugetrlimit: 191, mmap2: 192,
  stat64: 195, lstat64: 196, fstat64: 197, getuid32: 199, getgid32: 200, geteuid32: 201,
  getegid32: 202, getresuid32: 209, getresgid32: 211, madvise: 219, getdents64: 220,
  fcntl64: 221, gettid: 224, tkill: 238, futex: 240, sched_getaffinity: 242, exit_group: 252,
  clock_gettime: 265, tgkill: 270, openat: 295, mkdirat: 296, unlinkat: 301, pipe2: 331,
  prlimit64: 340, getrandom: 355, memfd_create: 356, socket: 359, bind: 361, connect: 362,
  listen: 363, accept4: 364, getsockopt: 365, setsockopt: 366, getsockname: 367, sendto: 369,
  recvfrom: 371, shutdown: 373, membarrier: 375, clock_gettime64: 403,
} as const;

/** socketcall's call numbers (Linux `SYS_SOCKET`... = the seed's SocketCalls, from 1). */
export const SocketCall = {
  SOCKET: 1, BIND: 2, CONNECT: 3, LISTEN: 4, ACCEPT: 5, GETSOCKNAME: 6, GETPEERNAME: 7,
  SOCKETPAIR: 8, SEND: 9, RECV: 10, SENDTO: 11, RECVFROM: 12, SHUTDOWN: 13, SETSOCKOPT: 14,
  GETSOCKOPT: 15, SENDMSG: 16, RECVMSG: 17, ACCEPT4: 18,
} as const;
