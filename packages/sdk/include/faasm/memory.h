/* Faasm's memory header: guests that include it import a no-op layout hook. */
#ifndef FAASM_SDK_MEMORY_H
#define FAASM_SDK_MEMORY_H

#ifdef __cplusplus
extern "C" {
#endif

__attribute__((import_module("env"), import_name("__faasm_memory_layout_protection")))
void __faasm_memory_layout_protection(void);

#ifdef __cplusplus
}
#endif

#endif
