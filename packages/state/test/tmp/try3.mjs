import { TestPlane } from '../support/plane.mjs';
import { InProcessStore } from '@faasm/state';
for (let k = 0; k < 3; k++) {
  const p = new TestPlane({ store: new InProcessStore() });
  const t = Date.now();
  const runs = await Promise.all(Array.from({ length: 8 }, () => p.run('state_incr', '1000')));
  console.log(runs.map(x => x.text + (x.error ?? '')).join(','), Date.now() - t, 'ms');
}
