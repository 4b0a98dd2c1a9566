import { defineProject } from 'vitest/config';

export default defineProject({
  // Generous timeouts: the race tests and child processes share 2 cores with other suites.
  test: { name: 'wasi', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
