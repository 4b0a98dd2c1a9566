import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'abi', include: ['src/**/*.test.ts'] },
});
