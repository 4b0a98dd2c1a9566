#!/usr/bin/env node
// Checks the workspace wiring: every @faasm/* package a package's sources import is a
// declared dependency and a tsconfig project reference, and every reference is a
// declared dependency. (Dependencies loaded only by name at run time, like the
// runtime's interface packages, need no reference.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const problems = [];

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(f) && !/\.test\.ts$|^test-/.test(f) ? [p] : [];
  });
}

for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const base = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8'));
  const tsconfig = JSON.parse(readFileSync(join(base, 'tsconfig.json'), 'utf8'));
  const deps = new Set(Object.keys(pkg.dependencies ?? {}));
  const refs = new Set((tsconfig.references ?? []).map((r) => `@faasm/${r.path.replace('../', '')}`));
  const imported = new Set();
  for (const file of sources(join(base, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/from '(@faasm\/[a-z-]+)[^']*'|import\('(@faasm\/[a-z-]+)[^']*'\)/g)) {
      imported.add(m[1] ?? m[2]);
    }
  }
  imported.delete(pkg.name);
  for (const name of imported) {
    if (!deps.has(name)) problems.push(`${pkg.name} imports ${name} but does not depend on it`);
    if (!refs.has(name)) problems.push(`${pkg.name} imports ${name} but its tsconfig.json has no reference to ../${name.slice(7)}`);
  }
  for (const ref of refs) if (!deps.has(ref)) problems.push(`${pkg.name} references ${ref} in tsconfig.json without depending on it`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('workspace wiring: ok');
