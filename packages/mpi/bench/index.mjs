// @faasm/mpi benchmark: the same C program (test/guests/bench.c) as a Faasm guest
// with 2 ranks on our shared-memory transport, and natively with Debian's MPICH
// (mpicc, mpiexec -n 2), in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMpiWorld } from '@faasm/mpi';

const here = new URL('.', import.meta.url);
const source = new URL('../test/guests/bench.c', here);
const wasm = new URL('../test/guests/bench.wasm', here);
const wasiStub = new URL('../test/wasi-stub.mjs', here).href;

const ROWS = [
  { key: 'pingpong_8B_us', name: 'MPI ping-pong latency, 8 B one-way (2 ranks)', unit: 'µs', lowerIsBetter: true, target: '≤ 3 µs' },
  { key: 'bandwidth_1MiB_MiBps', name: 'MPI ping-pong bandwidth, 1 MiB (2 ranks)', unit: 'MiB/s', lowerIsBetter: false, target: '≥ 4 GiB/s (4096 MiB/s)' },
  { key: 'allreduce_1double_us', name: 'MPI_Allreduce, 1 double (2 ranks)', unit: 'µs', lowerIsBetter: true, target: '≤ 5 µs' },
  { key: 'allreduce_1MiB_us', name: 'MPI_Allreduce, 1 MiB of doubles (2 ranks)', unit: 'µs', lowerIsBetter: true, target: '≤ 2× MPICH' },
  { key: 'barrier_us', name: 'MPI_Barrier (2 ranks)', unit: 'µs', lowerIsBetter: true, target: '≤ 2× MPICH' },
];

function parse(text) {
  const out = {};
  for (const m of text.matchAll(/^RESULT (\S+) ([\d.]+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

let compiled;

async function ours(dir) {
  const stdoutFile = join(dir, 'ours.txt');
  writeFileSync(stdoutFile, '');
  const result = await runMpiWorld({
    module: (compiled ??= await WebAssembly.compile(readFileSync(wasm))),
    worldSize: 2,
    packages: [wasiStub, '@faasm/mpi'],
    packageOptions: { [wasiStub]: { stdoutFile } },
    message: { args: ['1'] },
    timeoutMs: 120_000,
  });
  if (result.returnValue !== 0) throw new Error(`bench guest failed: ${result.error ?? result.returnValue}`);
  return parse(readFileSync(stdoutFile, 'utf8'));
}

function native(dir) {
  const exe = join(dir, 'bench-native');
  if (!existsSync(exe)) execFileSync('mpicc', ['-O2', source.pathname, '-o', exe]);
  return parse(execFileSync('mpiexec', ['-n', '2', exe, '1'], { encoding: 'utf8', timeout: 120_000 }));
}

/** Best of several runs per metric (the machine is shared: single runs are noisy). */
function best(runs, row) {
  const values = runs.map((r) => r[row.key]).filter((v) => Number.isFinite(v));
  if (values.length === 0) return NaN;
  return row.lowerIsBetter ? Math.min(...values) : Math.max(...values);
}

export async function bench({ runs = 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'faasm-mpi-bench-'));
  try {
    const peer = [];
    const mine = [];
    // Interleave the two so both see the same machine conditions.
    for (let i = 0; i < runs; i++) {
      peer.push(native(dir));
      mine.push(await ours(dir));
    }
    return ROWS.map((r) => ({
      name: r.name,
      unit: r.unit,
      ours: best(mine, r),
      peer: 'native MPICH (mpicc, mpiexec -n 2)',
      peerValue: best(peer, r),
      lowerIsBetter: r.lowerIsBetter,
      target: r.target,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await bench());
