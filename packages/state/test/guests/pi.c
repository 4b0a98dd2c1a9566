// Estimates pi by chained Monte Carlo steps (by pointer); each step appends its hit
// count to "pi_hits"; the caller combines them. Output "pi=<estimate>"; returns 0 if
// within 0.02 of pi. Input: samples per step (default 200000).
#include <stdio.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

#define STEPS 4
#define KEY "pi_hits"

int step(void) {
    int seed = faasmGetIntInput(1);
    int samples = 200000;
    uint32_t x = 2463534242u ^ (uint32_t)seed * 2654435761u;
    int hits = 0;
    for (int i = 0; i < samples; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        double a = (x & 0xffffff) / 16777216.0;
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        double b = (x & 0xffffff) / 16777216.0;
        if (a * a + b * b <= 1.0) hits++;
    }
    faasmAppendState(KEY, (const uint8_t*)&hits, sizeof hits);
    return 0;
}

int main(void) {
    faasmClearAppendedState(KEY);
    unsigned int ids[STEPS];
    for (int i = 0; i < STEPS; i++) {
        char in[8];
        int len = snprintf(in, sizeof in, "%d", i + 1);
        ids[i] = faasmChain(step, (const uint8_t*)in, len);
    }
    for (int i = 0; i < STEPS; i++) if (faasmAwaitCall(ids[i]) != 0) return 1;
    int hits[STEPS];
    faasmReadAppendedState(KEY, (uint8_t*)hits, sizeof hits, STEPS);
    long total = 0;
    for (int i = 0; i < STEPS; i++) total += hits[i];
    double pi = 4.0 * (double)total / (200000.0 * STEPS);
    char out[32];
    snprintf(out, sizeof out, "pi=%.4f", pi);
    faasmSetStringOutput(out);
    double err = pi - 3.14159265;
    return (err < 0 ? -err : err) < 0.02 ? 0 : 1;
}
