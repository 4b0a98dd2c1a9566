import { describe, expect, it } from 'vitest';
import { takeId } from './bridge.js';

describe('shared message ids', () => {
  it('are u32, never 0, and unique across takers', () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    counter[0] = -3; // 0xfffffffd: the next ids wrap past 2^32
    expect([takeId(counter), takeId(counter), takeId(counter), takeId(counter)]).toEqual([0xfffffffe, 0xffffffff, 1, 2]);
  });
});
