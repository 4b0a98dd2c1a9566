/*
 * Faasm's guest API (faasmGetInput, faasmSetOutput, chaining, state), as inline
 * wrappers over the host imports: no guest library to link. Valid in C and C++.
 */
#ifndef FAASM_SDK_CORE_H
#define FAASM_SDK_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "faasm/host_interface.h"
#include "faasm/memory.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*FaasmFuncPtr)(void);

/* Input and output */
static inline long faasmGetInputSize(void) { return __faasm_read_input(0, 0); }
static inline void faasmGetInput(uint8_t* buffer, long bufferLen) { __faasm_read_input(buffer, bufferLen); }
static inline void faasmSetOutput(const uint8_t* output, long outputLen) { __faasm_write_output((const char*)output, outputLen); }

/* Chaining: returns the call id to await. */
static inline unsigned int faasmChainNamed(const char* name, const uint8_t* input, long inputSize) {
    return __faasm_chain_name(name, input, inputSize);
}
static inline unsigned int faasmChain(FaasmFuncPtr funcPtr, const uint8_t* input, long inputSize) {
    return __faasm_chain_ptr((int (*)())funcPtr, input, inputSize);
}
static inline unsigned int faasmAwaitCall(unsigned int callId) { return (unsigned int)__faasm_await_call(callId); }
/* Awaits the call; *output is malloc'd by the host (the caller frees it). */
static inline int faasmAwaitCallOutput(unsigned int callId, char** output, int* outputLen) {
    return __faasm_await_call_output(callId, output, outputLen);
}

static inline unsigned int getConfFlag(const char* key) { return __faasm_conf_flag(key); }
static inline void faasmBacktrace(const int depth) { __faasm_backtrace(depth); }

/* State */
static inline size_t faasmReadStateSize(const char* key) { return (size_t)__faasm_read_state(key, 0, 0); }
static inline long faasmReadState(const char* key, unsigned char* buffer, long bufferLen) { return __faasm_read_state(key, buffer, bufferLen); }
static inline uint8_t* faasmReadStatePtr(const char* key, long totalLen) { return __faasm_read_state_ptr(key, totalLen); }
static inline void faasmReadStateOffset(const char* key, long totalLen, long offset, uint8_t* buffer, long bufferLen) {
    __faasm_read_state_offset(key, totalLen, offset, buffer, bufferLen);
}
static inline uint8_t* faasmReadStateOffsetPtr(const char* key, long totalLen, long offset, long len) {
    return __faasm_read_state_offset_ptr(key, totalLen, offset, len);
}
static inline void faasmWriteState(const char* key, const uint8_t* data, long dataLen) { __faasm_write_state(key, data, dataLen); }
static inline void faasmWriteStateOffset(const char* key, long totalLen, long offset, const uint8_t* data, long dataLen) {
    __faasm_write_state_offset(key, totalLen, offset, data, dataLen);
}
static inline unsigned long faasmWriteStateFromFile(const char* key, const char* filePath) { return __faasm_write_state_from_file(key, filePath); }
static inline void faasmAppendState(const char* key, const uint8_t* data, long dataLen) { __faasm_append_state(key, data, dataLen); }
static inline void faasmReadAppendedState(const char* key, uint8_t* buffer, long bufferLen, long nElems) {
    __faasm_read_appended_state(key, buffer, bufferLen, nElems);
}
static inline void faasmClearAppendedState(const char* key) { __faasm_clear_appended_state(key); }
static inline void faasmFlagStateDirty(const char* key, long totalLen) { __faasm_flag_state_dirty(key, totalLen); }
static inline void faasmFlagStateOffsetDirty(const char* key, long totalLen, long offset, long len) {
    __faasm_flag_state_offset_dirty(key, totalLen, offset, len);
}
static inline void faasmPushState(const char* key) { __faasm_push_state(key); }
static inline void faasmPushStatePartial(const char* key) { __faasm_push_state_partial(key); }
static inline void faasmPushStatePartialMask(const char* key, const char* maskKey) { __faasm_push_state_partial_mask(key, maskKey); }
static inline void faasmPullState(const char* key, long stateLen) { __faasm_pull_state(key, stateLen); }
static inline void faasmLockStateRead(const char* key) { __faasm_lock_state_read(key); }
static inline void faasmUnlockStateRead(const char* key) { __faasm_unlock_state_read(key); }
static inline void faasmLockStateWrite(const char* key) { __faasm_lock_state_write(key); }
static inline void faasmUnlockStateWrite(const char* key) { __faasm_unlock_state_write(key); }

/* Zygote: runs once after constructors, before the snapshot. Must return 0. */
#define FAASM_ZYGOTE() __attribute__((export_name("_faasm_zygote"))) int _faasm_zygote(void)

#ifdef __cplusplus
}
#endif

#endif
