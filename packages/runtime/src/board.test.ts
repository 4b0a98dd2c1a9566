// The call board's slot and queue protocol, on one thread (the runtime's chaining tests
// run it across workers).
import { describe, expect, it } from 'vitest';
import { CallBoard, SLOT_DATA_BYTES, packResults, type BoardCall } from './board.js';
import { BoardResults } from './board-results.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const call = (id: number, input = '', funcPtr = -1): BoardCall => ({ id, appId: 7, func: 0, funcPtr, input: bytes(input) });

describe('call board', () => {
  it('hands a queued call to the awaiter that claims it, then answers its result from the slot', () => {
    const board = new CallBoard(CallBoard.create(2, 16));
    expect(board.post(call(5, 'in', 3))).toBe(0);
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
    expect([1, 2, 3].map((id) => board.post(call(id, `${id}`)))).toEqual([0, 1, 2]);
    expect(board.lookup(2, 1).kind).toBe('claimed');
    expect(board.callIn(board.take(1)).id).toBe(1);
    expect(board.callIn(board.take(1)).id).toBe(3);
    expect(board.take(1)).toBe(-1);
    expect(board.hasQueued()).toBe(false);
  });

  it('reuses a slot only once its result was reported; the old id is then gone from the board', () => {
    const board = new CallBoard(CallBoard.create(1, 4));
    expect(board.post(call(1))).toBe(0);
    // 5 maps to the same slot as 1 (4 slots): in use while 1 is queued, running or unreported.
    expect(board.post(call(5))).toBe(-1);
    const slot = board.take(1);
    expect(board.post(call(5))).toBe(-1);
    board.finish(slot, 1, { id: 1, returnValue: 0, output: bytes('one') });
    expect(board.post(call(5))).toBe(-1);
    board.reported([1]);
    expect(board.holds(1)).toBe(true);
    expect(board.post(call(5, 'five'))).toBe(0);
    expect(board.holds(1)).toBe(false);
    expect(board.lookup(1, 1).kind).toBe('absent');
    expect(board.callIn(board.take(1)).input).toEqual(bytes('five'));
  });

  it('leaves big inputs to the main thread and marks big outputs as reported there', () => {
    const board = new CallBoard(CallBoard.create(1, 4));
    expect(board.post(call(1, 'x'.repeat(SLOT_DATA_BYTES + 1)))).toBe(-1);
    expect(board.post(call(1, 'x'.repeat(SLOT_DATA_BYTES)))).toBe(0);
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
    const board = new CallBoard(CallBoard.create(1, 8));
    const claim = (id: number) => {
      const found = board.lookup(id, 1);
      expect(found.kind).toBe('claimed');
      if (found.kind === 'claimed') board.finish(found.slot, 1, { id, returnValue: 0, output: bytes('') });
      board.reported([id]);
    };
    // The newest entry leaves the queue with its direct claim; an older one stays, stale.
    for (let id = 1; id <= 24; id += 2) {
      expect(board.post(call(id))).toBeGreaterThanOrEqual(0);
      expect(board.post(call(id + 1))).toBeGreaterThanOrEqual(1);
      claim(id);
      claim(id + 1);
    }
    expect(board.take(1)).toBe(-1);
    expect(board.hasQueued()).toBe(false);
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
    expect(board.post(call(9))).toBe(0);
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

describe('board results on the main thread', () => {
  it('answers each id from its packed batch and keeps at least the newest results', () => {
    const store = new BoardResults(4);
    const batch = (ids: number[]) => packResults(ids.map((id) => ({ id, returnValue: id % 3, output: bytes(`out${id}`.repeat(id % 2)) })));
    const seen = (id: number) => {
      const r = store.get(id);
      return r && [r.returnValue, text(r.output)];
    };
    expect([...store.add(batch([1, 2]))]).toEqual([1, 2]);
    expect([...store.add(batch([0xfffffffb]))]).toEqual([0xfffffffb]);
    expect(seen(1)).toEqual([1, 'out1']);
    expect(seen(2)).toEqual([2, '']);
    expect(seen(0xfffffffb)).toEqual([0xfffffffb % 3, 'out4294967291']);
    expect(seen(5)).toBeUndefined();
    // Four places (ids modulo 4): 6 takes 2's place.
    store.add(batch([6]));
    expect(seen(2)).toBeUndefined();
    expect(seen(6)).toEqual([0, '']);
    // Whole batches go, oldest first, once four newer results are kept: 1 with its batch.
    store.add(batch([8, 12]));
    expect(seen(1)).toBeUndefined();
    expect([seen(0xfffffffb)?.[0], seen(6), seen(12)]).toEqual([0xfffffffb % 3, [0, ''], [0, '']]);
  });
});
