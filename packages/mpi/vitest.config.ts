import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'mpi', include: ['src/**/*.test.ts'] },
});
