import { runWasm } from './bench/support.mjs';
console.log(await runWasm(process.argv[2]));
