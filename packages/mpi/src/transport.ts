/**
 * The byte-stream transport between the ranks of a world. The engine frames messages
 * on top of one ordered stream per (source, destination) pair; a transport only moves
 * bytes and wakes sleepers. The shared-memory transport (shm.ts) serves ranks on one
 * host; a TCP transport between hosts implements the same interface.
 */
export interface Transport {
  readonly rank: number;
  readonly size: number;
  /**
   * Bytes that can be appended to the stream to `peer` now: exact, or (when at least
   * `need` are known to be free) a lower bound of at least `need`. A transport may
   * then skip looking at the reader's position, which costs a cache miss.
   */
  writable(peer: number, need?: number): number;
  /**
   * Appends `n` bytes of `bytes` from `off` (default: all of it; at most
   * `writable(peer)`) to the stream to `peer`; visible after `publish`.
   */
  write(peer: number, bytes: Uint8Array, off?: number, n?: number): void;
  /** Appends `n` padding bytes. */
  pad(peer: number, n: number): void;
  /**
   * Appends a 16-byte frame header of three int32 words (and a zero word). The stream
   * position must be a multiple of 16 (the engine pads every payload to 16).
   */
  writeHeader(peer: number, w0: number, w1: number, w2: number): void;
  /** Makes appended bytes visible to `peer` and wakes it if it sleeps. */
  publish(peer: number): void;
  /**
   * Marks whether this rank waits for space in its stream to `peer`: while marked, the
   * reader wakes it whenever it returns space (otherwise `release` wakes nobody).
   */
  awaitSpace(peer: number, waiting: boolean): void;
  /** Bytes available from `peer`. */
  readable(peer: number): number;
  /** Consumes `n` bytes (default `into.length - off`; at most `readable(peer)`) into `into` at `off`. */
  read(peer: number, into: Uint8Array, off?: number, n?: number): void;
  /**
   * Copies the three words of the frame header at the read position into `out[0..2]`
   * without consuming it (at least 16 bytes must be readable; the position is a
   * multiple of 16).
   */
  peekHeader(peer: number, out: Int32Array): void;
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
