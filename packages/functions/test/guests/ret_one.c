// Returns 1: the call fails, its output becomes "Call failed (return value=1)".
#include "faasm/input.h"

int main(void) {
    faasmSetStringOutput("ret_one ran");
    return 1;
}
