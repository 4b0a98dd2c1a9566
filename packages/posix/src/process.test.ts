import { Errno, GuestTrap, ProcExit } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { BUF, guest } from './test-harness.js';

describe('process: sandbox errnos, never a crash', () => {
  it('fork/exec/system/popen/pipe/pty: ENOSYS; wait family: ECHILD', async () => {
    const g = await guest();
    const cases: Array<[string, number[], number, number]> = [
      ['fork', [], -1, Errno.NOSYS],
      ['execve', [g.str(BUF, '/bin/sh'), 0, 0], -1, Errno.NOSYS],
      ['execv', [g.str(BUF, '/bin/sh'), 0], -1, Errno.NOSYS],
      ['system', [g.str(BUF, 'ls')], -1, Errno.NOSYS],
      ['pipe', [BUF], -1, Errno.NOSYS],
      ['openpty', [BUF, BUF, 0, 0, 0], -1, Errno.NOSYS],
      ['forkpty', [BUF, 0, 0, 0], -1, Errno.NOSYS],
      ['waitpid', [-1, BUF, 0], -1, Errno.CHILD],
      ['wait', [BUF], -1, Errno.CHILD],
      ['pclose', [BUF], -1, Errno.CHILD],
    ];
    for (const [name, args, ret, errno] of cases) {
      expect([name, g.call(name, ...args)]).toEqual([name, ret]);
      expect([name, g.errno()]).toEqual([name, errno]);
    }
    expect(g.call('system', 0)).toBe(0);
    expect(g.call('popen', g.str(BUF, 'ls'), g.str(BUF + 64, 'r'))).toBe(0);
    expect(g.errno()).toBe(Errno.NOSYS);
  });

  it('exit and _Exit end the call with the code; abort traps', async () => {
    const g = await guest();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ProcExit ? e.code : e;
      }
      return undefined;
    };
    expect(code(() => g.call('exit', 7))).toBe(7);
    expect(code(() => g.call('_Exit', 0))).toBe(0);
    expect(() => g.call('abort')).toThrow(/abort: abort\(\) called/);
  });
});

describe('signals: recorded per Faaslet, no host signal touched', () => {
  it('signal returns the previous handler; KILL/STOP/bad → SIG_ERR', async () => {
    const g = await guest();
    expect(g.call('signal', 2, 1)).toBe(0);
    expect(g.call('signal', 2, 0)).toBe(1);
    expect(g.call('signal', 9, 1)).toBe(-1);
    expect(g.errno()).toBe(Errno.INVAL);
    expect(g.call('signal', 0, 1)).toBe(-1);
    expect(g.call('signal', 65, 1)).toBe(-1);
  });

  it('raise calls a guest handler through the table; SIG_IGN ignores; default terminates', async () => {
    const g = await guest();
    const handler = 2; // table index of the WAT guest's handler (stores the signal at 16)
    g.call('signal', 10, handler);
    expect(g.call('raise', 10)).toBe(0);
    expect(g.host.memory.i32(16)).toBe(10);
    g.call('signal', 12, 1); // SIG_IGN
    g.host.memory.setI32(16, 0);
    expect(g.call('raise', 12)).toBe(0);
    expect(g.host.memory.i32(16)).toBe(0);
    expect(g.call('raise', 17)).toBe(0); // SIGCHLD: ignored by default
    expect(() => g.call('raise', 15)).toThrow(/raise: terminated by signal 15/);
    expect(g.call('raise', 0)).toBe(-1);
    expect(g.errno()).toBe(Errno.INVAL);
  });

  it('kill: only the Faaslet itself; sig 0 probes; others ESRCH', async () => {
    const g = await guest();
    expect(g.call('kill', 23, 0)).toBe(0);
    expect(g.call('kill', 1, 0)).toBe(-1);
    expect(g.errno()).toBe(Errno.SRCH);
    expect(g.call('kill', 23, 99)).toBe(-1);
    expect(g.errno()).toBe(Errno.INVAL);
    expect(() => g.call('kill', 23, 15)).toThrow(GuestTrap);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('rt_sigaction and rt_sigprocmask through the syscall ABI', async () => {
    const g = await guest();
    const m = g.host.memory;
    // struct k_sigaction { handler; flags; restorer; u64 mask } at BUF
    m.setU32(BUF, 1);
    m.setU32(BUF + 4, 0x10000000);
    m.setU64(BUF + 12, 0b110n);
    expect(g.call('__syscall4', 174, 10, BUF, 0, 8)).toBe(0);
    expect(g.call('__syscall4', 174, 10, 0, BUF + 64, 8)).toBe(0);
    expect([m.u32(BUF + 64), m.u32(BUF + 68), m.u64(BUF + 76)]).toEqual([1, 0x10000000, 0b110n]);
    expect(g.call('__syscall4', 174, 9, BUF, 0, 8)).toBe(-Errno.INVAL);
    m.setU64(BUF, 1n << 9n);
    expect(g.call('__syscall4', 175, 0, BUF, 0, 8)).toBe(0);
    expect(g.call('__syscall4', 175, 2, 0, BUF + 8, 8)).toBe(0);
    expect(m.u64(BUF + 8)).toBe(1n << 9n);
    m.setU64(BUF, 1n << 8n); // SIGKILL's bit cannot be blocked
    expect(g.call('__syscall4', 175, 0, BUF, BUF + 8, 8)).toBe(0);
    expect(g.call('__syscall4', 175, 2, 0, BUF + 8, 8)).toBe(0);
    expect(m.u64(BUF + 8)).toBe(1n << 9n);
    expect(g.call('__syscall4', 175, 7, BUF, 0, 8)).toBe(-Errno.INVAL);
    // a blocked signal with a handler is not delivered
    g.call('signal', 10, 2);
    m.setU64(BUF, 1n << 9n);
    g.call('__syscall4', 175, 2, BUF, 0, 8);
    m.setI32(16, 0);
    expect(g.call('raise', 10)).toBe(0);
    expect(m.i32(16)).toBe(0);
  });
});

describe('gettext, C++ shims, setjmp/longjmp, errno cells', () => {
  it('gettext family returns msgid; textdomain/bindtextdomain', async () => {
    const g = await guest();
    const msg = g.str(BUF, 'hello');
    expect(g.call('gettext', msg)).toBe(msg);
    expect(g.call('dgettext', 0, msg)).toBe(msg);
    expect(g.call('dcgettext', 0, msg, 5)).toBe(msg);
    expect(g.host.memory.cstring(g.call('textdomain', 0))).toBe('messages');
    expect(g.host.memory.cstring(g.call('textdomain', g.str(BUF + 64, 'app')))).toBe('app');
    expect(g.host.memory.cstring(g.call('textdomain', 0))).toBe('app');
    const dir = g.str(BUF + 128, '/share/locale');
    expect(g.call('bindtextdomain', g.str(BUF + 64, 'app'), dir)).toBe(dir);
  });

  it('a thrown C++ exception ends the call: "uncaught C++ exception"', async () => {
    const g = await guest();
    const m = g.host.memory;
    const obj = g.call('__cxa_allocate_exception', 16);
    expect(obj).toBeGreaterThan(0);
    expect(g.call('__cxa_allocate_exception', 100000)).toBeGreaterThan(0);
    // std::type_info { vtable; name }
    m.setU32(BUF, 0);
    m.setU32(BUF + 4, g.str(BUF + 32, 'St13runtime_error'));
    expect(() => g.call('__cxa_throw', obj, BUF, 0)).toThrow(/__cxa_throw: uncaught C\+\+ exception of type St13runtime_error/);
    expect(() => g.call('_Unwind_RaiseException', obj)).toThrow(/uncaught C\+\+ exception/);
    expect(g.call('__cxa_begin_catch', obj)).toBe(obj);
    g.call('_Unwind_DeleteException', obj);
  });

  it('setjmp returns 0; longjmp ends the call with a clear error', async () => {
    const g = await guest();
    expect(g.call('setjmp', BUF)).toBe(0);
    expect(() => g.call('longjmp', BUF, 1)).toThrow(/longjmp.*not supported: wasm has no native setjmp/);
  });

  it('__errno_location and __h_errno_location are distinct cells; gethostbyname sets h_errno', async () => {
    const g = await guest();
    const e = g.call('__errno_location');
    const h = g.call('__h_errno_location');
    expect(e).not.toBe(h);
    g.call('sysconf', 12345);
    expect(g.host.memory.i32(e)).toBe(Errno.INVAL);
    expect(g.call('gethostbyname', g.str(BUF, 'no.such.host'))).toBe(0);
    expect(g.host.memory.i32(h)).toBe(1);
  });
});
