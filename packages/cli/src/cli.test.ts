// The faasm command as a user runs it: a subprocess of bin/faasm.js.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@bytecodealliance/jco';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(root, 'packages/cli/bin/faasm.js');
const example = (name: string) => join(root, 'examples', `${name}.wasm`);
const work = mkdtempSync(join(tmpdir(), 'faasm-cli-'));

function faasm(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let mpiModule: string;
let dlModule: string;

beforeAll(async () => {
  mpiModule = join(work, 'mpi.wasm');
  writeFileSync(mpiModule, await parse(`(module
    (import "env" "MPI_Send" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    (memory (export "memory") 1)
    (func (export "_start")))`));
  dlModule = join(work, 'dl.wasm');
  writeFileSync(dlModule, await parse(`(module
    (import "env" "dlopen" (func (param i32 i32) (result i32)))
    (import "env" "no_such_import" (func))
    (import "env" "__faasm_read_input" (func (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")))`));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('faasm run', () => {
  it('runs hello and prints its output', () => {
    const r = faasm(['run', example('hello')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Hello Faasm!\n');
    expect(r.code).toBe(0);
  });

  it('passes input, arguments after --, and prints the output', () => {
    const r = faasm(['run', example('echo'), '--input', 'hi there', '--', 'one', 'two']);
    expect(r.stdout).toBe('arg 1: one\narg 2: two\nhi there\n');
    expect(r.code).toBe(0);
  });

  it('prints a JSON result with --json', () => {
    const r = faasm(['run', example('primes'), '--input', '100', '--json']);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ returnValue: 0, output: '25 primes below 100, the largest is 97', stdout: '', stderr: '' });
    expect(typeof result['durationMs']).toBe('number');
  });

  it("exits with the function's return value and explains a failed call on stderr", () => {
    const r = faasm(['run', example('primes'), '--input', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('N must be between 2 and 100000000, got 1');
    expect(r.stderr).toContain('faasm: Call failed (return value=2)');
  });

  it('refuses a module with unresolved imports, naming each import and its package', () => {
    const r = faasm(['run', dlModule]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('module has 1 unresolved import:');
    expect(r.stderr).toContain("env.no_such_import (not part of Faasm's interface)");
    expect(r.stderr).not.toContain('env.dlopen');
  });

  it('reports usage errors with exit code 2', () => {
    expect(faasm(['run']).code).toBe(2);
    const r = faasm(['run', example('hello'), '--env', 'NOEQUALS']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--env takes K=V, not 'NOEQUALS'");
    expect(faasm(['frobnicate']).stderr).toContain("unknown command 'frobnicate'");
  });

  it('reports a missing module clearly', () => {
    const r = faasm(['run', join(work, 'nope.wasm')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.wasm');
  });
});

describe('faasm inspect', () => {
  it('groups imports by providing package', () => {
    const r = faasm(['inspect', example('echo')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/@faasm\/wasi\n(\s+wasi_snapshot_preview1\.\w+.*\n)+/);
    expect(r.stdout).toContain('@faasm/functions\n    env.__faasm_read_input (i32, i32) -> i32');
    expect(r.stdout).toContain('table   exported');
  });

  it('lists MPI_Send under @faasm/mpi', () => {
    const r = faasm(['inspect', mpiModule, '--json']);
    const report = JSON.parse(r.stdout) as { imports: Record<string, Array<{ name: string }>>; unresolved: unknown[]; table: unknown };
    expect(report.imports['@faasm/mpi']?.map((i) => i.name)).toEqual(['MPI_Send']);
    expect(report.unresolved).toEqual([]);
  });

  it('flags unresolved imports with the package that would provide them', () => {
    const r = faasm(['inspect', dlModule]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('@faasm/dynlink\n    env.dlopen (i32, i32) -> i32');
    expect(r.stdout).toContain("env.no_such_import — not part of Faasm's interface");
    expect(r.stdout).toContain('table   none');
  });
});
