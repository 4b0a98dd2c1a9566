import { randomFillSync } from 'node:crypto';
import { Errno, ProcExit, utf8 } from '@faasm/abi';
import { Clockid } from './constants.js';
import type { WasiHost } from './state.js';

/** argv: Faasm's `function.wasm` followed by the message's arguments. */
function argv(w: WasiHost): Uint8Array[] {
  return ['function.wasm', ...w.host.message.args].map(utf8);
}

function environ(w: WasiHost): Uint8Array[] {
  return Object.entries(w.host.message.env).map(([k, v]) => utf8(`${k}=${v}`));
}

function sizes(w: WasiHost, strings: Uint8Array[], countPtr: number, sizePtr: number): number {
  w.memory.check(countPtr, 4);
  w.memory.check(sizePtr, 4);
  let total = 0;
  for (const s of strings) total += s.byteLength + 1;
  w.memory.setU32(countPtr, strings.length);
  w.memory.setU32(sizePtr, total);
  return Errno.SUCCESS;
}

function fill(w: WasiHost, strings: Uint8Array[], ptrs: number, buf: number): number {
  let total = 0;
  for (const s of strings) total += s.byteLength + 1;
  w.memory.check(ptrs, strings.length * 4);
  w.memory.check(buf, total);
  let at = buf >>> 0;
  strings.forEach((s, i) => {
    w.memory.setU32(ptrs + i * 4, at);
    w.memory.write(at, s);
    w.memory.setU8(at + s.byteLength, 0);
    at += s.byteLength + 1;
  });
  return Errno.SUCCESS;
}

/** `errno args_sizes_get(size *argc, size *argv_buf_size)` */
export function argsSizesGet(w: WasiHost, argcPtr: number, bufSizePtr: number): number {
  return sizes(w, argv(w), argcPtr, bufSizePtr);
}

/** `errno args_get(u8 **argv, u8 *argv_buf)`: NUL-terminated strings and their pointers. */
export function argsGet(w: WasiHost, argvPtr: number, bufPtr: number): number {
  return fill(w, argv(w), argvPtr, bufPtr);
}

/** `errno environ_sizes_get(size *count, size *buf_size)` */
export function environSizesGet(w: WasiHost, countPtr: number, bufSizePtr: number): number {
  return sizes(w, environ(w), countPtr, bufSizePtr);
}

/** `errno environ_get(u8 **environ, u8 *environ_buf)`: exactly the message's env as KEY=VALUE. */
export function environGet(w: WasiHost, envPtr: number, bufPtr: number): number {
  return fill(w, environ(w), envPtr, bufPtr);
}

function cpuNs(): bigint {
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
}

/** Wall-clock nanoseconds since the epoch (µs resolution: performance.now). */
export function realtimeNs(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.floor((ms % 1) * 1e6));
}

/** The value of a clock in ns, or undefined for an unknown clock id. */
export function clockNow(id: number): bigint | undefined {
  switch (id) {
    case Clockid.REALTIME: return realtimeNs();
    case Clockid.MONOTONIC: return process.hrtime.bigint();
    // Node has no per-thread CPU clock before v23: both report the process's CPU time.
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID: return cpuNs();
    default: return undefined;
  }
}

/** `errno clock_res_get(clockid id, timestamp *resolution)`: INVAL for an unknown clock. */
export function clockResGet(w: WasiHost, id: number, resPtr: number): number {
  w.memory.check(resPtr, 8);
  const res = id === Clockid.MONOTONIC ? 1n : id === Clockid.REALTIME || id === Clockid.PROCESS_CPUTIME_ID || id === Clockid.THREAD_CPUTIME_ID ? 1000n : undefined;
  if (res === undefined) return Errno.INVAL;
  w.memory.setU64(resPtr, res);
  return Errno.SUCCESS;
}

/** `errno clock_time_get(clockid id, timestamp precision, timestamp *time)`: INVAL for an unknown clock. */
export function clockTimeGet(w: WasiHost, id: number, _precision: bigint, timePtr: number): number {
  w.memory.check(timePtr, 8);
  const now = clockNow(id);
  if (now === undefined) return Errno.INVAL;
  w.memory.setU64(timePtr, now);
  return Errno.SUCCESS;
}

/** `errno random_get(u8 *buf, size len)`: cryptographic random bytes. */
export function randomGet(w: WasiHost, buf: number, len: number): number {
  const view = w.memory.bytes(buf, len);
  // randomFillSync caps one fill at 2^31-1 bytes; fill in chunks to be safe on any size.
  for (let at = 0; at < view.byteLength; at += 65536) randomFillSync(view.subarray(at, Math.min(view.byteLength, at + 65536)));
  return Errno.SUCCESS;
}

/** `noreturn proc_exit(exitcode rval)`: unwinds the call with ProcExit. */
export function procExit(_w: WasiHost, code: number): void {
  throw new ProcExit(code | 0);
}

/** `errno sched_yield(void)`: a worker has nothing to yield to but the OS. */
export function schedYield(_w: WasiHost): number {
  return Errno.SUCCESS;
}
