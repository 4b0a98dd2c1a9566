// Input N: N locked read-modify-write increments of the 4-byte counter "counter"
// (lock, forced pull, +1, write, push, unlock). Output: the last value written.
#include <stdio.h>
#include "faasm/core.h"
#include "faasm/input.h"

#define KEY "counter"

int main(void) {
    int n = faasmGetIntInput(1000);
    int value = 0;
    for (int i = 0; i < n; i++) {
        faasmLockStateWrite(KEY);
        faasmPullState(KEY, 4);
        faasmReadState(KEY, (uint8_t*)&value, 4);
        value++;
        faasmWriteState(KEY, (const uint8_t*)&value, 4);
        faasmPushState(KEY);
        faasmUnlockStateWrite(KEY);
    }
    char out[32];
    snprintf(out, sizeof out, "%d", value);
    faasmSetStringOutput(out);
    return 0;
}
