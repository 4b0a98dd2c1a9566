import type { FaasletHost } from '@faasm/abi';
import { MpiErr, check } from './errors.js';
import { count, datatype, mpiCall } from './guest.js';
import { DatatypeStruct, FIRST_DERIVED_TYPE_ID, FIRST_USER_OP_ID, OpId } from './layout.js';

/** Datatypes, user ops and MPI memory (MPI 4.x §5.1, §6.9.5, §12.2). */

/** int MPI_Type_size(MPI_Datatype type, int* size) */
export function mpiTypeSize(host: FaasletHost, typePtr: number, out: number): number {
  return mpiCall(host, 'MPI_Type_size', (s) => {
    s.host.memory.setI32(out, datatype(s, typePtr).size);
    return 0;
  }, false);
}

/** int MPI_Type_contiguous(int count, MPI_Datatype old, MPI_Datatype* newtype): a new { id, size } struct in guest memory. */
export function mpiTypeContiguous(host: FaasletHost, n: number, oldPtr: number, out: number): number {
  return mpiCall(host, 'MPI_Type_contiguous', (s) => {
    const old = datatype(s, oldPtr);
    count(n);
    s.host.memory.check(out, 4);
    const id = FIRST_DERIVED_TYPE_ID + s.nextType++;
    const p = s.host.exports.malloc(DatatypeStruct.BYTES);
    check(p !== 0, MpiErr.NO_MEM, 'malloc failed for a datatype');
    s.host.memory.setI32(p + DatatypeStruct.ID, id);
    s.host.memory.setI32(p + DatatypeStruct.SIZE, old.size * n);
    s.types.set(id, { baseKind: old.kind, elems: old.elems * n, size: old.size * n, committed: false });
    s.host.memory.setU32(out, p);
    return 0;
  }, false);
}

/** int MPI_Type_commit(MPI_Datatype* type): required before a derived type is used in communication. */
export function mpiTypeCommit(host: FaasletHost, typePtrPtr: number): number {
  return mpiCall(host, 'MPI_Type_commit', (s) => {
    const t = datatype(s, s.host.memory.u32(typePtrPtr));
    const d = s.types.get(t.id);
    if (d) d.committed = true;
    return 0;
  }, false);
}

/** int MPI_Type_free(MPI_Datatype* type): *type becomes MPI_DATATYPE_NULL; predefined types cannot be freed. */
export function mpiTypeFree(host: FaasletHost, typePtrPtr: number): number {
  return mpiCall(host, 'MPI_Type_free', (s) => {
    const ptr = s.host.memory.u32(typePtrPtr);
    const t = datatype(s, ptr);
    check(s.types.has(t.id), MpiErr.TYPE, `${t.name} is predefined and cannot be freed`);
    s.types.delete(t.id);
    s.host.exports.free(ptr);
    s.host.memory.setU32(typePtrPtr, s.handles.typeNull);
    return 0;
  }, false);
}

/** int MPI_Op_create(MPI_User_function* fn, int commute, MPI_Op* op): `fn` is a function table index. */
export function mpiOpCreate(host: FaasletHost, fn: number, commute: number, out: number): number {
  return mpiCall(host, 'MPI_Op_create', (s) => {
    const table = s.host.exports.table;
    check(table !== undefined, MpiErr.OTHER, 'the module does not export its function table (build with --export-table)');
    check((fn >>> 0) < table.length && table.get(fn >>> 0) !== null, MpiErr.ARG, `user function ${fn} is not in the function table`);
    s.host.memory.check(out, 4);
    const id = FIRST_USER_OP_ID + s.nextOp++;
    const p = s.host.exports.malloc(4);
    check(p !== 0, MpiErr.NO_MEM, 'malloc failed for an op');
    s.host.memory.setI32(p, id);
    s.ops.set(id, { fn: fn >>> 0, commute: commute !== 0 });
    s.host.memory.setU32(out, p);
    return 0;
  }, false);
}

/** int MPI_Op_free(MPI_Op* op): *op becomes MPI_OP_NULL; predefined ops cannot be freed. */
export function mpiOpFree(host: FaasletHost, opPtrPtr: number): number {
  return mpiCall(host, 'MPI_Op_free', (s) => {
    const ptr = s.host.memory.u32(opPtrPtr);
    check(ptr !== 0, MpiErr.OP, 'op is a null pointer');
    const id = s.host.memory.i32(ptr);
    check(id < OpId.MAX || id > OpId.NULL, MpiErr.OP, `predefined op ${id} cannot be freed`);
    check(s.ops.delete(id), MpiErr.OP, `invalid op (id ${id})`);
    s.host.exports.free(ptr);
    s.host.memory.setU32(opPtrPtr, s.handles.opNull);
    return 0;
  }, false);
}

/** int MPI_Alloc_mem(MPI_Aint size, MPI_Info info, void* baseptr): the guest's malloc; info hints are ignored. */
export function mpiAllocMem(host: FaasletHost, size: number, _info: number, out: number): number {
  return mpiCall(host, 'MPI_Alloc_mem', (s) => {
    check(size >= 0, MpiErr.ARG, `size ${size} is negative`);
    s.host.memory.check(out, 4);
    const p = s.host.exports.malloc(size);
    check(p !== 0 || size === 0, MpiErr.NO_MEM, `cannot allocate ${size} bytes`);
    s.host.memory.setU32(out, p);
    return 0;
  }, false);
}

/** int MPI_Free_mem(void* base) */
export function mpiFreeMem(host: FaasletHost, base: number): number {
  return mpiCall(host, 'MPI_Free_mem', (s) => {
    if (base === 0) return 0;
    s.host.memory.check(base, 1);
    s.host.exports.free(base);
    return 0;
  }, false);
}
