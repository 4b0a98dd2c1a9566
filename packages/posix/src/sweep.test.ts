import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GuestTrap, ProcExit, SPEC_IMPORTS } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { NET_BACKEND, Sysno } from './index.js';
import { BUF, BUF2, BUF3, ROWS, guest, type Guest } from './test-harness.js';

const OOB = 0xfffffff0;
const testSource = (file: string) => readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');

describe('completeness: every memory and posix row of imports.tsv', () => {
  const spec = SPEC_IMPORTS.filter((r) => r.package === '@faasm/memory' || r.package === '@faasm/posix');

  it('has 125 rows, each linked as a function with its spec signature', async () => {
    expect(spec.length).toBe(125);
    const g = await guest();
    for (const row of spec) {
      const bound = g.importObject[row.module]?.[row.name];
      expect([row.name, typeof bound]).toEqual([row.name, 'function']);
      const mine = ROWS.find((r) => r.name === row.name)!;
      expect([row.name, mine.params, mine.result]).toEqual([row.name, row.params, row.result]);
    }
  });

  it('each row is listed in its package README', () => {
    const readme = { '@faasm/posix': testSource('../README.md'), '@faasm/memory': testSource('../../memory/README.md') } as Record<string, string>;
    const missing = spec.filter((row) => !readme[row.package]!.includes(`\`${row.name}`) && !/^__syscall\d$/.test(row.name));
    expect(missing.map((r) => r.name)).toEqual([]);
  });

  it('each row has at least one behavioural test', () => {
    const posixTests = ['identity.test.ts', 'process.test.ts', 'io.test.ts', 'net.test.ts', 'syscalls.test.ts', 'guests.test.ts'].map(testSource).join('\n');
    const memoryTest = testSource('../../memory/src/heap.test.ts');
    const untested = spec.filter((row) =>
      row.package === '@faasm/memory' ? !memoryTest.includes(`"env" "${row.name}"`) : !posixTests.includes(`'${row.name}'`),
    );
    expect(untested.map((r) => r.name)).toEqual([]);
  });
});

/**
 * Pointer arguments each import dereferences, with valid values for the other arguments
 * (so the call reaches the pointer). Pointers an import only passes through (gettext's
 * msgid, signal's handler, dirfd of NULL...) or never touches because the call fails
 * first by design (waitpid's status: no children) are listed in NOT_DEREFERENCED.
 */
function pointerCases(g: Guest): Array<[string, () => number[], number[]]> {
  const s = (at: number, text: string) => g.str(at, text);
  const fmt = s(BUF + 512, '%d %s');
  g.host.memory.setI32(BUF2 + 2048, 1);
  g.host.memory.setU32(BUF2 + 2052, s(BUF2 + 2100, 'x'));
  return [
    ['getresuid', () => [BUF, BUF, BUF], [0, 1, 2]],
    ['getresgid', () => [BUF, BUF, BUF], [0, 1, 2]],
    ['getpwnam', () => [s(BUF, 'faasm')], [0]],
    ['getgrnam', () => [s(BUF, 'faasm')], [0]],
    ['uname', () => [BUF], [0]],
    ['gethostname', () => [BUF, 64], [0]],
    ['confstr', () => [0, BUF, 64], [1]],
    ['getrlimit', () => [3, BUF], [1]],
    ['setrlimit', () => [3, BUF], [1]],
    ['getrusage', () => [0, BUF], [1]],
    ['execve', () => [s(BUF, '/bin/sh'), 0, 0], [0]],
    ['execv', () => [s(BUF, '/bin/sh'), 0], [0]],
    ['system', () => [s(BUF, 'ls')], [0]],
    ['popen', () => [s(BUF, 'ls'), s(BUF + 64, 'r')], [0, 1]],
    ['pipe', () => [BUF], [0]],
    ['__wasi_fd_dup', () => [1, BUF], [1]],
    ['ioctl', () => [1, 0x5413, BUF], [2]],
    ['puts', () => [s(BUF, 'x')], [0]],
    ['vfprintf', () => [0, fmt, BUF2 + 2048], [1, 2]],
    ['fiprintf', () => [0, fmt, BUF2 + 2048], [1, 2]],
    ['__small_sprintf', () => [BUF3, fmt, BUF2 + 2048], [0, 1, 2]],
    ['bzero', () => [BUF, 16], [0]],
    ['explicit_bzero', () => [BUF, 16], [0]],
    ['tempnam', () => [s(BUF, '/tmp'), s(BUF + 64, 'x')], [0, 1]],
    ['realpath', () => [s(BUF, '/etc'), BUF3], [0, 1]],
    ['dirfd', () => [BUF], [0]],
    ['poll', () => [BUF, 1, 0], [0]],
    ['sendfile', () => [1, 3, BUF, 0], [2]],
    ['chdir', () => [s(BUF, '/tmp')], [0]],
    ['chmod', () => [s(BUF, '/tmp'), 0], [0]],
    ['utime', () => [s(BUF, '/tmp'), BUF2], [0, 1]],
    ['strncat', () => [s(BUF, 'a'), s(BUF + 64, 'b'), 4], [0, 1]],
    ['atoi', () => [s(BUF, '12')], [0]],
    ['memfd_create', () => [s(BUF, 'm'), 0], [0]],
    ['gethostbyname', () => [s(BUF, 'localhost')], [0]],
    ['gethostbyaddr', () => [BUF, 4, 1], [0]],
    ['getprotobyname', () => [s(BUF, 'tcp')], [0]],
    ['getservbyname', () => [s(BUF, 'http'), s(BUF + 64, 'tcp')], [0, 1]],
    ['getservbyport', () => [0x5000, s(BUF + 64, 'tcp')], [1]],
    ['inet_addr', () => [s(BUF, '1.2.3.4')], [0]],
    ['inet_aton', () => [s(BUF, '1.2.3.4'), BUF2], [0, 1]],
    ['inet_ntop', () => [1, BUF, BUF2, 64], [1, 2]],
    ['inet_pton', () => [1, s(BUF, '1.2.3.4'), BUF2], [1, 2]],
    ['textdomain', () => [s(BUF, 'd')], [0]],
    ['bindtextdomain', () => [s(BUF, 'd'), 0], [0]],
    ['setjmp', () => [BUF], [0]],
    ['syscall', () => [122, BUF], [1]],
    ['__syscall', () => [122, BUF], [1]],
    ['msync', () => [BUF, 16, 0], [0]],
    ['shm_open', () => [s(BUF, '/shm'), 0, 0], [0]],
    ['bind', () => [4096, BUF, 16], [1]],
    ['connect', () => [4096, BUF, 16], [1]],
    ['accept', () => [4096, BUF, BUF2], [1, 2]],
    ['send', () => [4096, BUF, 4, 0], [1]],
    ['recv', () => [4096, BUF, 4, 0], [1]],
    ['sendto', () => [4096, BUF, 4, 0, BUF2, 16], [1, 4]],
    ['recvfrom', () => [4096, BUF, 4, 0, BUF2, BUF2 + 64], [1, 4, 5]],
    ['getsockopt', () => [4096, 1, 3, BUF, BUF2 + 64], [3, 4]],
    ['setsockopt', () => [4096, 1, 2, BUF, 4], [3]],
    ['getsockname', () => [4096, BUF, BUF2 + 64], [1, 2]],
  ];
}

const NOT_DEREFERENCED = new Set([
  '__sbrk', 'mmap', 'munmap', 'getpid', 'getppid', 'getuid', 'geteuid', 'getgid', 'getegid', 'setgroups', 'getpwuid',
  'getgrgid', 'getgrent', 'setgrent', 'endgrent', 'sysconf', 'getpriority', 'setpriority', 'umask', 'ttyname', 'fork',
  'pclose', 'waitpid', 'wait', 'kill', 'raise', 'openpty', 'forkpty', 'exit', '_Exit', 'abort', 'signal', 'dup', 'putc',
  'tmpfile', 'lockf', 'fchdir', 'socket', 'listen', 'shutdown', 'htonl', 'ntohl', 'htons', 'ntohs', 'inet_ntoa', 'gettext',
  'dgettext', 'dcgettext', '__cxa_allocate_exception', '__cxa_throw', '__cxa_begin_catch', '_Unwind_RaiseException',
  '_Unwind_DeleteException', 'longjmp', '__errno_location', '__h_errno_location', '__syscall0', '__syscall1',
  '__syscall2', '__syscall3', '__syscall4', '__syscall5', '__syscall6', '__syscall7', '__syscall_cp',
]);

describe('sweep: wild pointers trap naming the import', () => {
  it('every dereferenced pointer argument out of bounds → GuestTrap naming the import', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: 80 }] } });
    g.host.services.provide(NET_BACKEND, {
      socket: () => 1, bind: () => {}, listen: () => {}, accept: () => ({ handle: 2, peer: { host: '127.0.0.1', port: 1 } }),
      connect: () => {}, send: (_h, d) => d.length, recv: () => ({ data: new Uint8Array(0) }), shutdown: () => {},
      local: () => ({ host: '127.0.0.1', port: 1 }), close: () => {},
    });
    expect(g.call('socket', 1, 6, 0)).toBe(4096);
    const cases = pointerCases(g);
    const covered = new Set([...cases.map(([n]) => n), ...NOT_DEREFERENCED]);
    expect(ROWS.filter((r) => !covered.has(r.name)).map((r) => r.name)).toEqual([]);
    for (const [name, args, pointers] of cases) {
      for (const p of pointers) {
        const fresh = args();
        fresh[p] = OOB;
        let caught: unknown;
        try {
          g.call(name, ...fresh);
        } catch (e) {
          caught = e;
        }
        expect([name, p, caught instanceof GuestTrap]).toEqual([name, p, true]);
        expect((caught as GuestTrap).importName).toBe(name);
        expect((caught as Error).message).toMatch(/out-of-bounds/);
      }
    }
  });
});

describe('sweep: wild pointers in syscalls trap naming the entry point', () => {
  it('each pointer argument of the pointer-taking syscalls, out of bounds → GuestTrap', async () => {
    const g = await guest();
    const s = (at: number, text: string) => g.str(at, text);
    const fd = () => g.call('__syscall3', Sysno.open, s(BUF3, '/tmp/sw'), 0o102, 0o644);
    const dir = () => g.call('__syscall3', Sysno.open, s(BUF3, '/tmp'), 0o200000, 0);
    const cases: Array<[number, () => number[], number[]]> = [
      [Sysno.read, () => [fd(), BUF, 4], [1]],
      [Sysno.write, () => [fd(), BUF, 4], [1]],
      [Sysno.readv, () => [fd(), BUF, 1], [1]],
      [Sysno.writev, () => [fd(), BUF, 1], [1]],
      [Sysno.open, () => [s(BUF, '/tmp/x'), 0, 0], [0]],
      [Sysno.stat64, () => [s(BUF, '/tmp'), BUF2], [0, 1]],
      [Sysno.lstat64, () => [s(BUF, '/tmp'), BUF2], [0, 1]],
      [Sysno.fstat64, () => [1, BUF2], [1]],
      [Sysno.getdents64, () => [dir(), BUF2, 512], [1]],
      [Sysno.mkdir, () => [s(BUF, '/tmp/m'), 0], [0]],
      [Sysno.rename, () => [s(BUF, '/tmp/a'), s(BUF + 64, '/tmp/b')], [0, 1]],
      [Sysno.unlink, () => [s(BUF, '/tmp/a')], [0]],
      [Sysno.access, () => [s(BUF, '/tmp'), 0], [0]],
      [Sysno.readlink, () => [s(BUF, '/tmp'), BUF2, 64], [0, 1]],
      [Sysno._llseek, () => [fd(), 0, 0, BUF2, 0], [3]],
      [Sysno.clock_gettime, () => [1, BUF2], [1]],
      [Sysno.gettimeofday, () => [BUF2, 0], [0]],
      [Sysno.nanosleep, () => [BUF2, 0], [0]],
      [Sysno.getrandom, () => [BUF2, 16, 0], [0]],
      [Sysno.uname, () => [BUF2], [0]],
      [Sysno.rt_sigaction, () => [10, BUF2, BUF2 + 64, 8], [1, 2]],
      [Sysno.rt_sigprocmask, () => [0, BUF2, BUF2 + 64, 8], [1, 2]],
      [Sysno.sched_getaffinity, () => [0, 8, BUF2], [2]],
      [Sysno.socketcall, () => [1, BUF2], [1]],
      [Sysno.futex, () => [BUF2, 1, 1, 0], [0]],
      [Sysno.poll, () => [BUF2, 1, 0], [0]],
      [Sysno.getcwd, () => [BUF2, 64], [0]],
      [Sysno.time, () => [BUF2], [0]],
      [Sysno.prlimit64, () => [0, 3, 0, BUF2], [3]],
      [Sysno.ugetrlimit, () => [7, BUF2], [1]],
      [Sysno.getresuid32, () => [BUF, BUF, BUF], [0, 1, 2]],
      [Sysno.pipe, () => [BUF2], [0]],
      [Sysno.chdir, () => [s(BUF, '/tmp')], [0]],
      [Sysno.execve, () => [s(BUF, '/bin/sh'), 0, 0], [0]],
    ];
    g.host.memory.fill(BUF2, 256, 0);
    for (const [no, args, pointers] of cases) {
      for (const p of pointers) {
        const a = args();
        a[p] = OOB;
        const name = `__syscall${a.length}`;
        let caught: unknown;
        try {
          g.call(name, no, ...a);
        } catch (e) {
          caught = e;
        }
        expect([no, p, caught instanceof GuestTrap && (caught as GuestTrap).importName === name && /out-of-bounds/.test((caught as Error).message)]).toEqual([no, p, true]);
      }
    }
  });
});

/** xorshift32: a fixed-seed generator, so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

describe('property: no host exception escapes any handler', () => {
  it('100k calls over all 125 handlers with random arguments (seed 0xfaa5) end in a value, a ProcExit or a GuestTrap without "host error"', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: [1, 65535] }] } }, { maxMemoryBytes: 8 << 20 });
    const next = rng(0xfaa5);
    const pick = (): number => {
      switch (next() % 8) {
        case 0: return 0;
        case 1: return next() % 64;
        case 2: return BUF + (next() % 4096);
        case 3: return next() | 0;
        case 4: return -((next() % 200) + 1);
        case 5: return g.host.memory.size - (next() % 64);
        case 6: return 4096 + (next() % 4);
        default: return next() % 400;
      }
    };
    const SLEEPERS = new Set([162, 240, 168]); // nanosleep, futex, poll: keep the sweep fast
    let calls = 0;
    let traps = 0;
    const escaped: string[] = [];
    const rows = ROWS;
    expect(rows.length).toBe(125);
    while (calls < 100_000) {
      const row = rows[next() % rows.length]!;
      const args: Array<number | bigint> = row.params.map((t) => (t === 'i64' ? BigInt(pick()) : pick()));
      if (row.name === 'poll') args[2] = 0;
      if ((row.name.startsWith('__syscall') || row.name === 'syscall') && SLEEPERS.has(args[0] as number)) args[0] = 20;
      calls++;
      try {
        g.call(row.name, ...args);
      } catch (e) {
        if (e instanceof ProcExit) continue;
        if (e instanceof GuestTrap && !/host error/.test(e.message)) {
          traps++;
          continue;
        }
        escaped.push(`${row.name}(${args.join(', ')}): ${(e as Error).message}`);
        if (escaped.length > 5) break;
      }
    }
    expect(escaped).toEqual([]);
    expect(calls).toBe(100_000);
    expect(traps).toBeGreaterThan(0);
  }, 120_000);
});
