/**
 * MPI error classes (MPI 4.x §9.4). MPI_SUCCESS and MPI_ERR_OTHER keep Faasm's values
 * (0 and 1); the others are ours and match the SDK's mpi.h.
 */
export const MpiErr = {
  SUCCESS: 0,
  OTHER: 1,
  BUFFER: 2,
  COUNT: 3,
  TYPE: 4,
  TAG: 5,
  COMM: 6,
  RANK: 7,
  ROOT: 8,
  OP: 9,
  ARG: 10,
  REQUEST: 11,
  TRUNCATE: 12,
  WIN: 13,
  DIMS: 14,
  TOPOLOGY: 15,
  NO_MEM: 16,
  INTERN: 17,
  UNKNOWN: 18,
} as const;

export type MpiErrCode = (typeof MpiErr)[keyof typeof MpiErr];

const NAMES = new Map<number, string>(Object.entries(MpiErr).map(([k, v]) => [v, `MPI_ERR_${k}`]));

export function errName(code: number): string {
  return code === 0 ? 'MPI_SUCCESS' : (NAMES.get(code) ?? `MPI error ${code}`);
}

/** An MPI error raised by a handler: becomes the return code or aborts the world. */
export class MpiError extends Error {
  override readonly name = 'MpiError';
  constructor(
    readonly code: number,
    detail: string,
  ) {
    super(`${errName(code)}: ${detail}`);
  }
}

/** Shorthand: throws an MpiError when `ok` is false. */
export function check(ok: boolean, code: number, detail: string | (() => string)): asserts ok {
  if (!ok) throw new MpiError(code, typeof detail === 'string' ? detail : detail());
}
