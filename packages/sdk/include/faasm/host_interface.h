/*
 * The raw Faasm host imports (module "env"), with the signatures of Faasm's guest
 * ABI (shared/spec/faasm-abi.md). Guests normally use the wrappers in faasm/core.h.
 * Valid in C and C++.
 */
#ifndef FAASM_SDK_HOST_INTERFACE_H
#define FAASM_SDK_HOST_INTERFACE_H

#ifdef __cplusplus
extern "C" {
#endif

#define FAASM_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

typedef void (*FaasmMigrateEntryPoint)(int);

/* ---- input, output, chaining ---- */
FAASM_IMPORT(__faasm_read_input) long __faasm_read_input(unsigned char* buffer, long bufferLen);
FAASM_IMPORT(__faasm_write_output) void __faasm_write_output(const char* output, long outputLen);
FAASM_IMPORT(__faasm_chain_name) unsigned int __faasm_chain_name(const char* name, const unsigned char* inputData, long inputDataSize);
FAASM_IMPORT(__faasm_chain_ptr) unsigned int __faasm_chain_ptr(int (*funcPtr)(), const unsigned char* inputData, long inputDataSize);
FAASM_IMPORT(__faasm_chain_py) unsigned int __faasm_chain_py(const char* name, const unsigned char* inputData, long inputDataSize);
FAASM_IMPORT(__faasm_await_call) int __faasm_await_call(unsigned int messageId);
/* The host mallocs the output in guest memory and writes its address and length. */
FAASM_IMPORT(__faasm_await_call_output) int __faasm_await_call_output(unsigned int messageId, char** output, int* outputLen);
FAASM_IMPORT(__faasm_get_py_user) void __faasm_get_py_user(unsigned char* buffer, long bufferLen);
FAASM_IMPORT(__faasm_get_py_func) void __faasm_get_py_func(unsigned char* buffer, long bufferLen);
FAASM_IMPORT(__faasm_get_py_entry) void __faasm_get_py_entry(unsigned char* buffer, long bufferLen);
FAASM_IMPORT(__faasm_conf_flag) unsigned int __faasm_conf_flag(const char* key);
FAASM_IMPORT(__faasm_backtrace) void __faasm_backtrace(const int depth);
FAASM_IMPORT(__faasm_migrate_point) void __faasm_migrate_point(FaasmMigrateEntryPoint f, int arg);
FAASM_IMPORT(__faasm_host_interface_test) void __faasm_host_interface_test(int testNum);

/* ---- state ---- */
FAASM_IMPORT(__faasm_read_state) long __faasm_read_state(const char* key, unsigned char* buffer, long bufferLen);
FAASM_IMPORT(__faasm_read_state_ptr) unsigned char* __faasm_read_state_ptr(const char* key, long totalLen);
FAASM_IMPORT(__faasm_write_state) void __faasm_write_state(const char* key, const unsigned char* data, long dataLen);
FAASM_IMPORT(__faasm_append_state) void __faasm_append_state(const char* key, const unsigned char* data, long dataLen);
FAASM_IMPORT(__faasm_read_appended_state) void __faasm_read_appended_state(const char* key, unsigned char* data, long dataLen, long nElems);
FAASM_IMPORT(__faasm_clear_appended_state) void __faasm_clear_appended_state(const char* key);
FAASM_IMPORT(__faasm_write_state_offset) void __faasm_write_state_offset(const char* key, long totalLen, long offset, const unsigned char* data, long dataLen);
FAASM_IMPORT(__faasm_write_state_from_file) unsigned int __faasm_write_state_from_file(const char* key, const char* filePath);
FAASM_IMPORT(__faasm_read_state_offset) void __faasm_read_state_offset(const char* key, long totalLen, long offset, unsigned char* buffer, long bufferLen);
FAASM_IMPORT(__faasm_flag_state_dirty) void __faasm_flag_state_dirty(const char* key, long totalLen);
FAASM_IMPORT(__faasm_flag_state_offset_dirty) void __faasm_flag_state_offset_dirty(const char* key, long totalLen, long offset, long dataLen);
FAASM_IMPORT(__faasm_read_state_offset_ptr) unsigned char* __faasm_read_state_offset_ptr(const char* key, long totalLen, long offset, long len);
FAASM_IMPORT(__faasm_push_state) void __faasm_push_state(const char* key);
FAASM_IMPORT(__faasm_push_state_partial) void __faasm_push_state_partial(const char* key);
FAASM_IMPORT(__faasm_push_state_partial_mask) void __faasm_push_state_partial_mask(const char* key, const char* maskKey);
FAASM_IMPORT(__faasm_pull_state) void __faasm_pull_state(const char* key, long stateLen);
FAASM_IMPORT(__faasm_lock_state_read) void __faasm_lock_state_read(const char* key);
FAASM_IMPORT(__faasm_unlock_state_read) void __faasm_unlock_state_read(const char* key);
FAASM_IMPORT(__faasm_lock_state_write) void __faasm_lock_state_write(const char* key);
FAASM_IMPORT(__faasm_unlock_state_write) void __faasm_unlock_state_write(const char* key);

/* ---- snapshot-and-merge threads (OpenMP without shared memory) ---- */
FAASM_IMPORT(__faasm_sm_reduce) void __faasm_sm_reduce(void* var, int varType, int reduceOp, int currentBatch);
FAASM_IMPORT(__faasm_sm_critical_local) void __faasm_sm_critical_local(void);
FAASM_IMPORT(__faasm_sm_critical_local_end) void __faasm_sm_critical_local_end(void);

#ifdef __cplusplus
}
#endif

#endif
