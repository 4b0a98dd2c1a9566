/**
 * Offsets in the guest's pthread objects (musl's 32-bit types from wasi-libc's
 * <bits/alltypes.h>; the SDK's pthread.h documents the same words).
 */

/** pthread_attr_t: union { int __i[9]; ... } (36 bytes). */
export const Attr = { SIZE: 36, STACK_SIZE: 0, DETACH: 12 } as const;

/** pthread_mutex_t: union { int __i[6]; ... } (24 bytes). */
export const Mutex = { SIZE: 24, TYPE: 0, LOCK: 4, OWNER: 8, COUNT: 20 } as const;

/** pthread_mutexattr_t: struct { unsigned __attr; } — type in bits 0-1. */
export const MutexAttr = { SIZE: 4, TYPE_MASK: 3 } as const;

export const MutexType = { NORMAL: 0, RECURSIVE: 1, ERRORCHECK: 2 } as const;

/** pthread_cond_t: union { int __i[12]; ... } (48 bytes). */
export const Cond = { SIZE: 48, SEQ: 0, CLOCK: 4 } as const;

/** pthread_condattr_t: the clock (0 CLOCK_REALTIME, 1 CLOCK_MONOTONIC). */
export const CondClock = { REALTIME: 0, MONOTONIC: 1 } as const;

/** struct timespec in wasi-libc: { int64 tv_sec; long tv_nsec; } (16 bytes). */
export const Timespec = { SIZE: 16, SEC: 0, NSEC: 8 } as const;

/** pthread_once_t: int. */
export const Once = { NOT_RUN: 0, RUNNING: 1, DONE: 2 } as const;

export const PTHREAD_STACK_MIN = 16384;
export const PTHREAD_DESTRUCTOR_ITERATIONS = 4;
