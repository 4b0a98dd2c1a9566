import { Errno, ErrnoError } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { NET_BACKEND, allowed, type Endpoint, type NetBackend } from './index.js';
import { BUF, BUF2, BUF3, guest, type Guest } from './test-harness.js';

const AF_INET = 1;
const SOCK_STREAM = 6;

/** Writes a wasi-libc sockaddr_in for host:port at ptr (family, port BE, addr BE). */
function sockaddr(g: Guest, ptr: number, ip: string, port: number, family = AF_INET): number {
  const m = g.host.memory;
  m.fill(ptr, 16, 0);
  m.setU16(ptr, family);
  m.setU8(ptr + 2, port >> 8);
  m.setU8(ptr + 3, port & 0xff);
  ip.split('.').forEach((b, i) => m.setU8(ptr + 4 + i, Number(b)));
  return ptr;
}

/** An in-process loopback backend: a listener queue and byte pipes (the runtime would do real TCP). */
function fakeBackend(): NetBackend & { calls: string[] } {
  const calls: string[] = [];
  let next = 1;
  const peers = new Map<number, number>();
  const inbox = new Map<number, Uint8Array[]>();
  const listeners = new Map<number, Endpoint>();
  const bound = new Map<number, Endpoint>();
  const pending: Array<{ server: number; client: number }> = [];
  return {
    calls,
    socket: () => next++,
    bind: (h, to) => void bound.set(h, to),
    listen: (h) => void listeners.set(h, bound.get(h)!),
    connect: (h, to) => {
      calls.push(`connect ${to.host}:${to.port}`);
      const server = [...listeners.entries()].find(([, ep]) => ep.port === to.port);
      if (!server) throw new ErrnoError(Errno.CONNREFUSED);
      pending.push({ server: server[0], client: h });
    },
    accept: (h) => {
      const i = pending.findIndex((p) => p.server === h);
      if (i < 0) throw new ErrnoError(Errno.AGAIN);
      const { client } = pending.splice(i, 1)[0]!;
      const conn = next++;
      peers.set(conn, client);
      peers.set(client, conn);
      return { handle: conn, peer: { host: '127.0.0.1', port: 40000 } };
    },
    send: (h, data) => {
      const peer = peers.get(h);
      if (peer === undefined) throw new ErrnoError(Errno.NOTCONN);
      inbox.set(peer, [...(inbox.get(peer) ?? []), data.slice()]);
      return data.length;
    },
    recv: (h, max) => {
      const q = inbox.get(h) ?? [];
      const first = q.shift() ?? new Uint8Array(0);
      return { data: first.subarray(0, max) };
    },
    shutdown: (h, how) => void calls.push(`shutdown ${h} ${how}`),
    local: (h) => bound.get(h) ?? { host: '127.0.0.1', port: 50000 },
    close: (h) => void calls.push(`close ${h}`),
  };
}

describe('sockets: denied by default', () => {
  it('socket() is EACCES with a clear log line when there is no allow-list', async () => {
    const g = await guest();
    expect(g.call('socket', AF_INET, SOCK_STREAM, 0)).toBe(-1);
    expect(g.errno()).toBe(Errno.ACCES);
    expect(g.logs.join('\n')).toMatch(/socket\(\) denied: this Faaslet has no network allow-list/);
    // the socketcall and direct syscalls agree
    g.host.memory.setU32(BUF, AF_INET);
    g.host.memory.setU32(BUF + 4, SOCK_STREAM);
    g.host.memory.setU32(BUF + 8, 0);
    expect(g.call('__syscall2', 102, 1, BUF)).toBe(-Errno.ACCES);
    expect(g.call('__syscall3', 359, AF_INET, SOCK_STREAM, 0)).toBe(-Errno.ACCES);
  });

  it('operations on non-sockets: EBADF / ENOTSOCK; bad domain/type', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: 8080 }] } });
    expect(g.call('connect', 99, sockaddr(g, BUF, '127.0.0.1', 80), 16)).toBe(-1);
    expect(g.errno()).toBe(Errno.BADF);
    expect(g.call('listen', 1, 5)).toBe(-1);
    expect(g.errno()).toBe(Errno.NOTSOCK);
    expect(g.call('socket', 3, SOCK_STREAM, 0)).toBe(-1);
    expect(g.errno()).toBe(Errno.AFNOSUPPORT);
    expect(g.call('socket', AF_INET, 9, 0)).toBe(-1);
    expect(g.errno()).toBe(Errno.PROTOTYPE);
  });

  it('with an allow-list: unlisted destinations EACCES (logged); listed ones need the bridge', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: [8000, 8100] }] } });
    const fd = g.call('socket', AF_INET, SOCK_STREAM, 0);
    expect(fd).toBeGreaterThanOrEqual(4096);
    expect(g.call('connect', fd, sockaddr(g, BUF, '10.0.0.1', 8080), 16)).toBe(-1);
    expect(g.errno()).toBe(Errno.ACCES);
    expect(g.logs.join('\n')).toMatch(/connect to 10\.0\.0\.1:8080 denied/);
    expect(g.call('connect', fd, sockaddr(g, BUF, '127.0.0.1', 9000), 16)).toBe(-1);
    expect(g.errno()).toBe(Errno.ACCES);
    expect(g.call('connect', fd, sockaddr(g, BUF, '127.0.0.1', 8080), 16)).toBe(-1);
    expect(g.errno()).toBe(Errno.NETUNREACH);
    expect(g.logs.join('\n')).toMatch(/no network bridge/);
  });

  it('allow-list matching', () => {
    const allow = [{ host: 'localhost', port: 80 }, { host: '*', port: [1000, 2000] as [number, number] }];
    expect(allowed(allow, { host: '127.0.0.1', port: 80 })).toBe(true);
    expect(allowed(allow, { host: '127.0.0.1', port: 81 })).toBe(false);
    expect(allowed(allow, { host: '8.8.8.8', port: 1500 })).toBe(true);
    expect(allowed(undefined, { host: '127.0.0.1', port: 80 })).toBe(false);
  });
});

describe('sockets: allowed path through a backend', () => {
  it('bind/listen/connect/accept/send/recv/getsockname/shutdown/close with address translation', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: 8080 }] } });
    const net = fakeBackend();
    g.host.services.provide(NET_BACKEND, net);
    const m = g.host.memory;
    const server = g.call('socket', AF_INET, SOCK_STREAM, 0);
    expect(g.call('bind', server, sockaddr(g, BUF, '127.0.0.1', 8080), 16)).toBe(0);
    expect(g.call('listen', server, 4)).toBe(0);
    m.setU32(BUF2 + 64, 16);
    expect(g.call('getsockname', server, BUF2, BUF2 + 64)).toBe(0);
    expect([m.u16(BUF2), m.u8(BUF2 + 2) * 256 + m.u8(BUF2 + 3)]).toEqual([AF_INET, 8080]);
    const client = g.call('socket', AF_INET, 1 /* Linux SOCK_STREAM */, 0);
    expect(g.call('connect', client, sockaddr(g, BUF, '127.0.0.1', 8080), 16)).toBe(0);
    m.setU32(BUF2 + 64, 16);
    const conn = g.call('accept', server, BUF2, BUF2 + 64);
    expect(conn).toBeGreaterThan(client);
    expect(m.u32(BUF2 + 64)).toBe(16);
    expect([m.u8(BUF2 + 4), m.u8(BUF2 + 5), m.u8(BUF2 + 6), m.u8(BUF2 + 7)]).toEqual([127, 0, 0, 1]);
    g.str(BUF3, 'ping');
    expect(g.call('send', client, BUF3, 4, 0)).toBe(4);
    expect(g.call('recv', conn, BUF3 + 64, 100, 0)).toBe(4);
    expect(m.string(BUF3 + 64, 4)).toBe('ping');
    expect(g.call('recv', conn, BUF3 + 64, 100, 0)).toBe(0);
    g.str(BUF3, 'pong!');
    expect(g.call('sendto', conn, BUF3, 5, 0, 0, 0)).toBe(5);
    m.setU32(BUF2 + 64, 16);
    expect(g.call('recvfrom', client, BUF3 + 64, 3, 0, 0, 0)).toBe(3);
    expect(m.string(BUF3 + 64, 3)).toBe('pon');
    expect(g.call('sendto', client, BUF3, 5, 0, sockaddr(g, BUF, '10.9.9.9', 8080), 16)).toBe(-1);
    expect(g.errno()).toBe(Errno.ACCES);
    // getsockopt SO_TYPE, setsockopt recorded
    m.setU32(BUF2 + 64, 4);
    expect(g.call('getsockopt', client, 0x7fffffff, 3, BUF2, BUF2 + 64)).toBe(0);
    expect(m.i32(BUF2)).toBe(1); // a Linux-numbered socket answers in Linux numbers
    m.setI32(BUF2, 1);
    expect(g.call('setsockopt', client, 1, 2, BUF2, 4)).toBe(0);
    m.setI32(BUF2, 0);
    expect(g.call('getsockopt', client, 1, 2, BUF2, BUF2 + 64)).toBe(0);
    expect(m.i32(BUF2)).toBe(1);
    expect(g.call('shutdown', client, 3)).toBe(0);
    expect(g.call('shutdown', client, 9)).toBe(-1);
    expect(g.call('__syscall1', 6, client)).toBe(0);
    expect(net.calls).toContain('connect 127.0.0.1:8080');
    expect(net.calls.some((c) => c.startsWith('close'))).toBe(true);
    // fstat on a socket says S_IFSOCK
    expect(g.call('__syscall2', 197, conn, BUF3)).toBe(0);
    expect(m.u32(BUF3 + 24) & 0o170000).toBe(0o140000);
  });
});

describe('inet helpers', () => {
  it('byte order', async () => {
    const g = await guest();
    expect(g.call('htonl', 0x01020304) >>> 0).toBe(0x04030201);
    expect(g.call('ntohl', 0x04030201) >>> 0).toBe(0x01020304);
    expect(g.call('htons', 0x1234)).toBe(0x3412);
    expect(g.call('ntohs', 0x3412)).toBe(0x1234);
    expect(g.call('htons', 0xabcd1234)).toBe(0x3412);
  });

  it('inet_addr/aton/ntoa/pton/ntop', async () => {
    const g = await guest();
    const m = g.host.memory;
    expect(g.call('inet_addr', g.str(BUF, '127.0.0.1')) >>> 0).toBe(0x0100007f);
    expect(g.call('inet_addr', g.str(BUF, '10.1')) >>> 0).toBe(0x0100000a);
    expect(g.call('inet_addr', g.str(BUF, '0x7f.1')) >>> 0).toBe(0x0100007f);
    expect(g.call('inet_addr', g.str(BUF, '256.1.1.1'))).toBe(-1);
    expect(g.call('inet_aton', g.str(BUF, '192.168.0.1'), BUF2)).toBe(1);
    expect([...m.bytes(BUF2, 4)]).toEqual([192, 168, 0, 1]);
    expect(g.call('inet_aton', g.str(BUF, 'x'), BUF2)).toBe(0);
    expect(m.cstring(g.call('inet_ntoa', 0x0100007f))).toBe('127.0.0.1');
    expect(g.call('inet_pton', AF_INET, g.str(BUF, '1.2.3.4'), BUF2)).toBe(1);
    expect(g.call('inet_pton', AF_INET, g.str(BUF, '1.2.3'), BUF2)).toBe(0);
    expect(g.call('inet_pton', 2, g.str(BUF, '::1'), BUF2)).toBe(1);
    expect([...m.bytes(BUF2, 16)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(g.call('inet_ntop', 2, BUF2, BUF3, 64)).toBe(BUF3);
    expect(m.cstring(BUF3)).toBe('::1');
    expect(g.call('inet_pton', 2, g.str(BUF, '2001:db8::8:800:200c:417a'), BUF2)).toBe(1);
    g.call('inet_ntop', 2, BUF2, BUF3, 64);
    expect(m.cstring(BUF3)).toBe('2001:db8::8:800:200c:417a');
    expect(g.call('inet_pton', 2, g.str(BUF, '::ffff:1.2.3.4'), BUF2)).toBe(1);
    expect([...m.bytes(BUF2 + 10, 6)]).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(g.call('inet_pton', 2, g.str(BUF, '1::2::3'), BUF2)).toBe(0);
    m.write(BUF2, [10, 0, 0, 1]);
    expect(g.call('inet_ntop', AF_INET, BUF2, BUF3, 16)).toBe(BUF3);
    expect(m.cstring(BUF3)).toBe('10.0.0.1');
    expect(g.call('inet_ntop', AF_INET, BUF2, BUF3, 4)).toBe(0);
    expect(g.errno()).toBe(Errno.NOSPC);
    expect(g.call('inet_ntop', 77, BUF2, BUF3, 64)).toBe(0);
    expect(g.errno()).toBe(Errno.AFNOSUPPORT);
    expect(g.call('inet_pton', 77, g.str(BUF, '1.2.3.4'), BUF2)).toBe(-1);
  });

  it('gethostbyname/addr from /etc/hosts, no DNS; getprotobyname; getservby*', async () => {
    const g = await guest();
    const m = g.host.memory;
    const h = g.call('gethostbyname', g.str(BUF, 'localhost'));
    expect(m.cstring(m.u32(h))).toBe('localhost');
    expect(m.i32(h + 8)).toBe(AF_INET);
    expect(m.i32(h + 12)).toBe(4);
    expect([...m.bytes(m.u32(m.u32(h + 16)), 4)]).toEqual([127, 0, 0, 1]);
    expect(g.call('gethostbyname', g.str(BUF, 'faasm'))).not.toBe(0);
    expect(g.call('gethostbyname', g.str(BUF, '10.2.3.4'))).not.toBe(0);
    expect(g.call('gethostbyname', g.str(BUF, 'example.com'))).toBe(0);
    m.write(BUF2, [127, 0, 0, 1]);
    expect(m.cstring(m.u32(g.call('gethostbyaddr', BUF2, 4, AF_INET)))).toBe('localhost');
    expect(g.call('gethostbyaddr', BUF2, 16, AF_INET)).toBe(0);
    const p = g.call('getprotobyname', g.str(BUF, 'udp'));
    expect([m.cstring(m.u32(p)), m.i32(p + 8)]).toEqual(['udp', 17]);
    expect(g.call('getprotobyname', g.str(BUF, 'nope'))).toBe(0);
    const s = g.call('getservbyname', g.str(BUF, 'http'), g.str(BUF2, 'tcp'));
    expect(g.call('ntohs', m.i32(s + 8))).toBe(80);
    expect(m.cstring(m.u32(s + 12))).toBe('tcp');
    expect(m.cstring(m.u32(g.call('getservbyport', g.call('htons', 443), 0)))).toBe('https');
    expect(g.call('getservbyport', g.call('htons', 1), 0)).toBe(0);
  });
});
