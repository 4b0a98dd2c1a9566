// Input: a path. Its bytes become "state_file" (write_state_from_file), which must
// read back as the file's known content: "success".
#include <string.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

static const char content[] = "This is some state from a file\n";

int main(void) {
    char* path = faasmGetStringInput();
    if (!path) return 1;
    unsigned long n = faasmWriteStateFromFile("state_file", path);
    free(path);
    char buf[64] = {0};
    long size = faasmReadState("state_file", (uint8_t*)buf, (long)sizeof content - 1);
    int ok = n == sizeof content - 1 && size == (long)n && memcmp(buf, content, n) == 0;
    faasmSetStringOutput(ok ? "success" : "failure");
    return ok ? 0 : 1;
}
