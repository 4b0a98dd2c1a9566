// Bad input, one case per input: each must trap with a clear error (never corrupt):
// missing, mismatch, past, small, unlock, relock, append_short, negative.
#include <string.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    char* c = faasmGetStringInput();
    if (!c) return 2;
    uint8_t buf[16] = {0};
    const uint8_t four[4] = {1, 2, 3, 4};
    faasmSetStringOutput("not trapped");
    if (!strcmp(c, "missing")) faasmPushState("nope");
    else if (!strcmp(c, "mismatch")) { faasmWriteState("bad_m", four, 4); faasmWriteState("bad_m", buf, 8); }
    else if (!strcmp(c, "past")) faasmWriteStateOffset("bad_p", 8, 6, four, 4);
    else if (!strcmp(c, "small")) { faasmWriteState("bad_s", buf, 16); faasmReadState("bad_s", buf, 8); }
    else if (!strcmp(c, "unlock")) faasmUnlockStateWrite("bad_u");
    else if (!strcmp(c, "relock")) { faasmLockStateWrite("bad_r"); faasmLockStateWrite("bad_r"); }
    else if (!strcmp(c, "append_short")) { faasmClearAppendedState("bad_a"); faasmAppendState("bad_a", four, 4); faasmReadAppendedState("bad_a", buf, 16, 3); }
    else if (!strcmp(c, "negative")) faasmReadStateOffset("bad_n", 8, -4, buf, 4);
    else if (!strcmp(c, "wild")) faasmWriteState("bad_w", (const uint8_t*)0x7ffffff0, 4096);
    return 0;
}
