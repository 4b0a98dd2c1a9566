/**
 * Thread affinity (OpenMP 5.2 §6.4–6.5 OMP_PLACES/OMP_PROC_BIND, §10.1.3 the proc_bind
 * clause, §18.3 place routines), as libomp does it: bind-var from OMP_PROC_BIND ("true"
 * is spread; unset: spread if OMP_PLACES is set, else false), place-partition-var from
 * OMP_PLACES (unset: cores), threads bound only when bind-var is not false (a proc_bind
 * clause is then ignored, as in libomp's __kmp_fork_call). The calling thread is bound
 * to the first place of its partition at its first bound region and unbound after the
 * call; workers are bound per region (one system call when the place changes).
 */
import { readFileSync } from 'node:fs';
import type { FaasletHost } from '@faasm/abi';
import { placesGeneration, publishPlaces, readPlaces, Team, TEAM_WORDS } from '@faasm/threads';
import { LIBOMP_BLOCKTIME_US, ompOf, type OmpThread } from './state.js';

/** omp_proc_bind_t (and kmp_proc_bind_t as clang passes it to __kmpc_push_proc_bind). */
export const ProcBind = { FALSE: 0, TRUE: 1, PRIMARY: 2, CLOSE: 3, SPREAD: 4 } as const;

/**
 * clang 19 passes proc_bind(primary) as 5 (OMPKinds.def; proc_bind(master) stays 2).
 * libomp 19 reads 5 as its proc_bind_intel and keeps bind-var's policy; this follows
 * OpenMP 5.2 instead: primary.
 */
const CLANG_PRIMARY = 5;

const POLICIES: Record<string, number> = {
  false: ProcBind.FALSE, true: ProcBind.SPREAD, primary: ProcBind.PRIMARY, master: ProcBind.PRIMARY,
  close: ProcBind.CLOSE, spread: ProcBind.SPREAD,
};

/**
 * OMP_PROC_BIND → bind-var, one policy per nesting level (the last one repeats). "true"
 * and "false" stand alone; a list holds primary/master, close and spread. Unset or
 * invalid: spread when OMP_PLACES is set (libomp), else false.
 */
export function parseProcBind(env: Readonly<Record<string, string>>): number[] {
  const fallback = [env['OMP_PLACES'] !== undefined && env['OMP_PLACES'].trim() !== '' ? ProcBind.SPREAD : ProcBind.FALSE];
  const text = (env['OMP_PROC_BIND'] ?? '').trim().toLowerCase();
  if (text === '') return fallback;
  const items = text.split(',').map((s) => s.trim());
  const list = items.map((item) => POLICIES[item]);
  if (list.some((p) => p === undefined)) return fallback;
  if (items.length > 1 && items.some((i) => i === 'true' || i === 'false')) return fallback;
  return list as number[];
}

/** How CPUs group into cores, sockets, last-level caches and NUMA domains (sysfs). */
export interface Topology {
  /** For each abstract name, the group key of a CPU (CPUs with the same key share it). */
  group(kind: 'cores' | 'sockets' | 'll_caches' | 'numa_domains', cpu: number): string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Linux's topology files; a CPU without them is its own core and shares the rest. */
export function sysfsTopology(root = '/sys/devices/system'): Topology {
  const numa = new Map<number, string>();
  const nodes = readText(`${root}/node/online`);
  for (const node of nodes ? parseCpuList(nodes) ?? [] : []) {
    for (const cpu of parseCpuList(readText(`${root}/node/node${node}/cpulist`) ?? '') ?? []) numa.set(cpu, String(node));
  }
  const cpuFile = (cpu: number, file: string) => readText(`${root}/cpu/cpu${cpu}/${file}`);
  const lastCache = (cpu: number) => {
    for (let index = 9; index >= 0; index--) {
      const shared = cpuFile(cpu, `cache/index${index}/shared_cpu_list`);
      if (shared !== undefined) return shared;
    }
    return undefined;
  };
  return {
    group(kind, cpu) {
      switch (kind) {
        case 'cores': return cpuFile(cpu, 'topology/core_cpus_list') ?? cpuFile(cpu, 'topology/thread_siblings_list') ?? `cpu${cpu}`;
        case 'sockets': return cpuFile(cpu, 'topology/package_cpus_list') ?? cpuFile(cpu, 'topology/core_siblings_list') ?? 'all';
        case 'll_caches': return lastCache(cpu) ?? 'all';
        case 'numa_domains': return numa.get(cpu) ?? 'all';
      }
    },
  };
}

/** "0-3,8,10-11" (Linux cpulist) → ids, or undefined. */
function parseCpuList(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++) out.push(c);
  }
  return out;
}

const ABSTRACT = /^(threads|cores|sockets|ll_caches|numa_domains)(?:\((\d+)\))?$/;

/** Splits at commas outside braces. */
function topLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out.map((s) => s.trim());
}

/** "n", "n:len", "n:len:stride" → its values (len copies of n + k·stride), or undefined. */
function interval(text: string): number[] | undefined {
  const m = /^(-?\d+)(?::(\d+)(?::(-?\d+))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [start, length, stride] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
  if (length < 1) return undefined;
  return Array.from({ length }, (_, k) => start + k * stride);
}

/** "{res,!res,a:len:stride}" → CPU ids, or undefined. */
function explicitPlace(text: string): number[] | undefined {
  const m = /^\{([^{}]*)\}$/.exec(text.trim());
  if (!m) return undefined;
  const cpus = new Set<number>();
  for (const item of (m[1] ?? '').split(',')) {
    const excluded = item.trim().startsWith('!');
    const values = interval(excluded ? item.trim().slice(1) : item);
    if (!values || values.some((v) => v < 0)) return undefined;
    for (const v of values) (excluded ? cpus.delete(v) : cpus.add(v));
  }
  return [...cpus].sort((a, b) => a - b);
}

/**
 * OMP_PLACES → the place list over the CPUs in `allowed` (others are dropped, and places
 * left empty), or undefined if the text is invalid or leaves no place. Abstract names
 * (threads, cores, sockets, ll_caches, numa_domains, each with an optional "(count)")
 * group the allowed CPUs by the topology; explicit lists take places "{0,1}", intervals
 * of places "{0:2}:4:2" (4 places, each shifted by 2) and exclusions "!{3}".
 */
export function parsePlaces(text: string, allowed: readonly number[], topology: Topology): number[][] | undefined {
  const spec = text.trim().toLowerCase();
  const abstract = ABSTRACT.exec(spec);
  let places: number[][];
  if (abstract) {
    const kind = abstract[1]!;
    if (kind === 'threads') places = allowed.map((cpu) => [cpu]);
    else {
      const groups = new Map<string, number[]>();
      for (const cpu of allowed) {
        const key = topology.group(kind as 'cores', cpu);
        const group = groups.get(key);
        if (group) group.push(cpu);
        else groups.set(key, [cpu]);
      }
      places = [...groups.values()];
    }
    if (abstract[2] !== undefined) places = places.slice(0, Math.max(1, Number(abstract[2])));
  } else {
    places = [];
    for (const item of topLevel(spec)) {
      if (item.startsWith('!')) {
        const excluded = explicitPlace(item.slice(1));
        if (!excluded) return undefined;
        places = places.filter((p) => p.join() !== excluded.join());
        continue;
      }
      const m = /^(\{[^{}]*\})(?::(\d+)(?::(-?\d+))?)?$/.exec(item);
      const place = m ? explicitPlace(m[1]!) : undefined;
      if (!m || !place) return undefined;
      const [count, stride] = [Number(m[2] ?? 1), Number(m[3] ?? 1)];
      if (count < 1) return undefined;
      for (let k = 0; k < count; k++) places.push(place.map((c) => c + k * stride));
    }
  }
  const ok = new Set(allowed);
  const kept = places.map((p) => p.filter((c) => ok.has(c))).filter((p) => p.length > 0);
  return kept.length > 0 ? kept : undefined;
}

/** A thread's place and place partition (first place, count; indices modulo the place count). */
export interface Placement {
  place: number;
  partStart: number;
  partCount: number;
}

/**
 * Where thread `n` of a team of `size` goes (OpenMP 5.2 §10.1.3), its primary thread on
 * `place` with partition (`partStart`, `partCount`) of a list of `numPlaces`:
 * primary: all on the primary's place; close: consecutive places from the primary's,
 * ⌈size/P⌉ or ⌊size/P⌋ consecutive threads per place when there are more threads than
 * places; spread: the partition cut into `size` subpartitions of consecutive places
 * (the primary's first), each thread on the first place of its own, or with more
 * threads than places, as close with a one-place partition each.
 */
export function placeOf(policy: number, size: number, n: number, from: Placement, numPlaces: number, out: Placement): Placement {
  const count = from.partCount;
  const offset = (from.place - from.partStart + numPlaces) % numPlaces;
  const at = (k: number) => (from.partStart + ((offset + k) % count)) % numPlaces;
  out.partStart = from.partStart;
  out.partCount = count;
  if (policy === ProcBind.PRIMARY || size <= 1) {
    out.place = from.place;
  } else if (policy === ProcBind.SPREAD && size <= count) {
    const base = Math.floor(count / size);
    const extra = count % size;
    const first = n * base + Math.min(n, extra);
    out.place = at(first);
    out.partStart = out.place;
    out.partCount = base + (n < extra ? 1 : 0);
  } else {
    out.place = at(size <= count ? n : Math.floor((n * count) / size));
    if (policy === ProcBind.SPREAD) {
      out.partStart = out.place;
      out.partCount = 1;
    }
  }
  return out;
}

/** The place list of the Faaslet (computed from OMP_PLACES by the thread that first needs it). */
export function placesOf(host: FaasletHost, st: OmpThread): readonly (readonly number[])[] {
  const table = st.runtime.shared.places;
  const text = host.message.env['OMP_PLACES'] ?? '';
  if (st.placesText !== text || placesGeneration(table) === 0) {
    const allowed = st.runtime.affinity.allowed();
    const topology = sysfsTopology();
    let places = text.trim() === '' ? undefined : parsePlaces(text, allowed, topology);
    if (!places && text.trim() !== '') host.log.warn(`OMP_PLACES="${text}" is invalid or names no usable CPU: using cores`);
    places ??= parsePlaces('cores', allowed, topology) ?? [[...allowed]];
    if (!publishPlaces(table, places)) {
      host.log.warn(`OMP_PLACES="${text}" lists more CPUs than the place table holds: using one place`);
      places = [[...allowed]];
      publishPlaces(table, places);
    }
    st.placesText = text;
    st.places = places;
    st.placesGen = placesGeneration(table);
  }
  return publishedPlaces(st);
}

/** Worker side: the place list the forking thread published (read again when it changes). */
export function publishedPlaces(st: OmpThread): readonly (readonly number[])[] {
  const table = st.runtime.shared.places;
  const gen = placesGeneration(table);
  if (st.placesGen !== gen) {
    st.places = readPlaces(table);
    st.placesGen = gen;
  }
  return st.places;
}

/** bind-var at nesting level `level` (the last list item repeats). */
export function bindVar(st: OmpThread, level: number): number {
  const list = st.bind;
  return list[Math.min(level, list.length - 1)] ?? ProcBind.FALSE;
}

/**
 * The forking thread's part of a fork: the region's policy (0: no binding), written to
 * the team block with thread 0's place and partition and the team's bind-var; binds the
 * forking thread to its place. `saved` receives its placement to restore at the join.
 */
export function forkPlaces(
  host: FaasletHost, st: OmpThread, pushed: number, team: number, size: number, level: number, saved: Placement,
): number {
  if (st.bind[0] === ProcBind.FALSE) return 0;
  const current = bindVar(st, level);
  if (current === ProcBind.FALSE) return 0;
  const policy = pushed === CLANG_PRIMARY ? ProcBind.PRIMARY : pushed > ProcBind.TRUE && pushed <= ProcBind.SPREAD ? pushed : current;
  const places = placesOf(host, st);
  if (st.place < 0) {
    st.place = 0;
    st.partStart = 0;
    st.partCount = places.length;
    st.runtime.affinity.bind(places[0]!);
  }
  saved.place = st.place;
  saved.partStart = st.partStart;
  saved.partCount = st.partCount;
  const t = st.runtime.shared.teams;
  const at = team * TEAM_WORDS;
  t[at + Team.PROC_BIND] = policy;
  t[at + Team.PLACE] = st.place;
  t[at + Team.PART_START] = st.partStart;
  t[at + Team.PART_COUNT] = st.partCount;
  t[at + Team.BIND_NEXT] = bindVar(st, level + 1);
  // Threads bound to places of their own cannot hold a CPU a teammate is queued for
  // (the reason the default spin is short): they spin as long as libomp's do, so a
  // region after a serial stretch does not pay for waking an idle CPU (hundreds of µs
  // to milliseconds in a VM). KMP_BLOCKTIME / OMP_WAIT_POLICY override this.
  if ((policy === ProcBind.CLOSE || policy === ProcBind.SPREAD) && size <= places.length) t[at + Team.BLOCKTIME_US] = LIBOMP_BLOCKTIME_US;
  placeOf(policy, size, 0, saved, places.length, st);
  if (st.place !== saved.place) st.runtime.affinity.bind(places[st.place]!);
  return policy;
}

/** The forking thread after the join: back to its place and partition. */
export function joinPlaces(st: OmpThread, saved: Placement): void {
  if (st.place !== saved.place) st.runtime.affinity.bind(st.places[saved.place]!);
  st.place = saved.place;
  st.partStart = saved.partStart;
  st.partCount = saved.partCount;
}

/** A worker's part: takes its place in the team (binds) or, in an unbound team, unbinds. */
export function workerPlaces(st: OmpThread, team: number, size: number, n: number): void {
  const t = st.runtime.shared.teams;
  const at = team * TEAM_WORDS;
  const policy = t[at + Team.PROC_BIND]!;
  if (policy === ProcBind.FALSE) {
    st.place = -1;
    st.bind = UNBOUND;
    if (st.runtime.affinity.bound) st.runtime.affinity.unbind();
    return;
  }
  const places = publishedPlaces(st);
  const from = st.teamFrom;
  from.place = t[at + Team.PLACE]!;
  from.partStart = t[at + Team.PART_START]!;
  from.partCount = t[at + Team.PART_COUNT]!;
  placeOf(policy, size, n, from, places.length, st);
  const next = t[at + Team.BIND_NEXT]!;
  if (st.bind.length !== 1 || st.bind[0] !== next) st.bind = [next];
  const cpus = places[st.place];
  if (cpus) st.runtime.affinity.bind(cpus);
}

const UNBOUND: readonly number[] = Object.freeze([ProcBind.FALSE]);

// ---- the imports

/** void __kmpc_push_proc_bind(ident_t *loc, kmp_int32 gtid, int proc_bind): the proc_bind clause of the next region. */
export function kmpcPushProcBind(host: FaasletHost, _loc: number, _gtid: number, bind: number): void {
  ompOf(host).pushedBind = bind;
}

/** The calling thread after a call: unbound again (it also runs the host's event loop). */
export function unbindCaller(st: OmpThread): void {
  st.place = -1;
  st.runtime.affinity.unbind();
}

/** omp_proc_bind_t omp_get_proc_bind(void): the policy for a region started now (bind-var). */
export function ompGetProcBind(host: FaasletHost): number {
  const st = ompOf(host);
  return bindVar(st, st.frame.level);
}

/** int omp_get_num_places(void): places in the place list. */
export function ompGetNumPlaces(host: FaasletHost): number {
  return currentPlaces(host).length;
}

/** int omp_get_place_num_procs(int place_num): CPUs of that place, 0 if there is no such place. */
export function ompGetPlaceNumProcs(host: FaasletHost, place: number): number {
  return currentPlaces(host)[place]?.length ?? 0;
}

/** void omp_get_place_proc_ids(int place_num, int *ids): that place's CPU ids (nothing written for no such place). */
export function ompGetPlaceProcIds(host: FaasletHost, place: number, ids: number): void {
  const cpus = currentPlaces(host)[place];
  if (!cpus) return;
  host.memory.check(ids, cpus.length * 4);
  for (let i = 0; i < cpus.length; i++) host.memory.setI32(ids + i * 4, cpus[i]!);
}

/**
 * libomp binds the initial thread to the first place at start-up when bind-var is not
 * false; here that happens at its first bound region, or when it asks where it is.
 */
function bindInitialThread(host: FaasletHost, st: OmpThread): void {
  if (st.place >= 0 || st.runtime.isWorker || st.frame.level > 0 || st.bind[0] === ProcBind.FALSE) return;
  const places = placesOf(host, st);
  st.place = 0;
  st.partStart = 0;
  st.partCount = places.length;
  st.runtime.affinity.bind(places[0]!);
}

/** int omp_get_place_num(void): the place this thread is bound to, -1 if not bound. */
export function ompGetPlaceNum(host: FaasletHost): number {
  const st = ompOf(host);
  bindInitialThread(host, st);
  return st.place;
}

/** int omp_get_partition_num_places(void): places in this thread's place partition. */
export function ompGetPartitionNumPlaces(host: FaasletHost): number {
  const st = ompOf(host);
  bindInitialThread(host, st);
  const places = currentPlaces(host);
  return st.place < 0 ? places.length : st.partCount;
}

/** void omp_get_partition_place_nums(int *place_nums): the place numbers of this thread's partition. */
export function ompGetPartitionPlaceNums(host: FaasletHost, nums: number): void {
  const st = ompOf(host);
  bindInitialThread(host, st);
  const places = currentPlaces(host);
  const [start, count] = st.place < 0 ? [0, places.length] : [st.partStart, st.partCount];
  host.memory.check(nums, count * 4);
  for (let i = 0; i < count; i++) host.memory.setI32(nums + i * 4, (start + i) % places.length);
}

function currentPlaces(host: FaasletHost): readonly (readonly number[])[] {
  const st = ompOf(host);
  return st.runtime.isWorker && placesGeneration(st.runtime.shared.places) !== 0 ? publishedPlaces(st) : placesOf(host, st);
}
