/**
 * Error classes shared by every package. The split follows wasmtime's WASI layer:
 * an errno is data returned to the guest; everything here ends the guest's call.
 */

/** A guest pointer or length outside linear memory. Raised by {@link GuestMemory}. */
export class MemoryFault extends Error {
  override readonly name = 'MemoryFault';
  constructor(
    readonly pointer: number,
    readonly length: number,
    readonly memorySize: number,
  ) {
    super(`out-of-bounds guest access: pointer 0x${pointer.toString(16)}, length ${length}, memory size ${memorySize}`);
  }
}

/**
 * A trap raised from inside a host import: ends the Faaslet's call. The message always
 * names the import, so a guest fault is attributable.
 */
export class GuestTrap extends Error {
  override readonly name: string = 'GuestTrap';
  constructor(
    readonly importName: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${importName}: ${detail}`, options);
  }
}

/** The guest called `proc_exit`/`exit`: unwinds the call with its exit code. */
export class ProcExit extends Error {
  override readonly name = 'ProcExit';
  constructor(readonly code: number) {
    super(`exit(${code})`);
  }
}

/** A host function this implementation deliberately does not support. */
export class Unimplemented extends GuestTrap {
  override readonly name = 'Unimplemented';
  constructor(importName: string, reason: string) {
    super(importName, `not supported: ${reason}`);
  }
}

/** Two packages provide the same import, or a module needs one nobody provides. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
}

/**
 * Errors that must cross a host import untouched (they carry control flow, like
 * {@link ProcExit}); everything else thrown by a handler is wrapped in a
 * {@link GuestTrap} naming the import.
 */
export function isControlFlow(error: unknown): boolean {
  return error instanceof ProcExit || error instanceof GuestTrap || (error as { controlFlow?: boolean } | null)?.controlFlow === true;
}
