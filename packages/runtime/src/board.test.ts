// The call board's slot and queue protocol, on one thread (the runtime's chaining tests
// run it across workers).
import { describe, expect, it } from 'vitest';
import { CallBoard, SLOT_DATA_BYTES, type BoardCall } from './board.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const call = (id: number, input = '', funcPtr = -1): BoardCall => ({ id, appId: 7, func: 0, funcPtr, input: bytes(input) });

describe('call board', () => {
  it('hands a queued call to the awaiter that claims it, then answers its result from the slot', () => {
    const board = new CallBoard(CallBoard.create(2, 16));
    expect(board.post(call(5, 'in', 3))).toBe(true);
    const found = board.lookup(5, 1);
    expect(found.kind).toBe('claimed');
    if (found.kind !== 'claimed') return;
    expect(board.callIn(found.slot)).toEqual({ id: 5, appId: 7, func: 0, funcPtr: 3, input: bytes('in') });
    // Claimed: another worker sees it running, and cannot take it from the queue.
    expect(board.lookup(5, 2).kind).toBe('running');
    expect(board.take(2)).toBe(-1);
    expect(board.finish(found.slot, 1, { id: 5, returnValue: 3, output: bytes('out') })).toBe('inline');
    for (const tag of [1, 2]) {
      const done = board.lookup(5, tag);
      expect(done.kind).toBe('done');
      if (done.kind === 'done') expect([done.result.returnValue, text(done.result.output)]).toEqual([3, 'out']);
    }
  });

  it('queues first in, first out and skips calls their awaiters claimed directly', () => {
    const board = new CallBoard(CallBoard.create(1, 16));
    for (const id of [1, 2, 3]) expect(board.post(call(id, `${id}`))).toBe(true);
    expect(board.lookup(2, 1).kind).toBe('claimed');
    expect(board.callIn(board.take(1)).id).toBe(1);
    expect(board.callIn(board.take(1)).id).toBe(3);
    expect(board.take(1)).toBe(-1);
    expect(board.hasQueued()).toBe(false);
  });

  it('reuses a slot only once its result was reported; the old id is then gone from the board', () => {
    const board = new CallBoard(CallBoard.create(1, 4));
    expect(board.post(call(1))).toBe(true);
    // 5 maps to the same slot as 1 (4 slots): in use while 1 is queued, running or unreported.
    expect(board.post(call(5))).toBe(false);
    const slot = board.take(1);
    expect(board.post(call(5))).toBe(false);
    board.finish(slot, 1, { id: 1, returnValue: 0, output: bytes('one') });
    expect(board.post(call(5))).toBe(false);
    board.reported([1]);
    expect(board.holds(1)).toBe(true);
    expect(board.post(call(5, 'five'))).toBe(true);
    expect(board.holds(1)).toBe(false);
    expect(board.lookup(1, 1).kind).toBe('absent');
    expect(board.callIn(board.take(1)).input).toEqual(bytes('five'));
  });

  it('leaves big inputs to the main thread and marks big outputs as reported there', () => {
    const board = new CallBoard(CallBoard.create(1, 4));
    expect(board.post(call(1, 'x'.repeat(SLOT_DATA_BYTES + 1)))).toBe(false);
    expect(board.post(call(1, 'x'.repeat(SLOT_DATA_BYTES)))).toBe(true);
    const slot = board.take(1);
    expect(board.finish(slot, 1, { id: 1, returnValue: 0, output: new Uint8Array(SLOT_DATA_BYTES + 1) })).toBe('remote');
    // While its result is written (and posted) it still counts as running.
    expect(board.lookup(1, 1).kind).toBe('running');
    board.finishRemote(slot, 1);
    expect(board.lookup(1, 1).kind).toBe('absent');
    expect(board.holds(1)).toBe(true);
  });

  it('asks the worker running a call to report at once when an awaiter went to the main thread', () => {
    const board = new CallBoard(CallBoard.create(2, 4));
    board.post(call(2));
    const slot = board.take(1);
    const running = board.lookup(2, 2);
    expect(running.kind).toBe('running');
    if (running.kind !== 'running') return;
    expect(board.markRemoteWaiter(2, running.state)).toBe(true);
    expect(board.finish(slot, 1, { id: 2, returnValue: 0, output: bytes('') })).toBe('urgent');
    expect(board.stillRunning(2, running.state)).toBe(false);
    expect(board.markRemoteWaiter(2, running.state)).toBe(false);
  });

  it('drops stale queue entries when the ring is full instead of refusing calls', () => {
    const board = new CallBoard(CallBoard.create(1, 4));
    for (let id = 1; id <= 12; id++) {
      expect(board.post(call(id))).toBe(true);
      const found = board.lookup(id, 1);
      expect(found.kind).toBe('claimed');
      if (found.kind === 'claimed') board.finish(found.slot, 1, { id, returnValue: 0, output: bytes('') });
      board.reported([id]);
    }
    expect(board.take(1)).toBe(-1);
  });

  it('fails the calls a dead worker had claimed and keeps the results it had not reported', () => {
    const board = new CallBoard(CallBoard.create(2, 8));
    for (const id of [1, 2, 3]) board.post(call(id));
    const running = board.take(4);
    const finished = board.take(4);
    board.finish(finished, 4, { id: 2, returnValue: 0, output: bytes('kept') });
    const results = board.reclaim(4, 'worker crashed');
    expect(results.map((r) => [r.id, r.returnValue, text(r.output)])).toEqual([
      [1, 1, 'Call failed (return value=1): worker crashed'],
      [2, 0, 'kept'],
    ]);
    const failed = board.lookup(1, 1);
    expect(failed.kind === 'done' && failed.result.returnValue).toBe(1);
    // The dead worker can no longer write into a slot taken from it; the queued call stays.
    expect(board.finish(running, 4, { id: 1, returnValue: 0, output: bytes('late') })).toBe('lost');
    expect(board.callIn(board.take(1)).id).toBe(3);
    expect(board.post(call(9))).toBe(true);
  });

  it('rings one idle worker per call queued', () => {
    const board = new CallBoard(CallBoard.create(3, 4));
    const before = [0, 1, 2].map((w) => board.doorValue(w));
    board.setIdle(1, true);
    board.setIdle(2, true);
    board.wakeIdle();
    board.wakeIdle();
    board.wakeIdle();
    expect([0, 1, 2].map((w) => board.doorValue(w) - before[w]!)).toEqual([0, 1, 1]);
  });
});
