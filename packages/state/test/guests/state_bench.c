// Benchmark guest. Input "<op> <size> <iterations>", op one of read, write, push,
// pull: times that state call on key "bench_<size>" and outputs nanoseconds per call.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "faasm/core.h"
#include "faasm/input.h"

static long long now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    char* in = faasmGetStringInput();
    if (!in) return 2;
    char op[16];
    long size = 0, iters = 0;
    if (sscanf(in, "%15s %ld %ld", op, &size, &iters) != 3 || size <= 0 || iters <= 0) return 2;
    char key[32];
    snprintf(key, sizeof key, "bench_%ld", size);
    uint8_t* buf = malloc((size_t)size);
    memset(buf, 7, (size_t)size);
    faasmWriteState(key, buf, size);
    faasmPushState(key);
    faasmReadState(key, buf, size);
    long long start = now();
    for (long i = 0; i < iters; i++) {
        if (!strcmp(op, "read")) faasmReadState(key, buf, size);
        else if (!strcmp(op, "write")) faasmWriteState(key, buf, size);
        else if (!strcmp(op, "push")) { faasmFlagStateDirty(key, size); faasmPushState(key); }
        else faasmPullState(key, size);
    }
    long long elapsed = now() - start;
    char out[32];
    snprintf(out, sizeof out, "%lld", elapsed / iters);
    faasmSetStringOutput(out);
    free(buf);
    return 0;
}
