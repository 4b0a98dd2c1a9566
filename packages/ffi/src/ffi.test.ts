import { GuestTrap } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { guestModule, load } from './test-harness.js';

const calls = guestModule('ffi_calls');

describe('ffi_call from a C guest', () => {
  // Each test_* export returns 0, or the line of the guest's first failing CHECK.
  it.each([
    'test_integers',
    'test_small_results_widen',
    'test_64bit_and_floats',
    'test_pointer_and_void',
    'test_structs',
    'test_long_double_and_complex',
    'test_variadic',
  ])('%s', (name) => {
    expect(load(calls).call(name), `${name}: failing CHECK at ffi_calls.c line`).toBe(0);
  });
});

describe('ffi_prep_closure_loc from a C guest', () => {
  it('closures of several signatures are callable through their function pointers and through ffi_call', () => {
    const g = load(calls);
    const before = g.host.exports.table!.length;
    expect(g.call('test_closures'), 'failing CHECK at ffi_calls.c line').toBe(0);
    // Three closures, three new slots; re-preparing c3 reused its slot.
    expect(g.host.exports.table!.length).toBe(before + 3);
  });

  it('an i64 closure with codeloc NULL', () => {
    expect(load(calls).call('test_closure_int64'), 'failing CHECK at ffi_calls.c line').toBe(0);
  });

  it('bad type codes, empty or mis-sized structs and bad ABIs return FFI_BAD_TYPEDEF / FFI_BAD_ABI', () => {
    expect(load(calls).call('test_closure_errors'), 'failing CHECK at ffi_calls.c line').toBe(0);
  });
});

describe('bad guest input to ffi_call traps, naming ffi_call', () => {
  it.each([
    ['trap_bad_type_code', /unknown type code 42/],
    ['trap_signature_mismatch', /does not have the cif's wasm signature \(f64\) -> void/],
    ['trap_bad_value_pointer', /out-of-bounds guest access: pointer 0xfffffff0/],
    ['trap_bad_cif', /out-of-bounds guest access: pointer 0xfffffff8/],
    ['trap_bad_function', /function table index 134217727 out of range/],
    ['trap_bad_abi', /abi 9/],
  ])('%s', (name, detail) => {
    const g = load(calls);
    let error: unknown;
    try {
      g.call(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GuestTrap);
    expect((error as GuestTrap).importName).toBe('ffi_call');
    expect((error as Error).message).toMatch(detail);
    // The guest's stack pointer is restored even when the call traps.
    expect(load(calls).call('test_integers')).toBe(0);
  });
});
