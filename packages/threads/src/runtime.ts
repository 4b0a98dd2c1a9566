import { Worker } from 'node:worker_threads';
import { GuestTrap, ServiceKey, type FaasletHost, type Message } from '@faasm/abi';
import { workerExecArgv } from './exec-argv.js';
import { describeFailure, failureError, type FailureRecord } from './errors.js';
import {
  DISPATCH_RING, FailureKind, Global, JobKind, MAX_SHARED_ARGS, MAX_SLOTS, MAX_TEAMS, PThread,
  PTHREAD_WORDS, PThreadState, Slot, SLOT_WORDS, SlotState, Team, TEAM_WORDS,
} from './layout.js';
import { ThreadAffinity } from './affinity.js';
import { SharedState, type SharedBlocks } from './shared.js';
import { CLOCK_EVERY, notifyAnnounced, spinWhileEqualAwake, teamSpinBudget, WAKE_GRACE_MS, WaitAborted, waitAnnounced } from './sync.js';

/** What workers need to build a thread instance like the main one. */
export interface ThreadsSetup {
  /** The compiled guest: workers instantiate the same module (V8 shares the code). */
  readonly module: WebAssembly.Module;
  /** Package specifiers `compose` links in workers (default: @faasm/abi's DEFAULT_PACKAGES). */
  readonly packages?: readonly string[];
  /** The per-package options given to `compose` for the main instance. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Stack of a thread without a stack-size attribute (bytes, default 1 MiB). */
  readonly stackSize?: number;
}

/** Structured-cloneable data a worker boots from. */
export interface WorkerData {
  readonly blocks: SharedBlocks;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly packages: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
  readonly message: Message;
  readonly stackSize: number;
  readonly slot: number;
  /** The slot's job generation when the worker was spawned (jobs after it are new). */
  readonly seen: number;
  /** The Faaslet's unbound CPU mask (a worker spawned by a bound thread inherits its binding). */
  readonly cpus: readonly number[] | undefined;
}

export const DEFAULT_STACK_SIZE = 1024 * 1024;
/** Bytes below a thread's stack reserved for the OpenMP gtid/btid cells. */
const CELL_BYTES = 16;

/** Runs one job kind in a worker (registered by @faasm/openmp and @faasm/pthreads). */
export type JobRunner = (slot: number) => void;

export const THREADS = new ServiceKey<ThreadRuntime>('@faasm/threads');

/**
 * One thread's view of its Faaslet's thread runtime. The main instance's host has
 * one with `slot === -1`; each worker's host has one for its slot. All of them share
 * the same SharedState (control blocks) and the same guest memory.
 */
export class ThreadRuntime {
  readonly shared: SharedState;
  readonly host: FaasletHost;
  /** This thread's worker slot, or -1 on the main instance's thread. */
  readonly slot: number;
  /** This OS thread's CPU binding (OpenMP places). */
  readonly affinity: ThreadAffinity;
  setup: (ThreadsSetup & { packages: readonly string[] }) | undefined;
  readonly #runners = new Map<number, JobRunner>();
  readonly #workers: Worker[] = [];
  #words = new Int32Array(0);
  #wordsFor: WebAssembly.Memory | undefined;
  #sharedFor: WebAssembly.Memory | undefined;
  #shared = false;
  /** Slot of thread n (index n-1) in this thread's last OpenMP team (#teamCount entries). */
  #teamSlots: number[] = [];
  #teamCount = 0;
  /**
   * A list fork reuses for the slots it claims (taken while a fork runs). Lists are
   * overwritten, never truncated: `length = 0` would drop the backing store, and the
   * next push would allocate a new one.
   */
  #spareSlots: number[] | undefined = [];

  constructor(host: FaasletHost, options: { shared?: SharedState; slot?: number; cpus?: readonly number[] | undefined } = {}) {
    this.host = host;
    this.shared = options.shared ?? new SharedState();
    this.slot = options.slot ?? -1;
    this.affinity = new ThreadAffinity(options.cpus);
  }

  get isWorker(): boolean {
    return this.slot >= 0;
  }

  /** True when the guest memory is a SharedArrayBuffer (threads can share it). */
  get sharedMemory(): boolean {
    if (!this.host.memory.attached) return false;
    const memory = this.host.memory.memory;
    if (memory !== this.#sharedFor) {
      this.#sharedFor = memory;
      this.#shared = memory.buffer instanceof SharedArrayBuffer;
    }
    return this.#shared;
  }

  registerRunner(kind: number, runner: JobRunner): void {
    this.#runners.set(kind, runner);
  }

  runner(kind: number): JobRunner | undefined {
    return this.#runners.get(kind);
  }

  // ---- guest words (locks, condition variables, once controls live in guest memory)

  /**
   * Index in `words()` of the aligned guest object of `bytes` bytes at `ptr`; traps
   * (MemoryFault, named by the import) if it is out of bounds, or if unaligned. The
   * view is rebuilt only when an access does not fit it (growth, a new memory).
   */
  wordIndex(ptr: number, bytes = 4): number {
    const p = ptr >>> 0;
    const memory = this.host.memory.memory;
    if (p + bytes > this.#words.byteLength || memory !== this.#wordsFor) {
      const buffer = memory.buffer;
      this.#wordsFor = memory;
      this.#words = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
      if (p + bytes > this.#words.byteLength) this.host.memory.check(p, bytes);
    }
    if (p & 3) throw new Error(`unaligned synchronisation object at 0x${p.toString(16)}`);
    return p >>> 2;
  }

  /**
   * The Int32Array over the guest's memory that `wordIndex` last validated against.
   * Atomics work on it whether or not the memory is shared; only waiting needs sharing.
   */
  words(): Int32Array {
    return this.#words;
  }

  /**
   * An abort check for a wait on `slot`'s job: reports a worker that has not booted
   * after `bootLimitMs` (a Node-level worker failure cannot reach a blocked thread).
   */
  stalledWorker(slot: number, bootLimitMs = 60_000): () => string | undefined {
    const since = performance.now();
    const index = slot * SLOT_WORDS + Slot.READY;
    return () => (Atomics.load(this.shared.slots, index) === 0 && performance.now() - since > bootLimitMs
      ? `thread worker ${slot} did not start within ${bootLimitMs / 1000} s`
      : undefined);
  }

  // ---- workers

  #requireSetup(where: string): NonNullable<ThreadRuntime['setup']> {
    if (!this.setup) throw new GuestTrap(where, 'threads are not prepared for this Faaslet: call prepareThreads(host, { module }) after instantiating');
    if (!this.sharedMemory) throw new GuestTrap(where, 'the guest memory is not shared (build with faasm cc --threads)');
    return this.setup;
  }

  #spawn(slot: number, seen: number): void {
    const setup = this.setup!;
    const data: WorkerData = {
      blocks: this.shared.blocks,
      module: setup.module,
      memory: this.host.memory.memory,
      packages: setup.packages,
      options: setup.options ?? {},
      message: this.host.message,
      stackSize: setup.stackSize ?? DEFAULT_STACK_SIZE,
      slot,
      seen,
      cpus: this.affinity.native ? this.affinity.allowed() : undefined,
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: data, execArgv: workerExecArgv() });
    worker.unref();
    // Only reached if the event loop runs: failures are reported through the slot.
    worker.on('error', (e) => this.host.log.warn(`thread worker ${slot} failed: ${e.message}`));
    this.#workers.push(worker);
  }

  /** Starts `count` idle workers ahead of the first fork or pthread_create. */
  prewarm(count: number): void {
    this.#requireSetup('prewarm');
    const slots = this.shared.slots;
    let started = 0;
    for (let s = 0; s < MAX_SLOTS && started < count; s++) {
      const at = s * SLOT_WORDS;
      if (Atomics.compareExchange(slots, at + Slot.STATE, SlotState.FREE, SlotState.BUSY) !== SlotState.FREE) continue;
      this.#spawn(s, Atomics.load(slots, at + Slot.GEN));
      Atomics.store(slots, at + Slot.STATE, SlotState.IDLE);
      started++;
    }
  }

  /**
   * Claims an idle worker (`preferred` first, or starts one) and gives it a stack;
   * returns the slot, now BUSY: start a job on it or release it.
   */
  claimSlot(where: string, stackSize: number, preferred = -1): number {
    this.#requireSetup(where);
    const slots = this.shared.slots;
    let slot = -1;
    if (preferred >= 0 && preferred !== this.slot
      && Atomics.compareExchange(slots, preferred * SLOT_WORDS + Slot.STATE, SlotState.IDLE, SlotState.BUSY) === SlotState.IDLE) {
      slot = preferred;
    }
    for (let s = 0; s < MAX_SLOTS && slot < 0; s++) {
      if (s === this.slot) continue;
      if (Atomics.compareExchange(slots, s * SLOT_WORDS + Slot.STATE, SlotState.IDLE, SlotState.BUSY) === SlotState.IDLE) slot = s;
    }
    if (slot < 0) {
      for (let s = 0; s < MAX_SLOTS && slot < 0; s++) {
        const at = s * SLOT_WORDS;
        if (Atomics.compareExchange(slots, at + Slot.STATE, SlotState.FREE, SlotState.BUSY) === SlotState.FREE) {
          this.#spawn(s, Atomics.load(slots, at + Slot.GEN));
          slot = s;
        }
      }
    }
    if (slot < 0) throw new GuestTrap(where, `too many threads (at most ${MAX_SLOTS} workers per Faaslet)`);
    try {
      this.#allocate(slot, stackSize);
    } catch (e) {
      this.releaseSlot(slot);
      throw e;
    }
    return slot;
  }

  /** Gives back a claimed slot on which no job was started. */
  releaseSlot(slot: number): void {
    Atomics.store(this.shared.slots, slot * SLOT_WORDS + Slot.STATE, SlotState.IDLE);
  }

  /** Starts a job on a claimed slot: `fill(slots, at)` writes its words. */
  startJob(slot: number, kind: number, fill: (slots: Int32Array, at: number) => void): void {
    const slots = this.shared.slots;
    const at = slot * SLOT_WORDS;
    slots[at + Slot.KIND] = kind;
    fill(slots, at);
    Atomics.add(slots, at + Slot.GEN, 1);
    notifyAnnounced(slots, at + Slot.GEN, at + Slot.SLEEPING);
  }

  /**
   * Stack, TLS block and gtid cells of a slot, from the guest's malloc (never by
   * growing memory: dlmalloc owns [__heap_base, size) after its first call). Kept
   * across jobs; re-made after a restore (the heap they lived in was reset).
   */
  #allocate(slot: number, stackSize: number): void {
    const slots = this.shared.slots;
    const at = slot * SLOT_WORDS;
    const epoch = Atomics.load(this.shared.global, Global.EPOCH);
    const current = Atomics.load(slots, at + Slot.EPOCH) === epoch && slots[at + Slot.STACK_TOP] !== 0;
    if (current && slots[at + Slot.STACK_SIZE]! >= stackSize) return;
    const exports = this.host.exports;
    if (current) {
      exports.free(slots[at + Slot.STACK_BASE]!);
      exports.free(slots[at + Slot.TLS_ALLOC]!);
    }
    const size = Math.max(stackSize, 16 * 1024);
    const base = exports.malloc(size + CELL_BYTES + 16);
    if (base === 0) throw new Error('out of memory allocating a thread stack');
    const top = (base + CELL_BYTES + 16 + size) & ~15;
    const tlsSize = Number(exports.global('__tls_size')?.value ?? 0);
    const tlsAlign = Math.max(1, Number(exports.global('__tls_align')?.value ?? 1));
    let tlsAlloc = 0;
    let tlsBlock = 0;
    if (tlsSize > 0) {
      tlsAlloc = exports.malloc(tlsSize + tlsAlign);
      if (tlsAlloc === 0) throw new Error('out of memory allocating a TLS block');
      tlsBlock = Math.ceil(tlsAlloc / tlsAlign) * tlsAlign;
    }
    slots[at + Slot.STACK_BASE] = base;
    slots[at + Slot.STACK_TOP] = top;
    slots[at + Slot.STACK_SIZE] = size;
    slots[at + Slot.CELLS] = (base + 15) & ~15;
    slots[at + Slot.TLS_ALLOC] = tlsAlloc;
    slots[at + Slot.TLS_BLOCK] = tlsBlock;
    Atomics.store(slots, at + Slot.EPOCH, epoch);
  }

  /** Claims a worker and starts a job on it; returns the slot. */
  dispatch(where: string, kind: number, fill: (slots: Int32Array, at: number) => void, stackSize?: number): number {
    const setup = this.#requireSetup(where);
    const slot = this.claimSlot(where, stackSize ?? setup.stackSize ?? DEFAULT_STACK_SIZE);
    this.startJob(slot, kind, fill);
    return slot;
  }

  /** Stops the workers this thread started (idle ones leave their loop; others are terminated). */
  async shutdown(): Promise<void> {
    const slots = this.shared.slots;
    for (let s = 0; s < MAX_SLOTS; s++) {
      const at = s * SLOT_WORDS;
      if (Atomics.compareExchange(slots, at + Slot.STATE, SlotState.IDLE, SlotState.BUSY) === SlotState.IDLE) {
        slots[at + Slot.KIND] = JobKind.EXIT;
        Atomics.add(slots, at + Slot.GEN, 1);
        Atomics.notify(slots, at + Slot.GEN);
      }
    }
    const workers = this.#workers.splice(0);
    this.affinity.unbind();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  // ---- failures

  /** Records a job's failure where its waiter looks (team block or pthread entry). */
  recordFailure(kind: number, target: number, error: unknown): void {
    const record = describeFailure(error);
    if (kind === JobKind.OPENMP) this.failTeam(target, record);
    else if (kind === JobKind.PTHREAD) {
      const at = target * PTHREAD_WORDS;
      const p = this.shared.pthreads;
      p[at + PThread.EXIT_CODE] = record.code;
      this.shared.writeMessage({ pthread: target }, record.message);
      Atomics.store(p, at + PThread.ERROR_KIND, record.kind);
    }
  }

  /** Marks a team failed (first failure wins) and wakes its waiters. */
  failTeam(team: number, record: FailureRecord): void {
    const t = this.shared.teams;
    const at = team * TEAM_WORDS;
    if (Atomics.compareExchange(t, at + Team.ERROR, 0, 1) !== 0) return;
    t[at + Team.ERROR_KIND] = record.kind;
    t[at + Team.EXIT_CODE] = record.code;
    this.shared.writeMessage({ team }, record.message);
    Atomics.store(t, at + Team.ERROR, 2);
    Atomics.notify(t, at + Team.BAR_GEN);
    Atomics.notify(t, at + Team.FINISHED);
  }

  /** A detached thread failed: kept until the embedder asks (takeThreadError). */
  recordOrphan(error: unknown): void {
    const record = describeFailure(error);
    const g = this.shared.global;
    if (Atomics.compareExchange(g, Global.ORPHAN, 0, -1) !== 0) return;
    g[Global.ORPHAN_CODE] = record.code;
    this.shared.writeMessage({ orphan: true }, record.message);
    Atomics.store(g, Global.ORPHAN, record.kind);
  }

  /** The failure of a detached thread, if any (cleared). */
  takeOrphanError(): Error | undefined {
    const g = this.shared.global;
    const kind = Atomics.load(g, Global.ORPHAN);
    if (kind <= 0) return undefined;
    const error = failureError('pthread (detached)', {
      kind: kind as FailureRecord['kind'], code: g[Global.ORPHAN_CODE]!, message: this.shared.readMessage({ orphan: true }),
    });
    Atomics.store(g, Global.ORPHAN, 0);
    return error;
  }

  // ---- OpenMP teams (the generic fork/join and barrier; @faasm/openmp drives them)

  /** Claims and resets a team block for `size` threads. */
  claimTeam(
    where: string, size: number, microtask: number, args: readonly number[],
    icvs: { nthreads: number; schedKind: number; schedChunk: number }, level: number,
  ): number {
    if (args.length > MAX_SHARED_ARGS) throw new GuestTrap(where, `${args.length} shared variables (at most ${MAX_SHARED_ARGS})`);
    const t = this.shared.teams;
    for (let team = 0; team < MAX_TEAMS; team++) {
      const at = team * TEAM_WORDS;
      if (Atomics.compareExchange(t, at + Team.CLAIMED, 0, 1) !== 0) continue;
      // Words past ARGS + argc are never read: clear only the control words.
      t.fill(0, at + 1, at + Team.ARGS);
      t[at + Team.SIZE] = size;
      t[at + Team.MICROTASK] = microtask;
      t[at + Team.ARGC] = args.length;
      t[at + Team.NTHREADS_ICV] = icvs.nthreads;
      t[at + Team.SCHED_KIND] = icvs.schedKind;
      t[at + Team.SCHED_CHUNK] = icvs.schedChunk;
      t[at + Team.LEVEL] = level;
      for (let r = 0; r < DISPATCH_RING; r++) t[at + Team.DISPATCH + r * 4] = r;
      for (let i = 0; i < args.length; i++) t[at + Team.ARGS + i] = args[i]!;
      return team;
    }
    throw new GuestTrap(where, `too many concurrent parallel regions (at most ${MAX_TEAMS})`);
  }

  /** A check for waits inside a team: reports when another thread failed. */
  teamAbort(team: number): () => string | undefined {
    const t = this.shared.teams;
    const index = team * TEAM_WORDS + Team.ERROR;
    return () => (Atomics.load(t, index) !== 0 ? 'parallel region aborted: another thread failed' : undefined);
  }

  /** Sense-reversing barrier over the team's counter and generation words. */
  barrier(team: number, size: number): void {
    if (size <= 1) return;
    const t = this.shared.teams;
    const at = team * TEAM_WORDS;
    const gen = Atomics.load(t, at + Team.BAR_GEN);
    if (Atomics.add(t, at + Team.BAR_COUNT, 1) === size - 1) {
      Atomics.store(t, at + Team.BAR_COUNT, 0);
      Atomics.add(t, at + Team.BAR_GEN, 1);
      notifyAnnounced(t, at + Team.BAR_GEN, at + Team.BAR_WAITERS);
      return;
    }
    // Spin first (until a teammate has stayed asleep from an earlier wait for the wake
    // grace) without making the abort check (a closure) on the fast path.
    const budget = teamSpinBudget(size, t[at + Team.BLOCKTIME_US]!);
    if (spinWhileEqualAwake(t, at + Team.BAR_GEN, gen, t, at + Team.BAR_WAITERS, budget) !== gen) return;
    waitAnnounced(t, at + Team.BAR_GEN, gen, at + Team.BAR_WAITERS, this.teamAbort(team), 0);
  }

  /**
   * Runs a parallel region: threads 1..size-1 on workers, thread 0 (`master(arg)`, a
   * function and its argument rather than a closure: nothing allocated per fork) on
   * the calling thread, then waits for all of them. The first failure is rethrown here.
   */
  fork<A>(where: string, team: number, size: number, master: (arg: A) => void, arg: A): void {
    const t = this.shared.teams;
    const at = team * TEAM_WORDS;
    let masterError: unknown;
    let started = 0;
    // Claim every worker before starting any job (a fast thread must not free its slot
    // for a later thread of the same team), preferring the slot each thread number had
    // in this thread's previous team: threadprivate data lives in the worker's TLS.
    // The list is a reused array (no allocation per fork unless forks nest).
    const claimed = this.#spareSlots ?? [];
    this.#spareSlots = undefined;
    let spare = claimed;
    let count = 0;
    try {
      const stackSize = this.setup?.stackSize ?? DEFAULT_STACK_SIZE;
      for (let n = 1; n < size; n++) {
        const slot = this.claimSlot(where, stackSize, n <= this.#teamCount ? this.#teamSlots[n - 1] : -1);
        if (count < claimed.length) claimed[count] = slot;
        else claimed.push(slot);
        count++;
      }
    } catch (e) {
      for (let i = 0; i < count; i++) this.releaseSlot(claimed[i]!);
      count = 0;
      masterError = e;
    }
    if (masterError === undefined) {
      spare = this.#teamSlots;
      this.#teamSlots = claimed;
      this.#teamCount = count;
      const slots = this.shared.slots;
      for (let i = 0; i < count; i++) {
        const s = claimed[i]! * SLOT_WORDS;
        slots[s + Slot.KIND] = JobKind.OPENMP;
        slots[s + Slot.TARGET] = team;
        slots[s + Slot.THREAD_NUM] = i + 1;
        Atomics.add(slots, s + Slot.GEN, 1);
        notifyAnnounced(slots, s + Slot.GEN, s + Slot.SLEEPING);
        started++;
      }
    }
    if (masterError === undefined) {
      try {
        master(arg);
      } catch (e) {
        masterError = e;
      }
    }
    if (masterError !== undefined && !(masterError instanceof WaitAborted)) this.failTeam(team, describeFailure(masterError));
    Atomics.store(t, at + Team.JOINING, 1);
    const budget = teamSpinBudget(size, t[at + Team.BLOCKTIME_US]!);
    if (this.#spinUntilJoined(at, started, claimed, budget) < started) this.#sleepUntilJoined(where, team, started, claimed);
    Atomics.store(t, at + Team.JOINING, 0);
    this.#spareSlots = spare;
    const failed = Atomics.load(t, at + Team.ERROR) === 2;
    const record: FailureRecord | undefined = failed
      ? { kind: t[at + Team.ERROR_KIND] as FailureRecord['kind'], code: t[at + Team.EXIT_CODE]!, message: this.shared.readMessage({ team }) }
      : undefined;
    Atomics.store(t, at + Team.CLAIMED, 0);
    if (masterError !== undefined && !(masterError instanceof WaitAborted)) throw masterError;
    if (record && record.kind !== FailureKind.NONE) throw failureError(where, record);
    if (masterError !== undefined) throw masterError;
  }

  /**
   * Spins until `started` threads of the team at word `at` finished, for at most
   * `budgetMs`, giving up early once one of the workers of `slots` has gone the wake
   * grace without picking up its job (asleep and not yet running, or queued behind
   * this thread on its CPU: see spinWhileEqualAwake); returns the finished count last read.
   */
  #spinUntilJoined(at: number, started: number, slots: readonly number[], budgetMs: number): number {
    const t = this.shared.teams;
    const s = this.shared.slots;
    let start = -1;
    let idleSince = -1;
    let done = Atomics.load(t, at + Team.FINISHED);
    for (let i = 0; done < started; i++) {
      if ((i & CLOCK_EVERY) === CLOCK_EVERY) {
        const now = performance.now();
        if (start < 0) start = now;
        else if (now - start >= budgetMs) return Atomics.load(t, at + Team.FINISHED);
        let waiting = false;
        for (let k = 0; k < started; k++) {
          const w = slots[k]! * SLOT_WORDS;
          if (Atomics.load(s, w + Slot.STARTED) !== Atomics.load(s, w + Slot.GEN)) waiting = true;
        }
        if (!waiting) idleSince = -1;
        else if (idleSince < 0) idleSince = now;
        else if (now - idleSince >= WAKE_GRACE_MS) return Atomics.load(t, at + Team.FINISHED);
      }
      done = Atomics.load(t, at + Team.FINISHED);
    }
    return done;
  }

  /**
   * The slow path of a join: sleeps (announced in JOIN_WAITERS, so finishing workers
   * notify) until `started` threads finished; every 50 ms checks that the workers of
   * `slots` booted (a Node-level worker failure cannot reach a blocked thread).
   */
  #sleepUntilJoined(where: string, team: number, started: number, slots: readonly number[]): void {
    const t = this.shared.teams;
    const at = team * TEAM_WORDS;
    let watches: Array<() => string | undefined> | undefined;
    Atomics.add(t, at + Team.JOIN_WAITERS, 1);
    try {
      for (;;) {
        const done = Atomics.load(t, at + Team.FINISHED);
        if (done >= started) return;
        if (Atomics.wait(t, at + Team.FINISHED, done, 50) === 'timed-out') {
          watches ??= slots.slice(0, started).map((slot) => this.stalledWorker(slot));
          for (const watch of watches) {
            const reason = watch();
            // The team block stays claimed: a late worker may still read it.
            if (reason !== undefined) throw new GuestTrap(where, reason);
          }
        }
      }
    } finally {
      Atomics.sub(t, at + Team.JOIN_WAITERS, 1);
    }
  }

  // ---- pthread entries

  /** Claims a pthread entry; returns its index (1..MAX-1) and the new pthread_t. */
  claimPThread(): { index: number; id: number } | undefined {
    const p = this.shared.pthreads;
    for (let i = 1; i < p.length / PTHREAD_WORDS; i++) {
      const at = i * PTHREAD_WORDS;
      if (Atomics.compareExchange(p, at + PThread.STATE, PThreadState.FREE, PThreadState.CLAIMING) !== PThreadState.FREE) continue;
      const gen = p[at + PThread.GEN]! + 1;
      p[at + PThread.GEN] = gen;
      // ids from 129 up: 1 is the main thread, 2..65 the workers between pthreads
      const id = (gen + 1) * 64 + i;
      p[at + PThread.ID] = id;
      p[at + PThread.DETACHED] = 0;
      p[at + PThread.RESULT] = 0;
      p[at + PThread.ERROR_KIND] = 0;
      p[at + PThread.EXIT_CODE] = 0;
      return { index: i, id };
    }
    return undefined;
  }
}
