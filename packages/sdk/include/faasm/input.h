/* Helpers to read a function's input as a string or integer. Valid in C and C++. */
#ifndef FAASM_SDK_INPUT_H
#define FAASM_SDK_INPUT_H

#include <stdint.h>
#include <stdlib.h>

#include "faasm/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The input as a NUL-terminated string (malloc'd; the caller frees it), or NULL if empty. */
static inline char* faasmGetStringInput(void) {
    long size = faasmGetInputSize();
    if (size <= 0) return 0;
    char* text = (char*)malloc((size_t)size + 1);
    faasmGetInput((uint8_t*)text, size);
    text[size] = '\0';
    return text;
}

/* The input parsed as a decimal integer, or `fallback` if empty. */
static inline int faasmGetIntInput(int fallback) {
    char* text = faasmGetStringInput();
    if (!text) return fallback;
    int value = atoi(text);
    free(text);
    return value;
}

static inline void faasmSetStringOutput(const char* text) {
    long n = 0;
    while (text[n]) n++;
    faasmSetOutput((const uint8_t*)text, n);
}

#ifdef __cplusplus
}
#endif

#endif
