import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { errnoFromNode } from '@faasm/abi';

// The helper thread behind NodeNetBackend: performs real socket operations with Node's
// async APIs and answers each request on the port, then wakes the blocked caller.

interface Endpoint {
  host: string;
  port: number;
}
interface Request {
  op: string;
  handle?: number;
  family?: 4 | 6;
  type?: 'stream' | 'dgram';
  to?: Endpoint;
  backlog?: number;
  data?: Uint8Array;
  max?: number;
  how?: 'read' | 'write' | 'both';
}
interface Sock {
  family: 4 | 6;
  type: 'stream' | 'dgram';
  bound?: Endpoint;
  stream?: net.Socket;
  server?: net.Server;
  udp?: dgram.Socket;
  pending: net.Socket[];
  chunks: Array<{ data: Uint8Array; from?: Endpoint }>;
  ended: boolean;
  error?: unknown;
  waiter?: () => void;
}

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const sockets = new Map<number, Sock>();
let nextHandle = 1;

function reply(answer: unknown): void {
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function fail(error: unknown): void {
  reply({ errno: typeof error === 'number' ? error : errnoFromNode(error) });
}

function sock(handle: number | undefined): Sock {
  const s = sockets.get(handle ?? -1);
  if (!s) throw Object.assign(new Error('bad handle'), { code: 'EBADF' });
  return s;
}

function attach(s: Sock, stream: net.Socket): void {
  s.stream = stream;
  const wake = () => {
    const w = s.waiter;
    s.waiter = undefined;
    w?.();
  };
  stream.on('data', (d: Buffer) => {
    s.chunks.push({ data: new Uint8Array(d) });
    wake();
  });
  stream.on('end', () => {
    s.ended = true;
    wake();
  });
  stream.on('error', (e) => {
    s.error = e;
    wake();
  });
}

function newSock(family: 4 | 6, type: 'stream' | 'dgram'): number {
  const handle = nextHandle++;
  sockets.set(handle, { family, type, pending: [], chunks: [], ended: false });
  return handle;
}

const ops: Record<string, (r: Request) => void> = {
  socket: (r) => reply(newSock(r.family ?? 4, r.type ?? 'stream')),
  bind: (r) => {
    const s = sock(r.handle);
    s.bound = r.to!;
    if (s.type === 'stream') return reply(null);
    const udp = dgram.createSocket(s.family === 4 ? 'udp4' : 'udp6');
    s.udp = udp;
    udp.on('message', (msg, rinfo) => {
      s.chunks.push({ data: new Uint8Array(msg), from: { host: rinfo.address, port: rinfo.port } });
      const w = s.waiter;
      s.waiter = undefined;
      w?.();
    });
    udp.once('error', fail);
    udp.bind(r.to!.port, r.to!.host, () => reply(null));
  },
  listen: (r) => {
    const s = sock(r.handle);
    if (s.type !== 'stream' || !s.bound) return fail(28 /* EINVAL */);
    const server = net.createServer((c) => {
      s.pending.push(c);
      c.pause();
      const w = s.waiter;
      s.waiter = undefined;
      w?.();
    });
    s.server = server;
    server.once('error', fail);
    server.listen({ port: s.bound.port, host: s.bound.host, backlog: r.backlog ?? 16 }, () => reply(null));
  },
  accept: (r) => {
    const s = sock(r.handle);
    if (!s.server) return fail(28);
    const take = () => {
      const c = s.pending.shift();
      if (!c) {
        s.waiter = take;
        return;
      }
      const handle = newSock(s.family, 'stream');
      attach(sockets.get(handle)!, c);
      c.resume();
      reply({ handle, peer: { host: c.remoteAddress ?? '', port: c.remotePort ?? 0 } });
    };
    take();
  },
  connect: (r) => {
    const s = sock(r.handle);
    if (s.type === 'dgram') {
      s.bound ??= { host: r.to!.host, port: 0 };
      return reply(null);
    }
    const c = net.connect({ host: r.to!.host, port: r.to!.port, family: s.family });
    c.once('connect', () => {
      c.removeListener('error', fail);
      attach(s, c);
      reply(null);
    });
    c.once('error', fail);
  },
  send: (r) => {
    const s = sock(r.handle);
    const data = r.data ?? new Uint8Array(0);
    if (s.type === 'dgram') {
      const udp = (s.udp ??= dgram.createSocket(s.family === 4 ? 'udp4' : 'udp6'));
      udp.send(data, r.to!.port, r.to!.host, (e) => (e ? fail(e) : reply(data.length)));
      return;
    }
    if (!s.stream) return fail(53 /* ENOTCONN */);
    s.stream.write(data, (e) => (e ? fail(e) : reply(data.length)));
  },
  recv: (r) => {
    const s = sock(r.handle);
    const max = r.max ?? 0;
    const take = () => {
      const first = s.chunks[0];
      if (first) {
        if (s.type === 'dgram' || first.data.length <= max) s.chunks.shift();
        else s.chunks[0] = { data: first.data.subarray(max), ...(first.from ? { from: first.from } : {}) };
        return reply({ data: first.data.subarray(0, max), from: first.from });
      }
      if (s.error) return fail(s.error);
      if (s.ended) return reply({ data: new Uint8Array(0) });
      s.waiter = take;
    };
    take();
  },
  shutdown: (r) => {
    const s = sock(r.handle);
    if (r.how !== 'read') s.stream?.end();
    reply(null);
  },
  local: (r) => {
    const s = sock(r.handle);
    const a = (s.server?.address() ?? s.stream?.address() ?? s.udp?.address()) as net.AddressInfo | null | undefined;
    reply(a && typeof a === 'object' && 'port' in a ? { host: a.address, port: a.port } : { host: s.family === 4 ? '0.0.0.0' : '::', port: 0 });
  },
  close: (r) => {
    const s = sockets.get(r.handle ?? -1);
    sockets.delete(r.handle ?? -1);
    s?.stream?.destroy();
    s?.server?.close();
    s?.udp?.close();
    for (const c of s?.pending ?? []) c.destroy();
    reply(null);
  },
  exit: () => {
    for (const s of sockets.values()) {
      s.stream?.destroy();
      s.server?.close();
      s.udp?.close();
    }
    reply(null);
    port.close();
    parentPort?.close();
  },
};

port.on('message', (r: Request) => {
  try {
    const op = ops[r.op];
    if (!op) return fail(52 /* ENOSYS */);
    op(r);
  } catch (e) {
    fail(e);
  }
});
