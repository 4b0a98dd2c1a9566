import { describe, expect, it } from 'vitest';
import { FdLedger } from './kept-fds.js';
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

describe('FdLedger', () => {
  it('records kept fds, forgets released ones, and drains what is left once', () => {
    const buffer = FdLedger.allocate(4);
    const worker = new FdLedger(buffer);
    const owner = new FdLedger(buffer);
    worker.keep(0);
    worker.keep(17);
    worker.keep(23);
    worker.release(17);
    worker.release(99); // never kept: nothing
    worker.keep(-1); // not an fd: nothing
    expect(owner.drain().sort((a, b) => a - b)).toEqual([0, 23]);
    expect(owner.drain()).toEqual([]);
  });

  it('does not record past its capacity', () => {
    const ledger = new FdLedger(FdLedger.allocate(2));
    for (const fd of [5, 6, 7]) ledger.keep(fd);
    expect(ledger.drain()).toEqual([5, 6]);
  });
});
