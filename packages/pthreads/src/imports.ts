import { fn, importTable, type FaasletHost } from '@faasm/abi';
import * as c from './cond.js';
import * as k from './keys.js';
import * as m from './mutex.js';
import * as t from './threads.js';

type H = FaasletHost;
const I = 'i32' as const;

/** @faasm/pthreads: Faasm's 27 pthread imports (imports.tsv rows `pthreads`) and the thread kit's futex. */
export const table = importTable<H>('@faasm/pthreads', {
  env: {
    // Threads (threads.ts)
    pthread_create: fn([I, I, I, I], I, t.pthreadCreate),
    pthread_join: fn([I, I], I, t.pthreadJoin),
    pthread_detach: fn([I], I, t.pthreadDetach),
    pthread_exit: fn([I], null, t.pthreadExit),
    pthread_self: fn([], I, t.pthreadSelf),
    pthread_equal: fn([I, I], I, t.pthreadEqual),
    pthread_once: fn([I, I], I, t.pthreadOnce),
    pthread_attr_init: fn([I], I, t.pthreadAttrInit),
    pthread_attr_destroy: fn([I], I, t.pthreadAttrDestroy),
    pthread_attr_setstacksize: fn([I, I], I, t.pthreadAttrSetstacksize),

    // Thread-specific data (keys.ts)
    pthread_key_create: fn([I, I], I, k.pthreadKeyCreate),
    pthread_key_delete: fn([I], I, k.pthreadKeyDelete),
    pthread_getspecific: fn([I], I, k.pthreadGetspecific),
    pthread_setspecific: fn([I, I], I, k.pthreadSetspecific),

    // Mutexes (mutex.ts)
    pthread_mutex_init: fn([I, I], I, m.pthreadMutexInit),
    pthread_mutex_destroy: fn([I], I, m.pthreadMutexDestroy),
    pthread_mutex_lock: fn([I], I, m.pthreadMutexLock),
    pthread_mutex_trylock: fn([I], I, m.pthreadMutexTrylock),
    pthread_mutex_unlock: fn([I], I, m.pthreadMutexUnlock),
    pthread_mutexattr_init: fn([I], I, m.pthreadMutexattrInit),
    pthread_mutexattr_destroy: fn([I], I, m.pthreadMutexattrDestroy),

    // Condition variables and the futex (cond.ts)
    pthread_cond_init: fn([I, I], I, c.pthreadCondInit),
    pthread_cond_destroy: fn([I], I, c.pthreadCondDestroy),
    pthread_cond_wait: fn([I, I], I, c.pthreadCondWait),
    pthread_cond_timedwait: fn([I, I, I], I, c.pthreadCondTimedwait),
    pthread_cond_signal: fn([I], I, c.pthreadCondSignal),
    pthread_cond_broadcast: fn([I], I, c.pthreadCondBroadcast),
    __faasm_futex_wait: fn([I, I, 'i64'], I, c.faasmFutexWait),
    __faasm_futex_wake: fn([I, I], I, c.faasmFutexWake),
  },
});
