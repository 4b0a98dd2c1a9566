import { TestPlane } from '/work/main/packages/state/test/support/plane.mjs';
import { InProcessStore, RedisStore } from '@faasm/state';
import { startRedis } from '/work/main/packages/state/test/support/redis.mjs';
const r = await startRedis();
for (const mk of [() => new InProcessStore(), () => new RedisStore({ redis: { port: r.port } })]) {
  const p = new TestPlane({ store: mk() });
  const t = Date.now();
  const runs = await Promise.all(Array.from({ length: 8 }, () => p.run('state_incr', '1000')));
  console.log(runs.map(x => x.text + (x.error ?? '')).join(','), Date.now() - t, 'ms');
  await p.state.store.close();
}
await r.stop();
