/**
 * Word offsets of the thread runtime's shared control blocks (Int32Array indices
 * over SharedArrayBuffers every worker of a Faaslet's team receives).
 */

/** Worker slots: one per worker thread of the pool. */
export const MAX_SLOTS = 64;
export const SLOT_WORDS = 32;
export const Slot = {
  STATE: 0, // SlotState
  GEN: 1, // job generation: bumped by the dispatcher, watched by the worker
  KIND: 2, // JobKind
  TARGET: 3, // team block index (OpenMP) or thread entry index (pthread)
  THREAD_NUM: 4, // OpenMP thread number in the team
  FN: 5, // table index of the pthread entry
  ARG: 6, // its argument
  STACK_TOP: 7,
  TLS_BLOCK: 8,
  CELLS: 9, // two i32 cells (gtid, btid) for OpenMP microtasks
  EPOCH: 10, // allocation epoch of the three allocations above
  STACK_SIZE: 11,
  STACK_BASE: 12,
  READY: 13, // 1 once the worker instantiated the module
  TLS_ALLOC: 14,
  SLEEPING: 15, // 1 while the worker sleeps on GEN: a dispatcher notifies only then
  STARTED: 16, // the GEN of the last job the worker picked up (a fork's join watches it)
  OS_TID: 17, // the worker's OS thread id (gettid) once booted, 0 without @faasm/native
} as const;

export const SlotState = { FREE: 0, IDLE: 1, BUSY: 2 } as const;
export const JobKind = { NONE: 0, OPENMP: 1, PTHREAD: 2, EXIT: 3 } as const;

/** OpenMP team blocks: one per concurrently forked team. */
export const MAX_TEAMS = 16;
export const TEAM_WORDS = 160;
/** Dispatch buffers per team (loops a fast thread may run ahead into with nowait). */
export const DISPATCH_RING = 4;
export const MAX_SHARED_ARGS = 64;
export const Team = {
  CLAIMED: 0,
  SIZE: 1,
  BAR_COUNT: 2,
  BAR_GEN: 3,
  SINGLE: 4,
  FINISHED: 5,
  ERROR: 6, // Failure state: 0 none, 1 being written, 2 ready
  ERROR_KIND: 7, // FailureKind
  EXIT_CODE: 8,
  MICROTASK: 9,
  ARGC: 10,
  COPYPRIVATE: 11,
  NTHREADS_ICV: 12,
  LEVEL: 13,
  SCHED_KIND: 14, // run-sched-var inherited by the team's threads
  SCHED_CHUNK: 15,
  /** DISPATCH_RING × 4 words: loop id, threads done, next ordered iteration, spare. */
  DISPATCH: 16,
  /** DISPATCH_RING i64 iteration counters (BigInt64Array index = word / 2). */
  COUNTERS: 32,
  /** 1 while the forking thread sleeps on FINISHED: finishing workers notify only then. */
  JOIN_WAITERS: 40,
  /** Threads asleep on BAR_GEN: the last arrival notifies only if there are any. */
  BAR_WAITERS: 41,
  /** 1 while the forking thread is at the join (spinning or asleep), until it saw every thread finish. */
  JOINING: 42,
  /** The region's affinity policy (omp_proc_bind_t; 0: threads are not bound) and thread 0's place. */
  PROC_BIND: 43,
  PLACE: 44,
  /** Thread 0's place partition before the region: first place and count (modulo the place count). */
  PART_START: 45,
  PART_COUNT: 46,
  /** bind-var of the team's threads (OMP_PROC_BIND's next list item). */
  BIND_NEXT: 47,
  /**
   * How long the team's threads spin before they sleep (barrier, join, the next fork),
   * in µs; 0: the runtime's default (BLOCKTIME_MS, or the wake grace when oversubscribed).
   */
  BLOCKTIME_US: 48,
  ARGS: 56,
} as const;

/** pthread entries: one per thread created and not yet joined or finished detached. */
export const MAX_PTHREADS = 64;
export const PTHREAD_WORDS = 8;
export const PThread = {
  STATE: 0, // PThreadState
  ID: 1, // the pthread_t value of the current occupant
  DETACHED: 2,
  RESULT: 3,
  ERROR_KIND: 4, // FailureKind
  EXIT_CODE: 5,
  GEN: 6,
  SLOT: 7, // the worker slot running it
} as const;
export const PThreadState = { FREE: 0, RUNNING: 1, FINISHED: 2, CLAIMING: 3 } as const;

/** Thread-specific data keys (PTHREAD_KEYS_MAX). */
export const MAX_KEYS = 128;
export const KEY_WORDS = 4;
export const Key = { GEN: 0, IN_USE: 1, DESTRUCTOR: 2 } as const;

/** Faaslet-wide words. */
export const GLOBAL_WORDS = 16;
export const Global = {
  EPOCH: 0, // bumped on restore: slot allocations from older epochs are stale
  ATOMIC_LOCK: 1, // __atomic_* library calls
  ORPHAN: 2, // a detached thread failed (FailureKind)
  ORPHAN_CODE: 3,
  SM_CRITICAL: 4, // __faasm_sm_critical_local
  FENCE: 5, // target of __kmpc_flush's fence
} as const;

export const FailureKind = { NONE: 0, TRAP: 1, EXIT: 2 } as const;

/** Bytes of error text kept per team, per pthread entry, and for orphans. */
export const MESSAGE_BYTES = 1024;
