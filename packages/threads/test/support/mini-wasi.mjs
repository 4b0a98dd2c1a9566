// A minimal WASI preview1 interface package for the thread runtime's own tests, so
// they do not depend on @faasm/wasi (developed in parallel). It follows the package
// contract (manifest + link). stdout/stderr are captured on the main thread and
// written synchronously (fs.writeSync) on workers: their console would go through the
// main thread's event loop, which a waiting guest blocks.
import { writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import { Errno, ProcExit, ServiceKey, fn, importTable, linkTable, manifestOf } from '@faasm/abi';

const I = 'i32';
const L = 'i64';
export const CAPTURE = new ServiceKey('mini-wasi capture');
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

function captureOf(host) {
  let c = host.services.get(CAPTURE);
  if (!c) host.services.provide(CAPTURE, (c = { stdout: [], stderr: [] }));
  return c;
}

function argv(host) {
  return ['function.wasm', ...host.message.args];
}

function environ(host) {
  return Object.entries(host.message.env).map(([k, v]) => `${k}=${v}`);
}

function strings(host, list, ptrs, buf) {
  for (const s of list) {
    host.memory.setU32(ptrs, buf);
    buf += host.memory.writeCString(buf, s);
    ptrs += 4;
  }
  return 0;
}

function sizes(host, list, countPtr, sizePtr) {
  host.memory.setU32(countPtr, list.length);
  host.memory.setU32(sizePtr, list.reduce((n, s) => n + Buffer.byteLength(s) + 1, 0));
  return 0;
}

export const table = importTable('mini-wasi', {
  wasi_snapshot_preview1: {
    args_get: fn([I, I], I, (h, p, b) => strings(h, argv(h), p, b)),
    args_sizes_get: fn([I, I], I, (h, c, s) => sizes(h, argv(h), c, s)),
    environ_get: fn([I, I], I, (h, p, b) => strings(h, environ(h), p, b)),
    environ_sizes_get: fn([I, I], I, (h, c, s) => sizes(h, environ(h), c, s)),
    fd_write: fn([I, I, I, I], I, (h, fd, iovs, n, written) => {
      if (fd !== 1 && fd !== 2) return Errno.BADF;
      const parts = h.memory.iovecs(iovs, n).map((b) => Buffer.from(b));
      const data = Buffer.concat(parts);
      if (isMainThread) captureOf(h)[fd === 1 ? 'stdout' : 'stderr'].push(data);
      else writeSync(2, data);
      h.memory.setU32(written, data.length);
      return 0;
    }),
    fd_read: fn([I, I, I, I], I, (h, _fd, _i, _n, read) => { h.memory.setU32(read, 0); return 0; }),
    fd_close: fn([I], I, () => 0),
    fd_seek: fn([I, L, I, I], I, () => Errno.SPIPE),
    fd_fdstat_get: fn([I, I], I, (h, fd, stat) => {
      if (fd > 2) return Errno.BADF;
      h.memory.fill(stat, 24, 0);
      h.memory.setU8(stat, 2); // character device
      return 0;
    }),
    fd_prestat_get: fn([I, I], I, () => Errno.BADF),
    fd_prestat_dir_name: fn([I, I, I], I, () => Errno.BADF),
    proc_exit: fn([I], null, (_h, code) => { throw new ProcExit(code); }),
    clock_time_get: fn([I, L, I], I, (h, id, _p, out) => {
      const ns = id === 0 ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
      h.memory.setU64(out, ns);
      return 0;
    }),
    clock_res_get: fn([I, I], I, (h, _id, out) => { h.memory.setU64(out, 1000n); return 0; }),
    random_get: fn([I, I], I, (h, buf, len) => { randomFillSync(h.memory.bytes(buf, len)); return 0; }),
    sched_yield: fn([], I, () => 0),
    poll_oneoff: fn([I, I, I, I], I, (h, subs, events, n, count) => {
      // Clock subscriptions only (nanosleep/usleep): sleep for the longest timeout.
      let ms = 0;
      for (let i = 0; i < n; i++) {
        const sub = subs + i * 48;
        if (h.memory.u8(sub + 8) === 0) ms = Math.max(ms, Number(h.memory.u64(sub + 24)) / 1e6);
        h.memory.fill(events + i * 32, 32, 0);
        h.memory.setU64(events + i * 32, h.memory.u64(sub));
      }
      if (ms > 0) Atomics.wait(SLEEP, 0, 0, ms);
      h.memory.setU32(count, n);
      return 0;
    }),
  },
});

export const manifest = manifestOf(table);

export function link(importObject, host) {
  linkTable(table, importObject, host);
}

/** What the guest wrote to stdout on the main thread. */
export function stdoutOf(host) {
  return Buffer.concat(captureOf(host).stdout).toString();
}

export function stderrOf(host) {
  return Buffer.concat(captureOf(host).stderr).toString();
}
