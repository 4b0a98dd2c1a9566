import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The SDK's own folder (headers in include/, guest libraries in lib/). */
export const SDK_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SDK_INCLUDE = join(SDK_ROOT, 'include');
export const SDK_LIB = join(SDK_ROOT, 'lib');

/** The Debian packages that provide the guest toolchain. */
export const TOOLCHAIN_PACKAGES = [
  'clang-19', 'lld-19', 'wasi-libc', 'libclang-rt-19-dev-wasm32',
  'libc++-19-dev-wasm32', 'libc++abi-19-dev-wasm32', 'binaryen',
] as const;

export const FAASM_STACK_SIZE = 4 * 1024 * 1024;
export const FAASM_MAX_MEMORY = 4294901760;
/** Maximum memory of shared-memory (threads) guests: 1 GiB, reserved up front by V8. */
export const THREADS_MAX_MEMORY = 1024 * 1024 * 1024;

export interface CcOptions {
  /** C++ instead of C. */
  cxx?: boolean;
  /** The shared-memory thread kit (pthreads/OpenMP on a shared memory). */
  threads?: boolean;
  /** A side module for dlopen (PIC, `dylink.0`) instead of a Faaslet: see sideModuleFlags(). */
  sideModule?: boolean;
}

/**
 * Link flags for a Faasm guest: Faasm's own (stack first, 4 MiB stack, max memory,
 * exports of heap base, data end, malloc, free, ctors, stack pointer, zygote), plus
 * `--export-table`, which a JS host needs for calls through the function table, and
 * `--growable-table`, so that dlopen and libffi closures can add functions to it.
 */
export function faasmLinkFlags(): string[] {
  return [
    '-Wl,--allow-undefined',
    '-Wl,--stack-first',
    `-Wl,-z,stack-size=${FAASM_STACK_SIZE}`,
    `-Wl,--max-memory=${FAASM_MAX_MEMORY}`,
    '-Wl,--export-table',
    // dlopen (@faasm/dynlink) and libffi closures (@faasm/ffi) add functions to the table.
    '-Wl,--growable-table',
    '-Wl,--export=__heap_base',
    '-Wl,--export=__data_end',
    '-Wl,--export=__stack_pointer',
    '-Wl,--export-if-defined=malloc',
    '-Wl,--export-if-defined=free',
    '-Wl,--export-if-defined=__wasm_call_ctors',
    '-Wl,--export-if-defined=_faasm_zygote',
    // env.* POSIX imports set C's errno in the guest: the host needs its address.
    '-Wl,--export-if-defined=errno',
  ];
}

/**
 * Extra compile and link flags of the shared-memory thread kit (see THREADS.md):
 * atomics (else `_Thread_local`/threadprivate silently become shared globals), the
 * overlay headers (pthread.h, omp.h, the errno fix), an imported shared memory with a
 * maximum (else it cannot grow), the TLS exports the thread runtime calls, and the
 * allocator wrapped by lib/threads.c's lock (the libc allocator has none).
 */
export function threadFlags(): string[] {
  return [
    '-matomics',
    '-mbulk-memory',
    `-I${join(SDK_INCLUDE, 'threads')}`,
    '-Wl,--shared-memory',
    '-Wl,--import-memory',
    `-Wl,--max-memory=${THREADS_MAX_MEMORY}`,
    '-Wl,--no-check-features',
    ...['malloc', 'free', 'calloc', 'realloc', 'posix_memalign', 'aligned_alloc'].map((f) => `-Wl,--wrap=${f}`),
    '-Wl,--export-if-defined=__wasm_init_tls',
    '-Wl,--export-if-defined=__tls_base',
    '-Wl,--export-if-defined=__tls_size',
    '-Wl,--export-if-defined=__tls_align',
  ];
}

/**
 * Compile and link flags of a side module for @faasm/dynlink's dlopen (the
 * tool-conventions DynamicLinking.md ABI): position-independent code, default visibility
 * (wasm32 defaults to hidden, which would export nothing), `-shared` with wasm-ld's
 * experimental PIC, no entry point, and no libc: libc is not PIC in Debian's wasi-libc,
 * so a side module imports what it uses (strlen, malloc, ...) from the main module, which
 * must export it (e.g. `-Wl,--export=strlen`); `faasm cc` links every main module with
 * a growable table. `__wasm_call_ctors` is exported for dlopen to run.
 */
export function sideModuleFlags(): string[] {
  return [
    '-fPIC',
    '-fvisibility=default',
    '-shared',
    '-nostdlib',
    '-Wl,--experimental-pic',
    '-Wl,--no-entry',
    '-Wl,--allow-undefined',
    '-Wl,--export-if-defined=__wasm_call_ctors',
  ];
}

/** Guest libraries linked when a source includes a header (e.g. mpi.h → lib/mpi.c). */
const HEADER_LIBRARIES: ReadonlyArray<{ header: RegExp; source: string }> = [
  { header: /#\s*include\s*[<"]mpi\.h[>"]/, source: 'mpi.c' },
];

/** The text of a source and of every local header it includes with quotes, transitively. */
function sourceTexts(file: string, includeDirs: readonly string[], seen = new Set<string>()): string[] {
  if (seen.has(file) || !existsSync(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const texts = [text];
  for (const match of text.matchAll(/#\s*include\s*"([^"]+)"/g)) {
    const name = match[1]!;
    const found = [dirname(file), ...includeDirs].map((d) => join(d, name)).find((p) => existsSync(p));
    if (found && !found.startsWith(SDK_INCLUDE)) texts.push(...sourceTexts(found, includeDirs, seen));
  }
  return texts;
}

/**
 * Extra guest-library sources the given inputs need: a library is added when a source,
 * or a local header it includes, includes the library's header.
 */
export function librariesFor(inputs: readonly string[], options: CcOptions = {}, includeDirs: readonly string[] = []): string[] {
  const libs = new Set<string>();
  for (const input of inputs) {
    if (!/\.(c|cc|cpp|cxx)$/.test(input) || !existsSync(input)) continue;
    const texts = sourceTexts(input, includeDirs);
    for (const { header, source } of HEADER_LIBRARIES) {
      const path = join(SDK_LIB, source);
      if (texts.some((text) => header.test(text)) && existsSync(path)) libs.add(path);
    }
  }
  if (options.threads) {
    const shim = join(SDK_LIB, 'threads.c');
    if (existsSync(shim)) libs.add(shim);
  }
  return [...libs];
}

/** The full clang command line for `faasm cc` / `faasm c++`. */
export function ccCommand(args: readonly string[], options: CcOptions = {}): { command: string; args: string[] } {
  const command = options.cxx ? 'clang++-19' : 'clang-19';
  const inputs = args.filter((a) => !a.startsWith('-'));
  const includeDirs = args.filter((a) => a.startsWith('-I') && a.length > 2).map((a) => a.slice(2));
  // Compile-only runs (-c, -S, -E) take no link flags and no guest libraries.
  const links = !args.some((a) => a === '-c' || a === '-S' || a === '-E');
  if (options.sideModule && options.threads) throw new Error('a side module cannot use the threads kit');
  const kit = options.sideModule ? sideModuleFlags() : options.threads ? threadFlags() : [];
  const compileFlags = kit.filter((f) => links || !(f.startsWith('-Wl,') || f === '-shared' || f === '-nostdlib'));
  const linkFlags = options.sideModule ? [] : [...librariesFor(inputs, options, includeDirs), ...faasmLinkFlags()];
  const full = [
    '--target=wasm32-wasi',
    '--sysroot=/usr',
    `-I${SDK_INCLUDE}`,
    ...(options.cxx ? ['-fno-exceptions'] : []),
    ...compileFlags,
    ...args,
    ...(links ? linkFlags : []),
  ];
  return { command, args: full };
}

/**
 * The environment to run clang in: PATH without node_modules/.bin folders. clang runs
 * `wasm-opt` from PATH after linking, and npm puts the binaryen npm package's (a
 * different version, pulled in by jco) first under `npm run`/`npx`: builds would then
 * differ from Debian's binaryen and stop being reproducible.
 */
export function toolchainEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const path = (env['PATH'] ?? '').split(delimiter).filter((dir) => !/[\\/]node_modules[\\/]\.bin$/.test(dir));
  return { ...env, PATH: path.join(delimiter) };
}

export class ToolchainMissing extends Error {
  override readonly name = 'ToolchainMissing';
}

/** Checks the toolchain is installed; throws naming the Debian packages if not. */
export function checkToolchain(cxx = false, env: NodeJS.ProcessEnv = toolchainEnv()): void {
  const command = cxx ? 'clang++-19' : 'clang-19';
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8', env });
  if (probe.error || probe.status !== 0) {
    throw new ToolchainMissing(
      `${command} not found. Install the guest toolchain: apt-get install -y ${TOOLCHAIN_PACKAGES.join(' ')}`,
    );
  }
}

/** Runs `faasm cc`: returns clang's exit code (output goes to the caller's stdio). */
export function cc(args: readonly string[], options: CcOptions = {}): number {
  checkToolchain(options.cxx);
  const { command, args: full } = ccCommand(args, options);
  const result = spawnSync(command, full, { stdio: 'inherit', env: toolchainEnv() });
  return result.status ?? 1;
}
