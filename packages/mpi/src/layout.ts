/**
 * Faasm's MPI guest ABI (shared/spec/faasm-abi.md, "MPI"): struct layouts, ids and
 * special values. Handles are guest pointers to structs the guest library defines.
 */

/** struct faabric_status_public_t { int MPI_SOURCE; int MPI_TAG; int MPI_ERROR; int bytesSize; } */
export const Status = { SOURCE: 0, TAG: 4, ERROR: 8, BYTES: 12, SIZE: 16 } as const;

/** struct faabric_datatype_t { int id; int size; } */
export const DatatypeStruct = { ID: 0, SIZE: 4, BYTES: 8 } as const;

/** struct faabric_win_t { int worldId; int rank; int size; int wasmPtr; int dispUnit; } + our two attribute cells. */
export const WinStruct = { WORLD_ID: 0, RANK: 4, SIZE: 8, BASE: 12, DISP_UNIT: 16, FLAVOR: 20, MODEL: 24, BYTES: 28 } as const;

export const COMM_WORLD_ID = 1;
export const COMM_NULL_ID = 2;
export const INFO_NULL_ID = 1;

/** Datatype ids (faasm-abi.md). */
export const TypeId = {
  INT8: 1,
  INT16: 2,
  INT32: 3,
  INT: 4,
  INT64: 5,
  UINT8: 6,
  UINT16: 7,
  UINT32: 8,
  UINT: 9,
  UINT64: 10,
  LONG: 11,
  LONG_LONG: 12,
  LONG_LONG_INT: 13,
  FLOAT: 14,
  DOUBLE: 15,
  DOUBLE_INT: 16,
  CHAR: 17,
  C_BOOL: 18,
  BYTE: 19,
  DATATYPE_NULL: 20,
} as const;

/** How the host reduces a predefined type. */
export type Kind = 'i8' | 'i16' | 'i32' | 'i64' | 'u8' | 'u16' | 'u32' | 'u64' | 'f32' | 'f64' | 'double_int' | 'char' | 'bool' | 'byte';

/** Predefined datatypes: element size on wasm32 and reduction kind. */
export const PREDEFINED: ReadonlyMap<number, { name: string; size: number; kind: Kind }> = new Map([
  [TypeId.INT8, { name: 'MPI_INT8_T', size: 1, kind: 'i8' }],
  [TypeId.INT16, { name: 'MPI_INT16_T', size: 2, kind: 'i16' }],
  [TypeId.INT32, { name: 'MPI_INT32_T', size: 4, kind: 'i32' }],
  [TypeId.INT, { name: 'MPI_INT', size: 4, kind: 'i32' }],
  [TypeId.INT64, { name: 'MPI_INT64_T', size: 8, kind: 'i64' }],
  [TypeId.UINT8, { name: 'MPI_UINT8_T', size: 1, kind: 'u8' }],
  [TypeId.UINT16, { name: 'MPI_UINT16_T', size: 2, kind: 'u16' }],
  [TypeId.UINT32, { name: 'MPI_UINT32_T', size: 4, kind: 'u32' }],
  [TypeId.UINT, { name: 'MPI_UNSIGNED', size: 4, kind: 'u32' }],
  [TypeId.UINT64, { name: 'MPI_UINT64_T', size: 8, kind: 'u64' }],
  [TypeId.LONG, { name: 'MPI_LONG', size: 4, kind: 'i32' }],
  [TypeId.LONG_LONG, { name: 'MPI_LONG_LONG', size: 8, kind: 'i64' }],
  [TypeId.LONG_LONG_INT, { name: 'MPI_LONG_LONG_INT', size: 8, kind: 'i64' }],
  [TypeId.FLOAT, { name: 'MPI_FLOAT', size: 4, kind: 'f32' }],
  [TypeId.DOUBLE, { name: 'MPI_DOUBLE', size: 8, kind: 'f64' }],
  [TypeId.DOUBLE_INT, { name: 'MPI_DOUBLE_INT', size: 16, kind: 'double_int' }],
  [TypeId.CHAR, { name: 'MPI_CHAR', size: 1, kind: 'char' }],
  [TypeId.C_BOOL, { name: 'MPI_C_BOOL', size: 1, kind: 'bool' }],
  [TypeId.BYTE, { name: 'MPI_BYTE', size: 1, kind: 'byte' }],
]);

/** Derived datatype ids start here (per rank; types are local objects). */
export const FIRST_DERIVED_TYPE_ID = 1000;

/** Op ids (faasm-abi.md). */
export const OpId = { MAX: 1, MIN: 2, SUM: 3, PROD: 4, LAND: 5, LOR: 6, BAND: 7, BOR: 8, MAXLOC: 9, MINLOC: 10, NULL: 11 } as const;
export const FIRST_USER_OP_ID = 100;

/** Special values (faasm-abi.md; MPI_PROC_NULL and MPI_ANY_TAG are ours, as in the SDK's mpi.h). */
export const MPI_BOTTOM = 1;
export const MPI_IN_PLACE = 2;
export const MPI_STATUS_IGNORE = 0;
export const MPI_ANY_SOURCE = -1;
export const MPI_UNDEFINED = -1;
export const MPI_ANY_TAG = -1;
export const MPI_PROC_NULL = -2;
export const MPI_REQUEST_NULL = 0;
export const MPI_MAX_PROCESSOR_NAME = 256;
export const TAG_UB = 0x7fffffff;

/** Window attribute keys and values. */
export const WinAttr = { BASE: 1, SIZE: 2, DISP_UNIT: 3, CREATE_FLAVOR: 4, MODEL: 5 } as const;
export const MPI_WIN_FLAVOR_CREATE = 1;
export const MPI_WIN_SEPARATE = 1;
