import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { ensureNoLiftoff } from '@faasm/threads';
import { runGuest } from './test-harness.js';

// x + memory.atomic.wait32(...) with x a parameter: the value held across the wait.
const WAT = `(module (memory 1 1 shared)
  (func (export "f") (param $x i32) (result i32)
    (i32.add (local.get $x) (memory.atomic.wait32 (i32.const 0) (i32.const 1) (i64.const 0)))))`;

function inChild(fix: boolean, bytes: Uint8Array): number {
  const script = `
    ${fix ? `const { ensureNoLiftoff } = await import('@faasm/threads'); ensureNoLiftoff();` : ''}
    const bytes = Buffer.from('${Buffer.from(bytes).toString('base64')}', 'base64');
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    process.stdout.write(String(exports.f(41)));`;
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' }));
}

describe('--no-liftoff (V8 11.3 loses values held across memory.atomic.wait32)', () => {
  it('shows the symptom without the flag and the right value with ensureNoLiftoff', async () => {
    const bytes = await parse(WAT);
    // Node 20 (V8 11.3): Liftoff returns only wait32's result, 1 ("not-equal").
    expect(inChild(false, bytes)).toBe(process.versions.v8.startsWith('11.3') ? 1 : 42);
    expect(inChild(true, bytes)).toBe(42);
    ensureNoLiftoff();
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    expect((exports['f'] as (x: number) => number)(41)).toBe(42);
  });

  it('holds in guest code on the main thread and on a thread worker', async () => {
    const run = await runGuest(new URL('../test/guests/wait_value.wasm', import.meta.url));
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('thread=42 main=42');
  });
});
