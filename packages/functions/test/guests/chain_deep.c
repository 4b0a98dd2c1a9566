// Input n: if n > 0, chains itself by name with n-1 and awaits it (a chain n deep).
// Output "depth=<n>" after the inner call returned 0.
#include <stdio.h>
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    int n = faasmGetIntInput(0);
    if (n > 0) {
        char in[16];
        int len = snprintf(in, sizeof in, "%d", n - 1);
        unsigned int id = faasmChainNamed("chain_deep", (const uint8_t*)in, len);
        if (faasmAwaitCall(id) != 0) return 1;
    }
    char out[32];
    snprintf(out, sizeof out, "depth=%d", n);
    faasmSetStringOutput(out);
    return 0;
}
