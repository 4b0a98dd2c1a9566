import { Errno, GuestTrap, ProcExit, isControlFlow, type FaasletHost } from '@faasm/abi';
import { Identity, SIG_DFL, SIG_ERR, SIG_IGN, SigHow, Signal } from './constants.js';
import { posixOf } from './state.js';

// Processes: a Faaslet is one sandboxed process with no children and no shell. Calls
// that would create processes fail with the errno a sandbox gives (ENOSYS), calls about
// children see none (ECHILD); nothing here touches a host process or signal.

/** `pid_t fork(void)`: -1/ENOSYS (a Faaslet cannot create processes). */
export function fork(host: FaasletHost): number {
  return posixOf(host).fail(Errno.NOSYS);
}
/** `int execve(const char* path, char* const argv[], char* const envp[])`: -1/ENOSYS. */
export function execve(host: FaasletHost, path: number, _argv: number, _envp: number): number {
  host.log.debug(`execve(${JSON.stringify(host.memory.cstring(path, 4096))}) denied in a Faaslet`);
  return posixOf(host).fail(Errno.NOSYS);
}
/** `int execv(const char* path, char* const argv[])`: -1/ENOSYS. */
export function execv(host: FaasletHost, path: number, argv: number): number {
  return execve(host, path, argv, 0);
}
/** `int system(const char* cmd)`: NULL → 0 (no shell available); else -1/ENOSYS. */
export function system(host: FaasletHost, cmd: number): number {
  if (cmd === 0) return 0;
  host.log.debug(`system(${JSON.stringify(host.memory.cstring(cmd, 4096))}) denied in a Faaslet`);
  return posixOf(host).fail(Errno.NOSYS);
}
/** `FILE* popen(const char* cmd, const char* mode)`: NULL/ENOSYS. */
export function popen(host: FaasletHost, cmd: number, mode: number): number {
  host.memory.cstring(cmd, 4096);
  host.memory.cstring(mode, 16);
  posixOf(host).fail(Errno.NOSYS);
  return 0;
}
/** `int pclose(FILE* f)`: -1/ECHILD (popen never succeeds). */
export function pclose(host: FaasletHost, _file: number): number {
  return posixOf(host).fail(Errno.CHILD);
}
/** `pid_t waitpid(pid_t pid, int* status, int options)`: -1/ECHILD (no children). */
export function waitpid(host: FaasletHost, _pid: number, _status: number, _options: number): number {
  return posixOf(host).fail(Errno.CHILD);
}
/** `pid_t wait(int* status)`: -1/ECHILD (no children). */
export function wait(host: FaasletHost, _status: number): number {
  return posixOf(host).fail(Errno.CHILD);
}
/** `int pipe(int fds[2])`: -1/ENOSYS (no pipes between Faaslet fds); the array is checked. */
export function pipe(host: FaasletHost, fds: number): number {
  host.memory.check(fds, 8);
  return posixOf(host).fail(Errno.NOSYS);
}
/** `int openpty(int* amaster, int* aslave, char* name, const struct termios*, const struct winsize*)`: -1/ENOSYS. */
export function openpty(host: FaasletHost, _m: number, _s: number, _n: number, _t: number, _w: number): number {
  return posixOf(host).fail(Errno.NOSYS);
}
/** `pid_t forkpty(int* amaster, char* name, const struct termios*, const struct winsize*)`: -1/ENOSYS. */
export function forkpty(host: FaasletHost, _m: number, _n: number, _t: number, _w: number): number {
  return posixOf(host).fail(Errno.NOSYS);
}

/** `void exit(int code)`: ends the call with `code` (ProcExit). */
export function exit(_host: FaasletHost, code: number): void {
  throw new ProcExit(code);
}
/** `void _Exit(int code)`: ends the call with `code`, like exit. */
export function exitNow(_host: FaasletHost, code: number): void {
  throw new ProcExit(code);
}
/** `void abort(void)`: ends the call with a trap ("abort() called"; the runtime returns 1). */
export function abort(_host: FaasletHost): void {
  throw new GuestTrap('abort', 'abort() called');
}

/** Signals whose default action is to ignore them (POSIX signal.h table). */
const IGNORED_BY_DEFAULT = new Set<number>([Signal.CHLD, Signal.CONT, 23 /* URG */, 28 /* WINCH */]);

function validSignal(sig: number): boolean {
  return sig >= 1 && sig < Signal.NSIG;
}

/**
 * Delivers `sig` to the Faaslet itself: a recorded handler is called through the
 * function table; SIG_IGN and default-ignored signals do nothing; otherwise the default
 * action terminates the call with a trap naming the signal.
 */
function deliver(host: FaasletHost, name: string, sig: number): number {
  const state = posixOf(host);
  const action = state.signals.get(sig);
  const handler = action?.handler ?? SIG_DFL;
  if (handler === SIG_IGN) return 0;
  if (handler === SIG_DFL) {
    if (IGNORED_BY_DEFAULT.has(sig)) return 0;
    throw new GuestTrap(name, `terminated by signal ${sig}`);
  }
  if ((state.blocked & (1n << BigInt(sig - 1))) !== 0n) return 0;
  try {
    host.exports.callIndirect(handler, sig);
  } catch (error) {
    if (isControlFlow(error) || error instanceof WebAssembly.RuntimeError) throw error;
    throw new GuestTrap(name, `signal ${sig}: handler ${handler >>> 0} cannot be called: ${(error as Error).message}`);
  }
  return 0;
}

/** `int raise(int sig)`: delivers sig to the Faaslet (handler, ignore, or the default action); bad sig → -1/EINVAL. */
export function raise(host: FaasletHost, sig: number): number {
  if (!validSignal(sig)) return posixOf(host).fail(Errno.INVAL);
  return deliver(host, 'raise', sig);
}

/** `int kill(pid_t pid, int sig)`: only the Faaslet itself (pid 23, 0 or -1) exists; sig 0 probes; other pids → -1/ESRCH. */
export function kill(host: FaasletHost, pid: number, sig: number): number {
  const state = posixOf(host);
  if (sig !== 0 && !validSignal(sig)) return state.fail(Errno.INVAL);
  if (pid !== Identity.PID && pid !== 0 && pid !== -1) return state.fail(Errno.SRCH);
  return sig === 0 ? 0 : deliver(host, 'kill', sig);
}

/** `sighandler_t signal(int sig, sighandler_t handler)`: records the handler per Faaslet, returns the previous one; KILL/STOP/bad → SIG_ERR/EINVAL. */
export function signal(host: FaasletHost, sig: number, handler: number): number {
  const state = posixOf(host);
  if (!validSignal(sig) || sig === Signal.KILL || sig === Signal.STOP) {
    state.fail(Errno.INVAL);
    return SIG_ERR;
  }
  const old = state.signals.get(sig);
  state.signals.set(sig, { handler, flags: old?.flags ?? 0, mask: old?.mask ?? 0n });
  return old?.handler ?? SIG_DFL;
}

/**
 * rt_sigaction(sig, const struct k_sigaction* act, struct k_sigaction* old, size_t n):
 * the kernel layout `{ handler; u32 flags; restorer; u64 mask }` (20 bytes). Recorded per
 * Faaslet. Returns 0 or -errno (syscall convention).
 */
export function rtSigaction(host: FaasletHost, sig: number, act: number, old: number): number {
  const state = posixOf(host);
  if (!validSignal(sig)) return -Errno.INVAL;
  const previous = state.signals.get(sig) ?? { handler: SIG_DFL, flags: 0, mask: 0n };
  if (act !== 0) {
    const next = { handler: host.memory.u32(act), flags: host.memory.u32(act + 4), mask: host.memory.u64(act + 12) };
    if (sig === Signal.KILL || sig === Signal.STOP) return -Errno.INVAL;
    state.signals.set(sig, next);
  }
  if (old !== 0) {
    host.memory.setU32(old, previous.handler);
    host.memory.setU32(old + 4, previous.flags);
    host.memory.setU32(old + 8, 0);
    host.memory.setU64(old + 12, previous.mask);
  }
  return 0;
}

/** rt_sigprocmask(how, const sigset_t* set, sigset_t* old, size_t n): the recorded mask (u64). 0 or -errno. */
export function rtSigprocmask(host: FaasletHost, how: number, set: number, old: number): number {
  const state = posixOf(host);
  const previous = state.blocked;
  if (set !== 0) {
    const bits = host.memory.u64(set) & ~((1n << BigInt(Signal.KILL - 1)) | (1n << BigInt(Signal.STOP - 1)));
    if (how === SigHow.BLOCK) state.blocked |= bits;
    else if (how === SigHow.UNBLOCK) state.blocked &= ~bits;
    else if (how === SigHow.SETMASK) state.blocked = bits;
    else return -Errno.INVAL;
  }
  if (old !== 0) host.memory.setU64(old, previous);
  return 0;
}
