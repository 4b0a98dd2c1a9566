// Faasm's lifecycle seen from a guest: constructors and the zygote run once per
// Faaslet, every call starts from the snapshot taken after them.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faasm/faasm.h"

static int ctorRuns = 0;
static int zygoteRuns = 0;
static int calls = 0;
static char* zygoteBuffer = 0;

__attribute__((constructor)) static void setup(void) { ctorRuns++; }

FAASM_ZYGOTE() {
    zygoteRuns++;
    zygoteBuffer = malloc(64);
    strcpy(zygoteBuffer, "made by the zygote");
    return 0;
}

int main(void) {
    calls++;
    // Grow the heap well past the snapshot's memory: the reset must shrink it back.
    // (volatile: LLVM may otherwise drop an allocation nobody reads)
    char* volatile big = malloc(8 * 1024 * 1024);
    if (!big) return 2;
    memset(big, 1, 8 * 1024 * 1024);
    char out[160];
    snprintf(out, sizeof out, "ctors=%d zygote=%d calls=%d buffer=%s", ctorRuns, zygoteRuns, calls, zygoteBuffer);
    printf("%s\n", out);
    faasmSetStringOutput(out);
    return 0;
}
