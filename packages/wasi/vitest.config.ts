import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'wasi', include: ['src/**/*.test.ts'] },
});
