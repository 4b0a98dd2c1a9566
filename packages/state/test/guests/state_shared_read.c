// Reads "shared" through its pointer, as the next function on the host after
// state_shared_write: "success" if it sees {0,1,2,3,4} without a push.
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    uint8_t* p = faasmReadStatePtr("shared", 5);
    int ok = 1;
    for (int i = 0; i < 5; i++) ok &= p[i] == i;
    uint8_t copy[5] = {0};
    faasmReadState("shared", copy, 5);
    for (int i = 0; i < 5; i++) ok &= copy[i] == i;
    faasmSetStringOutput(ok ? "success" : "failure");
    return ok ? 0 : 1;
}
