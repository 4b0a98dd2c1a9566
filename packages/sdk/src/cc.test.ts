import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SDK_INCLUDE, SDK_LIB, toolchainEnv, ccCommand, checkToolchain, librariesFor, ToolchainMissing, TOOLCHAIN_PACKAGES } from './cc.js';

const work = mkdtempSync(join(tmpdir(), 'faasm-sdk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function compile(args: string[], options: { cxx?: boolean; threads?: boolean } = {}) {
  const { command, args: full } = ccCommand(args, options);
  return spawnSync(command, full, { encoding: 'utf8', env: toolchainEnv() });
}

describe('faasm cc', () => {
  it("adds Faasm's link flags and the table export", () => {
    const { command, args } = ccCommand(['x.c', '-o', 'x.wasm']);
    expect(command).toBe('clang-19');
    expect(args).toEqual(expect.arrayContaining([
      '--target=wasm32-wasi', '--sysroot=/usr', `-I${SDK_INCLUDE}`, '-Wl,--stack-first', '-Wl,-z,stack-size=4194304',
      '-Wl,--max-memory=4294901760', '-Wl,--export-table', '-Wl,--growable-table', '-Wl,--export=__heap_base', '-Wl,--export=__data_end',
      '-Wl,--export=__stack_pointer', '-Wl,--export-if-defined=malloc', '-Wl,--export-if-defined=_faasm_zygote',
    ]));
    expect(ccCommand(['x.cpp'], { cxx: true }).command).toBe('clang++-19');
  });

  it('builds a side module with PIC flags instead of the Faaslet link flags', () => {
    const { args } = ccCommand(['side.c', '-o', 'side.wasm'], { sideModule: true });
    expect(args).toEqual(expect.arrayContaining(['-fPIC', '-fvisibility=default', '-shared', '-nostdlib', '-Wl,--experimental-pic', '-Wl,--no-entry']));
    expect(args).not.toContain('-Wl,--stack-first');
    expect(args).not.toContain('-Wl,--export-table');
    // Compile-only: the compile flags, no link flags.
    const compileOnly = ccCommand(['-c', 'side.c'], { sideModule: true }).args;
    expect(compileOnly).toContain('-fPIC');
    expect(compileOnly).not.toContain('-shared');
    expect(() => ccCommand(['side.c'], { sideModule: true, threads: true })).toThrow(/threads/);
  });

  it('links a guest library when a source includes its header', () => {
    const src = join(work, 'uses-mpi.c');
    writeFileSync(src, '#include <mpi.h>\nint main(void) { return 0; }\n');
    const plain = join(work, 'plain.c');
    writeFileSync(plain, '#include <stdio.h>\nint main(void) { return 0; }\n');
    expect(librariesFor([plain])).toEqual([]);
    expect(librariesFor([src])).toEqual([join(SDK_LIB, 'mpi.c')]);
    // ... also when mpi.h comes through a local header.
    writeFileSync(join(work, 'common.h'), '#include "mpi.h"\n');
    const indirect = join(work, 'indirect.c');
    writeFileSync(indirect, '#include "common.h"\nint main(void) { return 0; }\n');
    expect(librariesFor([indirect])).toEqual([join(SDK_LIB, 'mpi.c')]);
  });

  it('builds a Faasm guest whose exports a JS host needs are all there', () => {
    checkToolchain();
    const src = join(work, 'guest.c');
    const out = join(work, 'guest.wasm');
    writeFileSync(src, '#include "faasm/faasm.h"\n#include <stdio.h>\nFAASM_ZYGOTE() { return 0; }\nint main(void) { printf("hi\\n"); return (int)faasmGetInputSize(); }\n');
    const result = compile(['-O2', src, '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.status, result.stderr).toBe(0);
    const module = new WebAssembly.Module(readFileSync(out));
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(['_start', '__indirect_function_table', '__stack_pointer', '__heap_base', '__data_end', '__wasm_call_ctors', '_faasm_zygote', 'memory']));
    expect(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`)).toContain('env.__faasm_read_input');
  });

  it('ships headers that compile as C and as C++', () => {
    const src = join(work, 'all.c');
    writeFileSync(src, '#include "faasm/faasm.h"\n#include "faasm/host_interface.h"\n#include "faasm/memory.h"\nint f(void) { return (int)faasmGetInputSize() + (int)faasmReadStateSize("k"); }\n');
    expect(compile(['-Werror', '-Wall', '-c', src, '-o', join(work, 'all.o')]).status).toBe(0);
    const cpp = join(work, 'all.cpp');
    writeFileSync(cpp, readFileSync(src, 'utf8'));
    const result = compile(['-Werror', '-Wall', '-c', cpp, '-o', join(work, 'allpp.o')], { cxx: true });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it("runs clang without node_modules/.bin on PATH (npm's binaryen would change the output)", () => {
    const env = toolchainEnv({ PATH: ['/x/node_modules/.bin', '/usr/bin', '/y/node_modules/.bin', '/bin'].join(':') });
    expect(env['PATH']).toBe('/usr/bin:/bin');
  });

  it('names the Debian packages when clang-19 is missing', () => {
    const env = { ...process.env, PATH: '/nonexistent' };
    expect(() => checkToolchain(false, env)).toThrow(ToolchainMissing);
    expect(() => checkToolchain(true, env)).toThrow(`clang++-19 not found. Install the guest toolchain: apt-get install -y ${TOOLCHAIN_PACKAGES.join(' ')}`);
  });
});
