import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'posix', include: ['src/**/*.test.ts'] },
});
