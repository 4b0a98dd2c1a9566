/** Runs fn `iterations` times after a warm-up; returns the median and p90 in µs. */
export function timeIt(fn, iterations, warmup = Math.min(200, iterations)) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    fn();
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  samples.sort();
  return { medianUs: samples[Math.floor(iterations / 2)], p90Us: samples[Math.floor(iterations * 0.9)], iterations };
}

/** Async variant of timeIt. */
export async function timeItAsync(fn, iterations, warmup = Math.min(50, iterations)) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  samples.sort();
  return { medianUs: samples[Math.floor(iterations / 2)], p90Us: samples[Math.floor(iterations * 0.9)], iterations };
}
