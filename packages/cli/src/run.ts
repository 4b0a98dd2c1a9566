import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRuntime } from '@faasm/runtime';
import { UsageError } from './usage.js';

export const RUN_USAGE = `faasm run <module.wasm | user/function> [options] [-- args...]

Runs a function once on the embedded runtime (no servers) and exits with its return value.
  --input S              the call's input (read with faasmGetInput)
  --input-file F         the call's input, from a file
  --dir HOST[::GUEST]    preopen a host directory at a guest path (default: same path); repeatable
  --env K=V              set the guest environment (replaces Faasm's default); repeatable
  --stdout MODE          passthrough (default) or capture (printed after the call)
  --functions DIR        where user/function names resolve (<DIR>/<user>/<function>.wasm)
  --mpi-world-size N     MPI world size
  --redis URL            state's global tier on Redis (default: in-process)
  --allow-net HOST:PORT[-PORT]  let guests open sockets to this destination; repeatable
                         (default: every socket call is denied with EACCES)
  --timeout MS           fail the call after MS milliseconds
  --json                 print a JSON result instead of the output
  --no-output            do not print the function's output`;

/** `faasm run`: returns the process exit code. */
export async function run(argv: string[]): Promise<number> {
  const dashdash = argv.indexOf('--');
  const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const guestArgs = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      'input-file': { type: 'string' },
      dir: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      stdout: { type: 'string' },
      functions: { type: 'string' },
      'mpi-world-size': { type: 'string' },
      redis: { type: 'string' },
      'allow-net': { type: 'string', multiple: true },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      'no-output': { type: 'boolean' },
    },
  });
  const [target, ...rest] = positionals;
  if (!target) throw new UsageError('faasm run: no module given', RUN_USAGE);
  const args = [...rest, ...guestArgs];
  if (values.input !== undefined && values['input-file'] !== undefined) {
    throw new UsageError('faasm run: --input and --input-file are exclusive', RUN_USAGE);
  }
  const stdout = values.stdout ?? 'passthrough';
  if (stdout !== 'passthrough' && stdout !== 'capture') throw new UsageError(`faasm run: --stdout must be passthrough or capture, not ${stdout}`, RUN_USAGE);
  const input = values['input-file'] !== undefined ? readFileSync(values['input-file']) : values.input;
  const env = values.env ? parseEnv(values.env) : undefined;
  const preopens = (values.dir ?? []).map(parseDir);
  const worldSize = values['mpi-world-size'] !== undefined ? positiveInt(values['mpi-world-size'], '--mpi-world-size') : undefined;
  const timeoutMs = values.timeout !== undefined ? positiveInt(values.timeout, '--timeout') : undefined;

  const runtime = await createRuntime({
    workers: 1,
    stdout: values.json ? 'capture' : stdout,
    ...(values.functions ? { functionsDir: resolve(values.functions) } : {}),
    ...(values.redis ? { state: { redis: values.redis } } : {}),
    ...(values['allow-net'] ? { network: { allow: values['allow-net'].map(parseAllow) } } : {}),
    packageOptions: {
      ...(preopens.length > 0 ? { '@faasm/wasi': { preopens } } : {}),
      ...(worldSize !== undefined ? { '@faasm/mpi': { worldSize } } : {}),
    },
  });
  try {
    const result = await runtime.invoke(target, {
      args,
      ...(input !== undefined ? { input } : {}),
      ...(env ? { env } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({
          returnValue: result.returnValue,
          output: result.output.toString(),
          stdout: result.stdout.toString(),
          stderr: result.stderr.toString(),
          durationMs: result.durationMs,
          ...(result.error ? { error: result.error } : {}),
        })}\n`,
      );
    } else {
      if (result.stdout.length > 0) process.stdout.write(result.stdout);
      if (result.stderr.length > 0) process.stderr.write(result.stderr);
      if (result.returnValue !== 0) {
        process.stderr.write(`faasm: ${result.output.toString()}${result.error ? `: ${result.error}` : ''}\n`);
      } else if (!values['no-output'] && result.output.length > 0) {
        process.stdout.write(result.output);
        if (result.output[result.output.length - 1] !== 10) process.stdout.write('\n');
      }
    }
    return exitCodeOf(result.returnValue);
  } finally {
    await runtime.close();
  }
}

/** The process exit code for a return value (never 0 for a failed call). */
export function exitCodeOf(returnValue: number): number {
  if (returnValue === 0) return 0;
  return returnValue & 0xff || 1;
}

function parseEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`faasm run: --env takes K=V, not '${pair}'`, RUN_USAGE);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

function parseDir(spec: string): { host: string; guest: string } {
  const sep = spec.indexOf('::');
  const host = sep >= 0 ? spec.slice(0, sep) : spec;
  const guest = sep >= 0 ? spec.slice(sep + 2) : spec;
  if (!host || !guest) throw new UsageError(`faasm run: --dir takes HOST[::GUEST], not '${spec}'`, RUN_USAGE);
  return { host: resolve(host), guest };
}

function parseAllow(spec: string): { host: string; port: number | [number, number] } {
  const match = /^(.+):(\d+)(?:-(\d+))?$/.exec(spec);
  const low = Number(match?.[2]);
  const high = match?.[3] !== undefined ? Number(match[3]) : undefined;
  if (!match || low > 65535 || (high !== undefined && (high > 65535 || high < low))) {
    throw new UsageError(`faasm run: --allow-net takes HOST:PORT or HOST:LOW-HIGH, not '${spec}'`, RUN_USAGE);
  }
  return { host: match[1]!, port: high === undefined ? low : [low, high] };
}

function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`faasm run: ${flag} takes a positive integer, not '${text}'`, RUN_USAGE);
  return value;
}
