import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'dynlink', include: ['src/**/*.test.ts'] },
});
