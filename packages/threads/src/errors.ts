import { GuestTrap, ProcExit } from '@faasm/abi';
import { FailureKind } from './layout.js';

/** A thread of the team failed: raised in the thread that waits for it (join, fork). */
export class ThreadFailure extends GuestTrap {
  override readonly name = 'ThreadFailure';
}

/** How a failure is stored in shared memory so another thread can rethrow it. */
export interface FailureRecord {
  readonly kind: (typeof FailureKind)[keyof typeof FailureKind];
  readonly code: number;
  readonly message: string;
}

/** Describes an error thrown by guest code (or a handler) for another thread. */
export function describeFailure(error: unknown): FailureRecord {
  if (error instanceof ProcExit) return { kind: FailureKind.EXIT, code: error.code, message: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: FailureKind.TRAP, code: 0, message };
}

/** The error the waiting thread raises for a recorded failure. */
export function failureError(where: string, record: FailureRecord): Error {
  if (record.kind === FailureKind.EXIT) return new ProcExit(record.code);
  return new ThreadFailure(where, record.message);
}
