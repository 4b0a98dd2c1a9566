// Awaits a call id that was never issued: await_call and await_call_output return 1.
#include <stdio.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    int a = faasmAwaitCall(987654321u);
    char* out = 0; int len = -1;
    int b = faasmAwaitCallOutput(987654321u, &out, &len);
    char buf[64];
    snprintf(buf, sizeof buf, "%d %d %d", a, b, len);
    free(out);
    faasmSetStringOutput(buf);
    return 0;
}
