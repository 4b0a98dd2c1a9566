// A minimal WASI for this package's tests, so they do not depend on @faasm/wasi:
// args, environ, clocks, fd_write (fd 1 appended to `stdoutFile`, fd 2 to the
// process's stderr), proc_exit. Loaded by the rank workers through loadPackages.
import { ProcExit, fn, importTable, linkTable, manifestOf } from '@faasm/abi';
import { appendFileSync, writeSync } from 'node:fs';

const i = 'i32';
const enc = new TextEncoder();

function strings(host, list, ptrs, buf) {
  let at = buf >>> 0;
  list.forEach((s, k) => {
    host.memory.setU32(ptrs + k * 4, at);
    at += host.memory.writeCString(at, s);
  });
  return 0;
}

function sizes(host, list, countPtr, sizePtr) {
  host.memory.setU32(countPtr, list.length);
  host.memory.setU32(sizePtr, list.reduce((n, s) => n + enc.encode(s).length + 1, 0));
  return 0;
}

const argv = (host) => ['function.wasm', ...host.message.args];
const envv = (host) => Object.entries(host.message.env).map(([k, v]) => `${k}=${v}`);

export const table = importTable('@faasm/test-wasi', {
  wasi_snapshot_preview1: {
    args_get: fn([i, i], i, (h, p, b) => strings(h, argv(h), p, b)),
    args_sizes_get: fn([i, i], i, (h, c, s) => sizes(h, argv(h), c, s)),
    environ_get: fn([i, i], i, (h, p, b) => strings(h, envv(h), p, b)),
    environ_sizes_get: fn([i, i], i, (h, c, s) => sizes(h, envv(h), c, s)),
    clock_time_get: fn([i, 'i64', i], i, (h, _id, _prec, out) => {
      h.memory.setU64(out, BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)));
      return 0;
    }),
    fd_write: fn([i, i, i, i], i, (h, fd, iovs, n, out) => {
      if (fd !== 1 && fd !== 2) return 8;
      let total = 0;
      for (const b of h.memory.iovecs(iovs, n)) {
        if (fd === 1 && h.testStdout) appendFileSync(h.testStdout, b);
        else writeSync(2, b);
        total += b.length;
      }
      h.memory.setU32(out, total);
      return 0;
    }),
    fd_close: fn([i], i, () => 0),
    fd_fdstat_get: fn([i, i], i, (h, fd, out) => {
      if (fd > 2) return 8;
      h.memory.fill(out, 24);
      h.memory.setU8(out, 2);
      return 0;
    }),
    fd_seek: fn([i, 'i64', i, i], i, () => 70),
    proc_exit: fn([i], null, (_h, code) => {
      throw new ProcExit(code);
    }),
  },
});

export const manifest = manifestOf(table);

export function link(importObject, host, options = {}) {
  linkTable(table, importObject, host);
  host.testStdout = options.stdoutFile;
}
