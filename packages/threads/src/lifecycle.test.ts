import { describe, expect, it } from 'vitest';
import { ProcExit, lifecycleOf } from '@faasm/abi';
import { Global, Slot, THREADS, shutdownThreads } from '@faasm/threads';
import { runGuest } from './test-harness.js';

describe('thread stacks across a Faaslet restore', () => {
  it('re-allocates stacks and TLS blocks from the restored heap, keeping the warm workers', async () => {
    const run = await runGuest(new URL('../test/guests/boot.wasm', import.meta.url), { keep: true });
    try {
      expect(run.code).toBe(0);
      const runtime = run.host.services.get(THREADS)!;
      expect(Atomics.load(runtime.shared.slots, Slot.EPOCH)).toBe(0);
      expect(runtime.shared.slots[Slot.STACK_TOP]).not.toBe(0);
      lifecycleOf(run.host).restore(new Map());
      expect(Atomics.load(runtime.shared.global, Global.EPOCH)).toBe(1);
      // A second call: the same worker (slot 0) gets a stack of the new epoch.
      let code = 0;
      try {
        run.host.exports.function('_start')!();
      } catch (e) {
        if (!(e instanceof ProcExit)) throw e;
        code = e.code;
      }
      expect(code).toBe(0);
      expect(Atomics.load(runtime.shared.slots, Slot.EPOCH)).toBe(1);
      expect(Atomics.load(runtime.shared.slots, Slot.READY)).toBe(1);
    } finally {
      await shutdownThreads(run.host);
    }
  });
});
