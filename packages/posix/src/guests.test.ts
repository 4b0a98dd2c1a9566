import { GuestTrap } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
// The composed guest runs the built package (loadPackages imports '@faasm/posix'), so its
// service keys come from there too.
import { NET_BACKEND, NodeNetBackend } from '@faasm/posix';
import { runGuest } from './test-harness.js';

// C guests built with `faasm cc` (test/guests/*.c), composed with @faasm/memory,
// @faasm/wasi and @faasm/posix as the runtime would. Each checks its own results and
// prints "<group>: N failures".
describe('C guests', () => {
  it('identity and system', async () => {
    const r = await runGuest('identity');
    expect(r.stdout).toBe('identity: 0 failures\n');
    expect(r.code).toBe(0);
  });

  it('process and signals; exit ends the call with its code; a default-action signal traps', async () => {
    const r = await runGuest('process');
    expect(r.stdout).toBe('process: 0 failures\n');
    expect(r.code).toBe(0);
    expect((await runGuest('process', {}, ['exit'])).code).toBe(42);
    await expect(runGuest('process', {}, ['term'])).rejects.toThrow(/raise: terminated by signal 15/);
  });

  it('io extras, with printf formatting matching wasi-libc\'s snprintf', async () => {
    const r = await runGuest('io');
    expect(r.stdout).toContain('line\nZv=9 ok\ni=11\ncde');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('io: 0 failures');
    expect(r.stdout).not.toContain('FAIL');
    expect(r.code).toBe(0);
  });

  it('network: denied by default, address helpers work', async () => {
    const r = await runGuest('net');
    expect(r.stdout).toBe('net: 0 failures\n');
    expect(r.logs.join('\n')).toMatch(/socket\(\) denied/);
  });

  it('network: real loopback TCP when the allow-list admits it (NodeNetBackend)', async () => {
    const backend = new NodeNetBackend({ timeoutMs: 10_000 });
    try {
      const r = await runGuest('net_echo', { network: { allow: [{ host: '127.0.0.1', port: [0, 65535] }] } }, [], (host) => host.services.provide(NET_BACKEND, backend));
      expect(r.stdout).toBe('net_echo: 0 failures\n');
      expect(r.logs.join('\n')).toMatch(/connect to 10\.1\.2\.3:80 denied/);
    } finally {
      backend.close();
    }
  });

  it('syscall dispatch from C', async () => {
    const r = await runGuest('syscalls');
    expect(r.stdout).toBe('syscalls: 0 failures\n');
    expect(r.logs.join('\n')).toMatch(/syscall 4242 is not supported/);
  });

  it('gettext, C++ shims, setjmp; throw/unwind/longjmp/abort end the call clearly; _Exit returns its code', async () => {
    const r = await runGuest('misc');
    expect(r.stdout).toBe('misc: 0 failures\n');
    await expect(runGuest('misc', {}, ['throw'])).rejects.toThrow(/uncaught C\+\+ exception of type St13runtime_error/);
    await expect(runGuest('misc', {}, ['unwind'])).rejects.toThrow(/_Unwind_RaiseException: uncaught C\+\+ exception/);
    await expect(runGuest('misc', {}, ['longjmp'])).rejects.toThrow(GuestTrap);
    await expect(runGuest('misc', {}, ['abort'])).rejects.toThrow(/abort\(\) called/);
    expect((await runGuest('misc', {}, ['_Exit'])).code).toBe(5);
  });
});
