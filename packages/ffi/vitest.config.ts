import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'ffi', include: ['src/**/*.test.ts'] },
});
