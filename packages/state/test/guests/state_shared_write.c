// Writes {0,1,2,3,4} through the pointer of "shared" (no push): "success" if the
// pointer is stable (same key → same pointer, offset pointer inside it).
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    uint8_t* p = faasmReadStatePtr("shared", 5);
    uint8_t* q = faasmReadStatePtr("shared", 5);
    uint8_t* r = faasmReadStateOffsetPtr("shared", 5, 2, 3);
    for (int i = 0; i < 5; i++) p[i] = (uint8_t)i;
    faasmSetStringOutput(p == q && r == p + 2 ? "success" : "failure");
    return 0;
}
