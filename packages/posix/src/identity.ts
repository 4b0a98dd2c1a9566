import { Errno, type FaasletHost } from '@faasm/abi';
import { HEAP } from '@faasm/memory';
import { Confstr, FAASM_STACK, Identity, RLIM_INFINITY, Rlimit, SYSCONF_VALUES, UTSNAME, UTS_FIELD } from './constants.js';
import { DEFAULT_GROUP, DEFAULT_PASSWD } from './options.js';
import { Static, posixOf, type PosixState } from './state.js';
import { Filetype } from './wasi-calls.js';
import { readGuestFile } from './fs.js';

// Identity: Faasm's fake process (faasm-abi.md: pid 23, uid/gid 1000, hostname "faasm").

/** `pid_t getpid(void)`: always 23. */
export function getpid(_host: FaasletHost): number {
  return Identity.PID;
}
/** `pid_t getppid(void)`: always 1 (a Faaslet's parent is the runtime). */
export function getppid(_host: FaasletHost): number {
  return Identity.PPID;
}
/** `uid_t getuid(void)` (and geteuid): 1000. */
export function getuid(_host: FaasletHost): number {
  return Identity.UID;
}
/** `gid_t getgid(void)` (and getegid): 1000. */
export function getgid(_host: FaasletHost): number {
  return Identity.GID;
}

/** `int getresuid(uid_t* r, uid_t* e, uid_t* s)`: writes 1000 three times, returns 0. */
export function getresuid(host: FaasletHost, r: number, e: number, s: number): number {
  for (const p of [r, e, s]) host.memory.setU32(p, Identity.UID);
  return 0;
}
/** `int getresgid(gid_t* r, gid_t* e, gid_t* s)`: writes 1000 three times, returns 0. */
export function getresgid(host: FaasletHost, r: number, e: number, s: number): number {
  for (const p of [r, e, s]) host.memory.setU32(p, Identity.GID);
  return 0;
}
/** `int setgroups(size_t n, const gid_t* list)`: -1/EPERM (no privilege in a Faaslet). */
export function setgroups(host: FaasletHost, _n: number, _list: number): number {
  return posixOf(host).fail(Errno.PERM);
}

/** Lines of etc/<name>: the option, else the guest's /etc (the runtime root's), else Faasm's default. */
function database(state: PosixState, name: 'passwd' | 'group'): string[][] {
  let text = name === 'passwd' ? state.options.passwd : state.options.group;
  text ??= readGuestFile(state.host, `/etc/${name}`);
  text ??= name === 'passwd' ? DEFAULT_PASSWD : DEFAULT_GROUP;
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
}

/** Writes NUL-terminated strings from `at`; returns their addresses (static area bounds checked). */
function strings(host: FaasletHost, at: number, end: number, values: readonly string[]): number[] {
  const out: number[] = [];
  let p = at;
  for (const v of values) {
    const bytes = new TextEncoder().encode(v);
    const room = end - p - 1;
    const cut = bytes.subarray(0, Math.max(0, room));
    host.memory.write(p, cut);
    host.memory.setU8(p + cut.length, 0);
    out.push(p);
    p += cut.length + 1;
  }
  return out;
}

/**
 * Fills the static `struct passwd { char* pw_name; char* pw_passwd; uid_t pw_uid;
 * gid_t pw_gid; char* pw_gecos; char* pw_dir; char* pw_shell; }` (28 bytes).
 */
function passwdEntry(host: FaasletHost, fields: string[]): number {
  const state = posixOf(host);
  const base = state.at(Static.PASSWD);
  const [name = '', pw = '', uid = '0', gid = '0', gecos = '', dir = '', shell = ''] = fields;
  const [pName, pPw, pGecos, pDir, pShell] = strings(host, state.at(Static.PASSWD_STRINGS), state.at(Static.GROUP), [name, pw, gecos, dir, shell]);
  const words = [pName!, pPw!, Number(uid) >>> 0, Number(gid) >>> 0, pGecos!, pDir!, pShell!];
  words.forEach((w, i) => host.memory.setU32(base + i * 4, w));
  return base;
}

/** `struct passwd* getpwnam(const char* name)`: from etc/passwd; NULL if absent. */
export function getpwnam(host: FaasletHost, name: number): number {
  const wanted = host.memory.cstring(name, 4096);
  const entry = database(posixOf(host), 'passwd').find((f) => f[0] === wanted);
  return entry ? passwdEntry(host, entry) : 0;
}

/** `struct passwd* getpwuid(uid_t uid)`: from etc/passwd; NULL if absent. */
export function getpwuid(host: FaasletHost, uid: number): number {
  const entry = database(posixOf(host), 'passwd').find((f) => Number(f[2]) === uid >>> 0);
  return entry ? passwdEntry(host, entry) : 0;
}

/** Fills the static `struct group { char* gr_name; char* gr_passwd; gid_t gr_gid; char** gr_mem; }`. */
function groupEntry(host: FaasletHost, fields: string[]): number {
  const state = posixOf(host);
  const base = state.at(Static.GROUP);
  const [name = '', pw = '', gid = '0', members = ''] = fields;
  const mem = members === '' ? [] : members.split(',').slice(0, 8);
  const memArray = base + 16;
  const [pName, pPw, ...pMem] = strings(host, state.at(Static.GROUP_STRINGS), state.at(Static.HOSTENT), [name, pw, ...mem]);
  host.memory.setU32(base, pName!);
  host.memory.setU32(base + 4, pPw!);
  host.memory.setU32(base + 8, Number(gid) >>> 0);
  host.memory.setU32(base + 12, memArray);
  pMem.forEach((p, i) => host.memory.setU32(memArray + i * 4, p));
  host.memory.setU32(memArray + pMem.length * 4, 0);
  return base;
}

/** `struct group* getgrnam(const char* name)`: from etc/group; NULL if absent. */
export function getgrnam(host: FaasletHost, name: number): number {
  const wanted = host.memory.cstring(name, 4096);
  const entry = database(posixOf(host), 'group').find((f) => f[0] === wanted);
  return entry ? groupEntry(host, entry) : 0;
}
/** `struct group* getgrgid(gid_t gid)`: from etc/group; NULL if absent. */
export function getgrgid(host: FaasletHost, gid: number): number {
  const entry = database(posixOf(host), 'group').find((f) => Number(f[2]) === gid >>> 0);
  return entry ? groupEntry(host, entry) : 0;
}
/** `struct group* getgrent(void)`: the next etc/group entry; NULL at the end. */
export function getgrent(host: FaasletHost): number {
  const state = posixOf(host);
  const entry = database(state, 'group')[state.groupCursor];
  if (!entry) return 0;
  state.groupCursor++;
  return groupEntry(host, entry);
}
/** `void setgrent(void)`: rewinds getgrent. */
export function setgrent(host: FaasletHost): void {
  posixOf(host).groupCursor = 0;
}
/** `void endgrent(void)`: rewinds getgrent (nothing to close). */
export function endgrent(host: FaasletHost): void {
  posixOf(host).groupCursor = 0;
}

/** `int uname(struct utsname* buf)`: sysname/nodename "faasm", machine "wasm32"; returns 0. */
export function uname(host: FaasletHost, buf: number): number {
  host.memory.check(buf, UTS_FIELD * 6);
  Object.values(UTSNAME).forEach((v, i) => {
    host.memory.fill(buf + i * UTS_FIELD, UTS_FIELD, 0);
    host.memory.writeCString(buf + i * UTS_FIELD, v);
  });
  return 0;
}

/** `int gethostname(char* name, size_t len)`: "faasm"; -1/ENAMETOOLONG if it does not fit. */
export function gethostname(host: FaasletHost, buf: number, len: number): number {
  const name = Identity.HOSTNAME;
  if ((len >>> 0) < name.length + 1) return posixOf(host).fail(Errno.NAMETOOLONG);
  host.memory.writeCString(buf, name);
  return 0;
}

/** `long sysconf(int name)`: Faasm's 4 processors, wasm's 64 KiB pages, sandbox values; unknown → -1/EINVAL. */
export function sysconf(host: FaasletHost, name: number): number {
  const value = SYSCONF_VALUES.get(name);
  if (value !== undefined) return value;
  if (name === 85 || name === 86) return Math.floor(host.services.require(HEAP).limit / 65536);
  return posixOf(host).fail(Errno.INVAL);
}

/** `size_t confstr(int name, char* buf, size_t len)`: _CS_PATH "/bin:/usr/bin"; returns the size needed; unknown → 0/EINVAL. */
export function confstr(host: FaasletHost, name: number, buf: number, len: number): number {
  if (name !== Confstr.PATH) {
    posixOf(host).fail(Errno.INVAL);
    return 0;
  }
  const value = new TextEncoder().encode('/bin:/usr/bin');
  const n = len >>> 0;
  if (buf !== 0 && n > 0) {
    const cut = value.subarray(0, n - 1);
    host.memory.write(buf, cut);
    host.memory.setU8(buf + cut.length, 0);
  }
  return value.length + 1;
}

/** The default limits of a Faaslet: [soft, hard]. */
function defaultLimit(host: FaasletHost, resource: number): [bigint, bigint] {
  switch (resource) {
    case Rlimit.STACK:
      return [BigInt(FAASM_STACK), BigInt(FAASM_STACK)];
    case Rlimit.NOFILE:
      return [1024n, 1024n];
    case Rlimit.NPROC:
      return [1n, 1n];
    case Rlimit.CORE:
      return [0n, 0n];
    case Rlimit.AS:
    case Rlimit.DATA: {
      const limit = BigInt(host.services.require(HEAP).limit);
      return [limit, limit];
    }
    default:
      return [RLIM_INFINITY, RLIM_INFINITY];
  }
}

/** `int getrlimit(int resource, struct rlimit* r)`: `{ u64 cur; u64 max; }`; bad resource → -1/EINVAL. */
export function getrlimit(host: FaasletHost, resource: number, rlim: number): number {
  const state = posixOf(host);
  if (resource >>> 0 >= Rlimit.COUNT) return state.fail(Errno.INVAL);
  const [cur, max] = state.rlimits.get(resource) ?? defaultLimit(host, resource);
  host.memory.setU64(rlim, cur);
  host.memory.setU64(rlim + 8, max);
  return 0;
}

/** `int setrlimit(int resource, const struct rlimit* r)`: recorded per Faaslet; raising the hard limit → EPERM. */
export function setrlimit(host: FaasletHost, resource: number, rlim: number): number {
  const state = posixOf(host);
  const cur = host.memory.u64(rlim);
  const max = host.memory.u64(rlim + 8);
  if (resource >>> 0 >= Rlimit.COUNT || cur > max) return state.fail(Errno.INVAL);
  const [, hard] = state.rlimits.get(resource) ?? defaultLimit(host, resource);
  if (max > hard) return state.fail(Errno.PERM);
  state.rlimits.set(resource, [cur, max]);
  return 0;
}

/** `int getrusage(int who, struct rusage* ru)`: CPU times since the Faaslet started, maxrss in KiB; 152 bytes. */
export function getrusage(host: FaasletHost, who: number, usage: number): number {
  const state = posixOf(host);
  if (who !== 0 && who !== -1 && who !== 1) return state.fail(Errno.INVAL);
  host.memory.fill(usage, 152, 0);
  if (who === -1) return 0;
  const cpu = process.cpuUsage(state.cpuAtStart);
  const put = (at: number, micros: number) => {
    host.memory.setI64(at, Math.floor(micros / 1e6));
    host.memory.setI32(at + 8, micros % 1e6);
  };
  put(usage, cpu.user);
  put(usage + 16, cpu.system);
  host.memory.setI32(usage + 32, Math.floor(host.memory.size / 1024));
  return 0;
}

/** `int getpriority(int which, id_t who)`: the Faaslet's recorded nice value (0); bad which → -1/EINVAL. */
export function getpriority(host: FaasletHost, which: number, _who: number): number {
  const state = posixOf(host);
  if (which < 0 || which > 2) return state.fail(Errno.INVAL);
  return state.priority;
}

/** `int setpriority(int which, id_t who, int prio)`: may only lower priority (raise nice), like an unprivileged process. */
export function setpriority(host: FaasletHost, which: number, _who: number, prio: number): number {
  const state = posixOf(host);
  if (which < 0 || which > 2) return state.fail(Errno.INVAL);
  const nice = Math.max(-20, Math.min(19, prio));
  if (nice < state.priority) return state.fail(Errno.ACCES);
  state.priority = nice;
  return 0;
}

/** `mode_t umask(mode_t mask)`: records the mask (& 0777), returns the previous one. */
export function umask(host: FaasletHost, mask: number): number {
  const state = posixOf(host);
  const old = state.umask;
  state.umask = mask & 0o777;
  return old;
}

/** `char* ttyname(int fd)`: "/dev/tty" for a character device fd; NULL with ENOTTY/EBADF otherwise. */
export function ttyname(host: FaasletHost, fd: number): number {
  const state = posixOf(host);
  const type = state.wasi.filetype(fd);
  if (type < 0) {
    state.fail(-type);
    return 0;
  }
  if (type !== Filetype.CHARACTER_DEVICE) {
    state.fail(Errno.NOTTY);
    return 0;
  }
  host.memory.writeCString(state.at(Static.TTYNAME), '/dev/tty');
  return state.at(Static.TTYNAME);
}
