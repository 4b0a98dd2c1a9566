// Benchmark guest. Input "seq N": N sequential chain-by-pointer + await round trips.
// Input "fan N": N chained calls started at once, then all awaited. Output: the
// elapsed microseconds as measured by the guest (CLOCK_MONOTONIC).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "faasm/core.h"
#include "faasm/input.h"

int noop(void) { return 0; }

static double nowUs(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void) {
    char* in = faasmGetStringInput();
    char mode[8] = {0};
    int n = 0;
    if (!in || sscanf(in, "%7s %d", mode, &n) != 2 || n <= 0) return 2;
    free(in);
    unsigned int* ids = malloc(sizeof(unsigned int) * (size_t)n);
    int failed = 0;
    double start = nowUs();
    if (strcmp(mode, "seq") == 0) {
        for (int i = 0; i < n; i++) failed += faasmAwaitCall(faasmChain(noop, 0, 0)) != 0;
    } else {
        for (int i = 0; i < n; i++) ids[i] = faasmChain(noop, 0, 0);
        for (int i = 0; i < n; i++) failed += faasmAwaitCall(ids[i]) != 0;
    }
    double elapsed = nowUs() - start;
    free(ids);
    char out[64];
    snprintf(out, sizeof out, "%.1f", elapsed);
    faasmSetStringOutput(out);
    return failed != 0;
}
