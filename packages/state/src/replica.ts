import type { Bridge, FaasletHost } from '@faasm/abi';
import { GuestTrap, ServiceKey } from '@faasm/abi';
import { directOf, type DirectSlot } from './direct.js';
import { chunkBytes, chunkCount, clearDirty, fillBytes, finishForcedPull, mergeChunks, missingChunks, noteFullyPulled, segmentViews, takePushRanges } from './host.js';
import type { HeldLock } from './locks.js';
import type { OpenRequest, OpenResponse, PullRequest, PushRequest, SegmentHandles } from './protocol.js';
import { META, PULL_CHUNK, STATE_SERVICES } from './protocol.js';

/** A guest mapping of a key (read_state_ptr): a malloc'd copy plus what was copied in. */
export interface Mapping {
  ptr: number;
  /** The bytes last copied into the guest, to find what the guest wrote since. */
  shadow: Uint8Array;
}

/** A Faaslet's view of one key's replica segment. */
export interface KeyView {
  key: string;
  size: number;
  data: Uint8Array;
  dirty: Uint8Array;
  meta: Int32Array;
  mapping: Mapping | undefined;
}

/** Per-Faaslet state context: its segments, its lock-owner token, its bridge. */
export interface StateContext {
  readonly owner: string;
  readonly views: Map<string, KeyView>;
  readonly locks: Map<string, HeldLock>;
  readonly readFile: (path: string) => Uint8Array;
  /** The worker's own connection to the global tier, when the host allows one (direct.ts). */
  readonly direct: DirectSlot;
  /**
   * Keys decoded lately, by guest pointer: a loop that reads one key again and again
   * compares a few bytes instead of decoding and hashing a new string each call.
   */
  readonly keyNames: Map<number, KeyName>;
}

/** A key as last decoded at a guest pointer: the user, the bytes there, the full key. */
export interface KeyName {
  readonly user: string;
  readonly bytes: Uint8Array;
  readonly key: string;
}

/** Decoded keys a context remembers (a Faaslet rarely uses more key pointers than this). */
const KEY_NAMES = 64;
const UTF8 = new TextDecoder('utf-8');

export const STATE = new ServiceKey<StateContext>('faasm.state');

export function contextOf(host: FaasletHost): StateContext {
  return host.services.require(STATE);
}

export function bridgeOf(host: FaasletHost, importName: string): Bridge {
  if (!host.bridge) throw new GuestTrap(importName, 'state needs a control plane: run the module under @faasm/runtime (host.bridge is not set)');
  return host.bridge;
}

/** `user/key`: Faasm's state keys are per user. Traps if the key has no NUL within 4 KiB. */
export function fullKey(host: FaasletHost, keyPtr: number): string {
  const bytes = host.memory.cstringBytes(keyPtr, 4096);
  const user = host.message.user;
  const names = contextOf(host).keyNames;
  const known = names.get(keyPtr);
  if (known !== undefined && known.user === user && sameBytes(known.bytes, bytes)) return known.key;
  const key = `${user}/${UTF8.decode(bytes)}`;
  if (names.size >= KEY_NAMES) names.clear();
  names.set(keyPtr, { user, bytes: bytes.slice(), key });
  return key;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function viewOf(handles: SegmentHandles): KeyView {
  return { key: handles.key, size: handles.size, ...segmentViews(handles), mapping: undefined };
}

/**
 * The key's view; `size` 0 means "must exist" (undefined if it does not). A size that
 * differs from the key's fixed size is an error.
 */
export function openKey(host: FaasletHost, importName: string, key: string, size: number): KeyView | undefined {
  const ctx = contextOf(host);
  const cached = ctx.views.get(key);
  if (cached) {
    if (size !== 0 && size !== cached.size) throw new GuestTrap(importName, `state '${key}' has ${cached.size} bytes, not ${size} (a key's size is fixed at creation)`);
    return cached;
  }
  const request: OpenRequest = { key, size };
  const response = bridgeOf(host, importName).call(STATE_SERVICES.open, request) as OpenResponse;
  if (response.size === 0) return undefined;
  const view = viewOf(response as SegmentHandles);
  ctx.views.set(key, view);
  return view;
}

/** Like openKey, but the key must exist or be created with a positive size. */
export function requireKey(host: FaasletHost, importName: string, key: string, size: number): KeyView {
  if (size < 0) throw new GuestTrap(importName, `state '${key}': negative size ${size}`);
  const view = openKey(host, importName, key, size);
  if (!view) throw new GuestTrap(importName, `state '${key}' does not exist (give its size to create it)`);
  return view;
}

/** Checks [offset, offset+length) lies inside the value. */
export function checkRange(importName: string, view: KeyView, offset: number, length: number): void {
  if (offset < 0 || length < 0 || offset + length > view.size) {
    throw new GuestTrap(importName, `state '${view.key}': range [${offset}, ${offset + length}) is outside its ${view.size} bytes`);
  }
}

/** Pulls the chunks of [offset, offset+length) not yet in the replica (no round trip once pulled). */
export function ensurePulled(host: FaasletHost, importName: string, view: KeyView, offset: number, length: number): void {
  if (Atomics.load(view.meta, META.fullyPulled) === 1) return;
  const last = Math.min(chunkCount(view.size), Math.ceil((offset + length) / PULL_CHUNK));
  for (let c = Math.floor(offset / PULL_CHUNK); c < last; c++) {
    if (Atomics.load(view.meta, META.chunks + c) === 0) {
      const tier = directOf(host, importName);
      if (tier) {
        const runs = missingChunks(view.meta, view.size, offset, length);
        tier.getRangesInto(view.key, runs.map(([from, to]) => chunkBytes(view.size, from, to)), (i, bytes) => mergeChunks(view, view.size, runs[i]![0], runs[i]![1], bytes));
        noteFullyPulled(view.meta);
        return;
      }
      const request: PullRequest = { key: view.key, force: false, offset, length };
      bridgeOf(host, importName).call(STATE_SERVICES.pull, request);
      return;
    }
  }
}

export function forcePull(host: FaasletHost, importName: string, view: KeyView): void {
  const tier = directOf(host, importName);
  if (tier) {
    // Straight from the socket into the replica.
    finishForcedPull(view, view.size, tier.getInto(view.key, view.data));
  } else {
    const request: PullRequest = { key: view.key, force: true, offset: 0, length: view.size };
    bridgeOf(host, importName).call(STATE_SERVICES.pull, request);
  }
  refreshMapping(host, view, 0, view.size);
}

export function markDirty(view: KeyView, offset: number, length: number): void {
  if (length <= 0) return;
  if (offset === 0 && length === view.size) {
    // The whole value: a flag, not a 1-per-byte fill.
    Atomics.store(view.meta, META.allDirty, 1);
  } else {
    fillBytes(view.dirty, 1, offset, offset + length);
    Atomics.store(view.meta, META.partlyDirty, 1);
  }
  Atomics.store(view.meta, META.dirty, 1);
}

export function push(host: FaasletHost, importName: string, view: KeyView, mode: PushRequest['mode'], maskKey?: string): void {
  syncMapping(host, view);
  // Nothing to send (StateHost.push answers the same without touching the store).
  if (mode === 'full' && Atomics.load(view.meta, META.dirty) === 0) return;
  const tier = directOf(host, importName);
  if (tier) {
    if (mode === 'full') {
      // Clear first: bytes dirtied while the push is in flight stay dirty.
      clearDirty(view.dirty, view.meta);
      // Straight from the replica to the socket.
      tier.set(view.key, view.data);
      return;
    }
    const maskData = mode === 'mask' ? contextOf(host).views.get(maskKey ?? '')?.data : undefined;
    if (mode === 'mask' && maskData?.length !== view.size) throw new GuestTrap(importName, `state mask '${maskKey}' is not open with ${view.size} bytes`);
    const ranges = takePushRanges(view, view.size, mode, maskData);
    // Faasm re-pulls after a partial push: other hosts' changes become visible (same round trip).
    finishForcedPull(view, view.size, tier.setRangesThenGetInto(view.key, view.size, ranges, view.data));
    refreshMapping(host, view, 0, view.size);
    return;
  }
  const request: PushRequest = { key: view.key, mode, ...(maskKey !== undefined ? { maskKey } : {}) };
  bridgeOf(host, importName).call(STATE_SERVICES.push, request);
  if (mode !== 'full') refreshMapping(host, view, 0, view.size);
}

/**
 * Copies what the guest wrote through a mapped pointer since the last copy-in back to
 * the replica (and marks those bytes dirty), so other Faaslets of the host see it.
 */
export function syncMapping(host: FaasletHost, view: KeyView): void {
  const mapping = view.mapping;
  if (!mapping) return;
  const guest = host.memory.bytes(mapping.ptr, view.size);
  const { shadow } = mapping;
  const PAGE = 4096;
  for (let start = 0; start < view.size; start += PAGE) {
    const end = Math.min(view.size, start + PAGE);
    if (Buffer.compare(guest.subarray(start, end), shadow.subarray(start, end)) === 0) continue;
    Atomics.store(view.meta, META.partlyDirty, 1);
    Atomics.store(view.meta, META.dirty, 1);
    for (let i = start; i < end; i++) {
      const b = guest[i]!;
      if (b !== shadow[i]) {
        view.dirty[i] = 1;
        view.data[i] = b;
        shadow[i] = b;
      }
    }
  }
}

/** Copies [offset, offset+length) of the replica into the guest mapping. */
export function refreshMapping(host: FaasletHost, view: KeyView, offset: number, length: number): void {
  const mapping = view.mapping;
  if (!mapping) return;
  const src = view.data.subarray(offset, offset + length);
  host.memory.write(mapping.ptr + offset, src);
  mapping.shadow.set(src, offset);
}

/** The guest pointer of the key's mapping (malloc'd once per call: same key → same pointer). */
export function mapKey(host: FaasletHost, importName: string, view: KeyView, offset: number, length: number): number {
  if (!view.mapping) {
    const ptr = host.exports.malloc(view.size);
    if (ptr === 0) throw new GuestTrap(importName, `malloc(${view.size}) failed mapping state '${view.key}'`);
    // The guest copy starts as zeros, like the shadow (malloc does not zero).
    host.memory.fill(ptr, view.size, 0);
    view.mapping = { ptr, shadow: new Uint8Array(view.size) };
  } else {
    syncMapping(host, view);
  }
  ensurePulled(host, importName, view, offset, length);
  refreshMapping(host, view, offset, length);
  return view.mapping.ptr + offset;
}

/**
 * At the end of a call: write mapped bytes back (unless `sync` is false: the memory
 * was already reset), and forget the mappings.
 */
export function flushMappings(host: FaasletHost, sync: boolean): void {
  const ctx = host.services.get(STATE);
  if (!ctx) return;
  for (const view of ctx.views.values()) {
    if (!view.mapping) continue;
    if (sync && host.memory.attached) syncMapping(host, view);
    view.mapping = undefined;
  }
}
