import { TestPlane } from '../support/plane.mjs';
import { InProcessStore } from '@faasm/state';
for (const n of [1, 2, 8]) {
  const p = new TestPlane({ store: new InProcessStore() });
  const t = Date.now();
  const runs = await Promise.all(Array.from({ length: n }, () => p.run('state_incr', String(8000 / n))));
  console.log(n, runs.map(x => x.text + (x.error ?? '')).join(','), Date.now() - t, 'ms');
}
