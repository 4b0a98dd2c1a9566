export { createRuntime, FunctionNotFound, type Runtime, type RuntimeOptions, type InvokeOptions, type InvokeResult } from './runtime.js';
export { Faaslet, FaasletInitError, FAASM_DEFAULT_ENV, type CallRequest, type CallResult, type FaasletOptions } from './faaslet.js';
export { ModuleCache, ModuleLoadError, type LoadedModule } from './modules.js';
export { WorkerPool, PoolError, workerScript, type PoolOptions, type Task } from './pool.js';
export { WorkerBridge, BridgeServer, BridgeError, type BridgeHandler, type ToMain, type ToWorkerBridge } from './bridge.js';
export { readModule, addHostExports, WasmFormatError, TABLE_EXPORT, GLOBAL_EXPORT_PREFIX, type ModuleFacts, type MemoryLimits } from './wasm-binary.js';
export { takeSnapshot, restoreSnapshot, deadStackRegion, type MemorySnapshot } from './snapshot.js';
