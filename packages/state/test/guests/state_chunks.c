// Chunked access. Input "lazy": offset reads of "big" (10000 bytes, byte i = i % 251,
// written by the test into the global tier) pull only the chunks they touch, once.
// Input "partial": offset writes then push_state_partial; then push_state_partial_mask
// with "mask" flagging one byte. Input "whole": a whole write then an offset write,
// then push_state_partial (sends everything). Output "ok" or what went wrong.
#include <string.h>
#include "faasm/core.h"
#include "faasm/input.h"

#define SIZE 10000

static int pattern(const uint8_t* p, long offset, long len) {
    for (long i = 0; i < len; i++) if (p[i] != (uint8_t)((offset + i) % 251)) return 0;
    return 1;
}

int main(void) {
    char* in = faasmGetStringInput();
    if (!in) return 2;
    if (!strcmp(in, "lazy")) {
        uint8_t buf[10];
        faasmReadStateOffset("big", SIZE, 5000, buf, 10);
        if (!pattern(buf, 5000, 10)) { faasmSetStringOutput("first read wrong"); return 1; }
        faasmReadStateOffset("big", SIZE, 5005, buf, 10);
        if (!pattern(buf, 5005, 10)) { faasmSetStringOutput("second read wrong"); return 1; }
        uint8_t* p = faasmReadStateOffsetPtr("big", SIZE, 9000, 8);
        if (!pattern(p, 9000, 8)) { faasmSetStringOutput("pointer read wrong"); return 1; }
    } else if (!strcmp(in, "whole")) {
        static uint8_t fives[SIZE];
        memset(fives, 5, SIZE);
        faasmWriteState("big3", fives, SIZE);
        const uint8_t one[1] = {1};
        faasmWriteStateOffset("big3", SIZE, 10, one, 1);
        faasmPushStatePartial("big3");
    } else {
        const uint8_t abc[3] = {1, 2, 3}, d[1] = {4};
        faasmWriteStateOffset("big2", SIZE, 100, abc, 3);
        faasmWriteStateOffset("big2", SIZE, 9000, d, 1);
        faasmPushStatePartial("big2");
        static uint8_t mask[SIZE], sevens[SIZE];
        mask[50] = 1;
        memset(sevens, 7, SIZE);
        faasmWriteState("mask", mask, SIZE);
        faasmWriteState("big2", sevens, SIZE);
        faasmPushStatePartialMask("big2", "mask");
    }
    faasmSetStringOutput("ok");
    return 0;
}
