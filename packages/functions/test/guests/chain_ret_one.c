// Chains ret_one, awaits its output and return value: output "rc=<rc> out=<output>".
#include <stdio.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    unsigned int id = faasmChainNamed("ret_one", 0, 0);
    char* out = 0; int len = 0;
    int rc = faasmAwaitCallOutput(id, &out, &len);
    char buf[128];
    snprintf(buf, sizeof buf, "rc=%d out=%.*s", rc, len, out);
    free(out);
    faasmSetStringOutput(buf);
    return 0;
}
