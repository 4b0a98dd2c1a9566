import { defineProject } from 'vitest/config';

// The wasi suites again on the Node backend's portable paths (@faasm/native switched
// off): the walk with /proc checks and Node's fs, as on systems without the native
// module. In-memory cases run once, in the `wasi` project (see src/test-backends.ts).
export default defineProject({
  test: {
    name: 'wasi-portable',
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    env: { FAASM_NATIVE: 'off', FAASM_TEST_BACKENDS: 'node' },
  },
});
