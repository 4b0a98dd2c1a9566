import type { FaasletHost } from '@faasm/abi';
import { utf8 } from '@faasm/abi';

/**
 * Input, output and configuration: the part of Faasm's function API that needs no
 * control plane (shared/spec/faasm-abi.md, "Faasm API").
 */

/** Faasm's configuration flags (`__faasm_conf_flag`): key → value; unknown keys are 0. */
export const CONF_FLAGS = {
  ALWAYS_ON: 1,
  ALWAYS_OFF: 0,
} as const;

/**
 * `long __faasm_read_input(unsigned char* buffer, long bufferLen)`: 0 if the input is
 * empty; bufferLen 0 → the input's size; else copies min(bufferLen, size) bytes and
 * returns the number copied.
 */
export function readInput(host: FaasletHost, bufferPtr: number, bufferLen: number): number {
  const input = host.message.input;
  if (input.length === 0) return 0;
  const len = bufferLen | 0;
  if (len === 0) return input.length;
  if (len < 0) return 0;
  const n = Math.min(len, input.length);
  host.memory.write(bufferPtr, input.subarray(0, n));
  return n;
}

/** `void __faasm_write_output(const char* output, long outputLen)`: sets the output (last write wins). */
export function writeOutput(host: FaasletHost, outputPtr: number, outputLen: number): void {
  host.message.output = host.memory.copy(outputPtr, outputLen >>> 0);
}

/**
 * `unsigned int __faasm_conf_flag(const char* key)`: ALWAYS_ON 1, ALWAYS_OFF 0,
 * PYTHON_PRELOAD 1 iff the guest env has PYTHON_PRELOAD=on, anything else 0.
 */
export function confFlag(host: FaasletHost, keyPtr: number): number {
  const key = host.memory.cstring(keyPtr);
  if (key === 'PYTHON_PRELOAD') return host.message.env['PYTHON_PRELOAD'] === 'on' ? 1 : 0;
  if (Object.prototype.hasOwnProperty.call(CONF_FLAGS, key)) return CONF_FLAGS[key as keyof typeof CONF_FLAGS];
  return 0;
}

/** `void __faasm_memory_layout_protection(void)`: imported by Faasm's memory header; a no-op here. */
export function memoryLayoutProtection(_host: FaasletHost): void {}

/** Writes `text` NUL-terminated into [ptr, ptr+len), truncating (Faasm's strncpy-like getters). */
function writeTruncated(host: FaasletHost, ptr: number, len: number, text: string): void {
  const n = len | 0;
  if (n <= 0) return;
  const bytes = utf8(text);
  const copied = Math.min(bytes.length, n - 1);
  const dst = host.memory.bytes(ptr, n);
  dst.set(bytes.subarray(0, copied));
  dst[copied] = 0;
}

/** `void __faasm_get_py_user(unsigned char* buffer, long bufferLen)`: the Python user, NUL-terminated, truncated to fit. */
export function getPyUser(host: FaasletHost, bufferPtr: number, bufferLen: number): void {
  writeTruncated(host, bufferPtr, bufferLen, host.message.pythonUser ?? '');
}

/** `void __faasm_get_py_func(unsigned char* buffer, long bufferLen)`: the Python function name. */
export function getPyFunc(host: FaasletHost, bufferPtr: number, bufferLen: number): void {
  writeTruncated(host, bufferPtr, bufferLen, host.message.pythonFunction ?? '');
}

/** `void __faasm_get_py_entry(unsigned char* buffer, long bufferLen)`: the Python entry point. */
export function getPyEntry(host: FaasletHost, bufferPtr: number, bufferLen: number): void {
  writeTruncated(host, bufferPtr, bufferLen, host.message.pythonEntry ?? '');
}
