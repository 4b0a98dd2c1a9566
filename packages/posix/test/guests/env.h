// Declares Faasm's env.* POSIX imports explicitly, so wasi-libc's own versions (or
// their absence) do not decide what the guest calls.
#pragma once
#include <stddef.h>
#include <stdint.h>
#define ENV(name) __attribute__((import_module("env"), import_name(#name)))

static int failures = 0;
#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
            failures++;                                                     \
        }                                                                   \
    } while (0)
