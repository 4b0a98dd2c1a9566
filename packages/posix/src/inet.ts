import { Errno, type FaasletHost } from '@faasm/abi';
import { Af, HErrno } from './constants.js';
import { readGuestFile } from './fs.js';
import { Static, posixOf } from './state.js';

// Address helpers with no network access: byte order, text ↔ address, and lookups
// answered from the runtime root's etc/hosts and small built-in tables (no DNS).

/** `uint32_t htonl(uint32_t)` / ntohl: byte swap (wasm is little-endian). */
export function htonl(_host: FaasletHost, v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) | 0;
}
/** `uint16_t htons(uint16_t)` / ntohs: swaps the low two bytes. */
export function htons(_host: FaasletHost, v: number): number {
  return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
}

/** Parses C's inet_aton forms (a.b.c.d, a.b.c, a.b, a; decimal, 0x hex, 0 octal) to a host-order u32. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) v = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9]\d*$/.test(p)) v = parseInt(p, 10);
    else return undefined;
    nums.push(v);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  let value = 0;
  nums.forEach((n, i) => (value += n * 2 ** (24 - 8 * i)));
  return (value + last) >>> 0;
}

/** A host-order IPv4 as the i32 whose memory bytes are in network order. */
export function networkOrder(hostOrder: number): number {
  return htonl(undefined as never, hostOrder);
}

export function ipv4Text(networkValue: number): string {
  const v = networkValue >>> 0;
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].join('.');
}

/** `in_addr_t inet_addr(const char* cp)`: network-order address, or INADDR_NONE (-1). */
export function inetAddr(host: FaasletHost, cp: number): number {
  const v = parseIpv4(host.memory.cstring(cp, 256));
  return v === undefined ? -1 : networkOrder(v);
}

/** `int inet_aton(const char* cp, struct in_addr* out)`: 1 and the address, or 0. */
export function inetAton(host: FaasletHost, cp: number, out: number): number {
  const v = parseIpv4(host.memory.cstring(cp, 256));
  if (v === undefined) return 0;
  if (out !== 0) host.memory.setI32(out, networkOrder(v));
  return 1;
}

/** `char* inet_ntoa(struct in_addr in)`: dotted quad in a static buffer. */
export function inetNtoa(host: FaasletHost, addr: number): number {
  const at = posixOf(host).at(Static.INET_NTOA);
  host.memory.writeCString(at, ipv4Text(addr));
  return at;
}

function ipv6Text(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestAt < 0) return hex(words);
  return `${hex(words.slice(0, bestAt))}::${hex(words.slice(bestAt + bestLen))}`;
}

export function parseIpv6(text: string): Uint8Array | undefined {
  let t = text;
  let tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const v = parseStrictIpv4(v4[2]!);
    if (v === undefined) return undefined;
    tail = [v >>> 16, v & 0xffff];
    t = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => (/^[0-9a-fA-F]{1,4}$/.test(h) ? parseInt(h, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const count = head.length + rest.length + tail.length;
  if (head.some(Number.isNaN) || rest.some(Number.isNaN)) return undefined;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const words = [...head, ...new Array<number>(8 - count).fill(0), ...rest, ...tail];
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

/** inet_pton's strict dotted quad (exactly four decimal parts). */
function parseStrictIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0) >>> 0;
}

function isInet(af: number): boolean {
  return af === Af.INET;
}
function isInet6(af: number): boolean {
  return af === Af.INET6 || af === Af.LINUX_INET6;
}

/** `const char* inet_ntop(int af, const void* src, char* dst, socklen_t size)`: dst, or NULL with ENOSPC/EAFNOSUPPORT. */
export function inetNtop(host: FaasletHost, af: number, src: number, dst: number, size: number): number {
  const state = posixOf(host);
  let text: string;
  if (isInet(af)) text = ipv4Text(host.memory.i32(src));
  else if (isInet6(af)) text = ipv6Text(host.memory.copy(src, 16));
  else {
    state.fail(Errno.AFNOSUPPORT);
    return 0;
  }
  if (text.length + 1 > size >>> 0) {
    state.fail(Errno.NOSPC);
    return 0;
  }
  host.memory.writeCString(dst, text);
  return dst;
}

/** `int inet_pton(int af, const char* src, void* dst)`: 1 and the address, 0 if unparsable, -1/EAFNOSUPPORT. */
export function inetPton(host: FaasletHost, af: number, src: number, dst: number): number {
  const text = host.memory.cstring(src, 256);
  if (isInet(af)) {
    const v = parseStrictIpv4(text);
    if (v === undefined) return 0;
    host.memory.setI32(dst, networkOrder(v));
    return 1;
  }
  if (isInet6(af)) {
    const v = parseIpv6(text);
    if (!v) return 0;
    host.memory.write(dst, v);
    return 1;
  }
  return posixOf(host).fail(Errno.AFNOSUPPORT);
}

/** name → IPv4 from the runtime root's etc/hosts (default `127.0.0.1 localhost`) and "faasm". */
function hostsTable(host: FaasletHost): Array<[string, string[]]> {
  const text = readGuestFile(host, '/etc/hosts') ?? '127.0.0.1\tlocalhost\n';
  const rows = text.split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)).filter((r) => r.length >= 2 && parseStrictIpv4(r[0]!) !== undefined);
  const table = rows.map((r) => [r[0]!, r.slice(1)] as [string, string[]]);
  table.push(['127.0.0.1', ['faasm']]);
  return table;
}

/** Fills the static `struct hostent { char* h_name; char** h_aliases; int h_addrtype; int h_length; char** h_addr_list; }`. */
function hostent(host: FaasletHost, name: string, address: string): number {
  const state = posixOf(host);
  const base = state.at(Static.HOSTENT);
  const aliases = base + 20;
  const list = base + 24;
  const addr = base + 32;
  const nameAt = state.at(Static.HOSTENT_STRINGS);
  host.memory.writeCString(nameAt, name.slice(0, 250));
  host.memory.setU32(aliases, 0);
  host.memory.setI32(addr, networkOrder(parseStrictIpv4(address)!));
  host.memory.setU32(list, addr);
  host.memory.setU32(list + 4, 0);
  [nameAt, aliases, Af.INET, 4, list].forEach((w, i) => host.memory.setU32(base + i * 4, w));
  return base;
}

function hostNotFound(host: FaasletHost): number {
  const state = posixOf(host);
  host.memory.setI32(state.at(Static.H_ERRNO), HErrno.HOST_NOT_FOUND);
  return 0;
}

/** `struct hostent* gethostbyname(const char* name)`: dotted quads, etc/hosts and "faasm" (no DNS); NULL + h_errno HOST_NOT_FOUND. */
export function gethostbyname(host: FaasletHost, namePtr: number): number {
  const name = host.memory.cstring(namePtr, 1024);
  if (parseStrictIpv4(name) !== undefined) return hostent(host, name, name);
  const row = hostsTable(host).find(([, names]) => names.includes(name));
  return row ? hostent(host, name, row[0]) : hostNotFound(host);
}

/** `struct hostent* gethostbyaddr(const void* addr, socklen_t len, int type)`: reverse of etc/hosts; NULL + HOST_NOT_FOUND. */
export function gethostbyaddr(host: FaasletHost, addr: number, len: number, type: number): number {
  if (type !== Af.INET || len !== 4) return hostNotFound(host);
  const text = ipv4Text(host.memory.i32(addr));
  const row = hostsTable(host).find(([a]) => a === text);
  return row ? hostent(host, row[1][0]!, text) : hostNotFound(host);
}

const PROTOCOLS: ReadonlyMap<string, number> = new Map([['ip', 0], ['icmp', 1], ['tcp', 6], ['udp', 17], ['ipv6', 41]]);
const SERVICES: ReadonlyArray<[string, number, string]> = [
  ['ftp', 21, 'tcp'], ['ssh', 22, 'tcp'], ['smtp', 25, 'tcp'], ['domain', 53, 'udp'], ['domain', 53, 'tcp'],
  ['http', 80, 'tcp'], ['https', 443, 'tcp'], ['redis', 6379, 'tcp'],
];

/** `struct protoent* getprotobyname(const char* name)`: ip/icmp/tcp/udp/ipv6; NULL otherwise. */
export function getprotobyname(host: FaasletHost, namePtr: number): number {
  const name = host.memory.cstring(namePtr, 256);
  const proto = PROTOCOLS.get(name);
  if (proto === undefined) return 0;
  const base = posixOf(host).at(Static.PROTOENT);
  host.memory.writeCString(base + 16, name);
  host.memory.setU32(base + 12, 0);
  [base + 16, base + 12, proto].forEach((w, i) => host.memory.setU32(base + i * 4, w));
  return base;
}

function servent(host: FaasletHost, name: string, port: number, proto: string): number {
  const base = posixOf(host).at(Static.SERVENT);
  host.memory.writeCString(base + 20, name);
  host.memory.writeCString(base + 40, proto);
  host.memory.setU32(base + 16, 0);
  [base + 20, base + 16, htons(host, port), base + 40].forEach((w, i) => host.memory.setU32(base + i * 4, w));
  return base;
}

/** `struct servent* getservbyname(const char* name, const char* proto)`: a small built-in table; NULL otherwise. */
export function getservbyname(host: FaasletHost, namePtr: number, protoPtr: number): number {
  const name = host.memory.cstring(namePtr, 256);
  const proto = protoPtr === 0 ? undefined : host.memory.cstring(protoPtr, 256);
  const row = SERVICES.find(([n, , p]) => n === name && (proto === undefined || p === proto));
  return row ? servent(host, ...row) : 0;
}

/** `struct servent* getservbyport(int port, const char* proto)` (port in network order): the built-in table; NULL otherwise. */
export function getservbyport(host: FaasletHost, port: number, protoPtr: number): number {
  const proto = protoPtr === 0 ? undefined : host.memory.cstring(protoPtr, 256);
  const wanted = htons(host, port);
  const row = SERVICES.find(([, p, pr]) => p === wanted && (proto === undefined || pr === proto));
  return row ? servent(host, ...row) : 0;
}
