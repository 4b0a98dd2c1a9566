/**
 * The backends the suites run on. The `wasi-portable` project (vitest.portable.config.ts)
 * reruns them with FAASM_NATIVE=off and FAASM_TEST_BACKENDS=node: the Node backend's
 * portable paths (the walk, /proc checks, Node's fs) pass the same tests as its native
 * ones, while the in-memory backend, which has no native paths, runs once.
 */
export const BACKENDS: ReadonlyArray<'node' | 'memory'> = (process.env.FAASM_TEST_BACKENDS ?? 'node,memory')
  .split(',')
  .filter((b): b is 'node' | 'memory' => b === 'node' || b === 'memory');
