// Faasm's demo/chain: chains two functions of this module by pointer with different
// inputs; each checks its own input. Output "chain ok" when both return 0.
#include <string.h>
#include "faasm/core.h"
#include "faasm/input.h"

static int checkInput(const char* expected, const char* name) {
    long n = faasmGetInputSize();
    char buf[16] = {0};
    if (n <= 0 || n >= (long)sizeof buf) return 1;
    faasmGetInput((uint8_t*)buf, n);
    faasmSetStringOutput(name);
    return strcmp(buf, expected) == 0 ? 0 : 1;
}

int otherA(void) { return checkInput("1234", "otherA"); }
int otherB(void) { return checkInput("5678", "otherB"); }

int main(void) {
    unsigned int a = faasmChain(otherA, (const uint8_t*)"1234", 4);
    unsigned int b = faasmChain(otherB, (const uint8_t*)"5678", 4);
    unsigned int ra = faasmAwaitCall(a);
    unsigned int rb = faasmAwaitCall(b);
    char* outA = 0; int lenA = 0;
    faasmAwaitCallOutput(a, &outA, &lenA);
    if (ra != 0 || rb != 0 || lenA != 6 || memcmp(outA, "otherA", 6) != 0) {
        faasmSetStringOutput("chain failed");
        return 1;
    }
    faasmSetStringOutput("chain ok");
    return 0;
}
