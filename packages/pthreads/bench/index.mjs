// pthread benchmarks: ours (a Faasm guest on @faasm/pthreads, warm worker pool) beside
// the same C built natively with clang-19 -pthread, measured in the same run.
import { fileURLToPath } from 'node:url';
import { buildBoth, runNative, runWasm } from '../../threads/bench/support.mjs';

export async function bench() {
  const { wasm, native, cleanup } = buildBoth(fileURLToPath(new URL('./bench.c', import.meta.url)));
  try {
    const theirs = runNative(native);
    const ours = await runWasm(wasm);
    const peer = 'native pthreads (clang-19 -pthread)';
    return [
      { name: 'pthreads: create + join (warm pool; median of 15 batches of 100)', unit: 'µs', ours: ours.create_join_us, peer, peerValue: theirs.create_join_us, lowerIsBetter: true, target: '≤ 50 µs', oursMean: ours.create_join_mean_us, peerMean: theirs.create_join_mean_us },
      { name: 'pthreads: uncontended mutex lock+unlock', unit: 'ns', ours: ours.mutex_ns, peer, peerValue: theirs.mutex_ns, lowerIsBetter: true, target: '≤ 100 ns' },
    ];
  } finally {
    cleanup();
  }
}
