import { describe, expect, it } from 'vitest';
import { Lifecycle } from './package.js';

describe('Lifecycle.dispose', () => {
  it('disposes every participant in reverse link order; one failure does not stop the others', () => {
    const lifecycle = new Lifecycle();
    const order: string[] = [];
    lifecycle.register({ name: 'first', dispose: () => void order.push('first') });
    lifecycle.register({ name: 'no-hook' });
    lifecycle.register({
      name: 'broken',
      dispose: () => {
        order.push('broken');
        throw new Error('socket already gone');
      },
    });
    lifecycle.register({ name: 'last', dispose: () => void order.push('last') });
    const failures = lifecycle.dispose();
    expect(order).toEqual(['last', 'broken', 'first']);
    expect(failures.map((e) => e.message)).toEqual(['broken: dispose failed: socket already gone']);
  });

  it('returns no failures when nothing fails', () => {
    const lifecycle = new Lifecycle();
    let disposed = 0;
    lifecycle.register({ name: 'a', dispose: () => void disposed++ });
    expect(lifecycle.dispose()).toEqual([]);
    expect(disposed).toBe(1);
  });
});
