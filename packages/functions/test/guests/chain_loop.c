// Benchmark guest. Input "seq N": N sequential chain-by-pointer + await round trips,
// output "<median> <mean>" of their microseconds. Input "fan N": N chained calls started
// at once, then all awaited, output the elapsed microseconds. Times are the guest's own
// (CLOCK_MONOTONIC).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "faasm/core.h"
#include "faasm/input.h"

int noop(void) { return 0; }

static int byValue(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

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
    double* each = malloc(sizeof(double) * (size_t)n);
    int failed = 0;
    char out[64];
    double start = nowUs();
    if (strcmp(mode, "seq") == 0) {
        for (int i = 0; i < n; i++) {
            double t0 = nowUs();
            failed += faasmAwaitCall(faasmChain(noop, 0, 0)) != 0;
            each[i] = nowUs() - t0;
        }
        double elapsed = nowUs() - start;
        qsort(each, (size_t)n, sizeof(double), byValue);
        snprintf(out, sizeof out, "%.2f %.2f", each[n / 2], elapsed / n);
    } else {
        for (int i = 0; i < n; i++) ids[i] = faasmChain(noop, 0, 0);
        for (int i = 0; i < n; i++) failed += faasmAwaitCall(ids[i]) != 0;
        snprintf(out, sizeof out, "%.1f", nowUs() - start);
    }
    free(ids);
    free(each);
    faasmSetStringOutput(out);
    return failed != 0;
}
