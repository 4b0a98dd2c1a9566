// MPI worlds through the runtime: rank 0 in a pool worker, ranks 1..N-1 started by
// its MPI_Init. C guests from @faasm/mpi's fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';
import { packageGuest } from './test-guests.js';

const guest = (name: string) => packageGuest('mpi', name);

describe('MPI through the runtime', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({ workers: 1, stdout: 'capture' });
  });
  afterAll(() => runtime.close());

  it.each([1, 2, 4])('estimates pi with a world of %i', async (size) => {
    const result = await runtime.invoke(guest('pi'), { mpiWorldSize: size });
    expect(result.error).toBeUndefined();
    expect(result.returnValue).toBe(0);
    expect(result.stdout.toString()).toMatch(new RegExp(`^Pi estimate: 3\\.1\\d+ \\(${size} ranks\\)$`, 'm'));
  });

  it('fails the call, naming the rank, when a rank exits non-zero (no hang)', async () => {
    const result = await runtime.invoke(guest('fail'), { mpiWorldSize: 3, args: ['exit'] });
    expect(result.returnValue).not.toBe(0);
    expect(result.error).toMatch(/rank 2 exited with code 7/);
    expect(result.output.toString()).toMatch(/^Call failed \(return value=\d+\)$/);
  });

  it('fails the call when a rank traps', async () => {
    const result = await runtime.invoke(guest('fail'), { mpiWorldSize: 2, args: ['trap'] });
    expect(result.returnValue).not.toBe(0);
    expect(result.error).toMatch(/rank 1 trapped/);
  });

  it('runs the same Faaslet for a second world', async () => {
    const again = await runtime.invoke(guest('pi'), { mpiWorldSize: 2 });
    expect(again.stdout.toString()).toMatch(/Pi estimate: 3\.1\d+ \(2 ranks\)/);
  });
});
