import { defineConfig } from 'vitest/config';

// One vitest project per package: `npx vitest run --project wasi` runs one package alone.
export default defineConfig({
  test: {
    projects: ['packages/*'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
