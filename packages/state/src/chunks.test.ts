import { afterAll, describe, expect, it } from 'vitest';
import { InProcessStore, PULL_CHUNK, STATE_SERVICES, type Range } from './index.js';
// @ts-expect-error test support is plain JavaScript
import { TestPlane } from '../test/support/plane.mjs';

const SIZE = 10000;
const store = new InProcessStore();
const plane = new TestPlane({ store, globalLocks: false });
afterAll(() => plane.close());

const getRanges: [string, number, number][] = [];
const setRanges: [string, number, Range[]][] = [];
const services: string[] = [];
const getRange = store.getRange.bind(store);
const setRangesOf = store.setRanges.bind(store);
store.getRange = (key, offset, length) => (getRanges.push([key, offset, length]), getRange(key, offset, length));
store.setRanges = (key, size, ranges) => (setRanges.push([key, size, ranges.map((r) => ({ offset: r.offset, data: r.data.slice() }))]), setRangesOf(key, size, ranges));
for (const [name, handler] of Object.entries(plane.handlers as Record<string, (r: unknown) => unknown>)) {
  plane.handlers[name] = (r: unknown) => (services.push(name), handler(r));
}

describe('chunked state access', () => {
  it('offset reads pull only the chunks they touch, once; later reads need no round trip', async () => {
    await store.set('demo/big', Uint8Array.from({ length: SIZE }, (_, i) => i % 251));
    const r = await plane.run('state_chunks', 'lazy');
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('ok');
    expect(getRanges).toEqual([
      ['demo/big', PULL_CHUNK, PULL_CHUNK],
      ['demo/big', 2 * PULL_CHUNK, SIZE - 2 * PULL_CHUNK],
    ]);
    expect(services.filter((s) => s === STATE_SERVICES.pull)).toHaveLength(2);
  });

  it('push_state_partial sends only dirty bytes; a mask key chooses the bytes to send', async () => {
    const r = await plane.run('state_chunks', 'partial');
    expect(r.text).toBe('ok');
    expect(setRanges).toEqual([
      ['demo/big2', SIZE, [{ offset: 100, data: new Uint8Array([1, 2, 3]) }, { offset: 9000, data: new Uint8Array([4]) }]],
      ['demo/big2', SIZE, [{ offset: 50, data: new Uint8Array([7]) }]],
    ]);
    const value = (await store.get('demo/big2'))!;
    expect([value[50], value[51], value[100], value[9000]]).toEqual([7, 0, 1, 4]);
  });

  it('after a whole write, push_state_partial sends the whole value', async () => {
    setRanges.length = 0;
    expect((await plane.run('state_chunks', 'whole')).text).toBe('ok');
    expect(setRanges).toHaveLength(1);
    expect(setRanges[0]![2].map((r) => [r.offset, r.data.length])).toEqual([[0, SIZE]]);
    const value = (await store.get('demo/big3'))!;
    expect([value[0], value[10], value[SIZE - 1]]).toEqual([5, 1, 5]);
  });
});
