import { describe, expect, it } from 'vitest';
import { GuestTrap, LinkError, ProcExit } from './errors.js';
import { createHost, type FaasletHost } from './host.js';
import { fn, importTable, linkTable, manifestOf, type ImportObject } from './table.js';

const table = importTable<FaasletHost>('@faasm/example', {
  env: {
    add: fn(['i32', 'i64'], 'i64', (_host, a, b) => BigInt(a) + b),
    peek: fn(['i32'], 'i32', (host, ptr) => host.memory.u32(ptr)),
    quit: fn(['i32'], null, (_host, code) => {
      throw new ProcExit(code);
    }),
    fail: fn([], null, () => {
      throw new RangeError('bad thing');
    }),
    many: fn(['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], 'i32', (_h, a, b, c, d, e, f) => a + b + c + d + e + f),
  },
});

function linked() {
  const host = createHost();
  host.memory.attach(new WebAssembly.Memory({ initial: 1 }));
  const imports: ImportObject = {};
  linkTable(table, imports, host);
  return imports['env'] as Record<string, (...args: unknown[]) => unknown>;
}

describe('import tables', () => {
  it('derives the manifest from the table', () => {
    expect(manifestOf(table)).toEqual({ package: '@faasm/example', imports: { env: ['add', 'peek', 'quit', 'fail', 'many'] } });
  });

  it('binds handlers to the host with their arguments', () => {
    const env = linked();
    expect(env['add']!(2, 40n)).toBe(42n);
    expect(env['many']!(1, 2, 3, 4, 5, 6)).toBe(21);
  });

  it('turns a bad pointer into a trap naming the import, pointer and length', () => {
    const env = linked();
    expect(() => env['peek']!(65534)).toThrow(GuestTrap);
    expect(() => env['peek']!(65534)).toThrow('peek: out-of-bounds guest access: pointer 0xfffe, length 4, memory size 65536');
  });

  it('lets control flow through and wraps host exceptions', () => {
    const env = linked();
    expect(() => env['quit']!(4)).toThrow(ProcExit);
    expect(() => env['fail']!()).toThrow('fail: host error: bad thing');
  });

  it('refuses a name provided twice, naming both packages', () => {
    const host = createHost();
    const imports: ImportObject = {};
    linkTable(table, imports, host);
    const other = importTable<FaasletHost>('@faasm/other', { env: { add: fn([], null, () => {}) } });
    expect(() => linkTable(other, imports, host)).toThrow(new LinkError('env.add is provided by both @faasm/example and @faasm/other'));
  });
});
