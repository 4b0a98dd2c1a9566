// Echoes the call's input to its output, and its arguments to stdout.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faasm/faasm.h"

int main(int argc, char* argv[]) {
    for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);

    long size = faasmGetInputSize();
    if (size == 0) {
        const char* nothing = "Nothing to echo";
        faasmSetOutput((const uint8_t*)nothing, strlen(nothing));
        return 0;
    }
    uint8_t* input = malloc(size);
    faasmGetInput(input, size);
    faasmSetOutput(input, size);
    free(input);
    return 0;
}
