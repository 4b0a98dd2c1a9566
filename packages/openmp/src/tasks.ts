import { GuestTrap, type FaasletHost } from '@faasm/abi';

/**
 * Explicit tasks run immediately, on the encountering thread, when created (an
 * undeferred execution the OpenMP spec allows for any task). So taskwait and
 * taskgroup have nothing left to wait for. A task that waits for something its
 * creator does after creating it would deadlock: see the README.
 *
 * kmp_task_t (kmp.h): { void *shareds; kmp_routine_entry_t routine; kmp_int32 part_id; ... }
 * followed by the task's private data; the shareds block follows the task.
 */
const TASK_SHAREDS = 0;
const TASK_ROUTINE = 4;
const TASK_PART_ID = 8;

/**
 * kmp_task_t *__kmpc_omp_task_alloc(loc, gtid, kmp_int32 flags, size_t sizeof_task,
 * size_t sizeof_shareds, kmp_routine_entry_t entry): the task block from the guest's malloc.
 */
export function kmpcOmpTaskAlloc(host: FaasletHost, _loc: number, _gtid: number, _flags: number, sizeofTask: number, sizeofShareds: number, entry: number): number {
  const taskSize = ((sizeofTask >>> 0) + 7) & ~7;
  const total = taskSize + (sizeofShareds >>> 0);
  if (taskSize < 12 || total > 0x40000000) throw new GuestTrap('__kmpc_omp_task_alloc', `bad task size ${sizeofTask}+${sizeofShareds}`);
  const task = host.exports.malloc(total);
  if (task === 0) throw new GuestTrap('__kmpc_omp_task_alloc', 'out of memory');
  host.memory.fill(task, total, 0);
  host.memory.setU32(task + TASK_SHAREDS, sizeofShareds > 0 ? task + taskSize : 0);
  host.memory.setU32(task + TASK_ROUTINE, entry);
  host.memory.setI32(task + TASK_PART_ID, 0);
  return task;
}

/** Runs `routine(gtid, task)` and frees the task block. */
function runTask(host: FaasletHost, gtid: number, task: number): void {
  const routine = host.memory.u32(task + TASK_ROUTINE);
  try {
    host.exports.callIndirect(routine, gtid, task);
  } finally {
    host.exports.free(task);
  }
}

/** kmp_int32 __kmpc_omp_task(loc, gtid, kmp_task_t *task): runs it now; 0 (TASK_CURRENT_NOT_QUEUED). */
export function kmpcOmpTask(host: FaasletHost, _loc: number, gtid: number, task: number): number {
  runTask(host, gtid, task);
  return 0;
}

/**
 * kmp_int32 __kmpc_omp_task_with_deps(loc, gtid, task, ndeps, deps, ndeps_noalias,
 * noalias): tasks run in creation order, so every dependence is already satisfied.
 */
export function kmpcOmpTaskWithDeps(host: FaasletHost, _loc: number, gtid: number, task: number, _n: number, _d: number, _na: number, _nl: number): number {
  runTask(host, gtid, task);
  return 0;
}

/** void __kmpc_omp_task_begin_if0(loc, gtid, task): the guest runs an if(0) task itself. */
export function kmpcOmpTaskBeginIf0(host: FaasletHost, _loc: number, _gtid: number, task: number): void {
  host.memory.check(task, 12);
}

/** void __kmpc_omp_task_complete_if0(loc, gtid, task): frees the if(0) task. */
export function kmpcOmpTaskCompleteIf0(host: FaasletHost, _loc: number, _gtid: number, task: number): void {
  host.exports.free(task);
}

/** kmp_int32 __kmpc_omp_taskwait(loc, gtid): 0, every child already ran. */
export function kmpcOmpTaskwait(_host: FaasletHost, _loc: number, _gtid: number): number {
  return 0;
}

/** kmp_int32 __kmpc_omp_taskyield(loc, gtid, int end_part): 0. */
export function kmpcOmpTaskyield(_host: FaasletHost, _loc: number, _gtid: number, _endPart: number): number {
  return 0;
}

/** void __kmpc_taskgroup(loc, gtid). */
export function kmpcTaskgroup(_host: FaasletHost, _loc: number, _gtid: number): void {}

/** void __kmpc_end_taskgroup(loc, gtid): every task of the group already ran. */
export function kmpcEndTaskgroup(_host: FaasletHost, _loc: number, _gtid: number): void {}
