import { defineConfig } from 'vitest/config';

// One vitest project per package: `npx vitest run --project wasi` runs one package alone.
export default defineConfig({
  test: {
    // Each package's vitest.config.ts is a standalone project (timeouts included); wasi
    // adds a variant on its portable paths (@faasm/native off).
    projects: ['packages/*', 'packages/wasi/vitest.portable.config.ts'],
  },
});
