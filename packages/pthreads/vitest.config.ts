import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'pthreads', include: ['src/**/*.test.ts'] },
});
