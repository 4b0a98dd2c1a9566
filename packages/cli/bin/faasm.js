#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// Before any wasm is compiled in this process (see ARCHITECTURE.md).
setFlagsFromString('--no-liftoff');
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv.slice(2));
