import { afterAll, describe, expect, it } from 'vitest';
import { NET_BACKEND, NodeNetBackend } from './index.js';
import { BUF, BUF2, BUF3, guest, type Guest } from './test-harness.js';

const AF_INET = 1;
const SOCK_STREAM = 6;
const SOCK_DGRAM = 5;

function sockaddr(g: Guest, ptr: number, port: number): number {
  const m = g.host.memory;
  m.fill(ptr, 16, 0);
  m.setU16(ptr, AF_INET);
  m.setU8(ptr + 2, port >> 8);
  m.setU8(ptr + 3, port & 0xff);
  m.write(ptr + 4, [127, 0, 0, 1]);
  return ptr;
}
function portOf(g: Guest, ptr: number): number {
  return g.host.memory.u8(ptr + 2) * 256 + g.host.memory.u8(ptr + 3);
}

// Real loopback sockets through NodeNetBackend: a helper worker does the I/O while the
// calling thread blocks on Atomics, as a Faaslet worker would through the bridge.
describe('sockets: allowed path with real loopback TCP/UDP', () => {
  const backend = new NodeNetBackend({ timeoutMs: 10_000 });
  afterAll(() => backend.close());

  it('TCP: bind :0, listen, connect, accept, send/recv both ways, shutdown → EOF', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: [0, 65535] }] } });
    g.host.services.provide(NET_BACKEND, backend);
    const m = g.host.memory;
    const server = g.call('socket', AF_INET, SOCK_STREAM, 0);
    expect(g.call('bind', server, sockaddr(g, BUF, 0), 16)).toBe(0);
    expect(g.call('listen', server, 8)).toBe(0);
    m.setU32(BUF2 + 64, 16);
    expect(g.call('getsockname', server, BUF2, BUF2 + 64)).toBe(0);
    const port = portOf(g, BUF2);
    expect(port).toBeGreaterThan(0);
    const client = g.call('socket', AF_INET, SOCK_STREAM, 0);
    expect(g.call('connect', client, sockaddr(g, BUF, port), 16)).toBe(0);
    m.setU32(BUF2 + 64, 16);
    const conn = g.call('accept', server, BUF2, BUF2 + 64);
    expect(conn).toBeGreaterThan(client);
    expect([...m.bytes(BUF2 + 4, 4)]).toEqual([127, 0, 0, 1]);
    g.str(BUF3, 'hello over tcp');
    expect(g.call('send', client, BUF3, 14, 0)).toBe(14);
    let got = '';
    for (let i = 0; i < 20 && got.length < 14; i++) {
      const n = g.call('recv', conn, BUF3 + 256, 64, 0);
      got += m.string(BUF3 + 256, n);
    }
    expect(got).toBe('hello over tcp');
    g.str(BUF3, 'pong');
    expect(g.call('send', conn, BUF3, 4, 0)).toBe(4);
    expect(g.call('recv', client, BUF3 + 256, 64, 0)).toBe(4);
    expect(m.string(BUF3 + 256, 4)).toBe('pong');
    expect(g.call('shutdown', client, 2 /* SHUT_WR */)).toBe(0);
    expect(g.call('recv', conn, BUF3 + 256, 64, 0)).toBe(0);
    for (const fd of [conn, client, server]) expect(g.call('__syscall1', 6, fd)).toBe(0);
  });

  it('TCP: connecting to a closed port is ECONNREFUSED', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: [0, 65535] }] } });
    g.host.services.provide(NET_BACKEND, backend);
    const probe = g.call('socket', AF_INET, SOCK_STREAM, 0);
    g.call('bind', probe, sockaddr(g, BUF, 0), 16);
    g.call('listen', probe, 1);
    g.host.memory.setU32(BUF2 + 64, 16);
    g.call('getsockname', probe, BUF2, BUF2 + 64);
    const port = portOf(g, BUF2);
    g.call('__syscall1', 6, probe);
    const client = g.call('socket', AF_INET, SOCK_STREAM, 0);
    expect(g.call('connect', client, sockaddr(g, BUF, port), 16)).toBe(-1);
    expect(g.errno()).toBe(14 /* ECONNREFUSED */);
  });

  it('UDP: sendto/recvfrom with the sender address', async () => {
    const g = await guest({ network: { allow: [{ host: '127.0.0.1', port: [0, 65535] }] } });
    g.host.services.provide(NET_BACKEND, backend);
    const m = g.host.memory;
    const a = g.call('socket', AF_INET, SOCK_DGRAM, 0);
    expect(g.call('bind', a, sockaddr(g, BUF, 0), 16)).toBe(0);
    m.setU32(BUF2 + 64, 16);
    g.call('getsockname', a, BUF2, BUF2 + 64);
    const port = portOf(g, BUF2);
    const b = g.call('socket', AF_INET, SOCK_DGRAM, 0);
    expect(g.call('bind', b, sockaddr(g, BUF, 0), 16)).toBe(0);
    g.str(BUF3, 'datagram');
    expect(g.call('sendto', b, BUF3, 8, 0, sockaddr(g, BUF, port), 16)).toBe(8);
    m.setU32(BUF2 + 64, 16);
    expect(g.call('recvfrom', a, BUF3 + 128, 64, 0, BUF2, BUF2 + 64)).toBe(8);
    expect(m.string(BUF3 + 128, 8)).toBe('datagram');
    expect([...m.bytes(BUF2 + 4, 4)]).toEqual([127, 0, 0, 1]);
    g.call('__syscall1', 6, a);
    g.call('__syscall1', 6, b);
  });
});
