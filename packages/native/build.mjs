#!/usr/bin/env node
// Builds build/faasm_native.node from src/faasm_native.c with the system C compiler and
// Node's own N-API headers (no node-gyp: N-API's C ABI needs none of its configuration).
// Optional everywhere except CI: without a compiler or headers, @faasm/native reports
// itself unavailable and every package falls back to Node's fs. With CI=true a failed
// build fails, so the native paths are always tested there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = import.meta.dirname;
const source = join(here, 'src', 'faasm_native.c');
const output = join(here, 'build', 'faasm_native.node');
const mandatory = process.env.CI === 'true';

function headers() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

function skip(reason) {
  if (mandatory) {
    console.error(`@faasm/native: ${reason} (CI=true requires the native module)`);
    process.exit(1);
  }
  console.warn(`@faasm/native: ${reason}; the packages use their portable paths`);
  process.exit(0);
}

if (process.platform !== 'linux') skip(`not built on ${process.platform} (its system calls are Linux's)`);
if (existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs && !process.argv.includes('--force')) {
  process.exit(0);
}
const include = headers();
if (!include) skip("Node's N-API headers (node_api.h) were not found");
const compiler = process.env.CC ?? 'cc';
mkdirSync(dirname(output), { recursive: true });
try {
  execFileSync(
    compiler,
    ['-O2', '-std=c11', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-shared', '-fPIC', '-fvisibility=hidden',
      '-DNODE_GYP_MODULE_NAME=faasm_native', '-DNAPI_VERSION=8', `-I${include}`, source, '-o', output],
    { stdio: 'inherit' },
  );
} catch (error) {
  skip(`${compiler} failed: ${error.message.split('\n')[0]}`);
}
