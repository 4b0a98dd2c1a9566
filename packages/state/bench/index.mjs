// @faasm/state benchmarks: the local tier (read/write of 1 KiB and 1 MiB from a guest,
// beside a plain JS copy of the same size) and push/pull through Redis (beside
// redis-benchmark SET/GET of the same size against the same server, in the same run:
// a push of N bytes is one SET of N bytes, a pull one GET, each over one connection).
import { execFileSync } from 'node:child_process';
import { RedisStore } from '@faasm/state/redis';
import { TestPlane } from '../test/support/plane.mjs';
import { startRedis } from '../test/support/redis.mjs';

const SIZES = [
  ['1 KiB', 1024, 20000],
  ['1 MiB', 1 << 20, 200],
];

function jsCopyNs(size, iters) {
  const src = new Uint8Array(size).fill(7);
  const dst = new Uint8Array(size);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) dst.set(src);
  return Number(process.hrtime.bigint() - start) / iters;
}

/**
 * ns per call of `op` in the guest: the median of 5 timed runs, after one untimed run of
 * the same length (V8 compiles the host's handlers during the first thousands of calls).
 */
async function guestNs(plane, op, size, iters) {
  const runs = [];
  for (let i = 0; i < 6; i++) {
    const r = await plane.run('state_bench', `${op} ${size} ${iters}`);
    if (r.returnValue !== 0) throw new Error(`state_bench ${op} ${size}: ${r.error ?? r.text}`);
    if (i > 0) runs.push(Number(r.text));
  }
  return median(runs);
}

/**
 * redis-benchmark SET and GET of `size` bytes over one connection: µs per request at its
 * throughput (1e6 / requests per second), the like of our figure (a loop's time ÷ its
 * iterations, client work included); its mean latency (which leaves its own client
 * work out) comes along for the report.
 */
function redisBenchmark(port, size, n) {
  const csv = execFileSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-d', String(size), '-n', String(n), '-c', '1', '--csv'], {
    encoding: 'utf8',
  });
  const out = {};
  for (const line of csv.trim().split('\n').slice(1)) {
    const [test, rps, avgMs] = line.split(',').map((f) => f.replaceAll('"', ''));
    out[test] = { perOpUs: 1e6 / Number(rps), meanLatencyUs: Number(avgMs) * 1000 };
  }
  return out;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Rounds of (peer, push, pull) back to back: machine noise hits both sides alike; medians are reported. */
const ROUNDS = 7;

export async function bench() {
  const rows = [];
  const local = new TestPlane({});
  try {
    for (const [label, size, iters] of SIZES) {
      const copy = jsCopyNs(size, iters);
      for (const op of ['read', 'write']) {
        const ns = await guestNs(local, op, size, iters);
        rows.push({ name: `state ${op} ${label} (local tier, guest call)`, unit: 'µs/op', ours: ns / 1000, peer: 'JS Uint8Array.set of the same size', peerValue: copy / 1000, lowerIsBetter: true, ...(label === '1 MiB' ? { target: '≥ 5 GB/s (≤ 210 µs/op)' } : {}) });
      }
    }
  } finally {
    await local.close();
  }
  let redis;
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    redis = await startRedis();
  } catch {
    return rows;
  }
  const store = new RedisStore({ prefix: 'bench:', redis: { port: redis.port, host: '127.0.0.1' } });
  const plane = new TestPlane({ store });
  try {
    for (const [label, size, iters] of SIZES) {
      const n = Math.max(200, Math.floor(iters / 4));
      const runs = { SET: [], GET: [], setLatency: [], getLatency: [], push: [], pull: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const peer = redisBenchmark(redis.port, size, n);
        runs.SET.push(peer.SET.perOpUs);
        runs.GET.push(peer.GET.perOpUs);
        runs.setLatency.push(peer.SET.meanLatencyUs);
        runs.getLatency.push(peer.GET.meanLatencyUs);
        runs.push.push((await guestNs(plane, 'push', size, n)) / 1000);
        runs.pull.push((await guestNs(plane, 'pull', size, n)) / 1000);
      }
      const target = '≥ 80% of its throughput (≤ 1.25×)';
      rows.push({ name: `state push ${label} through Redis`, unit: 'µs/op', ours: median(runs.push), peer: `redis-benchmark SET -d ${size} -c 1 (1/throughput)`, peerValue: median(runs.SET), peerMeanLatency: median(runs.setLatency), lowerIsBetter: true, target });
      rows.push({ name: `state pull ${label} through Redis`, unit: 'µs/op', ours: median(runs.pull), peer: `redis-benchmark GET -d ${size} -c 1 (1/throughput)`, peerValue: median(runs.GET), peerMeanLatency: median(runs.getLatency), lowerIsBetter: true, target });
    }
  } finally {
    await plane.close();
    await store.close();
    await redis.stop();
  }
  return rows;
}
