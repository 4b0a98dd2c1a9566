// A state-free compute demo: counts the primes below N (input, or argv[1], default
// 1000000) with a sieve, and reports the count and the largest prime found.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faasm/faasm.h"

int main(int argc, char* argv[]) {
    long n = 1000000;
    char* input = faasmGetStringInput();
    if (input) {
        n = atol(input);
        free(input);
    } else if (argc > 1) {
        n = atol(argv[1]);
    }
    if (n < 2 || n > 100000000) {
        fprintf(stderr, "N must be between 2 and 100000000, got %ld\n", n);
        return 2;
    }

    char* composite = calloc((size_t)n, 1);
    if (!composite) {
        fprintf(stderr, "out of memory for N=%ld\n", n);
        return 3;
    }
    long count = 0, largest = 0;
    for (long i = 2; i < n; i++) {
        if (composite[i]) continue;
        count++;
        largest = i;
        if (i > n / i) continue;  // i*i would pass n (and overflow a 32-bit long)
        for (long j = i * i; j < n; j += i) composite[j] = 1;
    }
    free(composite);

    char result[128];
    int len = snprintf(result, sizeof result, "%ld primes below %ld, the largest is %ld", count, n, largest);
    faasmSetOutput((const uint8_t*)result, len);
    return 0;
}
