export { main } from './main.js';
export { run, exitCodeOf } from './run.js';
export { inspect } from './inspect.js';
export { UsageError } from './usage.js';
