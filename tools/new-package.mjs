#!/usr/bin/env node
// Scaffolds packages/<dir> as an @faasm/<dir> workspace: package.json, tsconfig.json,
// vitest.config.ts, src/index.ts and README.md. Existing files are never overwritten.
// Usage: node tools/new-package.mjs <dir> "<description>" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, description = '', ...deps] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node tools/new-package.mjs <dir> "<description>" [dep ...]');
  process.exit(2);
}
const root = join(import.meta.dirname, '..', 'packages', dir);
mkdirSync(join(root, 'src'), { recursive: true });

function write(rel, text) {
  const file = join(root, rel);
  if (!existsSync(file)) writeFileSync(file, text);
}

write('package.json', JSON.stringify({
  name: `@faasm/${dir}`,
  version: '0.1.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  files: ['dist', 'README.md'],
  scripts: { build: 'tsc -b', test: `vitest run --root ../.. --project ${dir}` },
  dependencies: Object.fromEntries(deps.map((d) => [`@faasm/${d}`, '0.1.0'])),
}, null, 2) + '\n');

write('tsconfig.json', JSON.stringify({
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist' },
  include: ['src'],
  exclude: ['src/**/*.test.ts', 'src/**/test-*.ts'],
  references: deps.map((d) => ({ path: `../${d}` })),
}, null, 2) + '\n');

write('vitest.config.ts', `import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '${dir}', include: ['src/**/*.test.ts'] },
});
`);

write('src/index.ts', `export {};\n`);
write('README.md', `# @faasm/${dir}\n\n${description}\n`);
console.log(`packages/${dir}`);
