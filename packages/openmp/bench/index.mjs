// OpenMP benchmarks: ours (a Faasm guest on @faasm/openmp) beside the same C built
// natively with clang-19 -fopenmp (libomp), measured in the same run. Each build runs
// twice: unbound (both runtimes' default), then with the same OMP_PROC_BIND=close
// OMP_PLACES=threads for both (each thread on a CPU of its own: the kernel cannot pack
// the team onto one CPU; libomp and we then spin 200 ms before sleeping).
import { fileURLToPath } from 'node:url';
import { buildBoth, runNative, runWasm } from '../../threads/bench/support.mjs';

const BOUND = { OMP_PROC_BIND: 'close', OMP_PLACES: 'threads' };

export async function bench() {
  const { wasm, native, cleanup } = buildBoth(fileURLToPath(new URL('./bench.c', import.meta.url)));
  try {
    const theirs = runNative(native);
    const ours = await runWasm(wasm);
    const theirsBound = runNative(native, [], BOUND);
    const oursBound = await runWasm(wasm, [], BOUND);
    const peer = 'native libomp (clang-19 -fopenmp)';
    const rowOf = (o, t) => (name, key, unit, target, extra = {}) =>
      ({ name, unit, ours: o[key], peer, peerValue: t[key], lowerIsBetter: true, ...(target ? { target } : {}), ...extra });
    const row = rowOf(ours, theirs);
    const bound = rowOf(oursBound, theirsBound);
    // Compute times in ms (seconds print as 0.05).
    const ms = (r) => ({ ...r, unit: 'ms', ours: r.ours * 1000, peerValue: r.peerValue * 1000 });
    // Regions and barriers: the median of 15 batch means of 200 (both builds); the means
    // of all 3,000 stay in the JSON.
    const means = (o, t, key) => ({ oursMean: o[`${key}_mean_us`], peerMean: t[`${key}_mean_us`] });
    const env = { env: 'OMP_PROC_BIND=close OMP_PLACES=threads (both builds)' };
    // The target is a speedup: 1-thread time ÷ 2-thread time, each build its own
    // (the median over its back-to-back pairs of runs).
    const speedup = (name, o, t, extra = {}) => ({
      name, unit: '×', ours: o.speedup, peer, peerValue: t.speedup, lowerIsBetter: false, target: '≥ 1.9×', ...extra,
    });
    return [
      row('openmp: empty parallel region, 2 threads (median of 15 batches of 200)', 'empty_region_us', 'µs', '≤ 5 µs', means(ours, theirs, 'empty_region')),
      row('openmp: barrier, 2 threads (median of 15 batches of 200)', 'barrier_us', 'µs', '≤ 2 µs', means(ours, theirs, 'barrier')),
      row('openmp: contended critical, 2 threads', 'critical_ns', 'ns', 'contended: ≈ native'),
      ms(row('openmp: 4e7 × sqrt, 1 thread (median of 11)', 'compute_1_s', 's')),
      ms(row('openmp: 4e7 × sqrt, 2 threads (median of 11)', 'compute_2_s', 's')),
      speedup('openmp: speedup of 4e7 × sqrt, 2 threads over 1 (median of 11 pairs)', ours, theirs),
      bound('openmp, bound (close, threads): empty parallel region, 2 threads (median of 15 batches of 200)', 'empty_region_us', 'µs', '≤ 5 µs',
        { ...means(oursBound, theirsBound, 'empty_region'), ...env }),
      ms(bound('openmp, bound (close, threads): 4e7 × sqrt, 1 thread (median of 11)', 'compute_1_s', 's', undefined, env)),
      ms(bound('openmp, bound (close, threads): 4e7 × sqrt, 2 threads (median of 11)', 'compute_2_s', 's', undefined, env)),
      speedup('openmp, bound (close, threads): speedup of 4e7 × sqrt, 2 threads over 1 (median of 11 pairs)', oursBound, theirsBound, env),
    ];
  } finally {
    cleanup();
  }
}
