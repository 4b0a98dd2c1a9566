/*
 * The global tier on Redis, spoken synchronously from a Faaslet's worker: RESP over a
 * blocking TCP socket from @faasm/native (the guest blocks the worker's event loop, so
 * an async client cannot run there). One round trip per operation, no hop through the
 * main thread. Same keys, Lua scripts and lock tokens as RedisStore (redis-scripts.ts),
 * so workers using this and hosts using RedisStore share one server.
 */
import type { KeptFds } from '@faasm/abi';
import type { NativeSyscalls } from '@faasm/native';
import type { LockMode } from './protocol.js';
import { LOCK, redisKeys, scriptSha, SET_RANGES, UNLOCK } from './redis-scripts.js';
import type { Range, RedisDirectAccess } from './store.js';

/** A RESP2 reply: integer, simple string, bulk string, nil, error or array. */
export type Reply = number | string | Uint8Array | null | ReplyError | Reply[];

/** An error reply (`-ERR ...`): the command failed, the connection is fine. */
export class ReplyError {
  constructor(readonly message: string) {}
}

const CR = 13;
const LF = 10;
/** Arguments longer than this are written from their own memory (no copy into the output buffer). */
const COPY_LIMIT = 16 * 1024;
const BUFFER = 64 * 1024;
/** Linux errno values the socket reports. */
const EAGAIN = 11;
const EINTR = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Arg = string | number | Uint8Array;

/**
 * One blocking RESP2 connection. Commands are buffered by {@link command} and sent by
 * the first read (so several commands form one pipeline, one round trip); replies are
 * read in order. A socket error or timeout breaks the connection for good (a late reply
 * would desynchronise it): every later call throws.
 */
export class SyncRedis {
  #in = new Uint8Array(BUFFER);
  #start = 0;
  #end = 0;
  #out = new Uint8Array(BUFFER);
  #outLength = 0;
  #broken: Error | undefined;
  #fd: number;

  private constructor(
    private readonly sys: NativeSyscalls,
    fd: number,
    private readonly where: string,
    private readonly kept: KeptFds | undefined,
  ) {
    this.#fd = fd;
  }

  /**
   * Connects (blocking); reads and writes give up after timeoutMs. Throws on failure.
   * `kept` records the socket while it is open (released before every close).
   */
  static connect(sys: NativeSyscalls, host: string, port: number, timeoutMs: number, kept?: KeptFds): SyncRedis {
    const fd = sys.connectTcp(host, port, timeoutMs);
    if (fd < 0) throw new Error(`redis ${host}:${port}: connect failed (errno ${-fd})`);
    kept?.keep(fd);
    return new SyncRedis(sys, fd, `${host}:${port}`, kept);
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  close(): void {
    this.#closeFd();
    this.#broken ??= new Error(`redis ${this.where}: connection closed`);
  }

  #closeFd(): void {
    if (this.#fd >= 0) {
      this.kept?.release(this.#fd);
      this.sys.close(this.#fd);
    }
    this.#fd = -1;
  }

  /**
   * Whether an idle connection can take the next command: open, nothing queued or
   * buffered, and the socket neither readable nor hung up (one poll(2), no wait). With
   * no request in flight, a readable socket means the server closed it (EOF), reset it,
   * or sent bytes nobody asked for (a reply left unread): either way it must go.
   */
  usable(): boolean {
    if (this.#fd < 0 || this.#broken || this.#outLength > 0 || this.#start !== this.#end) return false;
    return this.sys.pollIn(this.#fd, 0) === 0;
  }

  /** Queues one command (sent by the next read, or by {@link flush}). */
  command(args: readonly Arg[]): void {
    this.#check();
    this.#ascii(`*${args.length}\r\n`);
    for (const arg of args) {
      if (typeof arg === 'number') {
        const text = String(arg);
        this.#ascii(`$${text.length}\r\n${text}\r\n`);
      } else if (typeof arg === 'string') {
        this.#bytes(encoder.encode(arg));
      } else {
        this.#bytes(arg);
      }
    }
  }

  #bytes(arg: Uint8Array): void {
    this.#ascii(`$${arg.length}\r\n`);
    if (arg.length > COPY_LIMIT) {
      this.flush();
      this.#writeAll(arg);
    } else {
      this.#reserve(arg.length);
      this.#out.set(arg, this.#outLength);
      this.#outLength += arg.length;
    }
    this.#ascii('\r\n');
  }

  /** Sends what is queued. */
  flush(): void {
    if (this.#outLength === 0) return;
    const length = this.#outLength;
    this.#outLength = 0;
    this.#writeAll(this.#out.subarray(0, length));
  }

  /** The next reply (sends queued commands first). Error replies are returned, not thrown. */
  reply(): Reply {
    this.flush();
    const [type, line] = this.#line();
    switch (type) {
      case 0x2b: // '+'
        return line;
      case 0x2d: // '-'
        return new ReplyError(line);
      case 0x3a: // ':'
        return Number(line);
      case 0x24: {
        // '$'
        const length = Number(line);
        if (length < 0) return null;
        const value = new Uint8Array(length);
        this.#readInto(value, 0, length);
        this.#skip(2);
        return value;
      }
      case 0x2a: {
        // '*'
        const count = Number(line);
        if (count < 0) return null;
        const items: Reply[] = [];
        for (let i = 0; i < count; i++) items.push(this.reply());
        return items;
      }
      default:
        throw this.#fail(`unexpected reply type ${String.fromCharCode(type)}`);
    }
  }

  /**
   * Reads a bulk-string reply straight into dest[offset, offset+max): the first
   * min(length, max) bytes land there (the rest is read and dropped). Returns the
   * value's length, or -1 for nil; an error reply throws.
   */
  bulkInto(dest: Uint8Array, offset: number, max: number): number {
    this.flush();
    const [type, line] = this.#line();
    if (type === 0x2d) throw new Error(`redis: ${line}`);
    if (type !== 0x24) throw this.#fail(`expected a bulk string, got ${String.fromCharCode(type)}${line}`);
    const length = Number(line);
    if (length < 0) return -1;
    const kept = Math.min(length, max);
    this.#readInto(dest, offset, kept);
    this.#skip(length - kept + 2);
    return length;
  }

  #check(): void {
    if (this.#broken) throw this.#broken;
  }

  #fail(why: string): Error {
    const error = new Error(`redis ${this.where}: ${why}`);
    this.#closeFd();
    this.#broken = error;
    return error;
  }

  #reserve(n: number): void {
    if (this.#outLength + n <= this.#out.length) return;
    if (this.#outLength > 0 && n <= this.#out.length) {
      this.flush();
      return;
    }
    const grown = new Uint8Array(Math.max(this.#out.length * 2, this.#outLength + n));
    grown.set(this.#out.subarray(0, this.#outLength));
    this.#out = grown;
  }

  #ascii(text: string): void {
    this.#reserve(text.length);
    const out = this.#out;
    let at = this.#outLength;
    for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
    this.#outLength = at;
  }

  #writeAll(bytes: Uint8Array): void {
    this.#check();
    for (let done = 0; done < bytes.length; ) {
      const n = this.sys.write(this.#fd, bytes, done, bytes.length - done);
      if (n === -EINTR) continue;
      if (n <= 0) throw this.#fail(n === -EAGAIN ? 'write timed out' : `write failed (errno ${-n})`);
      done += n;
    }
  }

  /** Reads more bytes into the input buffer (blocking). */
  #fill(): void {
    this.#check();
    if (this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#in.length) {
      if (this.#start > 0) {
        this.#in.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        const grown = new Uint8Array(this.#in.length * 2);
        grown.set(this.#in);
        this.#in = grown;
      }
    }
    for (;;) {
      const n = this.sys.read(this.#fd, this.#in, this.#end, this.#in.length - this.#end);
      if (n === -EINTR) continue;
      if (n === 0) throw this.#fail('connection closed by the server');
      if (n < 0) throw this.#fail(n === -EAGAIN ? 'read timed out' : `read failed (errno ${-n})`);
      this.#end += n;
      return;
    }
  }

  /** The next line: its type byte and the text after it (without CRLF). */
  #line(): [number, string] {
    let from = this.#start;
    for (;;) {
      const input = this.#in;
      for (let i = from; i + 1 < this.#end; i++) {
        if (input[i] === CR && input[i + 1] === LF) {
          const type = input[this.#start]!;
          const text = decoder.decode(input.subarray(this.#start + 1, i));
          this.#start = i + 2;
          return [type, text];
        }
      }
      // Resume at the last byte seen (it may be the CR): #fill may move the buffered bytes.
      const seen = Math.max(0, this.#end - 1 - this.#start);
      this.#fill();
      from = this.#start + seen;
    }
  }

  /** Reads exactly `length` bytes into dest at offset: buffered bytes first, then straight from the socket. */
  #readInto(dest: Uint8Array, offset: number, length: number): void {
    const buffered = Math.min(length, this.#end - this.#start);
    dest.set(this.#in.subarray(this.#start, this.#start + buffered), offset);
    this.#start += buffered;
    for (let done = buffered; done < length; ) {
      const n = this.sys.read(this.#fd, dest, offset + done, length - done);
      if (n === -EINTR) continue;
      if (n === 0) throw this.#fail('connection closed by the server');
      if (n < 0) throw this.#fail(n === -EAGAIN ? 'read timed out' : `read failed (errno ${-n})`);
      done += n;
    }
  }

  /** Reads and drops `length` bytes. */
  #skip(length: number): void {
    while (length > 0) {
      if (this.#start === this.#end) this.#fill();
      const n = Math.min(length, this.#end - this.#start);
      this.#start += n;
      length -= n;
    }
  }
}

function expectInteger(reply: Reply, what: string): number {
  if (typeof reply === 'number') return reply;
  if (reply instanceof ReplyError) throw new Error(`redis ${what}: ${reply.message}`);
  throw new Error(`redis ${what}: unexpected reply`);
}

function expectOk(reply: Reply, what: string): void {
  if (reply instanceof ReplyError) throw new Error(`redis ${what}: ${reply.message}`);
}

/**
 * The StateStore operations, synchronous, on one {@link SyncRedis} connection: what a
 * worker needs to push, pull, append and lock without the main thread. Values can be
 * read straight into a replica segment ({@link getInto}) and written from one.
 */
export class SyncRedisTier {
  readonly #shas = { lock: scriptSha(LOCK), unlock: scriptSha(UNLOCK), setRanges: scriptSha(SET_RANGES) };

  private constructor(
    private readonly redis: SyncRedis,
    private readonly prefix: string,
  ) {}

  /** Connects, authenticates and selects the database; throws on failure. */
  static connect(sys: NativeSyscalls, access: RedisDirectAccess, timeoutMs: number, kept?: KeptFds): SyncRedisTier {
    const redis = SyncRedis.connect(sys, access.host, access.port, timeoutMs, kept);
    try {
      if (access.password !== undefined) {
        redis.command(access.username !== undefined ? ['AUTH', access.username, access.password] : ['AUTH', access.password]);
        expectOk(redis.reply(), 'AUTH');
      }
      if (access.db !== 0) {
        redis.command(['SELECT', access.db]);
        expectOk(redis.reply(), 'SELECT');
      }
    } catch (error) {
      redis.close();
      throw error;
    }
    return new SyncRedisTier(redis, access.prefix);
  }

  get closed(): boolean {
    return this.redis.closed;
  }

  close(): void {
    this.redis.close();
  }

  /** See {@link SyncRedis.usable}: whether the kept connection can be reused. */
  usable(): boolean {
    return this.redis.usable();
  }

  #keys(key: string) {
    return redisKeys(this.prefix, key);
  }

  size(key: string): number {
    this.redis.command(['STRLEN', this.#keys(key).value]);
    return expectInteger(this.redis.reply(), 'STRLEN');
  }

  get(key: string): Uint8Array | undefined {
    this.redis.command(['GET', this.#keys(key).value]);
    const reply = this.redis.reply();
    if (reply === null) return undefined;
    if (reply instanceof Uint8Array) return reply;
    throw new Error(`redis GET: ${reply instanceof ReplyError ? reply.message : 'unexpected reply'}`);
  }

  /** GET into dest (at most dest.length bytes): the value's length, or -1 if it does not exist. */
  getInto(key: string, dest: Uint8Array): number {
    this.redis.command(['GET', this.#keys(key).value]);
    return this.redis.bulkInto(dest, 0, dest.length);
  }

  /** GETRANGE of every [start, end) range in one round trip; `into(i, bytes)` gets range i's bytes (shorter past the end). */
  getRangesInto(key: string, ranges: readonly [number, number][], into: (index: number, bytes: Uint8Array) => void): void {
    const value = this.#keys(key).value;
    for (const [start, end] of ranges) this.redis.command(['GETRANGE', value, start, end - 1]);
    const errors: string[] = [];
    for (let i = 0; i < ranges.length; i++) {
      const reply = this.redis.reply();
      if (reply instanceof Uint8Array) into(i, reply);
      else errors.push(reply instanceof ReplyError ? reply.message : 'unexpected reply');
    }
    if (errors.length > 0) throw new Error(`redis GETRANGE: ${errors[0]}`);
  }

  set(key: string, value: Uint8Array): void {
    this.redis.command(['SET', this.#keys(key).value, value]);
    expectOk(this.redis.reply(), 'SET');
  }

  /** Bytes [offset, offset+length) (shorter or empty past the end). */
  getRange(key: string, offset: number, length: number): Uint8Array {
    let out: Uint8Array = new Uint8Array(0);
    if (length > 0) this.getRangesInto(key, [[offset, offset + length]], (_, bytes) => (out = bytes));
    return out;
  }

  /** Writes every range atomically (the SET_RANGES script); a missing value is created zero-filled with `size` bytes. */
  setRanges(key: string, size: number, ranges: readonly Range[]): void {
    this.#setRanges(key, size, ranges, undefined);
  }

  /** setRanges, then (same round trip) the value read into dest as by {@link getInto}. */
  setRangesThenGetInto(key: string, size: number, ranges: readonly Range[], dest: Uint8Array): number {
    return this.#setRanges(key, size, ranges, dest);
  }

  #setRanges(key: string, size: number, ranges: readonly Range[], dest: Uint8Array | undefined): number {
    const value = this.#keys(key).value;
    const script = (verb: 'EVALSHA' | 'EVAL', body: string): Arg[] => {
      const list: Arg[] = [verb, body, 1, value, size];
      for (const { offset, data } of ranges) list.push(offset, data);
      return list;
    };
    if (ranges.length > 0) this.redis.command(script('EVALSHA', this.#shas.setRanges));
    if (dest) this.redis.command(['GET', value]);
    if (ranges.length > 0) {
      const reply = this.redis.reply();
      if (reply instanceof ReplyError && reply.message.startsWith('NOSCRIPT')) {
        // The server had not seen the script: drop the GET that went with it, send the script whole.
        if (dest) this.redis.bulkInto(dest, 0, 0);
        this.redis.command(script('EVAL', SET_RANGES));
        expectOk(this.redis.reply(), 'SET_RANGES');
        if (dest) this.redis.command(['GET', value]);
      } else {
        expectOk(reply, 'SET_RANGES');
      }
    }
    return dest ? this.redis.bulkInto(dest, 0, dest.length) : 0;
  }

  append(key: string, data: Uint8Array): void {
    this.redis.command(['RPUSH', this.#keys(key).list, data]);
    expectInteger(this.redis.reply(), 'RPUSH');
  }

  /** The first `count` appended elements (fewer if there are fewer). */
  readAppended(key: string, count: number): Uint8Array[] {
    if (count <= 0) return [];
    this.redis.command(['LRANGE', this.#keys(key).list, 0, count - 1]);
    const reply = this.redis.reply();
    if (!Array.isArray(reply)) throw new Error(`redis LRANGE: ${reply instanceof ReplyError ? reply.message : 'unexpected reply'}`);
    return reply.map((item) => {
      if (!(item instanceof Uint8Array)) throw new Error('redis LRANGE: unexpected element');
      return item;
    });
  }

  clearAppended(key: string): void {
    this.redis.command(['DEL', this.#keys(key).list]);
    expectInteger(this.redis.reply(), 'DEL');
  }

  /** Tries once to take the global lock (the LOCK script); true if `owner` now holds it. */
  tryLock(key: string, mode: LockMode, owner: string, ttlMs: number): boolean {
    const k = this.#keys(key);
    return this.#script('lock', LOCK, [k.writer, k.readers], [mode, owner, Math.max(1, Math.ceil(ttlMs))]) === 1;
  }

  /** Releases; false if `owner` does not hold it (never taken, or expired). */
  unlock(key: string, mode: LockMode, owner: string): boolean {
    const k = this.#keys(key);
    return this.#script('unlock', UNLOCK, [k.writer, k.readers], [mode, owner]) === 1;
  }

  delete(key: string): void {
    const k = this.#keys(key);
    this.redis.command(['DEL', k.value, k.list, k.writer, k.readers]);
    expectInteger(this.redis.reply(), 'DEL');
  }

  /** EVALSHA, or EVAL when the server does not have the script yet. */
  #script(name: 'lock' | 'unlock', lua: string, keys: readonly string[], argv: readonly Arg[]): number {
    this.redis.command(['EVALSHA', this.#shas[name], keys.length, ...keys, ...argv]);
    let reply = this.redis.reply();
    if (reply instanceof ReplyError && reply.message.startsWith('NOSCRIPT')) {
      this.redis.command(['EVAL', lua, keys.length, ...keys, ...argv]);
      reply = this.redis.reply();
    }
    return expectInteger(reply, name);
  }

}
