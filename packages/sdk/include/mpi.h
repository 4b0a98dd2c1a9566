/*
 * MPI for Faasm guests (C and C++). The ABI is Faasm's (shared/spec/faasm-abi.md,
 * "MPI"): handles are pointers to small structs this header's library (lib/mpi.c,
 * linked by `faasm cc` when a source includes mpi.h) defines; the functions are host
 * imports from module "env" provided by @faasm/mpi. Semantics follow the MPI 4.x
 * standard. A guest built with Faasm's own mpi.h runs unchanged, and vice versa.
 */
#ifndef FAASM_SDK_MPI_H
#define FAASM_SDK_MPI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPI_VERSION 4
#define MPI_SUBVERSION 0

/* ---- guest structs (layouts are the ABI: the host reads and writes them) ---- */
struct faabric_status_public_t {
  int MPI_SOURCE; /* offset 0 */
  int MPI_TAG;    /* offset 4 */
  int MPI_ERROR;  /* offset 8 */
  int bytesSize;  /* offset 12: received bytes (MPI_Get_count divides by the type size) */
};
struct faabric_datatype_t { int id; int size; };
struct faabric_communicator_t { int id; };
struct faabric_message_t { int id; };
struct faabric_win_t { int worldId; int rank; int size; int wasmPtr; int dispUnit; };
struct faabric_op_t { int id; };
struct faabric_info_t { int id; };
/* MPI_Request: the host writes the request id straight into the MPI_Request slot. */
struct faabric_request_t { int _unused; };
struct faabric_group_t { int id; };

typedef struct faabric_op_t* MPI_Op;
typedef struct faabric_communicator_t* MPI_Comm;
typedef struct faabric_datatype_t* MPI_Datatype;
typedef struct faabric_status_public_t MPI_Status;
typedef struct faabric_message_t* MPI_Message;
typedef struct faabric_info_t* MPI_Info;
typedef struct faabric_request_t* MPI_Request;
typedef struct faabric_group_t* MPI_Group;
typedef struct faabric_win_t* MPI_Win;
typedef ptrdiff_t MPI_Aint;
typedef int MPI_Fint;
typedef long MPI_Offset;
typedef void(MPI_User_function)(void* invec, void* inoutvec, int* len, MPI_Datatype* datatype);

/* ---- error classes (MPI_SUCCESS and MPI_ERR_OTHER are Faasm's values) ---- */
#define MPI_SUCCESS 0
#define MPI_ERR_OTHER 1
#define MPI_ERR_BUFFER 2
#define MPI_ERR_COUNT 3
#define MPI_ERR_TYPE 4
#define MPI_ERR_TAG 5
#define MPI_ERR_COMM 6
#define MPI_ERR_RANK 7
#define MPI_ERR_ROOT 8
#define MPI_ERR_OP 9
#define MPI_ERR_ARG 10
#define MPI_ERR_REQUEST 11
#define MPI_ERR_TRUNCATE 12
#define MPI_ERR_WIN 13
#define MPI_ERR_DIMS 14
#define MPI_ERR_TOPOLOGY 15
#define MPI_ERR_NO_MEM 16
#define MPI_ERR_INTERN 17
#define MPI_ERR_UNKNOWN 18
#define MPI_ERR_LASTCODE 18

/* ---- communicators ---- */
#define FAABRIC_COMM_WORLD 1
#define FAABRIC_COMM_NULL 2
extern struct faabric_communicator_t faabric_comm_world;
extern struct faabric_communicator_t faabric_comm_null;
#define MPI_COMM_WORLD (&faabric_comm_world)
#define MPI_COMM_NULL (&faabric_comm_null)
enum { MPI_COMM_TYPE_SHARED };

/* ---- datatypes: { id, size } ---- */
#define FAABRIC_INT8 1
#define FAABRIC_INT16 2
#define FAABRIC_INT32 3
#define FAABRIC_INT 4
#define FAABRIC_INT64 5
#define FAABRIC_UINT8 6
#define FAABRIC_UINT16 7
#define FAABRIC_UINT32 8
#define FAABRIC_UINT 9
#define FAABRIC_UINT64 10
#define FAABRIC_LONG 11
#define FAABRIC_LONG_LONG 12
#define FAABRIC_LONG_LONG_INT 13
#define FAABRIC_FLOAT 14
#define FAABRIC_DOUBLE 15
#define FAABRIC_DOUBLE_INT 16
#define FAABRIC_CHAR 17
#define FAABRIC_C_BOOL 18
#define FAABRIC_BYTE 19
#define FAABRIC_DATATYPE_NULL 20
extern struct faabric_datatype_t faabric_type_int8;
extern struct faabric_datatype_t faabric_type_int16;
extern struct faabric_datatype_t faabric_type_int32;
extern struct faabric_datatype_t faabric_type_int;
extern struct faabric_datatype_t faabric_type_int64;
extern struct faabric_datatype_t faabric_type_uint8;
extern struct faabric_datatype_t faabric_type_uint16;
extern struct faabric_datatype_t faabric_type_uint32;
extern struct faabric_datatype_t faabric_type_uint;
extern struct faabric_datatype_t faabric_type_uint64;
extern struct faabric_datatype_t faabric_type_long;
extern struct faabric_datatype_t faabric_type_long_long;
extern struct faabric_datatype_t faabric_type_long_long_int;
extern struct faabric_datatype_t faabric_type_float;
extern struct faabric_datatype_t faabric_type_double;
extern struct faabric_datatype_t faabric_type_double_int;
extern struct faabric_datatype_t faabric_type_char;
extern struct faabric_datatype_t faabric_type_c_bool;
extern struct faabric_datatype_t faabric_type_byte;
extern struct faabric_datatype_t faabric_type_null;
#define MPI_INT8_T (&faabric_type_int8)
#define MPI_INT16_T (&faabric_type_int16)
#define MPI_INT32_T (&faabric_type_int32)
#define MPI_INT (&faabric_type_int)
#define MPI_INT64_T (&faabric_type_int64)
#define MPI_UINT8_T (&faabric_type_uint8)
#define MPI_UINT16_T (&faabric_type_uint16)
#define MPI_UINT32_T (&faabric_type_uint32)
#define MPI_UINT_T (&faabric_type_uint)
#define MPI_UNSIGNED (&faabric_type_uint)
#define MPI_UINT64_T (&faabric_type_uint64)
#define MPI_LONG (&faabric_type_long)
#define MPI_LONG_LONG (&faabric_type_long_long)
#define MPI_LONG_LONG_INT (&faabric_type_long_long_int)
#define MPI_FLOAT (&faabric_type_float)
#define MPI_DOUBLE (&faabric_type_double)
#define MPI_DOUBLE_INT (&faabric_type_double_int)
#define MPI_CHAR (&faabric_type_char)
#define MPI_C_BOOL (&faabric_type_c_bool)
#define MPI_BYTE (&faabric_type_byte)
#define MPI_DATATYPE_NULL (&faabric_type_null)
struct faabric_datatype_t* getFaabricDatatypeFromId(int datatypeId);

/* ---- special buffers: the host compares the raw guest pointer ---- */
#define FAABRIC_BOTTOM 1
#define FAABRIC_IN_PLACE 2
#define MPI_BOTTOM ((void*)FAABRIC_BOTTOM)
#define MPI_IN_PLACE ((void*)FAABRIC_IN_PLACE)

/* ---- info ---- */
#define FAABRIC_INFO_NULL 1
extern struct faabric_info_t faabric_info_null;
#define MPI_INFO_NULL (&faabric_info_null)

/* ---- ops ---- */
#define FAABRIC_OP_MAX 1
#define FAABRIC_OP_MIN 2
#define FAABRIC_OP_SUM 3
#define FAABRIC_OP_PROD 4
#define FAABRIC_OP_LAND 5
#define FAABRIC_OP_LOR 6
#define FAABRIC_OP_BAND 7
#define FAABRIC_OP_BOR 8
#define FAABRIC_OP_MAXLOC 9
#define FAABRIC_OP_MINLOC 10
#define FAABRIC_OP_NULL 11
extern struct faabric_op_t faabric_op_max;
extern struct faabric_op_t faabric_op_min;
extern struct faabric_op_t faabric_op_sum;
extern struct faabric_op_t faabric_op_prod;
extern struct faabric_op_t faabric_op_land;
extern struct faabric_op_t faabric_op_lor;
extern struct faabric_op_t faabric_op_band;
extern struct faabric_op_t faabric_op_bor;
extern struct faabric_op_t faabric_op_maxloc;
extern struct faabric_op_t faabric_op_minloc;
extern struct faabric_op_t faabric_op_null;
#define MPI_MAX (&faabric_op_max)
#define MPI_MIN (&faabric_op_min)
#define MPI_SUM (&faabric_op_sum)
#define MPI_PROD (&faabric_op_prod)
#define MPI_LAND (&faabric_op_land)
#define MPI_LOR (&faabric_op_lor)
#define MPI_BAND (&faabric_op_band)
#define MPI_BOR (&faabric_op_bor)
#define MPI_MAXLOC (&faabric_op_maxloc)
#define MPI_MINLOC (&faabric_op_minloc)
#define MPI_OP_NULL (&faabric_op_null)

/* ---- other constants ---- */
#define MPI_ANY_SOURCE -1
#define MPI_UNDEFINED -1
#define MPI_ANY_TAG -1
#define MPI_PROC_NULL -2
#define MPI_TAG_UB_VALUE 2147483647
#define MPI_MAX_PROCESSOR_NAME 256
#define MPI_MAX_OBJECT_NAME 128
#define MPI_STATUS_IGNORE ((MPI_Status*)0)
#define MPI_STATUSES_IGNORE ((MPI_Status*)0)
#define MPI_REQUEST_NULL ((MPI_Request)0)
#define MPI_WIN_NULL ((MPI_Win)0)
#define MPI_MODE_NOCHECK 1024
#define MPI_MODE_NOSTORE 2048
#define MPI_MODE_NOPUT 4096
#define MPI_MODE_NOPRECEDE 8192
#define MPI_MODE_NOSUCCEED 16384
#define MPI_WIN_BASE 1
#define MPI_WIN_SIZE 2
#define MPI_WIN_DISP_UNIT 3
#define MPI_WIN_CREATE_FLAVOR 4
#define MPI_WIN_MODEL 5
#define MPI_WIN_FLAVOR_CREATE 1
#define MPI_WIN_SEPARATE 1
#define MPI_WIN_UNIFIED 2
enum { MPI_THREAD_SINGLE, MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED, MPI_THREAD_MULTIPLE };

/* ---- functions: host imports ---- */
#define FAASM_MPI_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

FAASM_MPI_IMPORT(MPI_Init) int MPI_Init(int* argc, char*** argv);
FAASM_MPI_IMPORT(MPI_Finalize) int MPI_Finalize(void);
FAASM_MPI_IMPORT(MPI_Abort) int MPI_Abort(MPI_Comm comm, int errorcode);
FAASM_MPI_IMPORT(MPI_Get_version) int MPI_Get_version(int* version, int* subversion);
FAASM_MPI_IMPORT(MPI_Get_processor_name) int MPI_Get_processor_name(char* name, int* resultlen);
FAASM_MPI_IMPORT(MPI_Wtime) double MPI_Wtime(void);

FAASM_MPI_IMPORT(MPI_Comm_rank) int MPI_Comm_rank(MPI_Comm comm, int* rank);
FAASM_MPI_IMPORT(MPI_Comm_size) int MPI_Comm_size(MPI_Comm comm, int* size);
FAASM_MPI_IMPORT(MPI_Comm_dup) int MPI_Comm_dup(MPI_Comm comm, MPI_Comm* newcomm);
FAASM_MPI_IMPORT(MPI_Comm_split) int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* newcomm);
FAASM_MPI_IMPORT(MPI_Comm_free) int MPI_Comm_free(MPI_Comm* comm);
FAASM_MPI_IMPORT(MPI_Comm_c2f) MPI_Fint MPI_Comm_c2f(MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Comm_f2c) MPI_Comm MPI_Comm_f2c(MPI_Fint comm);

FAASM_MPI_IMPORT(MPI_Send) int MPI_Send(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Rsend) int MPI_Rsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Isend) int MPI_Isend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request* request);
FAASM_MPI_IMPORT(MPI_Recv) int MPI_Recv(void* buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status* status);
FAASM_MPI_IMPORT(MPI_Irecv) int MPI_Irecv(void* buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request* request);
FAASM_MPI_IMPORT(MPI_Sendrecv) int MPI_Sendrecv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                                                void* recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                                                MPI_Comm comm, MPI_Status* status);
FAASM_MPI_IMPORT(MPI_Probe) int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status* status);
FAASM_MPI_IMPORT(MPI_Get_count) int MPI_Get_count(const MPI_Status* status, MPI_Datatype datatype, int* count);
FAASM_MPI_IMPORT(MPI_Wait) int MPI_Wait(MPI_Request* request, MPI_Status* status);
FAASM_MPI_IMPORT(MPI_Waitall) int MPI_Waitall(int count, MPI_Request array_of_requests[], MPI_Status* array_of_statuses);
FAASM_MPI_IMPORT(MPI_Waitany) int MPI_Waitany(int count, MPI_Request array_of_requests[], int* index, MPI_Status* status);
FAASM_MPI_IMPORT(MPI_Request_free) int MPI_Request_free(MPI_Request* request);

FAASM_MPI_IMPORT(MPI_Barrier) int MPI_Barrier(MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Bcast) int MPI_Bcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Scatter) int MPI_Scatter(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                                              int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Gather) int MPI_Gather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                                            int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Allgather) int MPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                                                  int recvcount, MPI_Datatype recvtype, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Allgatherv) int MPI_Allgatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                                                    const int* recvcounts, const int* displs, MPI_Datatype recvtype, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Reduce) int MPI_Reduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                                            int root, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Reduce_scatter) int MPI_Reduce_scatter(const void* sendbuf, void* recvbuf, const int* recvcounts,
                                                            MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Allreduce) int MPI_Allreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                                                  MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Scan) int MPI_Scan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Alltoall) int MPI_Alltoall(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                                                int recvcount, MPI_Datatype recvtype, MPI_Comm comm);
FAASM_MPI_IMPORT(MPI_Alltoallv) int MPI_Alltoallv(const void* sendbuf, const int sendcounts[], const int sdispls[],
                                                  MPI_Datatype sendtype, void* recvbuf, const int recvcounts[],
                                                  const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm);

FAASM_MPI_IMPORT(MPI_Op_create) int MPI_Op_create(MPI_User_function* user_fn, int commute, MPI_Op* op);
FAASM_MPI_IMPORT(MPI_Op_free) int MPI_Op_free(MPI_Op* op);

FAASM_MPI_IMPORT(MPI_Type_size) int MPI_Type_size(MPI_Datatype type, int* size);
FAASM_MPI_IMPORT(MPI_Type_contiguous) int MPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype* newtype);
FAASM_MPI_IMPORT(MPI_Type_commit) int MPI_Type_commit(MPI_Datatype* type);
FAASM_MPI_IMPORT(MPI_Type_free) int MPI_Type_free(MPI_Datatype* datatype);

FAASM_MPI_IMPORT(MPI_Cart_create) int MPI_Cart_create(MPI_Comm old_comm, int ndims, const int dims[], const int periods[],
                                                      int reorder, MPI_Comm* comm);
FAASM_MPI_IMPORT(MPI_Cart_get) int MPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[]);
FAASM_MPI_IMPORT(MPI_Cart_rank) int MPI_Cart_rank(MPI_Comm comm, const int coords[], int* rank);
FAASM_MPI_IMPORT(MPI_Cart_shift) int MPI_Cart_shift(MPI_Comm comm, int direction, int disp, int* rank_source, int* rank_dest);

FAASM_MPI_IMPORT(MPI_Alloc_mem) int MPI_Alloc_mem(MPI_Aint size, MPI_Info info, void* baseptr);
FAASM_MPI_IMPORT(MPI_Free_mem) int MPI_Free_mem(void* base);

FAASM_MPI_IMPORT(MPI_Win_create) int MPI_Win_create(void* base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, MPI_Win* win);
FAASM_MPI_IMPORT(MPI_Win_fence) int MPI_Win_fence(int assert, MPI_Win win);
FAASM_MPI_IMPORT(MPI_Get) int MPI_Get(void* origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank,
                                      MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win);
FAASM_MPI_IMPORT(MPI_Put) int MPI_Put(const void* origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank,
                                      MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win);
FAASM_MPI_IMPORT(MPI_Win_free) int MPI_Win_free(MPI_Win* win);
FAASM_MPI_IMPORT(MPI_Win_get_attr) int MPI_Win_get_attr(MPI_Win win, int win_keyval, void* attribute_val, int* flag);

#undef FAASM_MPI_IMPORT

#ifdef __cplusplus
}
#endif

#endif
