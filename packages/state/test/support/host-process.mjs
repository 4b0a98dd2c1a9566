// Test-only: a second host in its own process. Argv: redis port, key prefix, Faaslets,
// increments each. Runs state_incr on its own StateHost over the shared Redis and
// prints {"ok": true} or {"error": ...} as its last line.
import { RedisStore } from '@faasm/state/redis';
import { TestPlane } from './plane.mjs';

const [port, prefix, faaslets, increments] = process.argv.slice(2);
const store = new RedisStore({ prefix, redis: { port: Number(port), host: '127.0.0.1' } });
const plane = new TestPlane({ store });
try {
  const runs = await Promise.all(Array.from({ length: Number(faaslets) }, () => plane.run('state_incr', increments)));
  const bad = runs.find((r) => r.returnValue !== 0);
  console.log(JSON.stringify(bad ? { error: bad.error ?? bad.text } : { ok: true }));
} finally {
  await plane.close();
  await store.close();
}
