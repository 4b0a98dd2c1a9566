import { execFileSync, spawn } from 'node:child_process';
import { closeSync, copyFileSync, constants as fsConstants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_TAKEN, OUT_OF_BOUNDS, Poll, Resolve, nativeSyscalls, nativeUnavailableReason } from './index.js';

const native = nativeSyscalls();
const E = constants.errno;
const BENEATH = Resolve.BENEATH | Resolve.NO_MAGICLINKS;

if (!native && process.env.CI !== 'true') {
  console.warn(`@faasm/native tests skipped: ${nativeUnavailableReason()}`);
}

it('is built and loaded in CI', () => {
  if (process.env.CI === 'true') expect(nativeUnavailableReason()).toBeUndefined();
});

/** A guest-memory-like Uint8Array over shared memory, with iovecs written at `at`. */
function memoryWith(iovs: Array<[number, number]>, at = 0): Uint8Array {
  const bytes = new Uint8Array(new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }).buffer);
  const view = new DataView(bytes.buffer);
  iovs.forEach(([ptr, len], i) => {
    view.setUint32(at + i * 8, ptr, true);
    view.setUint32(at + i * 8 + 4, len, true);
  });
  return bytes;
}

/**
 * Runs `test(port)` against a TCP server on loopback in a child process (this thread
 * blocks in system calls while it answers); `onData` is its data handler's body, over
 * the socket `s` and the data `d`. The server exits by itself after 5 s.
 */
function withLoopbackServer(onData: string, test: (port: number) => void): Promise<void> {
  const script = `
    const net = require('node:net');
    const server = net.createServer((s) => s.on('data', (d) => { ${onData} }));
    server.listen(0, '127.0.0.1', () => { console.log(server.address().port); });
    setTimeout(() => process.exit(0), 5000);`;
  const child = spawn(process.execPath, ['-e', script]);
  return new Promise<void>((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => {
      try {
        test(Number(data.toString().trim()));
        resolve();
      } catch (error) {
        reject(error);
      } finally {
        child.kill();
      }
    });
  });
}

describe.skipIf(!native)('native system calls', () => {
  const n = native!;
  let root: string;
  let dir: number;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'faasm-native-'));
    mkdirSync(join(root, 'box', 'sub'), { recursive: true });
    writeFileSync(join(root, 'secret'), 'outside');
    writeFileSync(join(root, 'box', 'sub', 'file'), 'inside');
    symlinkSync('../secret', join(root, 'box', 'up'));
    symlinkSync(join(root, 'secret'), join(root, 'box', 'absolute'));
    symlinkSync('sub/file', join(root, 'box', 'relative'));
    dir = openSync(join(root, 'box'), 'r');
  });
  afterAll(() => {
    closeSync(dir);
    rmSync(root, { recursive: true, force: true });
  });

  it('openBeneath opens paths and symlinks that stay inside the directory', () => {
    for (const path of ['sub/file', 'relative', 'sub/../sub/file']) {
      const fd = n.openBeneath(dir, path, 0, 0, BENEATH);
      expect(fd, path).toBeGreaterThan(2);
      expect(readFileSync(fd, 'utf8')).toBe('inside');
      expect(n.close(fd)).toBe(0);
    }
  });

  it('openBeneath refuses every way out: .., absolute paths, escaping and absolute symlinks', () => {
    for (const path of ['../secret', '/etc/hosts', 'up', 'absolute', 'sub/../../secret']) {
      expect(n.openBeneath(dir, path, 0, 0, BENEATH), path).toBe(-E.EXDEV);
    }
  });

  it('openBeneath reports errnos and rejects NUL and over-long paths', () => {
    expect(n.openBeneath(dir, 'missing', 0, 0, BENEATH)).toBe(-E.ENOENT);
    expect(n.openBeneath(dir, 'sub/file\0x', 0, 0, BENEATH)).toBe(-E.EINVAL);
    expect(n.openBeneath(dir, 'a/'.repeat(3000), 0, 0, BENEATH)).toBe(-E.ENAMETOOLONG);
    expect(n.openBeneath(999_999, 'x', 0, 0, BENEATH)).toBe(-E.EBADF);
    const O = { CREAT: 0o100, EXCL: 0o200, WRONLY: 1 };
    const fd = n.openBeneath(dir, 'made', O.CREAT | O.EXCL | O.WRONLY, 0o640, BENEATH);
    expect(fd).toBeGreaterThan(2);
    expect(n.close(fd)).toBe(0);
    expect(n.openBeneath(dir, 'made', O.CREAT | O.EXCL | O.WRONLY, 0o640, BENEATH)).toBe(-E.EEXIST);
    // A mode passed with O_DIRECTORY (one of O_TMPFILE's bits) but no O_CREAT is ignored, not EINVAL.
    const sub = n.openBeneath(dir, 'sub', fsConstants.O_DIRECTORY, 0o666, BENEATH);
    expect(sub).toBeGreaterThan(2);
    expect(n.close(sub)).toBe(0);
  });

  it('openBeneathIn reads the path from guest memory with the same sandbox and errnos', () => {
    const memory = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer);
    const put = (text: string, at = 1000): [number, number] => {
      const bytes = new TextEncoder().encode(text);
      memory.set(bytes, at);
      return [at, bytes.length];
    };
    const inside = n.openBeneathIn(dir, memory, ...put('sub/../relative'), 0, 0, BENEATH);
    expect(inside).toBeGreaterThan(2);
    expect(readFileSync(inside, 'utf8')).toBe('inside');
    expect(n.close(inside)).toBe(0);
    for (const path of ['../secret', '/etc/hosts', 'up', 'absolute']) {
      expect(n.openBeneathIn(dir, memory, ...put(path), 0, 0, BENEATH), path).toBe(-E.EXDEV);
    }
    expect(n.openBeneathIn(dir, memory, ...put('sub/file\0x'), 0, 0, BENEATH)).toBe(-E.EINVAL);
    expect(n.openBeneathIn(dir, memory, 1000, 0, 0, 0, BENEATH)).toBe(-E.ENOENT);
    expect(n.openBeneathIn(dir, memory, 1000, 4096, 0, 0, BENEATH)).toBe(-E.ENAMETOOLONG);
    expect(n.openBeneathIn(dir, memory, 65530, 7, 0, 0, BENEATH)).toBe(OUT_OF_BOUNDS);
    expect(n.openBeneathIn(dir, memory, -1, 1, 0, 0, BENEATH)).toBe(OUT_OF_BOUNDS);
    // O_NOFOLLOW: a final symlink is ELOOP; intermediate components are still followed.
    expect(n.openBeneathIn(dir, memory, ...put('relative'), fsConstants.O_NOFOLLOW, 0, BENEATH)).toBe(-E.ELOOP);
  });

  it('writev and readv move bytes between guest memory and a file, at the offset or a position', () => {
    const path = join(root, 'io');
    const memory = memoryWith([[256, 5], [512, 6]]);
    memory.set(new TextEncoder().encode('hello'), 256);
    memory.set(new TextEncoder().encode(' world'), 512);
    const fd = openSync(path, 'w+');
    expect(n.writev(fd, memory, 0, 2, -1)).toBe(11);
    expect(n.writev(fd, memory, 0, 1, 6)).toBe(5); // pwritev at 6: "hello hello"
    expect(readFileSync(path, 'utf8')).toBe('hello hello');
    const into = memoryWith([[1000, 4], [2000, 100]], 64);
    expect(n.readv(fd, into, 64, 2, 0)).toBe(11);
    expect(new TextDecoder().decode(into.subarray(1000, 1004))).toBe('hell');
    expect(new TextDecoder().decode(into.subarray(2000, 2007))).toBe('o hello');
    expect(n.read(fd, into, 0, 10)).toBe(0); // the file offset is at the end after writev
    // A result pointer receives the count (little-endian u32), as WASI's *nread.
    const view = new DataView(into.buffer);
    view.setUint32(3000, 0xdeadbeef, true);
    expect(n.readv(fd, into, 64, 1, 2, 3000)).toBe(4);
    expect(view.getUint32(3000, true)).toBe(4);
    expect(new TextDecoder().decode(into.subarray(1000, 1004))).toBe('llo ');
    expect(n.write(fd, into, 1000, 4)).toBe(4);
    closeSync(fd);
    expect(n.writev(fd, memory, 0, 1, -1)).toBe(-E.EBADF);
  });

  it('reports guest ranges outside memory as OUT_OF_BOUNDS without touching the file', () => {
    const size = 65536;
    const fd = openSync(join(root, 'oob'), 'w+');
    expect(n.writev(fd, memoryWith([[size - 2, 3]]), 0, 1, -1)).toBe(OUT_OF_BOUNDS);
    expect(n.writev(fd, memoryWith([[0x7fffffff, 0xffffffff]]), 0, 1, -1)).toBe(OUT_OF_BOUNDS);
    expect(n.writev(fd, memoryWith([]), size - 4, 1, -1)).toBe(OUT_OF_BOUNDS);
    expect(n.readv(fd, memoryWith([]), -8, 1, -1)).toBe(OUT_OF_BOUNDS);
    expect(n.read(fd, memoryWith([]), size, 1)).toBe(OUT_OF_BOUNDS);
    expect(n.write(fd, memoryWith([]), 10, -1)).toBe(OUT_OF_BOUNDS);
    expect(n.writev(fd, memoryWith([]), 0, 1025, -1)).toBe(NOT_TAKEN);
    // A result pointer outside memory is refused before any I/O.
    expect(n.writev(fd, memoryWith([[0, 3]]), 0, 1, -1, size - 3)).toBe(OUT_OF_BOUNDS);
    expect(readFileSync(join(root, 'oob')).length).toBe(0);
    closeSync(fd);
  });

  it('fileType gives the S_IFMT bits', () => {
    expect(n.fileType(dir)).toBe(0o040000);
    const fd = openSync(join(root, 'secret'), 'r');
    expect(n.fileType(fd)).toBe(0o100000);
    closeSync(fd);
    expect(n.fileType(999_999)).toBe(-E.EBADF);
  });

  it('rejects arguments of the wrong type with a TypeError, not a crash', () => {
    const call = n.writev as unknown as (...args: unknown[]) => number;
    expect(() => call(1, new Uint16Array(4), 0, 0, -1)).toThrow(TypeError);
    expect(() => call(1)).toThrow(TypeError);
    expect(() => (n.openBeneath as unknown as (...a: unknown[]) => number)(dir, 42, 0, 0, 0)).toThrow(TypeError);
  });

  it('checks every argument before use: wrong types throw a TypeError, element getters propagate', () => {
    const any = n as unknown as Record<string, (...args: unknown[]) => unknown>;
    const memory = memoryWith([[256, 4]]);
    const bad: Array<[string, unknown[]]> = [
      ['close', [1n]],
      ['close', ['3']],
      ['fileType', [undefined]],
      ['read', [1, new DataView(memory.buffer), 0, 1]],
      ['read', [1, new Int8Array(4), 0, 1]],
      ['write', [1, memory, '0', 1]],
      ['readv', [1, memory, 0, 1, -1, undefined]],
      ['writev', [1, memory.buffer, 0, 1, -1]],
      ['writev', [1, memory, 0, 1n, -1]],
      ['openBeneathIn', [dir, memory, 0, 1, 0, 0]],
      ['openBeneathIn', [dir, 'sub/file', 0, 8, 0, 0, BENEATH]],
      ['openBeneath', [dir, 'sub/file', 0, 0, null]],
      ['connectTcp', [0x7f000001, 80, 1000]],
      ['connectTcp', ['127.0.0.1', '80', 1000]],
      ['pollIn', [1]],
      ['pollIn', ['1', 0]],
      ['pollIn', [1, 0n]],
      ['setThreadAffinity', [{ length: 1, 0: 0 }]],
      ['setThreadAffinity', [['0']]],
      ['setThreadAffinity', []],
    ];
    for (const [name, args] of bad) expect(() => any[name]!(...args), `${name}(${args.map(String).join(', ')})`).toThrow(TypeError);
    const cpus = [0];
    Object.defineProperty(cpus, 0, { get: () => { throw new RangeError('getter'); } });
    expect(() => n.setThreadAffinity(cpus)).toThrow(RangeError);
  });

  it('reads numbers as N-API did: any Number, truncated toward zero', () => {
    expect(n.fileType(dir + 0.75)).toBe(0o040000);
    const path = join(root, 'numbers');
    const fd = openSync(path, 'w+');
    const memory = memoryWith([[256, 3]]);
    memory.set(new TextEncoder().encode('abc'), 256);
    // position -0.5 truncates to 0 (a pwrite at 0), not -1 (the file offset).
    expect(n.writev(fd, memory, 0.9, 1.2, -0.5)).toBe(3);
    expect(n.writev(fd, memory, 0, 1, 1.5)).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('aabc');
    closeSync(fd);
  });

  it('openBeneath measures the whole UTF-8 path: a long path is ENAMETOOLONG, never a truncated open', () => {
    // 4,095 UTF-16 units but 4,097 UTF-8 bytes: the 4-byte character does not fit 4,096.
    const path = `${'a/'.repeat(2046)}b\u{1F600}`;
    expect(path.length).toBe(4095);
    expect(n.openBeneath(dir, path, 0, 0, BENEATH)).toBe(-E.ENAMETOOLONG);
    // "é/" is 3 bytes: 1,366 of them are 4,098 bytes, 1,365 are 4,095 (and no such file).
    expect(n.openBeneath(dir, '\u00e9/'.repeat(1366), 0, 0, BENEATH)).toBe(-E.ENAMETOOLONG);
    expect(n.openBeneath(dir, '\u00e9/'.repeat(1365), 0, 0, BENEATH)).toBe(-E.ENOENT);
    // A lone surrogate becomes U+FFFD, as N-API converted it: no such file.
    expect(n.openBeneath(dir, 'sub/\ud800', 0, 0, BENEATH)).toBe(-E.ENOENT);
  });

  it('connectTcp gives a blocking socket: a round trip with a loopback server, refusal and read timeouts', () =>
    withLoopbackServer("if (d.toString() === 'ping') s.write('pong');", (port) => {
      const fd = n.connectTcp('127.0.0.1', port, 2000);
      expect(fd).toBeGreaterThan(2);
      const bytes = new TextEncoder().encode('ping....');
      expect(n.write(fd, bytes, 0, 4)).toBe(4);
      expect(n.read(fd, bytes, 4, 4)).toBe(4);
      expect(new TextDecoder().decode(bytes.subarray(4))).toBe('pong');
      // Nothing more will come: a read gives up after its socket's timeout (50 ms) with EAGAIN.
      const slow = n.connectTcp('127.0.0.1', port, 50);
      expect(n.read(slow, bytes, 0, 1)).toBe(-E.EAGAIN);
      n.close(slow);
      n.close(fd);
    }));

  it('pollIn tells an idle socket from one with data, one the peer closed, and a closed fd', () =>
    withLoopbackServer("if (d.toString() === 'ping') s.write('pong'); if (d.toString() === 'bye') s.end();", (port) => {
      const fd = n.connectTcp('127.0.0.1', port, 2000);
      expect(fd).toBeGreaterThan(2);
      // Idle: nothing within the timeout (0 ms does not wait).
      expect(n.pollIn(fd, 0)).toBe(0);
      expect(n.pollIn(fd, 20)).toBe(0);
      const bytes = new TextEncoder().encode('ping');
      expect(n.write(fd, bytes, 0, 4)).toBe(4);
      // Readable once the reply is there; the bytes are still to be read.
      expect(n.pollIn(fd, 2000)).toBe(Poll.IN);
      expect(n.read(fd, bytes, 0, 4)).toBe(4);
      expect(new TextDecoder().decode(bytes)).toBe('pong');
      expect(n.pollIn(fd, 0)).toBe(0);
      // The peer closes: readable (EOF) and hung up.
      expect(n.write(fd, new TextEncoder().encode('bye'), 0, 3)).toBe(3);
      const closed = n.pollIn(fd, 2000);
      expect(closed & Poll.IN).toBe(Poll.IN);
      expect(closed & Poll.RDHUP).toBe(Poll.RDHUP);
      expect(n.read(fd, bytes, 0, 4)).toBe(0);
      expect(n.close(fd)).toBe(0);
      // No fd: EBADF (a closed fd's number may be reused by another thread at once).
      expect(n.pollIn(-1, 0)).toBe(-E.EBADF);
    }));

  it('connectTcp reports refused connections and bad addresses', () => {
    const port = Number(execFileSync(process.execPath, ['-e',
      "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"]).toString());
    expect(n.connectTcp('127.0.0.1', port, 1000)).toBe(-E.ECONNREFUSED);
    expect(n.connectTcp('not an address', 80, 1000)).toBe(-E.EINVAL);
    expect(n.connectTcp('127.0.0.1', 70000, 1000)).toBe(-E.EINVAL);
    // The whole string is the address: nothing after a NUL, no truncated long string.
    expect(n.connectTcp('127.0.0.1\0junk', port, 1000)).toBe(-E.EINVAL);
    expect(n.connectTcp(`127.0.0.1${' '.repeat(100)}`, port, 1000)).toBe(-E.EINVAL);
  });

  it('a module built for another Node ABI leaves nativeSyscalls() undefined with the reason', () => {
    // A copy of this package whose build claims another ABI and exports another ABI's
    // entry point (node_register_module_v1), as a V8-API build for another Node does.
    const copy = mkdtempSync(join(tmpdir(), 'faasm-native-abi-'));
    try {
      mkdirSync(join(copy, 'dist'));
      mkdirSync(join(copy, 'build'));
      copyFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js'), join(copy, 'dist', 'index.js'));
      writeFileSync(join(copy, 'dist', 'package.json'), '{"type":"module"}');
      writeFileSync(join(copy, 'build', 'other.c'), 'void node_register_module_v1(void) {}\n');
      execFileSync(process.env.CC ?? 'cc', ['-shared', '-fPIC', join(copy, 'build', 'other.c'), '-o', join(copy, 'build', 'faasm_native.node')]);
      writeFileSync(join(copy, 'build', 'faasm_native.json'), '{"node":"v0.1.0","modules":"1","arch":"x64"}');
      const script = `import(${JSON.stringify(join(copy, 'dist', 'index.js'))}).then((m) =>
        console.log(JSON.stringify({ loaded: m.nativeSyscalls() !== undefined, reason: m.nativeUnavailableReason() })))`;
      const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, FAASM_NATIVE: '' } }).toString());
      expect(out.loaded).toBe(false);
      expect(out.reason).toContain(`built for another Node (v0.1.0, ABI 1; this is ${process.version}, ABI ${process.versions.modules})`);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!native)('thread affinity', () => {
  const n = native!;
  /** The calling thread's mask as /proc reports it (thread-self, not the process). */
  const procMask = (): number[] => {
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/thread-self/status', 'utf8'))![1]!;
    return list.split(',').flatMap((r) => {
      const [a, b] = r.split('-').map(Number);
      return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
    });
  };

  it('yieldThread is sched_yield: it succeeds and returns', () => {
    expect(n.yieldThread()).toBe(0);
  });

  it('threadId is this thread\'s gettid (the /proc/thread-self link)', () => {
    expect(n.threadId()).toBe(Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]));
  });

  it('binds the calling thread only, reads the mask back and restores it', () => {
    const initial = n.threadAffinity();
    expect(Array.isArray(initial)).toBe(true);
    const cpus = initial as number[];
    expect(cpus).toEqual(procMask());
    try {
      expect(n.setThreadAffinity([cpus[cpus.length - 1]!])).toBe(0);
      expect(n.threadAffinity()).toEqual([cpus[cpus.length - 1]]);
      expect(procMask()).toEqual([cpus[cpus.length - 1]]);
      // The process's main thread (the thread group leader) keeps its own mask.
      const leader = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
      if (Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]) !== process.pid) expect(leader).not.toBe(String(cpus[cpus.length - 1]));
    } finally {
      expect(n.setThreadAffinity(cpus)).toBe(0);
    }
    expect(n.threadAffinity()).toEqual(cpus);
  });

  it('refuses empty sets and ids outside the kernel\'s CPU set with -EINVAL', () => {
    expect(n.setThreadAffinity([])).toBe(-E.EINVAL);
    expect(n.setThreadAffinity([-1])).toBe(-E.EINVAL);
    expect(n.setThreadAffinity([1 << 20])).toBe(-E.EINVAL);
    expect(() => n.setThreadAffinity('0' as unknown as number[])).toThrow(TypeError);
  });
});
