import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeSyscalls } from '@faasm/native';
import { MAX_SLOTS, Slot, SLOT_WORDS, shutdownThreads, Team, threadsOf } from '@faasm/threads';
import { runGuest } from '../../threads/src/test-harness.js';
import { parsePlaces, parseProcBind, placeOf, ProcBind, type Placement, type Topology } from './affinity.js';
import { defaultBlocktime, LIBOMP_BLOCKTIME_US } from './state.js';

const guest = new URL('../test/guests/omp_places.wasm', import.meta.url);

/** 8 CPUs: cores {0,4} {1,5} {2,6} {3,7} (hyperthread pairs), sockets {0,1,4,5} {2,3,6,7}. */
const fake: Topology = {
  group: (kind, cpu) => (kind === 'cores' ? `core${cpu % 4}` : kind === 'sockets' ? `socket${(cpu % 4) >> 1}` : 'all'),
};
const ALL = [0, 1, 2, 3, 4, 5, 6, 7];

describe('OMP_PROC_BIND', () => {
  it.each([
    [{}, [ProcBind.FALSE]],
    [{ OMP_PROC_BIND: 'false' }, [ProcBind.FALSE]],
    [{ OMP_PROC_BIND: 'TRUE' }, [ProcBind.SPREAD]],
    [{ OMP_PROC_BIND: 'master' }, [ProcBind.PRIMARY]],
    [{ OMP_PROC_BIND: 'primary' }, [ProcBind.PRIMARY]],
    [{ OMP_PROC_BIND: 'close' }, [ProcBind.CLOSE]],
    [{ OMP_PROC_BIND: 'spread, close,primary' }, [ProcBind.SPREAD, ProcBind.CLOSE, ProcBind.PRIMARY]],
    [{ OMP_PLACES: 'cores' }, [ProcBind.SPREAD]],
    [{ OMP_PROC_BIND: 'false', OMP_PLACES: 'cores' }, [ProcBind.FALSE]],
    [{ OMP_PROC_BIND: 'sideways' }, [ProcBind.FALSE]],
    [{ OMP_PROC_BIND: 'spread,true' }, [ProcBind.FALSE]],
  ])('%j → %j', (env, expected) => {
    expect(parseProcBind(env as Record<string, string>)).toEqual(expected);
  });
});

describe('OMP_PLACES', () => {
  it.each([
    ['threads', [[0], [1], [2], [3], [4], [5], [6], [7]]],
    ['threads(3)', [[0], [1], [2]]],
    ['cores', [[0, 4], [1, 5], [2, 6], [3, 7]]],
    ['cores(2)', [[0, 4], [1, 5]]],
    ['sockets', [[0, 1, 4, 5], [2, 3, 6, 7]]],
    ['ll_caches', [ALL]],
    ['{0,1},{2,3}', [[0, 1], [2, 3]]],
    ['{0:4}', [[0, 1, 2, 3]]],
    ['{0:2:4}', [[0, 4]]],
    ['{0:2}:3:2', [[0, 1], [2, 3], [4, 5]]],
    ['{0:4,!2}', [[0, 1, 3]]],
    ['{0},{1},{2},!{1}', [[0], [2]]],
    [' { 6 } , { 9 }, {7} ', [[6], [7]]],
  ])('%s', (text, expected) => {
    expect(parsePlaces(text, ALL, fake)).toEqual(expected);
  });

  it('keeps only allowed CPUs and drops emptied places', () => {
    expect(parsePlaces('cores', [1, 2, 5], fake)).toEqual([[1, 5], [2]]);
    expect(parsePlaces('{0,1},{4},{2}', [1, 2], fake)).toEqual([[1], [2]]);
  });

  it.each(['', 'cpus', '{a}', '{0', '{0:0}', '{0}:0', 'threads(x)', '{9},{10}'])('refuses %j', (text) => {
    expect(parsePlaces(text, ALL, fake)).toBeUndefined();
  });
});

describe('place assignment (OpenMP 5.2 §10.1.3, as libomp)', () => {
  const assign = (policy: number, size: number, from: Placement, places: number) =>
    Array.from({ length: size }, (_, n) => {
      const p = placeOf(policy, size, n, from, places, { place: 0, partStart: 0, partCount: 0 });
      return [p.place, p.partStart, p.partCount];
    });
  const whole = (count: number, place = 0): Placement => ({ place, partStart: 0, partCount: count });

  it('primary: every thread on the primary thread\'s place', () => {
    expect(assign(ProcBind.PRIMARY, 3, whole(4, 2), 4)).toEqual([[2, 0, 4], [2, 0, 4], [2, 0, 4]]);
  });

  it('close: consecutive places from the primary\'s, wrapping; groups of threads when they outnumber places', () => {
    expect(assign(ProcBind.CLOSE, 3, whole(4, 2), 4)).toEqual([[2, 0, 4], [3, 0, 4], [0, 0, 4]]);
    expect(assign(ProcBind.CLOSE, 3, whole(2), 2)).toEqual([[0, 0, 2], [0, 0, 2], [1, 0, 2]]);
  });

  it('spread: subpartitions of consecutive places, or one place each when threads outnumber places', () => {
    expect(assign(ProcBind.SPREAD, 2, whole(2), 2)).toEqual([[0, 0, 1], [1, 1, 1]]);
    expect(assign(ProcBind.SPREAD, 3, whole(8), 8)).toEqual([[0, 0, 3], [3, 3, 3], [6, 6, 2]]);
    expect(assign(ProcBind.SPREAD, 3, whole(2), 2)).toEqual([[0, 0, 1], [0, 0, 1], [1, 1, 1]]);
    expect(assign(ProcBind.SPREAD, 2, whole(4, 3), 4)).toEqual([[3, 3, 2], [1, 1, 2]]);
  });
});

/** region name → thread → "place part bind" from the guest's report lines. */
function regions(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of stdout.matchAll(/^region (\w+) thread (\d+) place (-?\d+) bind (\d+) part (\S+)$/gm)) {
    const list = out.get(m[1]!) ?? [];
    list[Number(m[2])] = `${m[3]} ${m[5]} ${m[4]}`;
    out.set(m[1]!, list);
  }
  return out;
}

/** CPUs an OS thread of this process may run on (/proc, so any thread can be read). */
function cpusOfThread(tid: number): number[] {
  const status = readFileSync(`/proc/self/task/${tid}/status`, 'utf8');
  const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)![1]!;
  return list.split(',').flatMap((r) => {
    const [a, b] = r.split('-').map(Number);
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
  });
}

const twoCpus = availableParallelism() >= 2;

describe.each(['native', 'off'] as const)('a guest with OMP_PROC_BIND=close OMP_PLACES=threads(2) (FAASM_NATIVE %s)', (mode) => {
  const saved = process.env['FAASM_NATIVE'];
  afterEach(() => {
    if (saved === undefined) delete process.env['FAASM_NATIVE'];
    else process.env['FAASM_NATIVE'] = saved;
  });

  it.skipIf(!twoCpus || (mode === 'native' && !nativeSyscalls()))('reports places and partitions as libomp, and binds only through native', async () => {
    if (mode === 'off') process.env['FAASM_NATIVE'] = 'off';
    const run = await runGuest(guest, { env: { OMP_PROC_BIND: 'close', OMP_PLACES: 'threads(2)' }, keep: true });
    const rt = threadsOf(run.host);
    try {
      expect(run.error).toBeUndefined();
      const cpus = rt.affinity.allowed();
      expect(run.stdout).toContain('initial bind 3 places 2\n');
      expect(run.stdout).toContain(`place 0: ${cpus[0]}\nplace 1: ${cpus[1]}\nno such place 0\n`);
      const r = regions(run.stdout);
      expect(r.get('before')).toEqual(['0 0,1 3']);
      expect(r.get('default')).toEqual(['0 0,1 3', '1 0,1 3']);
      expect(r.get('spread2')).toEqual(['0 0 3', '1 1 3']);
      expect(r.get('spread3')).toEqual(['0 0 3', '0 0 3', '1 1 3']);
      expect(r.get('primary')).toEqual(['0 0,1 3', '0 0,1 3']);
      expect(r.get('close3')).toEqual(['0 0,1 3', '0 0,1 3', '1 0,1 3']);
      expect(r.get('after')).toEqual(['0 0,1 3']);
      expect(r.get('last')).toEqual(['0 0,1 3', '1 0,1 3']);
      // The OS masks: the calling thread on place 0, the last region's thread 1 on place 1.
      const tids: number[] = [];
      for (let s = 0; s < MAX_SLOTS; s++) {
        const tid = Atomics.load(rt.shared.slots, s * SLOT_WORDS + Slot.OS_TID);
        if (tid !== 0) tids.push(tid);
      }
      const masks = tids.map(cpusOfThread).map((m) => m.join());
      if (mode === 'native') {
        expect(rt.affinity.current()).toEqual([cpus[0]]);
        expect(masks).toContain(String(cpus[1]));
      } else {
        expect(tids).toEqual([]);
        expect(cpusOfThread(Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]))).toEqual([...cpus]);
      }
    } finally {
      await shutdownThreads(run.host);
    }
    // Shutting down gives the calling thread its mask back.
    if (mode === 'native') expect(rt.affinity.current()).toEqual([...rt.affinity.allowed()]);
  });
});

describe('without binding', () => {
  it('bind-var false: no place, and the proc_bind clause is ignored (libomp)', async () => {
    const run = await runGuest(guest, { env: {} });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toMatch(/^initial bind 0 places [1-9]/);
    const r = regions(run.stdout);
    for (const region of ['before', 'default', 'spread2', 'spread3', 'primary', 'close3', 'last']) {
      for (const line of r.get(region)!) expect(line, region).toMatch(/^-1 0(,\d+)* 0$/);
    }
  });

  it('a bind-var list applies its next item inside a region', async () => {
    const run = await runGuest(guest, { env: { OMP_PROC_BIND: 'spread,close', OMP_PLACES: 'threads(1)' } });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('initial bind 4 places 1\n');
    const r = regions(run.stdout);
    expect(r.get('default')).toEqual(['0 0 3', '0 0 3']);
    expect(r.get('after')).toEqual(['0 0 4']);
  });

  it('an invalid OMP_PLACES falls back to cores, with a warning', async () => {
    const warnings: string[] = [];
    const run = await runGuest(guest, { env: { OMP_PLACES: '{oops}' }, log: { debug: () => {}, warn: (m) => warnings.push(m) } });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain('initial bind 4 places');
    expect(warnings).toEqual([expect.stringMatching(/OMP_PLACES="\{oops\}" is invalid/)]);
  });
});

describe('KMP_BLOCKTIME and OMP_WAIT_POLICY', () => {
  it.each([
    [{}, 0],
    [{ KMP_BLOCKTIME: '5' }, 5000],
    [{ KMP_BLOCKTIME: '5ms' }, 5000],
    [{ KMP_BLOCKTIME: '300us' }, 300],
    [{ KMP_BLOCKTIME: '0' }, 1],
    [{ KMP_BLOCKTIME: 'infinite' }, 1_000_000],
    [{ KMP_BLOCKTIME: '99999' }, 1_000_000],
    [{ KMP_BLOCKTIME: 'soon' }, 0],
    [{ OMP_WAIT_POLICY: 'ACTIVE' }, 1_000_000],
    [{ OMP_WAIT_POLICY: 'passive' }, 1],
    [{ OMP_WAIT_POLICY: 'passive', KMP_BLOCKTIME: '7' }, 7000],
  ])('%j → %i µs', (env, us) => {
    expect(defaultBlocktime(env as Record<string, string>)).toBe(us);
  });

  /** The spin time the last region's team block carried (team blocks are reused from 0). */
  async function teamBlocktime(env: Record<string, string>): Promise<number> {
    const run = await runGuest(guest, { env, keep: true });
    try {
      expect(run.error).toBeUndefined();
      return threadsOf(run.host).shared.teams[Team.BLOCKTIME_US]!;
    } finally {
      await shutdownThreads(run.host);
    }
  }

  it('teams spin as long as libomp\'s when their threads are bound to places of their own, else the runtime default', async () => {
    expect(await teamBlocktime({})).toBe(0);
    if (twoCpus) expect(await teamBlocktime({ OMP_PROC_BIND: 'close', OMP_PLACES: 'threads(2)' })).toBe(LIBOMP_BLOCKTIME_US);
    // The last region is proc_bind(close) with 2 threads: one place cannot give each its own.
    expect(await teamBlocktime({ OMP_PROC_BIND: 'close', OMP_PLACES: 'threads(1)' })).toBe(0);
    expect(await teamBlocktime({ OMP_PROC_BIND: 'close', OMP_PLACES: 'threads(2)', KMP_BLOCKTIME: '3ms' })).toBe(3000);
    expect(await teamBlocktime({ KMP_BLOCKTIME: '3ms' })).toBe(3000);
  });
});
