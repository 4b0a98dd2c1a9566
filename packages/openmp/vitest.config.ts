import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'openmp', include: ['src/**/*.test.ts'] },
});
