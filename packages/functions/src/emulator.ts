import type { FaasletHost } from '@faasm/abi';
import { ServiceKey, utf8 } from '@faasm/abi';

/**
 * Faasm's native emulator hooks, which some guests still import. Faasm's wasm runtimes
 * refuse them; here they act on the Faaslet's own message, so such guests run.
 */
export interface EmulatorState {
  /** Whether the emulated message asked for an asynchronous response. */
  async: boolean;
  /** The last status given to emulatorSetCallStatus (undefined until set). */
  success: boolean | undefined;
}

export const EMULATOR = new ServiceKey<EmulatorState>('faasm.emulator');

function emulatorOf(host: FaasletHost): EmulatorState {
  let state = host.services.get(EMULATOR);
  if (!state) host.services.provide(EMULATOR, (state = { async: false, success: undefined }));
  return state;
}

function field(json: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) if (json[name] !== undefined) return json[name];
  return undefined;
}

/**
 * `int setEmulatedMessageFromJson(const char* json)`: sets the message fields given in
 * Faasm's JSON message format (user, function, input_data, id, app_id, python_*,
 * async); 0 on success, 1 if the text is not a JSON object (the message is unchanged).
 */
export function setEmulatedMessageFromJson(host: FaasletHost, msgPtr: number): number {
  const source = host.memory.cstring(msgPtr);
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch {
    return 1;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 1;
  const j = json as Record<string, unknown>;
  const str = (...names: string[]) => {
    const v = field(j, ...names);
    return typeof v === 'string' ? v : undefined;
  };
  const num = (...names: string[]) => {
    const v = field(j, ...names);
    return typeof v === 'number' && Number.isInteger(v) ? v >>> 0 : undefined;
  };
  const message = host.message;
  message.user = str('user') ?? message.user;
  message.function = str('function') ?? message.function;
  const input = str('input_data', 'inputData');
  if (input !== undefined) message.input = utf8(input);
  message.id = num('id') ?? message.id;
  message.appId = num('app_id', 'appId') ?? message.appId;
  const py = { pythonUser: str('py_user', 'pythonUser'), pythonFunction: str('py_func', 'pythonFunction'), pythonEntry: str('py_entry', 'pythonEntry') };
  for (const [k, v] of Object.entries(py)) if (v !== undefined) message[k as keyof typeof py] = v;
  const isAsync = field(j, 'async', 'isAsync');
  if (typeof isAsync === 'boolean') emulatorOf(host).async = isAsync;
  return 0;
}

/** `int emulatorGetAsyncResponse(void)`: 1 if the emulated message is asynchronous, else 0. */
export function emulatorGetAsyncResponse(host: FaasletHost): number {
  return emulatorOf(host).async ? 1 : 0;
}

/** `void emulatorSetCallStatus(int success)`: records the call's status (see {@link EMULATOR}). */
export function emulatorSetCallStatus(host: FaasletHost, success: number): void {
  emulatorOf(host).success = success !== 0;
}
