import { describe, expect, it } from 'vitest';
import { runGuest } from './test-harness.js';

describe('C guests', () => {
  it('identity and system', async () => {
    const r = await runGuest('identity');
    expect(r.stdout).toBe('identity: 0 failures\n');
    expect(r.code).toBe(0);
  });
});
