export { GuestMemory, utf8, type Ptr } from './memory.js';
export { MemoryFault, GuestTrap, ProcExit, Unimplemented, LinkError, isControlFlow } from './errors.js';
export {
  fn,
  importTable,
  manifestOf,
  rowsOf,
  linkTable,
  trapFrom,
  type ValType,
  type JsValue,
  type JsArgs,
  type JsResult,
  type HostFunction,
  type ImportRows,
  type ImportTable,
  type ImportObject,
  type Manifest,
} from './table.js';
export { Errno, ErrnoError, errnoFromNode, type ErrnoName, type ErrnoCode } from './errno.js';
export { encodeU32, encodeName, encodeSection, moduleFromBase64 } from './wasm-encode.js';
export {
  ServiceKey,
  ServiceRegistry,
  GuestExports,
  createHost,
  attachInstance,
  emptyMessage,
  consoleLogger,
  type FaasletHost,
  type Message,
  type Bridge,
  type Logger,
} from './host.js';
export { Lifecycle, LIFECYCLE, lifecycleOf, type InterfacePackage, type LifecycleParticipant } from './package.js';
export { SPEC_IMPORTS, specImport, type SpecImport } from './spec.js';
export {
  DEFAULT_PACKAGES,
  loadPackages,
  planComposition,
  missingImportsError,
  compose,
  type LoadedPackage,
  type MissingImport,
  type CompositionPlan,
} from './compose.js';
export { FdLedger, KEPT_FDS, type KeptFds } from './kept-fds.js';
export { CAPTURED_STDIO, GUEST_FILES, type CapturedStdio, type CapturedOutput, type GuestFiles } from './stdio.js';
export { specConformance } from './conformance.js';
export { WasmReader, WasmFormatError, readModule, SectionId, ExternKind, type MemoryLimits, type ModuleFacts, type Section } from './wasm-decode.js';
