import { describe, expect, it } from 'vitest';
import { runGuest } from './test-helpers.js';

// C guests in test/guests, each self-checking at every rank (a failed check exits
// non-zero, which fails the world naming the rank), at world sizes 1, 2, 3, 4 and 8.
const SIZES = [1, 2, 3, 4, 8];

describe.each([
  ['p2p', 'p2p OK'],
  ['collectives', 'collectives OK'],
  ['ops', 'ops OK'],
  ['comm', 'comm OK'],
  ['rma', 'rma OK'],
])('%s guest', (name, banner) => {
  it.each(SIZES)('passes at world size %i', async (size) => {
    const r = await runGuest(name, size);
    expect(r.error).toBeUndefined();
    expect(r.returnValue).toBe(0);
    expect(r.stdout).toContain(`${banner} ${size}`);
  }, 60_000);
});

describe('pi estimate', () => {
  it.each(SIZES)('prints 3.14159… at world size %i', async (size) => {
    const r = await runGuest('pi', size);
    expect(r.returnValue).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Pi estimate: 3\\.14159265\\d* \\(${size} ranks\\)`));
  }, 60_000);
});

describe('ops guest', () => {
  it('covers every op x type combination the standard defines', async () => {
    const r = await runGuest('ops', 2);
    // 12 C integer types x 8 ops + bool x 2 + byte x 2 + 2 floats x 4 + LONG_LONG_INT + 2 loc ops + 3 user ops
    expect(r.stdout).toContain('combos 114');
  }, 60_000);
});

describe('invalid arguments', () => {
  it.each([1, 3])('return MPI error classes with MPI_ERRORS_RETURN (world size %i)', async (size) => {
    const r = await runGuest('errors', size, { mpi: { errors: 'return' } });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain(`errors OK ${size}`);
  }, 60_000);

  it('abort the world naming the rank with MPI_ERRORS_ARE_FATAL (the default)', async () => {
    const r = await runGuest('fail', 3, { args: ['fatal'] });
    expect(r.returnValue).not.toBe(0);
    expect(r.error).toMatch(/rank 2: MPI_Send: MPI_ERR_RANK: rank 13 is not in a communicator of size 3/);
  }, 60_000);
});

describe('a failing rank ends the world (no hang)', () => {
  it('rank exits non-zero', async () => {
    const r = await runGuest('fail', 3, { args: ['exit'] });
    expect(r.returnValue).not.toBe(0);
    expect(r.error).toBe('rank 2 exited with code 7');
  }, 60_000);

  it('rank traps', async () => {
    const r = await runGuest('fail', 4, { args: ['trap'] });
    expect(r.returnValue).not.toBe(0);
    expect(r.error).toMatch(/^rank 3 trapped: /);
  }, 60_000);

  it('rank calls MPI_Abort', async () => {
    const r = await runGuest('fail', 2, { args: ['abort'] });
    expect(r.returnValue).not.toBe(0);
    expect(r.error).toBe('rank 1 called MPI_Abort with error code 5');
  }, 60_000);

  it("rank 0 returns early: its return value is the call's, the others are ended", async () => {
    const r = await runGuest('fail', 3, { args: ['root'] });
    expect(r.returnValue).toBe(4);
    expect(r.error).toBe('rank 0 exited with code 4');
  }, 60_000);

  it('a rank exiting without MPI_Finalize fails the world (as MPICH does)', async () => {
    const r = await runGuest('fail', 3, { args: ['nofinal'] });
    expect(r.returnValue).not.toBe(0);
    expect(r.error).toBe('rank 2 exited without calling MPI_Finalize');
  }, 60_000);

  it('rank 0 returning without MPI_Finalize ends the others at once', async () => {
    const r = await runGuest('fail', 3, { args: ['rootnofinal'] });
    expect(r.returnValue).toBe(1);
    expect(r.error).toBe('rank 0 exited without calling MPI_Finalize');
  }, 60_000);

  it('every rank finishing cleanly is a success', async () => {
    const r = await runGuest('fail', 3, { args: ['ok'] });
    expect(r).toMatchObject({ returnValue: 0, error: undefined });
  }, 60_000);
});
