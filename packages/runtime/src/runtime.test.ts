import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';
import { bridgeGuest, demoFunctions, exitGuest, lifecycleGuest, trapGuest } from './test-guests.js';

const testPackage = new URL('../test/fixtures/test-package.mjs', import.meta.url).href;

describe('runtime: worker pool and blocking bridge', () => {
  let runtime: Runtime;
  let answered = 0;

  beforeAll(async () => {
    runtime = await createRuntime({
      workers: 2,
      packages: [testPackage],
      services: {
        // Answers only after the event loop has turned several times: the guest's
        // host call must stay blocked in its worker until then.
        'test.double': async (value) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          answered++;
          return (value as number) * 2;
        },
      },
    });
  });

  afterAll(() => runtime.close());

  it('blocks a guest host call in its worker until the main thread answers', async () => {
    const result = await runtime.invoke(await bridgeGuest());
    expect(answered).toBe(1);
    expect(result.output.toString()).toBe('42');
    expect(result.durationMs).toBeGreaterThanOrEqual(40);
  });

  it('keeps a warm Faaslet per module and resets it between calls', async () => {
    const bytes = await lifecycleGuest();
    const outputs = [];
    for (let i = 0; i < 5; i++) outputs.push((await runtime.invoke(bytes)).output.toString());
    expect(outputs).toEqual(['1111', '1111', '1111', '1111', '1111']);
  });

  it('runs calls concurrently on several workers', async () => {
    const bytes = await bridgeGuest();
    const results = await Promise.all([1, 2, 3, 4].map(() => runtime.invoke(bytes)));
    expect(results.map((r) => r.output.toString())).toEqual(['42', '42', '42', '42']);
  });

  it('surfaces a trap as a failed call and the pool survives', async () => {
    const failed = await runtime.invoke(await trapGuest());
    expect(failed.returnValue).toBe(1);
    expect(failed.error).toMatch(/unreachable/);
    expect(failed.output.toString()).toBe('Call failed (return value=1)');
    const ok = await runtime.invoke(await lifecycleGuest());
    expect(ok.output.toString()).toBe('1111');
    expect(runtime.workers).toBe(2);
  });

  it('passes exit codes and pointer calls through workers', async () => {
    const bytes = await exitGuest();
    expect((await runtime.invoke(bytes)).returnValue).toBe(3);
    expect((await runtime.invoke(bytes, { entry: { tableIndex: 1, arg: 50 } })).returnValue).toBe(100);
  });

  it('rejects unknown functions and invalid modules clearly', async () => {
    await expect(runtime.invoke('nobody/nothing')).rejects.toThrow("no function or module 'nobody/nothing'");
    await expect(runtime.invoke(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]))).rejects.toThrow(/not a valid wasm module/);
  });

  it('times out a runaway call and replaces its worker', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const spin = await parse('(module (memory (export "memory") 1) (func (export "_start") (loop br 0)))');
    await expect(runtime.invoke(spin, { timeoutMs: 200 })).rejects.toThrow('call timed out after 200 ms');
    expect((await runtime.invoke(await lifecycleGuest())).output.toString()).toBe('1111');
  });
});

describe('runtime root', () => {
  it('the default per-process root, created for the workers, is removed when the process exits', () => {
    const repo = join(import.meta.dirname, '..', '..', '..');
    const dir = mkdtempSync(join(tmpdir(), 'runtime-root-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // A script file, not --eval: workers inherit the process's execArgv.
    const script = join(dir, 'run.mjs');
    writeFileSync(script, `
      const { createRuntime } = await import(${JSON.stringify(pathToFileURL(join(repo, 'packages/runtime/dist/index.js')).href)});
      const rt = await createRuntime({ stdout: 'capture', workers: 1 });
      const r = await rt.invoke(${JSON.stringify(join(repo, 'examples/hello.wasm'))});
      await rt.close();
      process.stdout.write(JSON.stringify({ pid: process.pid, out: r.stdout.toString() }));`);
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const { pid, out } = JSON.parse(child.stdout) as { pid: number; out: string };
    expect(out).toContain('Hello Faasm!');
    expect(existsSync(join(tmpdir(), `faasm-root-${pid}`))).toBe(false);
  }, 60_000);
});

describe('closing a runtime', () => {
  // Node also closes what a terminated worker opened through fs; kept sockets need the
  // dispose (state.test.ts checks those against Redis).
  it("leaves no fd behind: the warm Faaslets' preopens are closed, run after run", async () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    const cycle = async () => {
      const runtime = await createRuntime({ workers: 2, stdout: 'capture', functions: demoFunctions('wasi', ['hello']) });
      const before = openFds();
      const results = await Promise.all([1, 2, 3].map(() => runtime.invoke('demo/hello')));
      for (const r of results) expect(r.returnValue).toBe(0);
      // Each warm Faaslet holds its preopened directories.
      expect(openFds()).toBeGreaterThan(before);
      await runtime.close();
      await runtime.close(); // once: the same promise
    };
    // The first run loads what stays loaded (compiled guests, the native module): the baseline is after it.
    await cycle();
    const baseline = openFds();
    for (let i = 0; i < 3; i++) await cycle();
    expect(openFds()).toBe(baseline);
  });
});
