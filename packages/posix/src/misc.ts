import { GuestTrap, type FaasletHost } from '@faasm/abi';
import { HEAP } from '@faasm/memory';
import { Static, posixOf } from './state.js';

// gettext (identity translations), C++ exception shims, setjmp/longjmp, errno cells.

/** `char* gettext(const char* msgid)`: msgid itself (no catalogues in a Faaslet). */
export function gettext(_host: FaasletHost, msgid: number): number {
  return msgid;
}
/** `char* dgettext(const char* domain, const char* msgid)`: msgid. */
export function dgettext(_host: FaasletHost, _domain: number, msgid: number): number {
  return msgid;
}
/** `char* dcgettext(const char* domain, const char* msgid, int category)`: msgid. */
export function dcgettext(_host: FaasletHost, _domain: number, msgid: number, _category: number): number {
  return msgid;
}

/** `char* textdomain(const char* domain)`: sets (if non-NULL) and returns the current domain ("messages" by default). */
export function textdomain(host: FaasletHost, domain: number): number {
  const state = posixOf(host);
  const at = state.at(Static.TEXTDOMAIN);
  if (domain !== 0) {
    const name = host.memory.cstring(domain, 4096);
    host.memory.writeCString(at, name.slice(0, 63));
  } else if (host.memory.u8(at) === 0) host.memory.writeCString(at, 'messages');
  return at;
}

/** `char* bindtextdomain(const char* domain, const char* dir)`: dir (the binding is not used: identity translations). */
export function bindtextdomain(host: FaasletHost, domain: number, dir: number): number {
  host.memory.cstring(domain, 4096);
  return dir;
}

/** `void* __cxa_allocate_exception(size_t n)`: space for the exception object (static area, or the heap if large). */
export function cxaAllocateException(host: FaasletHost, size: number): number {
  const state = posixOf(host);
  const n = size >>> 0;
  if (n <= Static.EXCEPTION_SIZE) {
    host.memory.fill(state.at(Static.EXCEPTION), n, 0);
    return state.at(Static.EXCEPTION);
  }
  return host.services.require(HEAP).allocate(n);
}

/** The mangled name of a `std::type_info` (`{ vtable; const char* name; }`), best effort. */
function typeName(host: FaasletHost, typeInfo: number): string {
  try {
    return host.memory.cstring(host.memory.u32(typeInfo + 4), 256);
  } catch {
    return `type info at 0x${(typeInfo >>> 0).toString(16)}`;
  }
}

/** `void __cxa_throw(void* obj, std::type_info* type, void (*dtor)(void*))`: ends the call: "uncaught C++ exception". */
export function cxaThrow(host: FaasletHost, obj: number, type: number, _dtor: number): void {
  posixOf(host).lastException = { ptr: obj, type };
  throw new GuestTrap('__cxa_throw', `uncaught C++ exception of type ${typeName(host, type)} (wasm has no native exceptions here: build with -fno-exceptions or -fwasm-exceptions)`);
}

/** `void* __cxa_begin_catch(void* obj)`: returns obj (never reached: a throw ends the call). */
export function cxaBeginCatch(_host: FaasletHost, obj: number): number {
  return obj;
}

/** `_Unwind_Reason_Code _Unwind_RaiseException(struct _Unwind_Exception*)`: ends the call: "uncaught C++ exception". */
export function unwindRaiseException(_host: FaasletHost, exception: number): number {
  throw new GuestTrap('_Unwind_RaiseException', `uncaught C++ exception (unwind object at 0x${(exception >>> 0).toString(16)})`);
}

/** `void _Unwind_DeleteException(struct _Unwind_Exception*)`: nothing to free. */
export function unwindDeleteException(_host: FaasletHost, _exception: number): void {}

/**
 * `int setjmp(jmp_buf env)`: returns 0 (the direct return). Wasm cannot resume a frame
 * from the host, so a later longjmp cannot return here; see longjmp.
 */
export function setjmp(host: FaasletHost, env: number): number {
  host.memory.check(env, 4);
  return 0;
}

/** `void longjmp(jmp_buf env, int val)`: ends the call with a clear error (no native setjmp/longjmp in wasm). */
export function longjmp(_host: FaasletHost, _env: number, value: number): void {
  throw new GuestTrap('longjmp', `longjmp(…, ${value}) is not supported: wasm has no native setjmp/longjmp (build the guest with -mllvm -wasm-enable-sjlj)`);
}

/** `int* __errno_location(void)`: the Faaslet's errno cell (used when the guest's libc has none). */
export function errnoLocation(host: FaasletHost): number {
  return posixOf(host).at(Static.ERRNO);
}

/** `int* __h_errno_location(void)`: the Faaslet's h_errno cell (set by gethostbyname). */
export function hErrnoLocation(host: FaasletHost): number {
  return posixOf(host).at(Static.H_ERRNO);
}
