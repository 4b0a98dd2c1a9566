import { describe, expect, it } from 'vitest';
import { guestModule, load } from './test-harness.js';

const main = guestModule('dl_main');

describe('dlopen/dlsym/dlclose/dlerror from a C guest over a C side module', () => {
  // Each test_* export returns 0, or the line of the guest's first failing CHECK.
  it.each(['test_dlopen_main', 'test_dlopen_calls', 'test_errors'])('%s', (name) => {
    expect(load(main).call(name), `${name}: failing CHECK at dl_main.c line`).toBe(0);
  });

  it("places the side module's data in guest memory and its functions in the table", () => {
    const g = load(main);
    const tableBefore = g.host.exports.table!.length;
    expect(g.call('test_dlopen_calls')).toBe(0);
    // libside's own table range (1 slot) plus the dlsym'd functions added on demand.
    expect(g.host.exports.table!.length).toBeGreaterThan(tableBefore);
    expect(g.reads).toEqual(['libside.wasm']);
  });
});
