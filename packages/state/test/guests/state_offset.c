// Builds "state_offset" = {5,5,6,6,4,5,6} from offset writes, pushes the dirty bytes
// only, and a chained call checks the whole value and offset reads: "success".
#include <string.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

#define KEY "state_offset"
static const uint8_t expected[7] = {5, 5, 6, 6, 4, 5, 6};

int check(void) {
    uint8_t all[7] = {0};
    uint8_t mid[3] = {0};
    faasmReadState(KEY, all, 7);
    faasmReadStateOffset(KEY, 7, 3, mid, 3);
    int ok = memcmp(all, expected, 7) == 0 && mid[0] == 6 && mid[1] == 4 && mid[2] == 5;
    faasmSetStringOutput(ok ? "success" : "failure");
    return 0;
}

int main(void) {
    const uint8_t a[2] = {5, 5}, b[2] = {6, 6}, c[3] = {4, 5, 6};
    faasmWriteStateOffset(KEY, 7, 0, a, 2);
    faasmWriteStateOffset(KEY, 7, 2, b, 2);
    faasmWriteStateOffset(KEY, 7, 4, c, 3);
    faasmPushStatePartial(KEY);
    unsigned int id = faasmChain(check, 0, 0);
    char* out = 0; int len = 0;
    int rc = faasmAwaitCallOutput(id, &out, &len);
    faasmSetOutput((const uint8_t*)out, len);
    free(out);
    return rc;
}
