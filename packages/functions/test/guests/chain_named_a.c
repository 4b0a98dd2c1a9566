// Chains chain_named_b and chain_named_c by name with different inputs, awaits both
// outputs (await_call_output) and reports them: "a:<output b>|<output c>".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "faasm/core.h"
#include "faasm/input.h"

int main(void) {
    const char* inB = "1234";
    const char* inC = "5678";
    unsigned int idB = faasmChainNamed("chain_named_b", (const uint8_t*)inB, 4);
    unsigned int idC = faasmChainNamed("chain_named_c", (const uint8_t*)inC, 4);
    if (idB == idC) { faasmSetStringOutput("same id twice"); return 1; }
    char* outB = 0; int lenB = 0;
    char* outC = 0; int lenC = 0;
    int rcB = faasmAwaitCallOutput(idB, &outB, &lenB);
    int rcC = faasmAwaitCallOutput(idC, &outC, &lenC);
    char buf[256];
    snprintf(buf, sizeof buf, "a:%.*s|%.*s", lenB, outB, lenC, outC);
    free(outB);
    free(outC);
    faasmSetStringOutput(buf);
    return rcB != 0 || rcC != 0;
}
