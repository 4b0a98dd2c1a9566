import { createHost, MemoryFault, type ImportObject } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { link } from './index.js';
import { fullKey } from './replica.js';

/** A host with the state package linked over one page of memory, and a way to write a C string. */
function setup(user = 'demo') {
  const host = createHost({ message: { user } });
  const memory = new WebAssembly.Memory({ initial: 1 });
  host.memory.attach(memory);
  link({} as ImportObject, host);
  const put = (ptr: number, text: string) => {
    const bytes = new TextEncoder().encode(text);
    new Uint8Array(memory.buffer).set([...bytes, 0], ptr);
  };
  return { host, put };
}

describe('state keys', () => {
  it('are user/key, decoded again whenever the bytes at the pointer or the user change', () => {
    const { host, put } = setup();
    put(64, 'counter');
    expect(fullKey(host, 64)).toBe('demo/counter');
    expect(fullKey(host, 64)).toBe('demo/counter');
    put(64, 'counteR');
    expect(fullKey(host, 64)).toBe('demo/counteR');
    put(64, 'count');
    expect(fullKey(host, 64)).toBe('demo/count');
    put(128, 'count');
    expect(fullKey(host, 128)).toBe('demo/count');
    host.message.user = 'other';
    expect(fullKey(host, 64)).toBe('other/count');
    put(64, 'héllo');
    expect(fullKey(host, 64)).toBe('other/héllo');
    // Many pointers: the remembered ones are forgotten now and then, never confused.
    for (let p = 0; p < 200; p++) put(1024 + p * 16, `k${p}`);
    for (let round = 0; round < 2; round++) for (let p = 0; p < 200; p++) expect(fullKey(host, 1024 + p * 16)).toBe(`other/k${p}`);
  });

  it('trap without a NUL within 4 KiB or inside memory', () => {
    const { host, put } = setup();
    put(100, 'x'.repeat(5000));
    expect(() => fullKey(host, 100)).toThrow(MemoryFault);
    new Uint8Array(host.memory.memory.buffer).fill(0x41, 65536 - 8);
    expect(() => fullKey(host, 65536 - 8)).toThrow(MemoryFault);
  });
});
