import { Errno, type FaasletHost } from '@faasm/abi';
import { Key, KEY_WORDS, MAX_KEYS } from '@faasm/threads';
import { pthreadOf, type PThreadLocal } from './state.js';

/** The key's slot if `key` names a live key (its generation matches), else -1. */
function slotOf(local: PThreadLocal, key: number): number {
  const k = key >>> 0;
  const index = k % MAX_KEYS;
  const gen = Math.floor(k / MAX_KEYS);
  const keys = local.runtime.shared.keys;
  const at = index * KEY_WORDS;
  return Atomics.load(keys, at + Key.IN_USE) === 1 && Atomics.load(keys, at + Key.GEN) === gen ? index : -1;
}

/** The destructor of a live key (0 if none or the key was deleted). */
export function destructorOf(local: PThreadLocal, key: number): number {
  const index = slotOf(local, key);
  return index < 0 ? 0 : Atomics.load(local.runtime.shared.keys, index * KEY_WORDS + Key.DESTRUCTOR);
}

/** int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)): EAGAIN past PTHREAD_KEYS_MAX. */
export function pthreadKeyCreate(host: FaasletHost, keyPtr: number, destructor: number): number {
  host.memory.check(keyPtr, 4);
  const keys = pthreadOf(host).runtime.shared.keys;
  for (let index = 0; index < MAX_KEYS; index++) {
    const at = index * KEY_WORDS;
    if (Atomics.compareExchange(keys, at + Key.IN_USE, 0, 2) !== 0) continue;
    const gen = Atomics.add(keys, at + Key.GEN, 1) + 1;
    Atomics.store(keys, at + Key.DESTRUCTOR, destructor);
    Atomics.store(keys, at + Key.IN_USE, 1);
    host.memory.setU32(keyPtr, gen * MAX_KEYS + index);
    return 0;
  }
  return Errno.AGAIN;
}

/** int pthread_key_delete(pthread_key_t key): EINVAL for a key that is not live. */
export function pthreadKeyDelete(host: FaasletHost, key: number): number {
  const local = pthreadOf(host);
  const index = slotOf(local, key);
  if (index < 0) return Errno.INVAL;
  Atomics.store(local.runtime.shared.keys, index * KEY_WORDS + Key.IN_USE, 0);
  return 0;
}

/** void *pthread_getspecific(pthread_key_t key): this thread's value, NULL if unset or invalid. */
export function pthreadGetspecific(host: FaasletHost, key: number): number {
  const local = pthreadOf(host);
  if (slotOf(local, key) < 0) return 0;
  return local.specific.get(key >>> 0) ?? 0;
}

/** int pthread_setspecific(pthread_key_t key, const void *value): EINVAL for an invalid key. */
export function pthreadSetspecific(host: FaasletHost, key: number, value: number): number {
  const local = pthreadOf(host);
  if (slotOf(local, key) < 0) return Errno.INVAL;
  local.specific.set(key >>> 0, value >>> 0);
  return 0;
}
