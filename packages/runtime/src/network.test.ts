// Sockets through the runtime: denied by default, real on loopback when allow-listed.
import { describe, expect, it } from 'vitest';
import { createRuntime } from './runtime.js';
import { packageGuest } from './test-guests.js';

describe('sockets through the runtime', () => {
  const posixGuest = packageGuest('posix', 'net_echo');

  it('are real on loopback when the allow-list admits them, and denied elsewhere', async () => {
    // net_echo serves and connects on loopback, and checks a connect to 10.1.2.3:80 is denied.
    const runtime = await createRuntime({ workers: 1, stdout: 'capture', network: { allow: [{ host: '127.0.0.1', port: [0, 65535] }] } });
    try {
      const result = await runtime.invoke(posixGuest);
      expect(result.error).toBeUndefined();
      expect(result.stdout.toString()).toBe('net_echo: 0 failures\n');
    } finally {
      await runtime.close();
    }
  });
});

describe('sockets without an allow-list', () => {
  it("are denied: socket() returns -1 (posix's own tests check the EACCES errno and log line)", async () => {
    const { parse } = await import('@bytecodealliance/jco');
    // int socket(int, int, int): the errno comes back as -1 and C's errno.
    const bytes = await parse(`(module
      (import "env" "socket" (func $socket (param i32 i32 i32) (result i32)))
      (import "test" "report" (func $report (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call $report (call $socket (i32.const 2) (i32.const 1) (i32.const 0)))))`);
    const runtime = await createRuntime({ workers: 1, packages: ['@faasm/memory', '@faasm/wasi', '@faasm/posix', new URL('../test/fixtures/test-package.mjs', import.meta.url).href] });
    try {
      const result = await runtime.invoke(bytes);
      expect(result.output.toString()).toBe('-1');
    } finally {
      await runtime.close();
    }
  });
});
