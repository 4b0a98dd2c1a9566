/**
 * libffi's guest structs on wasm32 (shared/spec/faasm-abi.md, "Dynamic linking and FFI";
 * Faasm's `struct libffi_cif` / `struct libffi_type`) and its codes.
 *
 * ```c
 * typedef struct { uint32_t abi; uint32_t nargs; ffi_type **arg_types; ffi_type *rtype;
 *                  uint32_t bytes; uint32_t flags; } ffi_cif;                  // 24 bytes
 * typedef struct { uint32_t size; uint16_t alignment; uint16_t type;
 *                  ffi_type **elements; } ffi_type;                            // 12 bytes
 * typedef struct { void *ftramp; ffi_cif *cif;
 *                  void (*fun)(ffi_cif *, void *ret, void **args, void *user_data);
 *                  void *user_data; } ffi_closure;                            // 16 bytes
 * ```
 * A variadic cif (libffi's wasm32 port) has one more word: `unsigned nfixedargs`.
 * `ffi_closure` is the wasm32 port's: FFI_TRAMPOLINE_SIZE is 4, the trampoline word holds
 * the closure's function pointer (its table index).
 */
export const CIF = { abi: 0, nargs: 4, argTypes: 8, rtype: 12, bytes: 16, flags: 20, size: 24, nfixedargs: 24 } as const;

/**
 * libffi's wasm32 port marks a cif made by `ffi_prep_cif_var` with this bit in `flags`
 * and keeps the fixed-argument count in an extra field after Faasm's six,
 * `unsigned nfixedargs` at offset 24 (FFI_EXTRA_CIF_FIELDS).
 */
export const CIF_VARARGS_FLAG = 1;
export const TYPE = { size: 0, alignment: 4, type: 6, elements: 8, sizeOf: 12 } as const;
export const CLOSURE = { ftramp: 0, cif: 4, fun: 8, userData: 12, size: 16 } as const;

/** `enum libffi_type_value` (FFI_TYPE_*): VOID 0 … COMPLEX 15. */
export const FfiTypeCode = {
  VOID: 0,
  INT: 1,
  FLOAT: 2,
  DOUBLE: 3,
  LONGDOUBLE: 4,
  UINT8: 5,
  SINT8: 6,
  UINT16: 7,
  SINT16: 8,
  UINT32: 9,
  SINT32: 10,
  UINT64: 11,
  SINT64: 12,
  STRUCT: 13,
  POINTER: 14,
  COMPLEX: 15,
} as const;
export type FfiTypeCode = (typeof FfiTypeCode)[keyof typeof FfiTypeCode];

/** `ffi_status`. */
export const FfiStatus = { OK: 0, BAD_TYPEDEF: 1, BAD_ABI: 2, BAD_ARGTYPE: 3 } as const;

/**
 * `ffi_abi` of libffi's wasm32 port: FFI_FIRST_ABI 0, FFI_WASM32 1, FFI_WASM32_EMSCRIPTEN 2,
 * FFI_LAST_ABI 3. Both real ABIs are the clang wasm32 C ABI here (i64 crosses natively, so
 * emscripten's split 64-bit parameters do not apply).
 */
export const FfiAbi = { FIRST: 0, WASM32: 1, WASM32_EMSCRIPTEN: 2, LAST: 3 } as const;

/** `sizeof(ffi_arg)` on wasm32: small integer results are widened to it. */
export const FFI_ARG_SIZE = 4;

/** V8's limit on a wasm function's parameter count. */
export const MAX_WASM_PARAMS = 1000;
