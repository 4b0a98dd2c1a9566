/* The umbrella header of the Faasm guest SDK. */
#ifndef FAASM_SDK_FAASM_H
#define FAASM_SDK_FAASM_H

#include "faasm/core.h"
#include "faasm/input.h"

#endif
