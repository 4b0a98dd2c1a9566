import { TestPlane } from '../support/plane.mjs';
import { InProcessStore } from '@faasm/state';
const p = new TestPlane({});
for (const n of [8, 8, 1, 1]) {
  const t = Date.now();
  const runs = await Promise.all(Array.from({ length: n }, () => p.run('state_incr', String(8000 / n))));
  console.log(n, runs.map(x => x.text + (x.error ?? '')).join(','), Date.now() - t, 'ms');
}
await p.close();
