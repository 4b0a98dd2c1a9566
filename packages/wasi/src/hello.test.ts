import { describe, expect, it } from 'vitest';
import { BACKENDS } from './test-backends.js';
import { runGuest } from './test-run.js';

describe.each(BACKENDS)('hello guest (%s backend)', (fs) => {
  it('prints to stdout and stderr, sees Faasm argv and exactly the message env', () => {
    const run = runGuest('hello', { fs }, { args: ['a', 'b c'], env: { FOO: 'bar', EXIT_CODE: '0' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('hello from wasi\nargv[0]=function.wasm\nargv[1]=a\nargv[2]=b c\nenv FOO=bar\nenv EXIT_CODE=0\n');
    expect(run.stderr).toBe('to stderr\n');
  });

  it('returns the exit code through ProcExit', () => {
    expect(runGuest('hello', { fs }, { env: { EXIT_CODE: '7' } }).code).toBe(7);
  });
});
