import { PLACE_WORDS } from './affinity.js';
import {
  GLOBAL_WORDS, KEY_WORDS, MAX_KEYS, MAX_PTHREADS, MAX_SLOTS, MAX_TEAMS, MESSAGE_BYTES,
  PTHREAD_WORDS, SLOT_WORDS, TEAM_WORDS,
} from './layout.js';

/** The SharedArrayBuffers of one Faaslet's thread runtime (sent to every worker). */
export interface SharedBlocks {
  readonly global: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
  readonly teams: SharedArrayBuffer;
  readonly pthreads: SharedArrayBuffer;
  readonly keys: SharedArrayBuffer;
  readonly text: SharedArrayBuffer;
  /** The OpenMP place list (see affinity.ts). */
  readonly places: SharedArrayBuffer;
}

/** Where an error message is kept: a team, a pthread entry, or the orphan area. */
export type MessageArea = { readonly team: number } | { readonly pthread: number } | { readonly orphan: true };

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** Typed views over the shared blocks; `blocks` is what crosses to workers. */
export class SharedState {
  readonly blocks: SharedBlocks;
  readonly global: Int32Array;
  readonly slots: Int32Array;
  readonly teams: Int32Array;
  readonly teams64: BigInt64Array;
  readonly pthreads: Int32Array;
  readonly keys: Int32Array;
  readonly text: Uint8Array;
  readonly places: Int32Array;

  constructor(blocks?: SharedBlocks) {
    this.blocks = blocks ?? {
      global: new SharedArrayBuffer(GLOBAL_WORDS * 4),
      slots: new SharedArrayBuffer(MAX_SLOTS * SLOT_WORDS * 4),
      teams: new SharedArrayBuffer(MAX_TEAMS * TEAM_WORDS * 4),
      pthreads: new SharedArrayBuffer(MAX_PTHREADS * PTHREAD_WORDS * 4),
      keys: new SharedArrayBuffer(MAX_KEYS * KEY_WORDS * 4),
      // each message: a u32 length then the UTF-8 bytes
      text: new SharedArrayBuffer((MAX_TEAMS + MAX_PTHREADS + 1) * MESSAGE_BYTES),
      places: new SharedArrayBuffer(PLACE_WORDS * 4),
    };
    this.global = new Int32Array(this.blocks.global);
    this.slots = new Int32Array(this.blocks.slots);
    this.teams = new Int32Array(this.blocks.teams);
    this.teams64 = new BigInt64Array(this.blocks.teams);
    this.pthreads = new Int32Array(this.blocks.pthreads);
    this.keys = new Int32Array(this.blocks.keys);
    this.text = new Uint8Array(this.blocks.text);
    this.places = new Int32Array(this.blocks.places);
  }

  #offset(area: MessageArea): number {
    if ('team' in area) return area.team * MESSAGE_BYTES;
    if ('pthread' in area) return (MAX_TEAMS + area.pthread) * MESSAGE_BYTES;
    return (MAX_TEAMS + MAX_PTHREADS) * MESSAGE_BYTES;
  }

  writeMessage(area: MessageArea, message: string): void {
    const at = this.#offset(area);
    const bytes = ENCODER.encode(message).subarray(0, MESSAGE_BYTES - 4);
    new DataView(this.blocks.text).setUint32(at, bytes.length, true);
    this.text.set(bytes, at + 4);
  }

  readMessage(area: MessageArea): string {
    const at = this.#offset(area);
    const len = new DataView(this.blocks.text).getUint32(at, true);
    // TextDecoder refuses views over shared memory: copy first.
    return DECODER.decode(this.text.slice(at + 4, at + 4 + Math.min(len, MESSAGE_BYTES - 4)));
  }
}
