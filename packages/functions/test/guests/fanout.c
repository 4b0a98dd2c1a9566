// Input N: chains square(i) by pointer for i in [0, N), awaits every output and sums
// them. Output "n=<N> sum=<sum of squares> failed=<count>".
#include <stdio.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

int square(void) {
    int i = faasmGetIntInput(-1);
    char out[32];
    snprintf(out, sizeof out, "%d", i * i);
    faasmSetStringOutput(out);
    return i < 0;
}

int main(void) {
    int n = faasmGetIntInput(10);
    unsigned int* ids = malloc(sizeof(unsigned int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        char in[16];
        int len = snprintf(in, sizeof in, "%d", i);
        ids[i] = faasmChain(square, (const uint8_t*)in, len);
    }
    long long sum = 0;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        char* out = 0; int len = 0;
        if (faasmAwaitCallOutput(ids[i], &out, &len) != 0) failed++;
        char buf[32] = {0};
        for (int k = 0; k < len && k < 31; k++) buf[k] = out[k];
        sum += atoll(buf);
        free(out);
    }
    free(ids);
    char out[64];
    snprintf(out, sizeof out, "n=%d sum=%lld failed=%d", n, sum, failed);
    faasmSetStringOutput(out);
    return failed != 0;
}
