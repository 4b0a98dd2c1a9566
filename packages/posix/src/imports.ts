import { GuestTrap, fn, importTable, type FaasletHost, type HostFunction } from '@faasm/abi';
import { MemoryLimitExceeded } from '@faasm/memory';
import * as id from './identity.js';
import * as inet from './inet.js';
import * as io from './io.js';
import { memfdCreate } from './memfd.js';
import * as misc from './misc.js';
import * as proc from './process.js';
import * as net from './sockets.js';
import { syscallArray, syscallN } from './syscalls.js';

const I = 'i32' as const;

/** The rows, by import name (wrapped below). */
const rows: Record<string, HostFunction<FaasletHost>> = {
    // identity and system
    getpid: fn([], I, id.getpid),
    getppid: fn([], I, id.getppid),
    getuid: fn([], I, id.getuid),
    geteuid: fn([], I, id.getuid),
    getgid: fn([], I, id.getgid),
    getegid: fn([], I, id.getgid),
    getresuid: fn([I, I, I], I, id.getresuid),
    getresgid: fn([I, I, I], I, id.getresgid),
    setgroups: fn([I, I], I, id.setgroups),
    getpwnam: fn([I], I, id.getpwnam),
    getpwuid: fn([I], I, id.getpwuid),
    getgrnam: fn([I], I, id.getgrnam),
    getgrgid: fn([I], I, id.getgrgid),
    getgrent: fn([], I, id.getgrent),
    setgrent: fn([], null, id.setgrent),
    endgrent: fn([], null, id.endgrent),
    uname: fn([I], I, id.uname),
    gethostname: fn([I, I], I, id.gethostname),
    sysconf: fn([I], I, id.sysconf),
    confstr: fn([I, I, I], I, id.confstr),
    getrlimit: fn([I, I], I, id.getrlimit),
    setrlimit: fn([I, I], I, id.setrlimit),
    getrusage: fn([I, I], I, id.getrusage),
    getpriority: fn([I, I], I, id.getpriority),
    setpriority: fn([I, I, I], I, id.setpriority),
    umask: fn([I], I, id.umask),
    ttyname: fn([I], I, id.ttyname),
    // process
    fork: fn([], I, proc.fork),
    execve: fn([I, I, I], I, proc.execve),
    execv: fn([I, I], I, proc.execv),
    system: fn([I], I, proc.system),
    popen: fn([I, I], I, proc.popen),
    pclose: fn([I], I, proc.pclose),
    waitpid: fn([I, I, I], I, proc.waitpid),
    wait: fn([I], I, proc.wait),
    kill: fn([I, I], I, proc.kill),
    raise: fn([I], I, proc.raise),
    pipe: fn([I], I, proc.pipe),
    openpty: fn([I, I, I, I, I], I, proc.openpty),
    forkpty: fn([I, I, I, I], I, proc.forkpty),
    exit: fn([I], null, proc.exit),
    _Exit: fn([I], null, proc.exitNow),
    abort: fn([], null, proc.abort),
    signal: fn([I, I], I, proc.signal),
    // io extras
    dup: fn([I], I, io.dup),
    __wasi_fd_dup: fn([I, I], I, io.wasiFdDup),
    ioctl: fn([I, I, I], I, io.ioctl),
    puts: fn([I], I, io.puts),
    putc: fn([I, I], I, io.putc),
    vfprintf: fn([I, I, I], I, io.vfprintf),
    fiprintf: fn([I, I, I], I, io.fiprintf),
    __small_sprintf: fn([I, I, I], I, io.smallSprintf),
    bzero: fn([I, I], null, io.bzero),
    explicit_bzero: fn([I, I], null, io.bzero),
    tmpfile: fn([], I, io.tmpfile),
    tempnam: fn([I, I], I, io.tempnam),
    realpath: fn([I, I], I, io.realpath),
    dirfd: fn([I], I, io.dirfd),
    poll: fn([I, I, I], I, io.poll),
    sendfile: fn([I, I, I, I], I, io.sendfile),
    lockf: fn([I, I, 'i64'], I, io.lockf),
    chdir: fn([I], I, io.chdir),
    fchdir: fn([I], I, io.fchdir),
    chmod: fn([I, I], I, io.chmod),
    utime: fn([I, I], I, io.utime),
    strncat: fn([I, I, I], I, io.strncat),
    atoi: fn([I], I, io.atoi),
    memfd_create: fn([I, I], I, memfdCreate),
    // network
    socket: fn([I, I, I], I, net.socket),
    bind: fn([I, I, I], I, net.bind),
    listen: fn([I, I], I, net.listen),
    accept: fn([I, I, I], I, net.accept),
    connect: fn([I, I, I], I, net.connect),
    send: fn([I, I, I, I], I, net.send),
    recv: fn([I, I, I, I], I, net.recv),
    sendto: fn([I, I, I, I, I, I], I, net.sendto),
    recvfrom: fn([I, I, I, I, I, I], I, net.recvfrom),
    getsockopt: fn([I, I, I, I, I], I, net.getsockopt),
    setsockopt: fn([I, I, I, I, I], I, net.setsockopt),
    getsockname: fn([I, I, I], I, net.getsockname),
    shutdown: fn([I, I], I, net.shutdown),
    gethostbyname: fn([I], I, inet.gethostbyname),
    gethostbyaddr: fn([I, I, I], I, inet.gethostbyaddr),
    getprotobyname: fn([I], I, inet.getprotobyname),
    getservbyname: fn([I, I], I, inet.getservbyname),
    getservbyport: fn([I, I], I, inet.getservbyport),
    inet_addr: fn([I], I, inet.inetAddr),
    inet_aton: fn([I, I], I, inet.inetAton),
    inet_ntoa: fn([I], I, inet.inetNtoa),
    inet_ntop: fn([I, I, I, I], I, inet.inetNtop),
    inet_pton: fn([I, I, I], I, inet.inetPton),
    htonl: fn([I], I, inet.htonl),
    ntohl: fn([I], I, inet.htonl),
    htons: fn([I], I, inet.htons),
    ntohs: fn([I], I, inet.htons),
    // gettext, C++ shims, setjmp, errno
    gettext: fn([I], I, misc.gettext),
    dgettext: fn([I, I], I, misc.dgettext),
    dcgettext: fn([I, I, I], I, misc.dcgettext),
    textdomain: fn([I], I, misc.textdomain),
    bindtextdomain: fn([I, I], I, misc.bindtextdomain),
    __cxa_allocate_exception: fn([I], I, misc.cxaAllocateException),
    __cxa_throw: fn([I, I, I], null, misc.cxaThrow),
    __cxa_begin_catch: fn([I], I, misc.cxaBeginCatch),
    _Unwind_RaiseException: fn([I], I, misc.unwindRaiseException),
    _Unwind_DeleteException: fn([I], null, misc.unwindDeleteException),
    setjmp: fn([I], I, misc.setjmp),
    longjmp: fn([I, I], null, misc.longjmp),
    __errno_location: fn([], I, misc.errnoLocation),
    __h_errno_location: fn([], I, misc.hErrnoLocation),
    // syscall dispatch (musl i386 numbers, see sysno.ts)
    syscall: fn([I, I], I, syscallArray),
    __syscall: fn([I, I], I, syscallArray),
    __syscall0: fn([I], I, (h, n) => syscallN(h, n)),
    __syscall1: fn([I, I], I, (h, n, a) => syscallN(h, n, a)),
    __syscall2: fn([I, I, I], I, (h, n, a, b) => syscallN(h, n, a, b)),
    __syscall3: fn([I, I, I, I], I, (h, n, a, b, c) => syscallN(h, n, a, b, c)),
    __syscall4: fn([I, I, I, I, I], I, (h, n, a, b, c, d) => syscallN(h, n, a, b, c, d)),
    __syscall5: fn([I, I, I, I, I, I], I, (h, n, a, b, c, d, e) => syscallN(h, n, a, b, c, d, e)),
    __syscall6: fn([I, I, I, I, I, I, I], I, (h, n, a, b, c, d, e, f) => syscallN(h, n, a, b, c, d, e, f)),
    __syscall7: fn([I, I, I, I, I, I, I, I], I, (h, n, a, b, c, d, e, f, g) => syscallN(h, n, a, b, c, d, e, f, g)),
    __syscall_cp: fn([I, I, I, I, I, I, I], I, (h, n, a, b, c, d, e, f) => syscallN(h, n, a, b, c, d, e, f)),
};

/**
 * Handlers that take guest memory from the heap (the static page on first use, large
 * exception objects) can hit the Faaslet's memory limit: that is Faasm's "Memory growth
 * exceeding max" trap, named after the import, not a host error.
 */
function limitTrap(name: string, row: HostFunction<FaasletHost>): HostFunction<FaasletHost> {
  const inner = row.handler as (host: FaasletHost, ...args: unknown[]) => unknown;
  const handler = (host: FaasletHost, ...args: unknown[]): unknown => {
    try {
      return inner(host, ...args);
    } catch (error) {
      if (error instanceof MemoryLimitExceeded) throw new GuestTrap(name, error.message, { cause: error });
      throw error;
    }
  };
  return { ...row, handler: handler as HostFunction<FaasletHost>['handler'] };
}

/** @faasm/posix's imports: the `posix` rows of spec/imports.tsv (120). */
export const table = importTable<FaasletHost>('@faasm/posix', {
  env: Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, limitTrap(name, row)])),
});
