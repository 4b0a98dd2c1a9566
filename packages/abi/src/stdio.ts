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
