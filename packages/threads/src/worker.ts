/**
 * A thread worker: one instance of the guest module over the Faaslet's shared memory,
 * composed with the same packages and options as the main instance. It never calls
 * `_start` (lld's start function initialises memory once, guarded by an atomic flag);
 * it waits for jobs on its slot (spin, then Atomics.wait) and runs them on its own
 * stack and TLS block. Failures are written to shared memory for the waiting thread:
 * its event loop may be blocked, so worker `error` events would be lost.
 */
import { workerData } from 'node:worker_threads';
import { ensureNoLiftoff } from './flags.js';

ensureNoLiftoff();

const { attachInstance, compose, createHost, lifecycleOf, loadPackages } = await import('@faasm/abi');
const { FailureKind, JobKind, PThread, PTHREAD_WORDS, PThreadState, Slot, SLOT_WORDS, SlotState, Team, TEAM_WORDS } = await import('./layout.js');
const { SharedState } = await import('./shared.js');
const { THREADS, ThreadRuntime } = await import('./runtime.js');
const { BLOCKTIME_MS, IDLE_BLOCKTIME_MS, notifyAnnounced, spinWhileEqualAwake, teamSpinBudget, waitAnnounced } = await import('./sync.js');
const { nativeSyscalls } = await import('@faasm/native');
// sched_yield for the long idle spin of an unbound OpenMP team (undefined without native).
const yieldThread = nativeSyscalls()?.yieldThread;

type Data = import('./runtime.js').WorkerData;
const data = workerData as Data;
const shared = new SharedState(data.blocks);
const host = createHost({ message: data.message });
const runtime = new ThreadRuntime(host, { shared, slot: data.slot, cpus: data.cpus });
runtime.setup = { module: data.module, packages: data.packages, options: data.options, stackSize: data.stackSize };
host.services.provide(THREADS, runtime);

let bootError: unknown;
let stackPointer: WebAssembly.Global | undefined;
let initTls: ((block: number) => void) | undefined;
let tlsBase: WebAssembly.Global | undefined;
try {
  const memoryImport = WebAssembly.Module.imports(data.module).find((i) => i.kind === 'memory');
  if (!memoryImport) throw new Error('the module does not import its memory: build with faasm cc --threads');
  const { importObject } = compose(data.module, host, await loadPackages(data.packages), data.options, {
    [memoryImport.module]: { [memoryImport.name]: data.memory },
  });
  const instance = new WebAssembly.Instance(data.module, importObject);
  attachInstance(host, instance, data.memory);
  lifecycleOf(host).instantiated();
  stackPointer = host.exports.global('__stack_pointer');
  if (!stackPointer) throw new Error('the module does not export __stack_pointer: build with faasm cc --threads');
  initTls = host.exports.function('__wasm_init_tls') as ((block: number) => void) | undefined;
  tlsBase = host.exports.global('__tls_base');
} catch (e) {
  bootError = e;
}

const slots = shared.slots;
const at = data.slot * SLOT_WORDS;
if (runtime.affinity.native) {
  runtime.affinity.reset();
  Atomics.store(slots, at + Slot.OS_TID, runtime.affinity.osThreadId());
}
Atomics.store(slots, at + Slot.READY, 1);

/** Signals the thread waiting for this job (fork join or pthread_join). */
function complete(kind: number, target: number): void {
  if (kind === JobKind.OPENMP) {
    const index = target * TEAM_WORDS + Team.FINISHED;
    Atomics.add(shared.teams, index, 1);
    notifyAnnounced(shared.teams, index, target * TEAM_WORDS + Team.JOIN_WAITERS);
    return;
  }
  if (kind === JobKind.PTHREAD) {
    const p = shared.pthreads;
    const entry = target * PTHREAD_WORDS;
    Atomics.store(p, entry + PThread.STATE, PThreadState.FINISHED);
    Atomics.notify(p, entry + PThread.STATE);
    // A detached thread frees its own entry (pthread_detach races for the same CAS).
    if (Atomics.load(p, entry + PThread.DETACHED) === 1) {
      if (Atomics.compareExchange(p, entry + PThread.STATE, PThreadState.FINISHED, PThreadState.FREE) === PThreadState.FINISHED) {
        if (p[entry + PThread.ERROR_KIND] !== FailureKind.NONE) runtime.recordOrphan(new Error(shared.readMessage({ pthread: target })));
      }
    }
  }
}

let seen = data.seen;
let appliedEpoch = -1;
// The runner of the last job kind (a Map lookup saved per job).
let runKind: number = JobKind.NONE;
let run: import('./runtime.js').JobRunner | undefined;
// JOINING word of the team of the last OpenMP job: no use spinning for the next fork
// while that team's forking thread, at the join, has not even seen this thread finish
// (asleep, or queued behind this thread on its CPU: see spinWhileEqualAwake).
let joiner = -1;
// How long to spin for the next job (the spin budget of the last OpenMP team).
let budget = BLOCKTIME_MS;
// Runs while spinning that long (libomp's blocktime with yields), or undefined.
let yieldCpu: (() => number) | undefined;
// The last OpenMP job's forking thread was asleep at the join when this worker finished.
let joinerAsleep = false;
for (;;) {
  const spun = joinerAsleep ? Atomics.load(slots, at + Slot.GEN) : spinWhileEqualAwake(slots, at + Slot.GEN, seen, shared.teams, joiner, budget, yieldCpu);
  seen = spun !== seen ? spun : waitAnnounced(slots, at + Slot.GEN, seen, at + Slot.SLEEPING, undefined, 0);
  Atomics.store(slots, at + Slot.STARTED, seen);
  const kind = slots[at + Slot.KIND]!;
  if (kind === JobKind.EXIT) break;
  const target = slots[at + Slot.TARGET]!;
  // Read now: the team block is released (and may be reused) once the join saw us finish.
  const size = kind === JobKind.OPENMP ? shared.teams[target * TEAM_WORDS + Team.SIZE]! : 1;
  const blocktimeUs = kind === JobKind.OPENMP ? shared.teams[target * TEAM_WORDS + Team.BLOCKTIME_US]! : 0;
  try {
    if (bootError !== undefined) throw bootError;
    stackPointer!.value = slots[at + Slot.STACK_TOP]!;
    const tls = slots[at + Slot.TLS_BLOCK]!;
    // Fresh thread-locals for every pthread; OpenMP threadprivate data persists
    // across parallel regions on the same worker, as with libomp's thread pool.
    // A new allocation epoch (after a restore) means a new block, even at the same address.
    const epoch = slots[at + Slot.EPOCH]!;
    if (tls !== 0 && initTls && (kind === JobKind.PTHREAD || epoch !== appliedEpoch || tlsBase?.value !== tls)) {
      initTls(tls);
      appliedEpoch = epoch;
    }
    // A pthread runs unbound (OpenMP places bind a worker for its team regions only).
    if (kind === JobKind.PTHREAD && runtime.affinity.bound) runtime.affinity.unbind();
    if (kind !== runKind || !run) {
      run = runtime.runner(kind);
      runKind = kind;
    }
    if (!run) throw new Error(`no runner for job kind ${kind} (is its package linked?)`);
    run(data.slot);
  } catch (e) {
    runtime.recordFailure(kind, target, e);
  }
  Atomics.store(slots, at + Slot.STATE, SlotState.IDLE);
  complete(kind, target);
  joiner = kind === JobKind.OPENMP ? target * TEAM_WORDS + Team.JOINING : -1;
  budget = teamSpinBudget(size, blocktimeUs);
  // An unbound OpenMP team that fits the cores, with no KMP_BLOCKTIME/OMP_WAIT_POLICY
  // (teamSpinBudget gave the default): wait for the next fork as long as libomp does,
  // yielding the CPU as it goes (see IDLE_BLOCKTIME_MS). Not for pthreads.
  yieldCpu = kind === JobKind.OPENMP && blocktimeUs <= 0 && budget === BLOCKTIME_MS ? yieldThread : undefined;
  if (yieldCpu) budget = IDLE_BLOCKTIME_MS;
  // Its forking thread gave up spinning at the join: waking it takes about as long as
  // the wake grace its next join spins for this worker, so the worker sleeps at once
  // rather than hold a CPU that thread may be queued for (both packed on one CPU).
  joinerAsleep = kind === JobKind.OPENMP && Atomics.load(shared.teams, target * TEAM_WORDS + Team.JOIN_WAITERS) !== 0;
}
Atomics.store(slots, at + Slot.OS_TID, 0);
Atomics.store(slots, at + Slot.STATE, SlotState.FREE);
Atomics.store(slots, at + Slot.READY, 0);
