import { Errno } from '@faasm/abi';
import { Eventrwflags, Eventtype, Subclockflags } from './constants.js';
import { DescKind } from './fdtable.js';
import { EVENT, SUBSCRIPTION } from './layout.js';
import { clockNow } from './process.js';
import type { WasiHost } from './state.js';

interface Ready {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

/** Readiness of an fd subscription: files and stdio never block (a host write is synchronous). */
function fdEvent(w: WasiHost, userdata: bigint, type: number, fd: number): Ready {
  const ev: Ready = { userdata, error: Errno.SUCCESS, type, nbytes: 0n, flags: 0 };
  const s = w.table.slot(fd);
  if (s < 0) return { ...ev, error: Errno.BADF };
  const d = w.table.desc(s);
  const kind = w.table.kind(d);
  if (type === Eventtype.FD_READ) {
    if (kind === DescKind.STDIN) {
      if (w.stdio.stdin === 'empty') ev.flags = Eventrwflags.FD_READWRITE_HANGUP;
      else ev.nbytes = 1n;
    } else if (kind === DescKind.FILE) {
      try {
        const size = w.fs.fstat(w.table.handleOf(d)).size;
        const pos = BigInt(w.table.position(d));
        ev.nbytes = size > pos ? size - pos : 0n;
      } catch {
        ev.error = Errno.BADF;
      }
    } else {
      ev.error = Errno.BADF;
    }
  } else if (kind === DescKind.STDIN) {
    ev.error = Errno.BADF;
  }
  return ev;
}

/**
 * `errno poll_oneoff(const subscription *in, event *out, size nsubscriptions, size *nevents)`.
 * fd subscriptions are ready at once; otherwise the thread blocks (Atomics.wait on a
 * private word, never a busy loop) until the earliest clock subscription expires.
 * INVAL for no subscriptions; an unknown clock or a bad fd is reported in the event.
 */
export function pollOneoff(w: WasiHost, inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
  const n = nsubs >>> 0;
  w.memory.check(inPtr, n * SUBSCRIPTION.size);
  w.memory.check(outPtr, n * EVENT.size);
  w.memory.check(neventsPtr, 4);
  if (n === 0) return Errno.INVAL;
  const ready: Ready[] = [];
  const clocks: Array<{ userdata: bigint; id: number; deadline: bigint }> = [];
  for (let i = 0; i < n; i++) {
    const sub = inPtr + i * SUBSCRIPTION.size;
    const userdata = w.memory.u64(sub + SUBSCRIPTION.userdata);
    const tag = w.memory.u8(sub + SUBSCRIPTION.tag);
    if (tag === Eventtype.CLOCK) {
      const id = w.memory.u32(sub + SUBSCRIPTION.clockId);
      const timeout = w.memory.u64(sub + SUBSCRIPTION.timeout);
      const flags = w.memory.u16(sub + SUBSCRIPTION.flags);
      const now = clockNow(id);
      if (now === undefined) {
        ready.push({ userdata, error: Errno.INVAL, type: tag, nbytes: 0n, flags: 0 });
        continue;
      }
      clocks.push({ userdata, id, deadline: flags & Subclockflags.ABSTIME ? timeout : now + timeout });
    } else if (tag === Eventtype.FD_READ || tag === Eventtype.FD_WRITE) {
      ready.push(fdEvent(w, userdata, tag, w.memory.u32(sub + SUBSCRIPTION.fd)));
    } else {
      ready.push({ userdata, error: Errno.INVAL, type: tag, nbytes: 0n, flags: 0 });
    }
  }
  if (ready.length === 0 && clocks.length > 0) {
    // Sleep until the earliest deadline, re-reading its own clock after every wake-up.
    for (;;) {
      let wait = -1n;
      for (const c of clocks) {
        const left = c.deadline - clockNow(c.id)!;
        if (left <= 0n) {
          ready.push({ userdata: c.userdata, error: Errno.SUCCESS, type: Eventtype.CLOCK, nbytes: 0n, flags: 0 });
        } else if (wait < 0n || left < wait) {
          wait = left;
        }
      }
      if (ready.length > 0) break;
      Atomics.wait(w.sleeper, 0, 0, Math.max(0.001, Number(wait) / 1e6));
    }
  } else {
    for (const c of clocks) {
      if (c.deadline - clockNow(c.id)! <= 0n) ready.push({ userdata: c.userdata, error: Errno.SUCCESS, type: Eventtype.CLOCK, nbytes: 0n, flags: 0 });
    }
  }
  ready.forEach((ev, i) => {
    const e = outPtr + i * EVENT.size;
    w.memory.fill(e, EVENT.size, 0);
    w.memory.setU64(e + EVENT.userdata, ev.userdata);
    w.memory.setU16(e + EVENT.error, ev.error);
    w.memory.setU8(e + EVENT.type, ev.type);
    w.memory.setU64(e + EVENT.nbytes, ev.nbytes);
    w.memory.setU16(e + EVENT.flags, ev.flags);
  });
  w.memory.setU32(neventsPtr, ready.length);
  return Errno.SUCCESS;
}
