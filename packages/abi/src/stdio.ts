import { ServiceKey } from './host.js';

/** What a call wrote to stdout/stderr while capture was on. */
export interface CapturedOutput {
  readonly stdout: Uint8Array;
  readonly stderr: Uint8Array;
}

/** Provided by the package that owns stdio (@faasm/wasi); read by the runtime after each call. */
export interface CapturedStdio {
  /** Returns what was captured since the last call and clears it. */
  takeCaptured(): CapturedOutput;
}

export const CAPTURED_STDIO = new ServiceKey<CapturedStdio>('captured-stdio');

/**
 * Guest paths read on the host's behalf (e.g. `__faasm_write_state_from_file`), inside
 * the guest's sandbox: provided by the package that owns the filesystem (@faasm/wasi).
 */
export interface GuestFiles {
  /** The whole file at a guest path (absolute, or relative to `.`); throws an ErrnoError. */
  readFile(path: string): Uint8Array;
}

export const GUEST_FILES = new ServiceKey<GuestFiles>('guest-files');
