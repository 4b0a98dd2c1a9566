// The smallest Faasm function: prints a greeting.
#include <stdio.h>

int main(void) {
    printf("Hello Faasm!\n");
    return 0;
}
