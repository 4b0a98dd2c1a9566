import { cc, ToolchainMissing } from '@faasm/sdk';
import { inspect, INSPECT_USAGE } from './inspect.js';
import { run, RUN_USAGE } from './run.js';
import { UsageError } from './usage.js';

const USAGE = `faasm <command> [options]

Commands:
  run <module.wasm>      run a Faasm function once (embedded runtime, no servers)
  inspect <module.wasm>  list imports by providing package, exports, memory, table
  cc [--threads] ...     compile C for Faasm (clang-19, wasm32-wasi, Faasm's link flags);
                         --side-module instead builds a PIC side module for dlopen
  c++ [--threads] ...    compile C++ for Faasm
  help [command]         show help

${RUN_USAGE}

${INSPECT_USAGE}`;

/** The CLI entry point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest);
      case 'inspect':
        return await inspect(rest);
      case 'cc':
      case 'c++': {
        const threads = rest.includes('--threads');
        const sideModule = rest.includes('--side-module');
        return cc(rest.filter((a) => a !== '--threads' && a !== '--side-module'), { threads, sideModule, cxx: command === 'c++' });
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`faasm: unknown command '${command}'`, USAGE);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${e.usage}\n`);
      return 2;
    }
    if (e instanceof ToolchainMissing) {
      process.stderr.write(`faasm: ${e.message}\n`);
      return 127;
    }
    const error = e as Error;
    process.stderr.write(`faasm: ${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}\n`);
    return 1;
  }
}
