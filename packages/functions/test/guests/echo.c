// Echoes its input, then overwrites the output (last write wins) with "flag=<ALWAYS_ON><ALWAYS_OFF><PYTHON_PRELOAD>:<input>".
#include <stdio.h>
#include <string.h>
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    char* in = faasmGetStringInput();
    faasmSetStringOutput(in ? in : "");
    char out[256];
    snprintf(out, sizeof out, "flag=%u%u%u:%s", getConfFlag("ALWAYS_ON"), getConfFlag("ALWAYS_OFF"),
             getConfFlag("PYTHON_PRELOAD"), in ? in : "(empty)");
    faasmSetStringOutput(out);
    return 0;
}
