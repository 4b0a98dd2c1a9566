// faasm-cc: -O1
// Input "1": Faasm's host interface test 1 (a "function migrated" exception thrown
// from inside the host call); "backtrace": prints a backtrace; "migrate": passes a
// migration point (a no-op unless a migration is pending). Output names the step reached.
#include <string.h>
#include <stdlib.h>
#include "faasm/core.h"
#include "faasm/input.h"

// Exported (wasm-opt strips the name section): the backtrace names them from the exports.
__attribute__((noinline, export_name("deepInner"))) void deepInner(int depth) { faasmBacktrace(depth); }
__attribute__((noinline, export_name("deepOuter"))) void deepOuter(int depth) { deepInner(depth); }

void migrated(int arg) {
    faasmSetStringOutput(arg == 42 ? "resumed 42" : "resumed wrong arg");
}

int main(void) {
    char* in = faasmGetStringInput();
    if (!in) return 2;
    if (strcmp(in, "backtrace") == 0) {
        deepOuter(0);
        faasmSetStringOutput("after backtrace");
    } else if (strcmp(in, "migrate") == 0) {
        __faasm_migrate_point(migrated, 42);
        faasmSetStringOutput("not migrated");
    } else {
        faasmSetStringOutput("before test");
        __faasm_host_interface_test(atoi(in));
        faasmSetStringOutput("after test");
    }
    free(in);
    return 0;
}
