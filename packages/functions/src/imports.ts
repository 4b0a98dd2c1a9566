import type { FaasletHost } from '@faasm/abi';
import { fn, importTable } from '@faasm/abi';
import { awaitCall, awaitCallOutput, chainName, chainPtr, chainPy } from './chaining.js';
import { backtrace, hostInterfaceTest, migratePoint } from './control.js';
import { emulatorGetAsyncResponse, emulatorSetCallStatus, setEmulatedMessageFromJson } from './emulator.js';
import { confFlag, getPyEntry, getPyFunc, getPyUser, memoryLayoutProtection, readInput, writeOutput } from './io.js';

/** @faasm/functions: every import this package provides (spec/imports.tsv, package `functions`). */
export const table = importTable<FaasletHost>('@faasm/functions', {
  env: {
    __faasm_read_input: fn(['i32', 'i32'], 'i32', readInput),
    __faasm_write_output: fn(['i32', 'i32'], null, writeOutput),
    __faasm_chain_name: fn(['i32', 'i32', 'i32'], 'i32', chainName),
    __faasm_chain_ptr: fn(['i32', 'i32', 'i32'], 'i32', chainPtr),
    __faasm_chain_py: fn(['i32', 'i32', 'i32'], 'i32', chainPy),
    __faasm_await_call: fn(['i32'], 'i32', awaitCall),
    __faasm_await_call_output: fn(['i32', 'i32', 'i32'], 'i32', awaitCallOutput),
    __faasm_get_py_user: fn(['i32', 'i32'], null, getPyUser),
    __faasm_get_py_func: fn(['i32', 'i32'], null, getPyFunc),
    __faasm_get_py_entry: fn(['i32', 'i32'], null, getPyEntry),
    __faasm_conf_flag: fn(['i32'], 'i32', confFlag),
    __faasm_backtrace: fn(['i32'], null, backtrace),
    __faasm_migrate_point: fn(['i32', 'i32'], null, migratePoint),
    __faasm_host_interface_test: fn(['i32'], null, hostInterfaceTest),
    setEmulatedMessageFromJson: fn(['i32'], 'i32', setEmulatedMessageFromJson),
    emulatorGetAsyncResponse: fn([], 'i32', emulatorGetAsyncResponse),
    emulatorSetCallStatus: fn(['i32'], null, emulatorSetCallStatus),
    __faasm_memory_layout_protection: fn([], null, memoryLayoutProtection),
  },
});
