// The smallest Faasm function: prints a greeting and writes an output.
#include <stdio.h>
#include <string.h>

#include "faasm/faasm.h"

int main(int argc, char* argv[]) {
    const char* message = "Hello Faasm!";
    printf("%s\n", message);
    faasmSetOutput((const uint8_t*)message, strlen(message));
    return 0;
}
