// Two chained appenders each append their input to "appended"; the caller reads both
// elements back: "success" if it finds "A1" and "B2" (in either order).
#include <string.h>
#include "faasm/core.h"
#include "faasm/input.h"

#define KEY "appended"

int appender(void) {
    uint8_t in[2];
    if (faasmGetInputSize() != 2) return 1;
    faasmGetInput(in, 2);
    faasmAppendState(KEY, in, 2);
    return 0;
}

int main(void) {
    faasmClearAppendedState(KEY);
    unsigned int a = faasmChain(appender, (const uint8_t*)"A1", 2);
    unsigned int b = faasmChain(appender, (const uint8_t*)"B2", 2);
    if (faasmAwaitCall(a) != 0 || faasmAwaitCall(b) != 0) return 1;
    char both[5] = {0};
    faasmReadAppendedState(KEY, (uint8_t*)both, 4, 2);
    int ok = strcmp(both, "A1B2") == 0 || strcmp(both, "B2A1") == 0;
    faasmClearAppendedState(KEY);
    faasmSetStringOutput(ok ? "success" : both);
    return ok ? 0 : 1;
}
