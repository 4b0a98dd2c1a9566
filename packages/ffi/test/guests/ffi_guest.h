// libffi's public structs and type objects for wasm32 guests (Debian has no wasm
// libffi): the layout @faasm/ffi decodes. ffi_call and ffi_prep_closure_loc are host
// imports; ffi_prep_cif(_var) is libffi's guest-side C, reduced here to filling the cif.
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef enum { FFI_FIRST_ABI = 0, FFI_WASM32 = 1, FFI_WASM32_EMSCRIPTEN = 2, FFI_LAST_ABI, FFI_DEFAULT_ABI = FFI_WASM32 } ffi_abi;
typedef enum { FFI_OK = 0, FFI_BAD_TYPEDEF, FFI_BAD_ABI, FFI_BAD_ARGTYPE } ffi_status;

#define FFI_TYPE_VOID 0
#define FFI_TYPE_INT 1
#define FFI_TYPE_FLOAT 2
#define FFI_TYPE_DOUBLE 3
#define FFI_TYPE_LONGDOUBLE 4
#define FFI_TYPE_UINT8 5
#define FFI_TYPE_SINT8 6
#define FFI_TYPE_UINT16 7
#define FFI_TYPE_SINT16 8
#define FFI_TYPE_UINT32 9
#define FFI_TYPE_SINT32 10
#define FFI_TYPE_UINT64 11
#define FFI_TYPE_SINT64 12
#define FFI_TYPE_STRUCT 13
#define FFI_TYPE_POINTER 14
#define FFI_TYPE_COMPLEX 15

typedef struct _ffi_type {
  size_t size;
  unsigned short alignment;
  unsigned short type;
  struct _ffi_type **elements;
} ffi_type;

typedef struct {
  ffi_abi abi;
  unsigned nargs;
  ffi_type **arg_types;
  ffi_type *rtype;
  unsigned bytes;
  unsigned flags;
  unsigned nfixedargs;  // libffi's wasm32 port: read only when flags has FFI_VARARGS_FLAG
} ffi_cif;

#define FFI_VARARGS_FLAG 1

typedef unsigned long ffi_arg;
typedef signed long ffi_sarg;

typedef struct {
  void *ftramp;
  ffi_cif *cif;
  void (*fun)(ffi_cif *, void *, void **, void *);
  void *user_data;
} ffi_closure;

static ffi_type ffi_type_void = {1, 1, FFI_TYPE_VOID, NULL};
static ffi_type ffi_type_uint8 = {1, 1, FFI_TYPE_UINT8, NULL};
static ffi_type ffi_type_sint8 = {1, 1, FFI_TYPE_SINT8, NULL};
static ffi_type ffi_type_uint16 = {2, 2, FFI_TYPE_UINT16, NULL};
static ffi_type ffi_type_sint16 = {2, 2, FFI_TYPE_SINT16, NULL};
static ffi_type ffi_type_uint32 = {4, 4, FFI_TYPE_UINT32, NULL};
static ffi_type ffi_type_sint32 = {4, 4, FFI_TYPE_SINT32, NULL};
static ffi_type ffi_type_uint64 = {8, 8, FFI_TYPE_UINT64, NULL};
static ffi_type ffi_type_sint64 = {8, 8, FFI_TYPE_SINT64, NULL};
static ffi_type ffi_type_sint = {4, 4, FFI_TYPE_INT, NULL};
static ffi_type ffi_type_float = {4, 4, FFI_TYPE_FLOAT, NULL};
static ffi_type ffi_type_double = {8, 8, FFI_TYPE_DOUBLE, NULL};
static ffi_type ffi_type_longdouble = {16, 16, FFI_TYPE_LONGDOUBLE, NULL};
static ffi_type ffi_type_pointer = {4, 4, FFI_TYPE_POINTER, NULL};
static ffi_type *complex_double_elements[] = {&ffi_type_double, NULL};
static ffi_type ffi_type_complex_double = {16, 8, FFI_TYPE_COMPLEX, complex_double_elements};

void ffi_call(ffi_cif *cif, void (*fn)(void), void *rvalue, void **avalue);
ffi_status ffi_prep_closure_loc(ffi_closure *closure, ffi_cif *cif, void (*fun)(ffi_cif *, void *, void **, void *),
                                void *user_data, void *codeloc);

static inline ffi_status ffi_prep_cif(ffi_cif *cif, ffi_abi abi, unsigned nargs, ffi_type *rtype, ffi_type **atypes) {
  if (abi <= FFI_FIRST_ABI || abi >= FFI_LAST_ABI) return FFI_BAD_ABI;
  cif->abi = abi;
  cif->nargs = nargs;
  cif->arg_types = atypes;
  cif->rtype = rtype;
  cif->bytes = 0;
  cif->flags = 0;
  cif->nfixedargs = nargs;
  return FFI_OK;
}

static inline ffi_status ffi_prep_cif_var(ffi_cif *cif, ffi_abi abi, unsigned nfixedargs, unsigned ntotalargs,
                                          ffi_type *rtype, ffi_type **atypes) {
  ffi_status status = ffi_prep_cif(cif, abi, ntotalargs, rtype, atypes);
  if (status != FFI_OK) return status;
  cif->flags |= FFI_VARARGS_FLAG;
  cif->nfixedargs = nfixedargs;
  return FFI_OK;
}

#define FFI_FN(f) ((void (*)(void))(f))
