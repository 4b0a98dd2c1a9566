export { ensureNoLiftoff } from './flags.js';
export { memoryImportOf, createGuestMemory, DEFAULT_MAX_PAGES, type MemoryImport } from './memory.js';
export { SharedState, type SharedBlocks, type MessageArea } from './shared.js';
export {
  waitWhileEqual, waitAnnounced, notifyAnnounced, spinWhileEqual, spinWhileEqualAwake, spinBudget, teamSpinBudget, waitUntil, lockWord, tryLockWord,
  unlockWord, WaitAborted, SPINS, BLOCKTIME_MS, IDLE_BLOCKTIME_MS, WAKE_GRACE_MS,
} from './sync.js';
export { ThreadFailure, describeFailure, failureError, type FailureRecord } from './errors.js';
export * from './layout.js';
export { ThreadAffinity, PLACE_WORDS, publishPlaces, readPlaces, placesGeneration } from './affinity.js';
export { threadsOf, prepareThreads, takeThreadError, shutdownThreads } from './setup.js';
export {
  ThreadRuntime,
  THREADS,
  DEFAULT_STACK_SIZE,
  type ThreadsSetup,
  type WorkerData,
  type JobRunner,
} from './runtime.js';
export { sharedMemoryOf, installFastPaths, LOCK_SPINS, SHARED_MEMORY_IMPORT_WAT, WORD_CHECK_WAT, WORD_LOCK_WAT } from './guest-locks.js';
