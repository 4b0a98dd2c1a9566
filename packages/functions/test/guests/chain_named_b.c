// Callee of chain_named_a: output "b:<input>"; fails unless the input is "1234".
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include "faasm/input.h"

int main(void) {
    char* in = faasmGetStringInput();
    char buf[64];
    snprintf(buf, sizeof buf, "b:%s", in ? in : "");
    faasmSetStringOutput(buf);
    int ok = in && strcmp(in, "1234") == 0;
    free(in);
    return ok ? 0 : 1;
}
