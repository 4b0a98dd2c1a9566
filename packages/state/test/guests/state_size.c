// The size of a key that does not exist is 0; after writing 4 bytes it is 4.
#include <stdio.h>
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    size_t before = faasmReadStateSize("state_size");
    const uint8_t value[4] = {1, 2, 3, 4};
    faasmWriteState("state_size", value, 4);
    size_t after = faasmReadStateSize("state_size");
    char out[64];
    snprintf(out, sizeof out, "%zu then %zu", before, after);
    faasmSetStringOutput(out);
    return 0;
}
