// Writes {3,2,1,0} to "state_async" and pushes it, then a chained call (by pointer)
// reads it back: output "equal" if it sees the same bytes.
#include <string.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

static const uint8_t expected[4] = {3, 2, 1, 0};

int check(void) {
    uint8_t actual[4] = {9, 9, 9, 9};
    long n = faasmReadState("state_async", actual, 4);
    faasmSetStringOutput(n == 4 && memcmp(actual, expected, 4) == 0 ? "equal" : "not equal");
    return 0;
}

int main(void) {
    faasmWriteState("state_async", expected, 4);
    faasmPushState("state_async");
    unsigned int id = faasmChain(check, 0, 0);
    char* out = 0; int len = 0;
    int rc = faasmAwaitCallOutput(id, &out, &len);
    faasmSetOutput((const uint8_t*)out, len);
    free(out);
    return rc;
}
