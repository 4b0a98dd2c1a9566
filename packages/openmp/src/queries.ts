import { availableParallelism } from 'node:os';
import type { FaasletHost } from '@faasm/abi';
import { MAX_SLOTS } from '@faasm/threads';
import { ompOf, type Frame } from './state.js';

/** void omp_set_num_threads(int n): nthreads-var for later regions (n < 1 is ignored). */
export function ompSetNumThreads(host: FaasletHost, n: number): void {
  if (n > 0) ompOf(host).nthreads = n;
}

/** int omp_get_num_threads(void): the current team's size. */
export function ompGetNumThreads(host: FaasletHost): number {
  return ompOf(host).frame.size;
}

/** int omp_get_max_threads(void): the team size a region started now would get. */
export function ompGetMaxThreads(host: FaasletHost): number {
  return Math.min(ompOf(host).nthreads, MAX_SLOTS + 1);
}

/** int omp_get_thread_num(void). */
export function ompGetThreadNum(host: FaasletHost): number {
  return ompOf(host).frame.threadNum;
}

/** int omp_get_num_procs(void): the cores Node reports. */
export function ompGetNumProcs(_host: FaasletHost): number {
  return availableParallelism();
}

/** int omp_in_parallel(void): 1 inside an active region (more than one thread). */
export function ompInParallel(host: FaasletHost): number {
  return ompOf(host).frame.activeLevel > 0 ? 1 : 0;
}

/** void omp_set_dynamic(int flag): recorded; team sizes are never adjusted. */
export function ompSetDynamic(host: FaasletHost, flag: number): void {
  ompOf(host).dynamic = flag !== 0;
}

/** int omp_get_dynamic(void). */
export function ompGetDynamic(host: FaasletHost): number {
  return ompOf(host).dynamic ? 1 : 0;
}

/** void omp_set_nested(int flag): deprecated alias of max-active-levels 1 / many. */
export function ompSetNested(host: FaasletHost, flag: number): void {
  ompOf(host).maxActiveLevels = flag ? 2 ** 31 - 1 : 1;
}

/** int omp_get_nested(void). */
export function ompGetNested(host: FaasletHost): number {
  return ompOf(host).maxActiveLevels > 1 ? 1 : 0;
}

/** void omp_set_schedule(omp_sched_t kind, int chunk): run-sched-var for schedule(runtime). */
export function ompSetSchedule(host: FaasletHost, kind: number, chunk: number): void {
  const base = kind & 0x7fffffff;
  if (base < 1 || base > 4) return;
  const st = ompOf(host);
  st.schedKind = base;
  st.schedChunk = chunk > 0 ? chunk : 0;
}

/** void omp_get_schedule(omp_sched_t *kind, int *chunk). */
export function ompGetSchedule(host: FaasletHost, kindPtr: number, chunkPtr: number): void {
  const st = ompOf(host);
  host.memory.setI32(kindPtr, st.schedKind);
  host.memory.setI32(chunkPtr, st.schedChunk);
}

/** int omp_get_thread_limit(void): one thread per worker slot plus the caller. */
export function ompGetThreadLimit(_host: FaasletHost): number {
  return MAX_SLOTS + 1;
}

/** void omp_set_max_active_levels(int levels): recorded; nested regions still run serialised. */
export function ompSetMaxActiveLevels(host: FaasletHost, levels: number): void {
  if (levels >= 0) ompOf(host).maxActiveLevels = levels;
}

/** int omp_get_max_active_levels(void). */
export function ompGetMaxActiveLevels(host: FaasletHost): number {
  return ompOf(host).maxActiveLevels;
}

/** int omp_get_level(void): enclosing parallel regions, active or not. */
export function ompGetLevel(host: FaasletHost): number {
  return ompOf(host).frame.level;
}

/** int omp_get_active_level(void). */
export function ompGetActiveLevel(host: FaasletHost): number {
  return ompOf(host).frame.activeLevel;
}

function frameAt(host: FaasletHost, level: number): Frame | undefined {
  let frame: Frame | undefined = ompOf(host).frame;
  if (level < 0 || level > frame.level) return undefined;
  while (frame && frame.level > level) frame = frame.parent;
  return frame;
}

/** int omp_get_ancestor_thread_num(int level): -1 outside 0..omp_get_level(). */
export function ompGetAncestorThreadNum(host: FaasletHost, level: number): number {
  return frameAt(host, level)?.threadNum ?? -1;
}

/** int omp_get_team_size(int level): -1 outside 0..omp_get_level(). */
export function ompGetTeamSize(host: FaasletHost, level: number): number {
  return frameAt(host, level)?.size ?? -1;
}

/** int omp_in_final(void): 0, tasks are never final. */
export function ompInFinal(_host: FaasletHost): number {
  return 0;
}

/** int omp_get_cancellation(void): 0, cancellation is off. */
export function ompGetCancellation(_host: FaasletHost): number {
  return 0;
}

/** void omp_set_default_device(int device): recorded (there are no devices). */
export function ompSetDefaultDevice(host: FaasletHost, device: number): void {
  ompOf(host).defaultDevice = device;
}

/** int omp_get_default_device(void). */
export function ompGetDefaultDevice(host: FaasletHost): number {
  return ompOf(host).defaultDevice;
}

/** int omp_get_num_devices(void): 0, no offload devices. */
export function ompGetNumDevices(_host: FaasletHost): number {
  return 0;
}

/** int omp_get_num_teams(void): 1 (no teams construct). */
export function ompGetNumTeams(_host: FaasletHost): number {
  return 1;
}

/** int omp_get_team_num(void): 0. */
export function ompGetTeamNum(_host: FaasletHost): number {
  return 0;
}

/** int omp_is_initial_device(void): 1, code always runs on the host. */
export function ompIsInitialDevice(_host: FaasletHost): number {
  return 1;
}

/** int omp_get_initial_device(void): the host device number, omp_get_num_devices() (OpenMP 5.1). */
export function ompGetInitialDevice(_host: FaasletHost): number {
  return 0;
}

/**
 * double omp_get_wtime(void): seconds since the Unix epoch, from the high-resolution
 * clock (timeOrigin + now: the same timeline on every worker, whose performance.now()
 * starts at its own creation).
 */
export function ompGetWtime(_host: FaasletHost): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/** double omp_get_wtick(void): the clock's resolution in seconds (a double of ~1.7e9 s resolves ~0.2 µs). */
export function ompGetWtick(_host: FaasletHost): number {
  return 1e-6;
}
