import type { Bridge, FaasletHost } from '@faasm/abi';
import { GuestTrap } from '@faasm/abi';
import type { AwaitRequest, AwaitResponse, CallerInfo, ChainRequest, ChainResponse } from './protocol.js';
import { CHAIN_SERVICES } from './protocol.js';

/** Chained calls need a control plane: the runtime's bridge (or a test's). */
export function bridgeOf(host: FaasletHost, importName: string): Bridge {
  if (!host.bridge) throw new GuestTrap(importName, 'chaining needs a control plane: run the module under @faasm/runtime (host.bridge is not set)');
  return host.bridge;
}

export function callerOf(host: FaasletHost): CallerInfo {
  const { id, appId, user, function: func } = host.message;
  return { id, appId, user, function: func };
}

function chain(host: FaasletHost, importName: string, request: Omit<ChainRequest, 'caller'>): number {
  const bridge = bridgeOf(host, importName);
  if (bridge.post && bridge.nextId) {
    // The id comes from the shared id space, so the call is posted without waiting: an
    // await for it arrives after it on the same channel.
    const id = bridge.nextId();
    bridge.post(CHAIN_SERVICES.chain, { ...request, caller: callerOf(host), id } satisfies ChainRequest);
    return id | 0;
  }
  const response = bridge.call(CHAIN_SERVICES.chain, { ...request, caller: callerOf(host) }) as ChainResponse;
  return response.id | 0;
}

/** `unsigned int __faasm_chain_name(const char* name, const uint8_t* input, long inputLen)`: the new call's id. */
export function chainName(host: FaasletHost, namePtr: number, inputPtr: number, inputLen: number): number {
  const name = host.memory.cstring(namePtr);
  const input = host.memory.copy(inputPtr, inputLen >>> 0);
  return chain(host, '__faasm_chain_name', { kind: 'name', function: name, input });
}

/** `unsigned int __faasm_chain_ptr(int (*f)(), const uint8_t* input, long inputLen)`: the new call's id. */
export function chainPtr(host: FaasletHost, funcPtr: number, inputPtr: number, inputLen: number): number {
  const input = host.memory.copy(inputPtr, inputLen >>> 0);
  const table = host.exports.table;
  const index = funcPtr >>> 0;
  if (table && (index >= table.length || table.get(index) === null)) {
    throw new GuestTrap('__faasm_chain_ptr', `function pointer ${index} is not in the function table (size ${table.length})`);
  }
  return chain(host, '__faasm_chain_ptr', { kind: 'ptr', funcPtr: index, input });
}

/** `unsigned int __faasm_chain_py(const char* name, const uint8_t* input, long inputLen)`: calls the Python runner. */
export function chainPy(host: FaasletHost, namePtr: number, inputPtr: number, inputLen: number): number {
  const name = host.memory.cstring(namePtr);
  const input = host.memory.copy(inputPtr, inputLen >>> 0);
  return chain(host, '__faasm_chain_py', { kind: 'py', function: name, input });
}

function awaitCallOf(host: FaasletHost, importName: string, id: number, output: boolean): AwaitResponse {
  const request: AwaitRequest = { id: id >>> 0, output };
  const response = bridgeOf(host, importName).call(CHAIN_SERVICES.await, request) as AwaitResponse;
  if (response.error) host.log.debug(`${importName}(${id >>> 0}): ${response.error}`);
  return response;
}

/** `int __faasm_await_call(unsigned int id)`: blocks; the callee's return value, 1 on error or timeout. */
export function awaitCall(host: FaasletHost, id: number): number {
  return awaitCallOf(host, '__faasm_await_call', id, false).returnValue | 0;
}

/**
 * `int __faasm_await_call_output(unsigned int id, char** output, int* outputLen)`:
 * blocks; mallocs the callee's output in the guest (no NUL), writes its address and
 * length, returns the return value (1 on error or timeout, with an empty output).
 */
export function awaitCallOutput(host: FaasletHost, id: number, outputPtrPtr: number, outputLenPtr: number): number {
  host.memory.check(outputPtrPtr, 4);
  host.memory.check(outputLenPtr, 4);
  const response = awaitCallOf(host, '__faasm_await_call_output', id, true);
  const output = response.output ?? new Uint8Array(0);
  const ptr = host.exports.malloc(Math.max(1, output.length));
  if (ptr === 0) throw new GuestTrap('__faasm_await_call_output', `malloc(${output.length}) failed`);
  host.memory.write(ptr, output);
  host.memory.setU32(outputPtrPtr, ptr);
  host.memory.setI32(outputLenPtr, output.length);
  return response.returnValue | 0;
}
