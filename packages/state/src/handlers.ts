import type { FaasletHost } from '@faasm/abi';
import { GuestTrap } from '@faasm/abi';
import { directOf } from './direct.js';
import { acquire, release } from './locks.js';
import type { AppendRequest, KeyRequest, ReadAppendedRequest } from './protocol.js';
import { STATE_SERVICES } from './protocol.js';
import {
  bridgeOf,
  checkRange,
  contextOf,
  ensurePulled,
  forcePull,
  fullKey,
  mapKey,
  markDirty,
  openKey,
  push,
  refreshMapping,
  requireKey,
  syncMapping,
} from './replica.js';

/*
 * Faasm's state API (shared/spec/faasm-abi.md, "State"). Sizes and offsets arrive as
 * C longs (i32); a negative one, a size that differs from the key's fixed size, or a
 * range past the end traps with the import's name: never a corrupted value.
 */

/**
 * `long __faasm_read_state(const char* key, uint8_t* buffer, long bufferLen)`:
 * bufferLen 0 → the key's size (0 if it does not exist); else pulls lazily, copies the
 * whole value (a missing key is created zeroed with bufferLen bytes) and returns its
 * size. A buffer smaller than the value traps.
 */
export function readState(host: FaasletHost, keyPtr: number, bufferPtr: number, bufferLen: number): number {
  const key = fullKey(host, keyPtr);
  if (bufferLen === 0) return openKey(host, '__faasm_read_state', key, 0)?.size ?? 0;
  const existing = openKey(host, '__faasm_read_state', key, 0);
  const view = existing ?? requireKey(host, '__faasm_read_state', key, bufferLen);
  if (bufferLen < view.size) throw new GuestTrap('__faasm_read_state', `state '${key}' has ${view.size} bytes: buffer of ${bufferLen} is too small`);
  host.memory.check(bufferPtr, view.size);
  syncMapping(host, view);
  ensurePulled(host, '__faasm_read_state', view, 0, view.size);
  host.memory.write(bufferPtr, view.data);
  return view.size;
}

/** `uint8_t* __faasm_read_state_ptr(const char* key, long totalLen)`: the key mapped into guest memory (same key → same pointer). */
export function readStatePtr(host: FaasletHost, keyPtr: number, totalLen: number): number {
  const view = requireKey(host, '__faasm_read_state_ptr', fullKey(host, keyPtr), totalLen);
  return mapKey(host, '__faasm_read_state_ptr', view, 0, view.size);
}

/** `uint8_t* __faasm_read_state_offset_ptr(const char* key, long totalLen, long offset, long len)`: pointer to `offset` in the mapping; pulls only that range. */
export function readStateOffsetPtr(host: FaasletHost, keyPtr: number, totalLen: number, offset: number, len: number): number {
  const view = requireKey(host, '__faasm_read_state_offset_ptr', fullKey(host, keyPtr), totalLen);
  checkRange('__faasm_read_state_offset_ptr', view, offset, len);
  return mapKey(host, '__faasm_read_state_offset_ptr', view, offset, len);
}

/** `void __faasm_write_state(const char* key, const uint8_t* data, long dataLen)`: sets the host replica (created with dataLen bytes), marks it dirty; not global until pushed. */
export function writeState(host: FaasletHost, keyPtr: number, dataPtr: number, dataLen: number): void {
  const key = fullKey(host, keyPtr);
  if (dataLen <= 0) throw new GuestTrap('__faasm_write_state', `state '${key}': cannot write ${dataLen} bytes (sizes are positive)`);
  const data = host.memory.bytes(dataPtr, dataLen);
  const view = requireKey(host, '__faasm_write_state', key, dataLen);
  syncMapping(host, view);
  // Dirty first: a concurrent lazy pull then keeps these bytes.
  markDirty(view, 0, view.size);
  view.data.set(data);
  refreshMapping(host, view, 0, view.size);
}

/** `void __faasm_write_state_offset(const char* key, long totalLen, long offset, const uint8_t* data, long dataLen)`: writes a range, marks it dirty. */
export function writeStateOffset(host: FaasletHost, keyPtr: number, totalLen: number, offset: number, dataPtr: number, dataLen: number): void {
  const view = requireKey(host, '__faasm_write_state_offset', fullKey(host, keyPtr), totalLen);
  checkRange('__faasm_write_state_offset', view, offset, dataLen);
  const data = host.memory.bytes(dataPtr, dataLen);
  syncMapping(host, view);
  markDirty(view, offset, dataLen);
  view.data.set(data, offset);
  refreshMapping(host, view, offset, dataLen);
}

/** `void __faasm_read_state_offset(const char* key, long totalLen, long offset, uint8_t* buffer, long bufferLen)`: reads a range, pulling only its chunks. */
export function readStateOffset(host: FaasletHost, keyPtr: number, totalLen: number, offset: number, bufferPtr: number, bufferLen: number): void {
  const view = requireKey(host, '__faasm_read_state_offset', fullKey(host, keyPtr), totalLen);
  checkRange('__faasm_read_state_offset', view, offset, bufferLen);
  host.memory.check(bufferPtr, bufferLen);
  syncMapping(host, view);
  ensurePulled(host, '__faasm_read_state_offset', view, offset, bufferLen);
  host.memory.write(bufferPtr, view.data.subarray(offset, offset + bufferLen));
}

/** `void __faasm_flag_state_dirty(const char* key, long totalLen)`: the whole value will be pushed. */
export function flagStateDirty(host: FaasletHost, keyPtr: number, totalLen: number): void {
  const view = requireKey(host, '__faasm_flag_state_dirty', fullKey(host, keyPtr), totalLen);
  syncMapping(host, view);
  markDirty(view, 0, view.size);
}

/** `void __faasm_flag_state_offset_dirty(const char* key, long totalLen, long offset, long len)`: the range will be pushed. */
export function flagStateOffsetDirty(host: FaasletHost, keyPtr: number, totalLen: number, offset: number, len: number): void {
  const view = requireKey(host, '__faasm_flag_state_offset_dirty', fullKey(host, keyPtr), totalLen);
  checkRange('__faasm_flag_state_offset_dirty', view, offset, len);
  syncMapping(host, view);
  markDirty(view, offset, len);
}

/** `void __faasm_push_state(const char* key)`: if dirty, sends the whole value to the global tier. */
export function pushState(host: FaasletHost, keyPtr: number): void {
  push(host, '__faasm_push_state', requireKey(host, '__faasm_push_state', fullKey(host, keyPtr), 0), 'full');
}

/** `void __faasm_push_state_partial(const char* key)`: sends only dirty bytes, clears the mask, re-pulls. */
export function pushStatePartial(host: FaasletHost, keyPtr: number): void {
  push(host, '__faasm_push_state_partial', requireKey(host, '__faasm_push_state_partial', fullKey(host, keyPtr), 0), 'partial');
}

/** `void __faasm_push_state_partial_mask(const char* key, const char* maskKey)`: the non-zero bytes of maskKey (same size) say what to send. */
export function pushStatePartialMask(host: FaasletHost, keyPtr: number, maskKeyPtr: number): void {
  const name = '__faasm_push_state_partial_mask';
  const view = requireKey(host, name, fullKey(host, keyPtr), 0);
  const mask = requireKey(host, name, fullKey(host, maskKeyPtr), 0);
  if (mask.size !== view.size) throw new GuestTrap(name, `mask '${mask.key}' has ${mask.size} bytes, '${view.key}' has ${view.size}`);
  syncMapping(host, mask);
  ensurePulled(host, name, mask, 0, mask.size);
  push(host, name, view, 'mask', mask.key);
}

/** `void __faasm_pull_state(const char* key, long stateLen)`: forced full pull from the global tier. */
export function pullState(host: FaasletHost, keyPtr: number, stateLen: number): void {
  const view = requireKey(host, '__faasm_pull_state', fullKey(host, keyPtr), stateLen);
  forcePull(host, '__faasm_pull_state', view);
}

/** `void __faasm_append_state(const char* key, const uint8_t* data, long dataLen)`: appends one element to the key's global list. */
export function appendState(host: FaasletHost, keyPtr: number, dataPtr: number, dataLen: number): void {
  const name = '__faasm_append_state';
  const key = fullKey(host, keyPtr);
  const length = checkLength(name, dataLen);
  const tier = directOf(host, name);
  if (tier) {
    tier.append(key, host.memory.bytes(dataPtr, length));
    return;
  }
  const request: AppendRequest = { key, data: host.memory.copy(dataPtr, length) };
  bridgeOf(host, name).call(STATE_SERVICES.append, request);
}

/**
 * `void __faasm_read_appended_state(const char* key, uint8_t* buffer, long bufferLen, long nElems)`:
 * the first nElems elements, concatenated. Fewer elements than asked, or more bytes
 * than the buffer holds, trap.
 */
export function readAppendedState(host: FaasletHost, keyPtr: number, bufferPtr: number, bufferLen: number, nElems: number): void {
  const name = '__faasm_read_appended_state';
  const key = fullKey(host, keyPtr);
  host.memory.check(bufferPtr, checkLength(name, bufferLen));
  const count = checkLength(name, nElems);
  const tier = directOf(host, name);
  const request: ReadAppendedRequest = { key, count };
  const elements = tier ? tier.readAppended(key, count) : (bridgeOf(host, name).call(STATE_SERVICES.readAppended, request) as Uint8Array[]);
  if (elements.length < nElems) throw new GuestTrap(name, `state '${key}' has ${elements.length} appended elements, ${nElems} asked for`);
  const total = elements.reduce((n, e) => n + e.length, 0);
  if (total > bufferLen) throw new GuestTrap(name, `${nElems} elements of '${key}' take ${total} bytes: buffer of ${bufferLen} is too small`);
  let at = bufferPtr >>> 0;
  for (const e of elements) {
    host.memory.write(at, e);
    at += e.length;
  }
}

/** `void __faasm_clear_appended_state(const char* key)`: drops every appended element. */
export function clearAppendedState(host: FaasletHost, keyPtr: number): void {
  const name = '__faasm_clear_appended_state';
  const request: KeyRequest = { key: fullKey(host, keyPtr) };
  const tier = directOf(host, name);
  if (tier) tier.clearAppended(request.key);
  else bridgeOf(host, name).call(STATE_SERVICES.clearAppended, request);
}

/** `unsigned int __faasm_write_state_from_file(const char* key, const char* path)`: the file's bytes become the key's value (pushed); returns its size. */
export function writeStateFromFile(host: FaasletHost, keyPtr: number, pathPtr: number): number {
  const name = '__faasm_write_state_from_file';
  const key = fullKey(host, keyPtr);
  const path = host.memory.cstring(pathPtr);
  let bytes: Uint8Array;
  try {
    bytes = contextOf(host).readFile(path);
  } catch (error) {
    throw new GuestTrap(name, `cannot read '${path}': ${error instanceof Error ? error.message : String(error)}`);
  }
  if (bytes.length === 0) throw new GuestTrap(name, `'${path}' is empty: a state value needs at least one byte`);
  const view = requireKey(host, name, key, bytes.length);
  syncMapping(host, view);
  markDirty(view, 0, view.size);
  view.data.set(bytes);
  refreshMapping(host, view, 0, view.size);
  push(host, name, view, 'full');
  return bytes.length;
}

/** `void __faasm_lock_state_read(const char* key)`: shared lock, on this host and (with a shared global tier) globally. */
export function lockStateRead(host: FaasletHost, keyPtr: number): void {
  acquire(host, '__faasm_lock_state_read', fullKey(host, keyPtr), 'read');
}

/** `void __faasm_unlock_state_read(const char* key)`: traps if this Faaslet does not hold it. */
export function unlockStateRead(host: FaasletHost, keyPtr: number): void {
  release(host, '__faasm_unlock_state_read', fullKey(host, keyPtr), 'read');
}

/** `void __faasm_lock_state_write(const char* key)`: exclusive lock, on this host and globally (two hosts exclude each other). */
export function lockStateWrite(host: FaasletHost, keyPtr: number): void {
  acquire(host, '__faasm_lock_state_write', fullKey(host, keyPtr), 'write');
}

/** `void __faasm_unlock_state_write(const char* key)`: traps if this Faaslet does not hold it. */
export function unlockStateWrite(host: FaasletHost, keyPtr: number): void {
  release(host, '__faasm_unlock_state_write', fullKey(host, keyPtr), 'write');
}

function checkLength(name: string, n: number): number {
  if (n < 0) throw new GuestTrap(name, `negative length ${n}`);
  return n;
}
