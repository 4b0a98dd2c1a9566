import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { FaasletHost, ImportObject, ImportTable, LifecycleParticipant } from '@faasm/abi';
import { GUEST_FILES, lifecycleOf, linkTable, manifestOf } from '@faasm/abi';
import { table } from './imports.js';
import { releaseAll } from './locks.js';
import { closeDirect, endDirectCall, newDirectSlot } from './direct.js';
import { flushMappings, STATE, type StateContext } from './replica.js';

export { table } from './imports.js';
export { StateHost, type StateHostOptions } from './host.js';
export { InProcessStore, type Range, type RedisDirectAccess, type StateStore } from './store.js';
export { SyncRedis, SyncRedisTier, ReplyError, type Reply } from './sync-redis.js';
// RedisStore is in '@faasm/state/redis', so Faaslet workers never load ioredis.
export {
  STATE_SERVICES,
  PULL_CHUNK,
  type AppendRequest,
  type DirectAccess,
  type KeyRequest,
  type LockHandle,
  type LockMode,
  type LockRequest,
  type OpenRequest,
  type OpenResponse,
  type PullRequest,
  type PushRequest,
  type ReadAppendedRequest,
  type SegmentHandles,
} from './protocol.js';
export { STATE, type StateContext } from './replica.js';

/** The import names this package provides, per wasm module. */
// manifestOf takes ImportTable<unknown>; handler parameters make the host type invariant.
export const manifest = manifestOf(table as unknown as ImportTable<unknown>);

export interface StateLinkOptions {
  /** Reads a guest path for write_state_from_file (default: through GUEST_FILES, the guest's sandbox). */
  readFile?: (path: string) => Uint8Array;
  /** Without `readFile` and without a filesystem package providing GUEST_FILES: the host directory guest paths resolve under (default `/`, Faasm's behaviour). */
  root?: string;
}

/**
 * Writes guest writes through mapped state pointers back to the host replica and
 * forgets the mappings: the runtime calls it after every call (the guest memory is
 * reset), so the next function on the host sees them without a push. Locks still held
 * are released. The worker-direct Redis connection stays open for the next call
 * (checked before its next use); {@link disposeState} closes it.
 */
export function flushState(host: FaasletHost): void {
  flushMappings(host, true);
  const keys = releaseAll(host);
  endDirectCall(host);
  if (keys.length > 0) host.log.warn(`state locks still held at the end of the call were released: ${keys.join(', ')}`);
}

/**
 * Releases what a Faaslet keeps between calls: its worker-direct Redis connection. The
 * runtime calls it when the Faaslet is discarded (lifecycle dispose).
 */
export function disposeState(host: FaasletHost): void {
  closeDirect(host);
}

/** Adds Faasm's state API to `importObject`, bound to `host`. State calls go through `host.bridge`. */
export function link(importObject: ImportObject, host: FaasletHost, options: StateLinkOptions = {}): void {
  linkTable(table, importObject, host);
  const root = options.root ?? '/';
  const context: StateContext = {
    owner: randomUUID(),
    views: new Map(),
    locks: new Map(),
    direct: newDirectSlot(),
    keyNames: new Map(),
    // Guest paths resolve inside the guest's sandbox (@faasm/wasi's GUEST_FILES); without
    // a filesystem package, under `root`.
    readFile:
      options.readFile ??
      ((path) => host.services.get(GUEST_FILES)?.readFile(path) ?? readFileSync(resolve(root, `.${resolve('/', path)}`))),
  };
  host.services.provide(STATE, context);
  const participant: LifecycleParticipant & { afterCall(): void } = {
    name: '@faasm/state',
    afterCall: () => flushState(host),
    // Mappings live in guest memory: a reset drops them (afterCall flushed what they held).
    restore: () => flushMappings(host, false),
    dispose: () => disposeState(host),
  };
  lifecycleOf(host).register(participant);
}
