import type { GuestMemory } from '@faasm/abi';

const UTF8 = new TextDecoder();

/** UTF-8 decode with a fast path for short ASCII (TextDecoder dominates small %s otherwise). */
function decode(bytes: Uint8Array): string {
  if (bytes.length > 64) return UTF8.decode(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return UTF8.decode(bytes);
    s += String.fromCharCode(b);
  }
  return s;
}

/**
 * C's printf in the host, reading arguments from a wasm32 va_list (a pointer into the
 * caller's argument area; each argument at its natural alignment: int/long/pointer 4,
 * long long/double 8, long double 16). Supports flags `-+ #0`, width and precision
 * (`*` too), lengths hh h l ll j z t L q, and d i u o x X c s p f F e E g G a A % (n is
 * refused: writing through a format is not something a host should do). Output matches
 * glibc/musl for these.
 */
export function formatC(memory: GuestMemory, format: string, vaList: number): string {
  let ap = vaList >>> 0;
  const next = (size: 4 | 8 | 16): number => {
    ap = Math.ceil(ap / size) * size;
    const at = ap;
    ap += size;
    return at;
  };
  const int32 = () => memory.i32(next(4));
  const int64 = () => memory.i64(next(8));
  let out = '';
  let i = 0;
  const directive = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|j|z|t|L|q)?([diuoxXcspfFeEgGaA%n])/y;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct;
    directive.lastIndex = i;
    const spec = directive.exec(format);
    if (!spec) {
      out += '%';
      i++;
      continue;
    }
    i += spec[0].length;
    const flags = spec[1] ?? '';
    let width = spec[2] === '*' ? int32() : spec[2] !== undefined ? Number(spec[2]) : 0;
    let left = flags.includes('-');
    if (width < 0) {
      left = true;
      width = -width;
    }
    let precision: number | undefined = spec[3] === '*' ? int32() : spec[3] !== undefined ? Number(spec[3] || '0') : undefined;
    if (precision !== undefined && precision < 0) precision = undefined;
    const length = spec[4] ?? '';
    const conv = spec[5]!;
    const wide = length === 'll' || length === 'j' || length === 'q';
    let body: string;
    let prefix = '';
    let zeroPad = flags.includes('0') && !left;
    switch (conv) {
      case '%':
        out += '%';
        continue;
      case 'n':
        throw new Error('printf: %n is not supported');
      case 'c':
        body = String.fromCharCode(int32() & 0xff);
        zeroPad = false;
        break;
      case 's': {
        const ptr = int32() >>> 0;
        if (ptr === 0) body = '(null)';
        else {
          const max = precision ?? 1 << 20;
          const limit = Math.max(0, Math.min(max, memory.size - ptr));
          const view = memory.bytes(ptr, limit);
          const end = view.indexOf(0);
          if (end < 0 && precision === undefined) memory.cstring(ptr);
          body = decode(view.subarray(0, end < 0 ? limit : end));
        }
        zeroPad = false;
        break;
      }
      case 'p': {
        const ptr = int32() >>> 0;
        body = ptr === 0 ? '(nil)' : `0x${ptr.toString(16)}`;
        zeroPad = false;
        break;
      }
      case 'd':
      case 'i': {
        let v: bigint | number = wide ? int64() : int32();
        if (length === 'h') v = (Number(v) << 16) >> 16;
        if (length === 'hh') v = (Number(v) << 24) >> 24;
        const neg = v < 0;
        body = integer((neg ? -v : v).toString(), precision);
        prefix = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        if (precision !== undefined) zeroPad = false;
        break;
      }
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        let v: bigint | number = wide ? BigInt.asUintN(64, int64()) : int32() >>> 0;
        if (length === 'h') v = Number(v) & 0xffff;
        if (length === 'hh') v = Number(v) & 0xff;
        const radix = conv === 'u' ? 10 : conv === 'o' ? 8 : 16;
        let digits = v.toString(radix);
        if (conv === 'X') digits = digits.toUpperCase();
        body = integer(digits, precision);
        if (flags.includes('#')) {
          if (conv === 'o' && !body.startsWith('0')) body = `0${body}`;
          if ((conv === 'x' || conv === 'X') && Number(v) !== 0) prefix = conv === 'x' ? '0x' : '0X';
        }
        if (precision !== undefined) zeroPad = false;
        break;
      }
      default: {
        const v = length === 'L' ? longDouble(memory, next(16)) : memory.f64(next(8));
        const neg = v < 0 || Object.is(v, -0);
        body = float(Math.abs(v), conv, precision, flags.includes('#'));
        prefix = neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        if (!Number.isFinite(v)) zeroPad = false;
      }
    }
    const pad = Math.max(0, width - prefix.length - body.length);
    if (left) out += prefix + body + ' '.repeat(pad);
    else if (zeroPad) out += prefix + '0'.repeat(pad) + body;
    else out += ' '.repeat(pad) + prefix + body;
  }
  return out;
}

function integer(digits: string, precision: number | undefined): string {
  if (precision === undefined) return digits;
  if (precision === 0 && digits === '0') return '';
  return digits.padStart(precision, '0');
}

/** A 128-bit IEEE quad (wasm32 long double) read as the nearest double. */
function longDouble(memory: GuestMemory, at: number): number {
  const lo = memory.u64(at);
  const hi = memory.u64(at + 8);
  const sign = (hi >> 63n) & 1n;
  const exp = Number((hi >> 48n) & 0x7fffn);
  const mantissa = ((hi & 0xffffffffffffn) << 64n) | lo;
  let v: number;
  if (exp === 0x7fff) v = mantissa === 0n ? Infinity : NaN;
  else if (exp === 0) v = 0;
  else v = (1 + Number(mantissa >> 60n) / 2 ** 52) * 2 ** (exp - 16383);
  return sign ? -v : v;
}

/** x (finite, ≥ 0) as mantissa × 2^exponent, exactly. */
function decompose(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  return exp === 0 ? [frac, -1074] : [frac | (1n << 52n), exp - 1075];
}

/** round(x × 10^k) with ties to even, exactly (C's printf rounds the exact binary value). */
function roundScaled(x: number, k: number): bigint {
  const [mant, e] = decompose(x);
  let num = mant;
  let den = 1n;
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

/**
 * %f digits: x with `p` decimals. JS's toFixed rounds the exact value too, but ties up;
 * C ties to even. A tie needs x·10^p ≡ ½, which needs x·2^(p+1) to be an integer (5^p is
 * odd), so only those values take the exact BigInt path.
 */
function fixed(x: number, p: number): string {
  if (x < 1e21 && p <= 100 && !Number.isInteger(x * 2 ** (p + 1))) return x.toFixed(p);
  const digits = roundScaled(x, p).toString().padStart(p + 1, '0');
  return p === 0 ? digits : `${digits.slice(0, -p)}.${digits.slice(-p)}`;
}

/** %e parts: [significant digits (p + 1 of them), decimal exponent]. */
function scientific(x: number, p: number): [string, number] {
  if (x === 0) return ['0'.repeat(p + 1), 0];
  if (p <= 100) {
    // Fast path unless a tie is possible (see fixed): digits = x·10^(p-e).
    const [m, ex] = x.toExponential(p).split('e') as [string, string];
    const e = Number(ex);
    const k = p - e;
    if (!(k >= 0 ? Number.isInteger(x * 2 ** (k + 1)) : Number.isInteger(x))) return [m.replace('.', ''), e];
  }
  let e = Math.floor(Math.log10(x));
  let digits = roundScaled(x, p - e);
  const low = 10n ** BigInt(p);
  if (digits >= low * 10n) {
    e += 1;
    digits = roundScaled(x, p - e);
  } else if (digits < low) {
    e -= 1;
    digits = roundScaled(x, p - e);
  }
  if (digits >= low * 10n) {
    e += 1;
    digits /= 10n;
  }
  return [digits.toString(), e];
}

function expForm(x: number, p: number): string {
  const [digits, e] = scientific(x, p);
  const mantissa = p === 0 ? digits : `${digits[0]}.${digits.slice(1)}`;
  const sign = e < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
}

function float(v: number, conv: string, precision: number | undefined, alt: boolean): string {
  const upper = conv === conv.toUpperCase();
  if (!Number.isFinite(v)) {
    const s = Number.isNaN(v) ? 'nan' : 'inf';
    return upper ? s.toUpperCase() : s;
  }
  const lower = conv.toLowerCase();
  let s: string;
  if (lower === 'f') s = fixed(v, Math.min(precision ?? 6, 400));
  else if (lower === 'e') s = expForm(v, Math.min(precision ?? 6, 400));
  else if (lower === 'a') s = hexFloat(v, precision);
  else {
    const p = precision === undefined ? 6 : precision === 0 ? 1 : Math.min(precision, 400);
    const x = scientific(v, p - 1)[1];
    if (p > x && x >= -4) s = fixed(v, p - 1 - x);
    else s = expForm(v, p - 1);
    if (!alt) s = stripZeros(s);
  }
  if (alt && !s.includes('.') && lower !== 'a') s = s.replace(/^(\d+)/, '$1.');
  return upper ? s.toUpperCase() : s;
}

function stripZeros(s: string): string {
  const [mantissa, exp] = s.split('e') as [string, string | undefined];
  const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return exp === undefined ? m : `${m}e${exp}`;
}

function hexFloat(v: number, precision: number | undefined): string {
  if (v === 0) return `0x0${precision ? `.${'0'.repeat(precision)}` : ''}p+0`;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let lead = '1';
  if (exp === 0) {
    lead = '0';
    exp = -1022;
  } else exp -= 1023;
  let hex = mant.toString(16).padStart(13, '0');
  if (precision !== undefined && precision < 13) {
    const shift = BigInt((13 - precision) * 4);
    const rounded = (mant + (1n << (shift - 1n))) >> shift;
    if (precision === 0) {
      lead = String(Number(lead) + Number(rounded));
      hex = '';
    } else hex = rounded.toString(16).padStart(precision, '0');
    mant = rounded;
  } else {
    hex = hex.replace(/0+$/, '');
    if (precision !== undefined) hex = hex.padEnd(precision, '0');
  }
  return `0x${lead}${hex ? `.${hex}` : ''}p${exp >= 0 ? '+' : ''}${exp}`;
}
