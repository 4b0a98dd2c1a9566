#!/usr/bin/env node
// Builds build/faasm_native.node from src/faasm_native.cc with the system C++ compiler and
// the V8/Node headers of the Node that runs this script (no node-gyp). The module uses
// V8's C++ API, which is only compatible within one Node ABI (process.versions.modules),
// so the build records the Node it was made for in build/faasm_native.json and is redone
// when that differs, as well as when the source is newer.
// Optional everywhere except CI: without a compiler or matching headers, @faasm/native
// reports itself unavailable and every package falls back to Node's fs. With CI=true a
// failed build fails, so the native paths are always tested there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = import.meta.dirname;
const source = join(here, 'src', 'faasm_native.cc');
const output = join(here, 'build', 'faasm_native.node');
const stampFile = join(here, 'build', 'faasm_native.json');
const mandatory = process.env.CI === 'true';
/** What the module is built for: index.ts compares it with the Node that loads it. */
const stamp = { node: process.version, modules: process.versions.modules, arch: process.arch };

/** NODE_MODULE_VERSION of the headers in `dir`, or undefined. */
function headerAbi(dir) {
  try {
    return /^#define NODE_MODULE_VERSION (\d+)$/m.exec(readFileSync(join(dir, 'node_version.h'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** The first header directory with v8.h and node.h for this Node's ABI (older headers would miscompile). */
function headers() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  const found = candidates.filter((dir) => existsSync(join(dir, 'v8.h')) && existsSync(join(dir, 'node.h')));
  return { include: found.find((dir) => headerAbi(dir) === process.versions.modules), found };
}

/**
 * The V8 build options that change the layout v8.h's inline functions assume, as
 * node-gyp's common.gypi turns them into defines, read from the running Node's own
 * configuration (the headers' config.gypi may describe another build).
 */
function v8Defines() {
  const v = process.config.variables ?? {};
  const on = (name) => Number(v[name]) === 1 || v[name] === true || v[name] === 'true';
  const defines = [];
  if (on('v8_enable_v8_checks')) defines.push('V8_ENABLE_CHECKS');
  if (on('v8_enable_pointer_compression')) {
    defines.push('V8_COMPRESS_POINTERS');
    defines.push(on('v8_enable_pointer_compression_shared_cage') ? 'V8_COMPRESS_POINTERS_IN_SHARED_CAGE' : 'V8_COMPRESS_POINTERS_IN_ISOLATE_CAGE');
  }
  if (on('v8_enable_pointer_compression') || on('v8_enable_31bit_smis_on_64bit_arch')) defines.push('V8_31BIT_SMIS_ON_64BIT_ARCH');
  if (on('v8_enable_sandbox')) defines.push('V8_ENABLE_SANDBOX');
  if (on('v8_enable_external_code_space')) defines.push('V8_EXTERNAL_CODE_SPACE');
  if (on('v8_enable_map_packing')) defines.push('V8_MAP_PACKING');
  if (on('v8_enable_direct_local')) defines.push('V8_ENABLE_DIRECT_LOCAL');
  if (on('v8_enable_conservative_stack_scanning')) defines.push('V8_ENABLE_CONSERVATIVE_STACK_SCANNING');
  return defines.map((d) => `-D${d}`);
}

function upToDate() {
  if (process.argv.includes('--force') || !existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) return false;
  try {
    const built = JSON.parse(readFileSync(stampFile, 'utf8'));
    return built.modules === stamp.modules && built.node === stamp.node && built.arch === stamp.arch;
  } catch {
    return false;
  }
}

/** Removes a module that cannot be used here, so nothing loads a stale build. */
function removeStale() {
  rmSync(output, { force: true });
  rmSync(stampFile, { force: true });
}

function skip(reason) {
  removeStale();
  if (mandatory) {
    console.error(`@faasm/native: ${reason} (CI=true requires the native module)`);
    process.exit(1);
  }
  console.warn(`@faasm/native: ${reason}; the packages use their portable paths`);
  process.exit(0);
}

if (process.platform !== 'linux') skip(`not built on ${process.platform} (its system calls are Linux's)`);
if (upToDate()) process.exit(0);
const { include, found } = headers();
if (!include) {
  skip(found.length === 0
    ? "Node's C++ headers (v8.h, node.h) were not found"
    : `Node's C++ headers in ${found.join(', ')} are not for this Node (${process.version}, ABI ${process.versions.modules})`);
}
const compiler = process.env.CXX ?? 'c++';
mkdirSync(dirname(output), { recursive: true });
try {
  execFileSync(
    compiler,
    ['-O2', '-std=c++17', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-fvisibility=hidden', '-fno-exceptions', '-fno-rtti',
      '-DNODE_GYP_MODULE_NAME=faasm_native', ...v8Defines(),
      // -isystem: the V8 headers' own unused parameters do not trip -Wextra -Werror.
      '-isystem', include, source, '-o', output],
    { stdio: 'inherit' },
  );
} catch (error) {
  skip(`${compiler} failed: ${error.message.split('\n')[0]}`);
}
writeFileSync(stampFile, `${JSON.stringify(stamp)}\n`);
