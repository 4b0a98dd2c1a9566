import { fn, importTable, type FaasletHost } from '@faasm/abi';
import {
  dispatchFini, dispatchInit, dispatchNext, kmpcEndOrdered, kmpcOrdered, staticInit, W4, W4U, W8, W8U,
} from './loops.js';
import {
  kmpcEndSerializedParallel, kmpcForkCall, kmpcGlobalThreadNum, kmpcPushNumThreads, kmpcSerializedParallel,
} from './parallel.js';
import * as a from './affinity.js';
import * as q from './queries.js';
import { faasmSmReduce } from './snapshot.js';
import * as s from './sync.js';
import * as t from './tasks.js';

type H = FaasletHost;
const I = 'i32' as const;
const L = 'i64' as const;

/**
 * @faasm/openmp: Faasm's 33 OpenMP imports (imports.tsv rows `openmp`) plus what
 * clang 19 emits that Faasm lacks (dispatch loops, ordered, copyprivate, tasks,
 * masked, serialized regions, unsigned loop variants) and the rest of omp.h.
 */
export const table = importTable<H>('@faasm/openmp', {
  env: {
    // Parallel regions (parallel.ts)
    __kmpc_fork_call: fn([I, I, I, I], null, kmpcForkCall),
    __kmpc_serialized_parallel: fn([I, I], null, kmpcSerializedParallel),
    __kmpc_end_serialized_parallel: fn([I, I], null, kmpcEndSerializedParallel),
    __kmpc_push_num_threads: fn([I, I, I], null, kmpcPushNumThreads),
    __kmpc_push_proc_bind: fn([I, I, I], null, a.kmpcPushProcBind),
    __kmpc_global_thread_num: fn([I], I, kmpcGlobalThreadNum),

    // Synchronisation (sync.ts)
    __kmpc_barrier: fn([I, I], null, s.kmpcBarrier),
    __kmpc_critical: fn([I, I, I], null, s.kmpcCritical),
    __kmpc_critical_with_hint: fn([I, I, I, I], null, s.kmpcCriticalWithHint),
    __kmpc_end_critical: fn([I, I, I], null, s.kmpcEndCritical),
    __kmpc_master: fn([I, I], I, s.kmpcMaster),
    __kmpc_end_master: fn([I, I], null, s.kmpcEndMaster),
    __kmpc_masked: fn([I, I, I], I, s.kmpcMasked),
    __kmpc_end_masked: fn([I, I], null, s.kmpcEndMasked),
    __kmpc_single: fn([I, I], I, s.kmpcSingle),
    __kmpc_end_single: fn([I, I], null, s.kmpcEndSingle),
    __kmpc_copyprivate: fn([I, I, I, I, I, I], null, s.kmpcCopyprivate),
    __kmpc_reduce: fn([I, I, I, I, I, I, I], I, s.kmpcReduce),
    __kmpc_reduce_nowait: fn([I, I, I, I, I, I, I], I, s.kmpcReduce),
    __kmpc_end_reduce: fn([I, I, I], null, s.kmpcEndReduce),
    __kmpc_end_reduce_nowait: fn([I, I, I], null, s.kmpcEndReduceNowait),
    __kmpc_flush: fn([I], null, s.kmpcFlush),

    // Loops (loops.ts)
    __kmpc_for_static_init_4: fn([I, I, I, I, I, I, I, I, I], null, (h, _l, _g, sc, pl, plo, pup, pst, inc, ch) => staticInit(h, W4, sc, pl, plo, pup, pst, inc, ch)),
    __kmpc_for_static_init_4u: fn([I, I, I, I, I, I, I, I, I], null, (h, _l, _g, sc, pl, plo, pup, pst, inc, ch) => staticInit(h, W4U, sc, pl, plo, pup, pst, inc, ch)),
    __kmpc_for_static_init_8: fn([I, I, I, I, I, I, I, L, L], null, (h, _l, _g, sc, pl, plo, pup, pst, inc, ch) => staticInit(h, W8, sc, pl, plo, pup, pst, inc, ch)),
    __kmpc_for_static_init_8u: fn([I, I, I, I, I, I, I, L, L], null, (h, _l, _g, sc, pl, plo, pup, pst, inc, ch) => staticInit(h, W8U, sc, pl, plo, pup, pst, inc, ch)),
    __kmpc_for_static_fini: fn([I, I], null, () => {}),
    __kmpc_dispatch_init_4: fn([I, I, I, I, I, I, I], null, (h, _l, _g, sc, lb, ub, st, ch) => dispatchInit(h, W4, sc, lb, ub, st, ch)),
    __kmpc_dispatch_init_4u: fn([I, I, I, I, I, I, I], null, (h, _l, _g, sc, lb, ub, st, ch) => dispatchInit(h, W4U, sc, lb, ub, st, ch)),
    __kmpc_dispatch_init_8: fn([I, I, I, L, L, L, L], null, (h, _l, _g, sc, lb, ub, st, ch) => dispatchInit(h, W8, sc, lb, ub, st, ch)),
    __kmpc_dispatch_init_8u: fn([I, I, I, L, L, L, L], null, (h, _l, _g, sc, lb, ub, st, ch) => dispatchInit(h, W8U, sc, lb, ub, st, ch)),
    __kmpc_dispatch_next_4: fn([I, I, I, I, I, I], I, (h, _l, _g, pl, plb, pub, pst) => dispatchNext(h, W4, pl, plb, pub, pst)),
    __kmpc_dispatch_next_4u: fn([I, I, I, I, I, I], I, (h, _l, _g, pl, plb, pub, pst) => dispatchNext(h, W4U, pl, plb, pub, pst)),
    __kmpc_dispatch_next_8: fn([I, I, I, I, I, I], I, (h, _l, _g, pl, plb, pub, pst) => dispatchNext(h, W8, pl, plb, pub, pst)),
    __kmpc_dispatch_next_8u: fn([I, I, I, I, I, I], I, (h, _l, _g, pl, plb, pub, pst) => dispatchNext(h, W8U, pl, plb, pub, pst)),
    __kmpc_dispatch_fini_4: fn([I, I], null, (h) => dispatchFini(h)),
    __kmpc_dispatch_fini_4u: fn([I, I], null, (h) => dispatchFini(h)),
    __kmpc_dispatch_fini_8: fn([I, I], null, (h) => dispatchFini(h)),
    __kmpc_dispatch_fini_8u: fn([I, I], null, (h) => dispatchFini(h)),
    __kmpc_dispatch_deinit: fn([I, I], null, () => {}),
    __kmpc_ordered: fn([I, I], null, kmpcOrdered),
    __kmpc_end_ordered: fn([I, I], null, kmpcEndOrdered),

    // Tasks (tasks.ts)
    __kmpc_omp_task_alloc: fn([I, I, I, I, I, I], I, t.kmpcOmpTaskAlloc),
    __kmpc_omp_task: fn([I, I, I], I, t.kmpcOmpTask),
    __kmpc_omp_task_with_deps: fn([I, I, I, I, I, I, I], I, t.kmpcOmpTaskWithDeps),
    __kmpc_omp_task_begin_if0: fn([I, I, I], null, t.kmpcOmpTaskBeginIf0),
    __kmpc_omp_task_complete_if0: fn([I, I, I], null, t.kmpcOmpTaskCompleteIf0),
    __kmpc_omp_taskwait: fn([I, I], I, t.kmpcOmpTaskwait),
    __kmpc_omp_taskyield: fn([I, I, I], I, t.kmpcOmpTaskyield),
    __kmpc_taskgroup: fn([I, I], null, t.kmpcTaskgroup),
    __kmpc_end_taskgroup: fn([I, I], null, t.kmpcEndTaskgroup),

    // Faasm's snapshot-mode and atomic helpers (snapshot.ts, sync.ts)
    __faasm_sm_reduce: fn([I, I, I, I], null, faasmSmReduce),
    __faasm_sm_critical_local: fn([], null, s.faasmSmCriticalLocal),
    __faasm_sm_critical_local_end: fn([], null, s.faasmSmCriticalLocalEnd),
    __atomic_load: fn([I, I, I, I], null, s.atomicLoad),
    __atomic_store: fn([I, I, I, I], null, s.atomicStore),
    __atomic_exchange: fn([I, I, I, I, I], null, s.atomicExchange),
    __atomic_compare_exchange: fn([I, I, I, I, I, I], I, s.atomicCompareExchange),

    // omp.h (queries.ts, sync.ts)
    omp_set_num_threads: fn([I], null, q.ompSetNumThreads),
    omp_get_num_threads: fn([], I, q.ompGetNumThreads),
    omp_get_max_threads: fn([], I, q.ompGetMaxThreads),
    omp_get_thread_num: fn([], I, q.ompGetThreadNum),
    omp_get_num_procs: fn([], I, q.ompGetNumProcs),
    omp_in_parallel: fn([], I, q.ompInParallel),
    omp_set_dynamic: fn([I], null, q.ompSetDynamic),
    omp_get_dynamic: fn([], I, q.ompGetDynamic),
    omp_set_nested: fn([I], null, q.ompSetNested),
    omp_get_nested: fn([], I, q.ompGetNested),
    omp_set_schedule: fn([I, I], null, q.ompSetSchedule),
    omp_get_schedule: fn([I, I], null, q.ompGetSchedule),
    omp_get_thread_limit: fn([], I, q.ompGetThreadLimit),
    omp_set_max_active_levels: fn([I], null, q.ompSetMaxActiveLevels),
    omp_get_max_active_levels: fn([], I, q.ompGetMaxActiveLevels),
    omp_get_level: fn([], I, q.ompGetLevel),
    omp_get_active_level: fn([], I, q.ompGetActiveLevel),
    omp_get_ancestor_thread_num: fn([I], I, q.ompGetAncestorThreadNum),
    omp_get_team_size: fn([I], I, q.ompGetTeamSize),
    omp_in_final: fn([], I, q.ompInFinal),
    omp_get_cancellation: fn([], I, q.ompGetCancellation),
    omp_set_default_device: fn([I], null, q.ompSetDefaultDevice),
    omp_get_default_device: fn([], I, q.ompGetDefaultDevice),
    omp_get_num_devices: fn([], I, q.ompGetNumDevices),
    omp_get_num_teams: fn([], I, q.ompGetNumTeams),
    omp_get_team_num: fn([], I, q.ompGetTeamNum),
    omp_is_initial_device: fn([], I, q.ompIsInitialDevice),
    omp_get_initial_device: fn([], I, q.ompGetInitialDevice),
    omp_get_proc_bind: fn([], I, a.ompGetProcBind),
    omp_get_num_places: fn([], I, a.ompGetNumPlaces),
    omp_get_place_num_procs: fn([I], I, a.ompGetPlaceNumProcs),
    omp_get_place_proc_ids: fn([I, I], null, a.ompGetPlaceProcIds),
    omp_get_place_num: fn([], I, a.ompGetPlaceNum),
    omp_get_partition_num_places: fn([], I, a.ompGetPartitionNumPlaces),
    omp_get_partition_place_nums: fn([I], null, a.ompGetPartitionPlaceNums),
    omp_get_wtime: fn([], 'f64', q.ompGetWtime),
    omp_get_wtick: fn([], 'f64', q.ompGetWtick),
    omp_init_lock: fn([I], null, s.ompInitLock),
    omp_destroy_lock: fn([I], null, s.ompDestroyLock),
    omp_set_lock: fn([I], null, s.ompSetLock),
    omp_unset_lock: fn([I], null, s.ompUnsetLock),
    omp_test_lock: fn([I], I, s.ompTestLock),
    omp_init_nest_lock: fn([I], null, s.ompInitNestLock),
    omp_destroy_nest_lock: fn([I], null, s.ompDestroyNestLock),
    omp_set_nest_lock: fn([I], null, s.ompSetNestLock),
    omp_unset_nest_lock: fn([I], null, s.ompUnsetNestLock),
    omp_test_nest_lock: fn([I], I, s.ompTestNestLock),
  },
});
