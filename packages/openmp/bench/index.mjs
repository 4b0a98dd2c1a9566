// OpenMP benchmarks: ours (a Faasm guest on @faasm/openmp) beside the same C built
// natively with clang-19 -fopenmp (libomp), measured in the same run.
import { fileURLToPath } from 'node:url';
import { buildBoth, runNative, runWasm } from '../../threads/bench/support.mjs';

export async function bench() {
  const { wasm, native, cleanup } = buildBoth(fileURLToPath(new URL('./bench.c', import.meta.url)));
  try {
    const theirs = runNative(native);
    const ours = await runWasm(wasm);
    const peer = 'native libomp (clang-19 -fopenmp)';
    const row = (name, key, unit, target, extra = {}) => ({ name, unit, ours: ours[key], peer, peerValue: theirs[key], lowerIsBetter: true, ...(target ? { target } : {}), ...extra });
    // Regions and barriers: the median of 15 batch means of 200 (both builds); the means
    // of all 3,000 stay in the JSON.
    const means = (key) => ({ oursMean: ours[`${key}_mean_us`], peerMean: theirs[`${key}_mean_us`] });
    return [
      row('openmp: empty parallel region, 2 threads (median of 15 batches of 200)', 'empty_region_us', 'µs', '≤ 5 µs', means('empty_region')),
      row('openmp: barrier, 2 threads (median of 15 batches of 200)', 'barrier_us', 'µs', '≤ 2 µs', means('barrier')),
      row('openmp: contended critical, 2 threads', 'critical_ns', 'ns', 'contended: ≈ native'),
      row('openmp: 4e7 × sqrt, 1 thread', 'compute_1_s', 's'),
      row('openmp: 4e7 × sqrt, 2 threads', 'compute_2_s', 's', 'speedup ≥ 1.9× over 1 thread'),
    ];
  } finally {
    cleanup();
  }
}
