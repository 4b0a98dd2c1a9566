/**
 * The byte-stream transport between the ranks of a world. The engine frames messages
 * on top of one ordered stream per (source, destination) pair; a transport only moves
 * bytes and wakes sleepers. The shared-memory transport (shm.ts) serves ranks on one
 * host; a TCP transport between hosts implements the same interface.
 */
export interface Transport {
  readonly rank: number;
  readonly size: number;
  /** Bytes that can be appended to the stream to `peer` now. */
  writable(peer: number): number;
  /** Appends `bytes` (at most `writable(peer)`) to the stream to `peer`; visible after `publish`. */
  write(peer: number, bytes: Uint8Array): void;
  /** Appends `n` padding bytes. */
  pad(peer: number, n: number): void;
  /** Makes appended bytes visible to `peer` and wakes it if it sleeps. */
  publish(peer: number): void;
  /** Bytes available from `peer`. */
  readable(peer: number): number;
  /** Consumes exactly `into.length` (at most `readable(peer)`) bytes into `into`. */
  read(peer: number, into: Uint8Array): void;
  /** Consumes `n` bytes without copying them. */
  skip(peer: number, n: number): void;
  /** Returns consumed space to `peer` and wakes it if it waits for space. */
  release(peer: number): void;
  /** Arms a sleep: returns a token; anything published after this wakes `sleep(token)`. */
  armSleep(): number;
  /** Sleeps until woken or `timeoutMs` passes (returns at once if woken since `armSleep`). */
  sleep(token: number, timeoutMs: number): void;
  /** Cancels an armed sleep. */
  disarm(): void;
}
