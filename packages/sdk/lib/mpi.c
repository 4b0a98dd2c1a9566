/*
 * The data objects of Faasm's MPI guest ABI (shared/spec/faasm-abi.md, "MPI"): the
 * predefined communicators, datatypes ({ id, size }), ops and info. Linked by
 * `faasm cc` whenever a source includes mpi.h. The functions are host imports.
 */
#include <mpi.h>

struct faabric_communicator_t faabric_comm_world = {FAABRIC_COMM_WORLD};
struct faabric_communicator_t faabric_comm_null = {FAABRIC_COMM_NULL};

struct faabric_datatype_t faabric_type_int8 = {FAABRIC_INT8, sizeof(int8_t)};
struct faabric_datatype_t faabric_type_int16 = {FAABRIC_INT16, sizeof(int16_t)};
struct faabric_datatype_t faabric_type_int32 = {FAABRIC_INT32, sizeof(int32_t)};
struct faabric_datatype_t faabric_type_int = {FAABRIC_INT, sizeof(int)};
struct faabric_datatype_t faabric_type_int64 = {FAABRIC_INT64, sizeof(int64_t)};
struct faabric_datatype_t faabric_type_uint8 = {FAABRIC_UINT8, sizeof(uint8_t)};
struct faabric_datatype_t faabric_type_uint16 = {FAABRIC_UINT16, sizeof(uint16_t)};
struct faabric_datatype_t faabric_type_uint32 = {FAABRIC_UINT32, sizeof(uint32_t)};
struct faabric_datatype_t faabric_type_uint = {FAABRIC_UINT, sizeof(unsigned int)};
struct faabric_datatype_t faabric_type_uint64 = {FAABRIC_UINT64, sizeof(uint64_t)};
struct faabric_datatype_t faabric_type_long = {FAABRIC_LONG, sizeof(long)};
struct faabric_datatype_t faabric_type_long_long = {FAABRIC_LONG_LONG, sizeof(long long)};
struct faabric_datatype_t faabric_type_long_long_int = {FAABRIC_LONG_LONG_INT, sizeof(long long int)};
struct faabric_datatype_t faabric_type_float = {FAABRIC_FLOAT, sizeof(float)};
struct faabric_datatype_t faabric_type_double = {FAABRIC_DOUBLE, sizeof(double)};
/* struct { double value; int index; }: 16 bytes with padding. */
struct faabric_datatype_t faabric_type_double_int = {FAABRIC_DOUBLE_INT, 16};
struct faabric_datatype_t faabric_type_char = {FAABRIC_CHAR, sizeof(char)};
struct faabric_datatype_t faabric_type_c_bool = {FAABRIC_C_BOOL, sizeof(_Bool)};
struct faabric_datatype_t faabric_type_byte = {FAABRIC_BYTE, 1};
struct faabric_datatype_t faabric_type_null = {FAABRIC_DATATYPE_NULL, 0};

struct faabric_info_t faabric_info_null = {FAABRIC_INFO_NULL};

struct faabric_op_t faabric_op_max = {FAABRIC_OP_MAX};
struct faabric_op_t faabric_op_min = {FAABRIC_OP_MIN};
struct faabric_op_t faabric_op_sum = {FAABRIC_OP_SUM};
struct faabric_op_t faabric_op_prod = {FAABRIC_OP_PROD};
struct faabric_op_t faabric_op_land = {FAABRIC_OP_LAND};
struct faabric_op_t faabric_op_lor = {FAABRIC_OP_LOR};
struct faabric_op_t faabric_op_band = {FAABRIC_OP_BAND};
struct faabric_op_t faabric_op_bor = {FAABRIC_OP_BOR};
struct faabric_op_t faabric_op_maxloc = {FAABRIC_OP_MAXLOC};
struct faabric_op_t faabric_op_minloc = {FAABRIC_OP_MINLOC};
struct faabric_op_t faabric_op_null = {FAABRIC_OP_NULL};

struct faabric_datatype_t* getFaabricDatatypeFromId(int datatypeId) {
  switch (datatypeId) {
    case FAABRIC_INT8: return &faabric_type_int8;
    case FAABRIC_INT16: return &faabric_type_int16;
    case FAABRIC_INT32: return &faabric_type_int32;
    case FAABRIC_INT: return &faabric_type_int;
    case FAABRIC_INT64: return &faabric_type_int64;
    case FAABRIC_UINT8: return &faabric_type_uint8;
    case FAABRIC_UINT16: return &faabric_type_uint16;
    case FAABRIC_UINT32: return &faabric_type_uint32;
    case FAABRIC_UINT: return &faabric_type_uint;
    case FAABRIC_UINT64: return &faabric_type_uint64;
    case FAABRIC_LONG: return &faabric_type_long;
    case FAABRIC_LONG_LONG: return &faabric_type_long_long;
    case FAABRIC_LONG_LONG_INT: return &faabric_type_long_long_int;
    case FAABRIC_FLOAT: return &faabric_type_float;
    case FAABRIC_DOUBLE: return &faabric_type_double;
    case FAABRIC_DOUBLE_INT: return &faabric_type_double_int;
    case FAABRIC_CHAR: return &faabric_type_char;
    case FAABRIC_C_BOOL: return &faabric_type_c_bool;
    case FAABRIC_BYTE: return &faabric_type_byte;
    default: return &faabric_type_null;
  }
}

/*
 * Addresses of the null handles, so the host can write MPI_COMM_NULL,
 * MPI_DATATYPE_NULL and MPI_OP_NULL exactly (Faasm's host has no way to know them).
 * A guest built without this library still works: the host then allocates its own
 * null structs. Layout: { comm_world, comm_null, type_null, op_null }.
 */
static void* faasm_mpi_handles[4] = {&faabric_comm_world, &faabric_comm_null, &faabric_type_null, &faabric_op_null};

__attribute__((export_name("__faasm_mpi_handles"))) void** __faasm_mpi_handles(void) {
  return faasm_mpi_handles;
}
