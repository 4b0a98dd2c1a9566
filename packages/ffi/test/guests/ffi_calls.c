// ffi_call and closures over many signatures. Each test_* export returns 0 when every
// CHECK holds, else the line of the first failing CHECK.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "ffi_guest.h"

#define CHECK(c) do { if (!(c)) return __LINE__; } while (0)
#define EXPORT(name) __attribute__((export_name(#name))) int name(void)

// ---- callees ----
static int64_t ints(int8_t a, uint8_t b, int16_t c, uint16_t d, int32_t e, uint32_t f) {
  return (int64_t)a * 100000 + b * 1000 + c * 100 + d * 10 + e + (int64_t)f;
}
static uint8_t ret_u8(void) { return 0xF0; }
static int8_t ret_s8(void) { return -5; }
static uint16_t ret_u16(void) { return 0xFFFE; }
static int16_t ret_s16(void) { return -300; }
static uint64_t mul64(uint64_t a, int64_t b) { return a * (uint64_t)b + 1; }
static double mixed(float a, double b, int c, int64_t d) { return a * 2 + b + c + (double)d; }
static size_t length(const char *s) { return strlen(s); }
static float halve(float x) { return x / 2; }
static int touched = 0;
static void touch(int v) { touched = v; }

struct Pt { int x; int y; double w; };
static struct Pt scale(struct Pt p, int k) {
  p.x *= k; p.y *= k; p.w *= k;  // changes the callee's copy only
  return p;
}
struct Wrap { double d; };
static struct Wrap wrap_add(struct Wrap a, struct Wrap b) { struct Wrap r = { a.d + b.d }; return r; }
struct Outer { char c; struct Pt p; short s; };
static int outer_sum(struct Outer o, struct Wrap w) { return o.c + o.p.x + o.p.y + (int)o.p.w + o.s + (int)w.d; }
static long double ld_add(long double a, long double b) { return a + b; }
static _Complex double cmul(_Complex double a, _Complex double b) { return a * b; }
struct Small { uint8_t v; };
static struct Small small_inc(struct Small s) { s.v++; return s; }

// Sums n (kind, value) pairs: 0 int, 1 double, 2 long long, 3 long double, 4 struct Pt.
static double va_sum(int n, ...) {
  va_list ap;
  va_start(ap, n);
  double sum = 0;
  for (int i = 0; i < n; i++) {
    switch (va_arg(ap, int)) {
      case 0: sum += va_arg(ap, int); break;
      case 1: sum += va_arg(ap, double); break;
      case 2: sum += (double)va_arg(ap, long long); break;
      case 3: sum += (double)va_arg(ap, long double); break;
      case 4: { struct Pt p = va_arg(ap, struct Pt); sum += p.x + p.y + p.w; break; }
      default: sum = -1e9;
    }
  }
  va_end(ap);
  return sum;
}

// ---- type descriptions ----
static ffi_type *pt_elements[] = {&ffi_type_sint32, &ffi_type_sint32, &ffi_type_double, NULL};
static ffi_type pt_type = {0, 0, FFI_TYPE_STRUCT, pt_elements};
static ffi_type *wrap_elements[] = {&ffi_type_double, NULL};
static ffi_type wrap_type = {0, 0, FFI_TYPE_STRUCT, wrap_elements};
static ffi_type *outer_elements[] = {&ffi_type_sint8, &pt_type, &ffi_type_sint16, NULL};
static ffi_type outer_type = {0, 0, FFI_TYPE_STRUCT, outer_elements};
static ffi_type *small_elements[] = {&ffi_type_uint8, NULL};
static ffi_type small_type = {1, 1, FFI_TYPE_STRUCT, small_elements};

EXPORT(test_integers) {
  ffi_cif cif;
  ffi_type *args[] = {&ffi_type_sint8, &ffi_type_uint8, &ffi_type_sint16, &ffi_type_uint16, &ffi_type_sint32, &ffi_type_uint32};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 6, &ffi_type_sint64, args) == FFI_OK);
  int8_t a = -7; uint8_t b = 200; int16_t c = -3000; uint16_t d = 60000; int32_t e = -2000000000; uint32_t f = 4000000000u;
  void *values[] = {&a, &b, &c, &d, &e, &f};
  int64_t r = 0;
  ffi_call(&cif, FFI_FN(ints), &r, values);
  CHECK(r == ints(a, b, c, d, e, f));
  return 0;
}

EXPORT(test_small_results_widen) {
  ffi_cif cif;
  ffi_arg r;
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 0, &ffi_type_uint8, NULL) == FFI_OK);
  r = 0xAAAAAAAA; ffi_call(&cif, FFI_FN(ret_u8), &r, NULL);
  CHECK(r == 0xF0);
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 0, &ffi_type_sint8, NULL) == FFI_OK);
  r = 0xAAAAAAAA; ffi_call(&cif, FFI_FN(ret_s8), &r, NULL);
  CHECK((ffi_sarg)r == -5);
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 0, &ffi_type_uint16, NULL) == FFI_OK);
  r = 0xAAAAAAAA; ffi_call(&cif, FFI_FN(ret_u16), &r, NULL);
  CHECK(r == 0xFFFE);
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 0, &ffi_type_sint16, NULL) == FFI_OK);
  r = 0xAAAAAAAA; ffi_call(&cif, FFI_FN(ret_s16), &r, NULL);
  CHECK((ffi_sarg)r == -300);
  return 0;
}

EXPORT(test_64bit_and_floats) {
  ffi_cif cif;
  ffi_type *a2[] = {&ffi_type_uint64, &ffi_type_sint64};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_uint64, a2) == FFI_OK);
  uint64_t x = 0x123456789ull; int64_t y = -3; uint64_t r64 = 0;
  void *v2[] = {&x, &y};
  ffi_call(&cif, FFI_FN(mul64), &r64, v2);
  CHECK(r64 == mul64(x, y));
  ffi_type *a4[] = {&ffi_type_float, &ffi_type_double, &ffi_type_sint, &ffi_type_sint64};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 4, &ffi_type_double, a4) == FFI_OK);
  float fa = 1.25f; double db = 1e10; int ic = -4; int64_t ld = 1ll << 40; double rd = 0;
  void *v4[] = {&fa, &db, &ic, &ld};
  ffi_call(&cif, FFI_FN(mixed), &rd, v4);
  CHECK(rd == mixed(fa, db, ic, ld));
  ffi_type *a1[] = {&ffi_type_float};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 1, &ffi_type_float, a1) == FFI_OK);
  float in = 3.0f, out = 0;
  void *v1[] = {&in};
  ffi_call(&cif, FFI_FN(halve), &out, v1);
  CHECK(out == 1.5f);
  return 0;
}

EXPORT(test_pointer_and_void) {
  ffi_cif cif;
  ffi_type *a1[] = {&ffi_type_pointer};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 1, &ffi_type_uint32, a1) == FFI_OK);
  const char *s = "sixteen chars!!!";
  ffi_arg n = 0;
  void *v1[] = {&s};
  ffi_call(&cif, FFI_FN(length), &n, v1);
  CHECK(n == 16);
  ffi_type *ai[] = {&ffi_type_sint};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 1, &ffi_type_void, ai) == FFI_OK);
  int v = 77;
  void *vv[] = {&v};
  ffi_call(&cif, FFI_FN(touch), NULL, vv);
  CHECK(touched == 77);
  return 0;
}

EXPORT(test_structs) {
  ffi_cif cif;
  ffi_type *a2[] = {&pt_type, &ffi_type_sint};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &pt_type, a2) == FFI_OK);
  struct Pt p = {3, -4, 0.5}, r = {0};
  int k = 3;
  void *v2[] = {&p, &k};
  ffi_call(&cif, FFI_FN(scale), &r, v2);
  CHECK(r.x == 9 && r.y == -12 && r.w == 1.5);
  CHECK(p.x == 3 && p.y == -4 && p.w == 0.5);  // passed by value: the caller's copy is untouched
  ffi_type *aw[] = {&wrap_type, &wrap_type};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &wrap_type, aw) == FFI_OK);
  struct Wrap w1 = {1.5}, w2 = {2.25}, wr = {0};
  void *vw[] = {&w1, &w2};
  ffi_call(&cif, FFI_FN(wrap_add), &wr, vw);
  CHECK(wr.d == 3.75);
  ffi_type *ao[] = {&outer_type, &wrap_type};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_sint, ao) == FFI_OK);
  struct Outer o = {'A', {10, 20, 30.0}, -1000};
  ffi_arg ri = 0;
  void *vo[] = {&o, &w1};
  ffi_call(&cif, FFI_FN(outer_sum), &ri, vo);
  CHECK((int)ri == outer_sum(o, w1));
  CHECK(outer_type.size == 0);  // the host computes the layout; it does not write the guest's type
  ffi_type *as[] = {&small_type};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 1, &small_type, as) == FFI_OK);
  unsigned char buf[4] = {0, 0xAA, 0xAA, 0xAA};
  struct Small sm = {41};
  void *vs[] = {&sm};
  ffi_call(&cif, FFI_FN(small_inc), buf, vs);
  CHECK(buf[0] == 42 && buf[1] == 0xAA);  // a struct result is written at its own size
  return 0;
}

EXPORT(test_long_double_and_complex) {
  ffi_cif cif;
  ffi_type *a2[] = {&ffi_type_longdouble, &ffi_type_longdouble};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_longdouble, a2) == FFI_OK);
  long double x = 1.0L / 3, y = 2.0L, r = 0;
  void *v2[] = {&x, &y};
  ffi_call(&cif, FFI_FN(ld_add), &r, v2);
  CHECK(r == x + y);
  ffi_type *ac[] = {&ffi_type_complex_double, &ffi_type_complex_double};
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 2, &ffi_type_complex_double, ac) == FFI_OK);
  _Complex double a = 1.0 + 2.0 * __builtin_complex(0.0, 1.0), b = 3.0 - __builtin_complex(0.0, 1.0), c = 0;
  void *vc[] = {&a, &b};
  ffi_call(&cif, FFI_FN(cmul), &c, vc);
  CHECK(__real__ c == 5.0 && __imag__ c == 5.0);
  return 0;
}

EXPORT(test_variadic) {
  ffi_cif cif;
  ffi_type *args[] = {&ffi_type_sint,
                      &ffi_type_sint, &ffi_type_sint8,
                      &ffi_type_sint, &ffi_type_float,
                      &ffi_type_sint, &ffi_type_sint64,
                      &ffi_type_sint, &ffi_type_longdouble,
                      &ffi_type_sint, &pt_type,
                      &ffi_type_sint, &ffi_type_double};
  CHECK(ffi_prep_cif_var(&cif, FFI_DEFAULT_ABI, 1, 13, &ffi_type_double, args) == FFI_OK);
  int n = 6, k0 = 0, k1 = 1, k2 = 2, k3 = 3, k4 = 4;
  int8_t small = -3;        // promoted to int
  float f = 1.5f;           // promoted to double
  int64_t big = 1ll << 40;
  long double ld = 0.25L;
  struct Pt p = {10, 20, 0.5};
  double d = 100.0;
  void *values[] = {&n, &k0, &small, &k1, &f, &k2, &big, &k3, &ld, &k4, &p, &k1, &d};
  double r = 0;
  ffi_call(&cif, FFI_FN(va_sum), &r, values);
  CHECK(r == -3 + 1.5 + (double)(1ll << 40) + 0.25 + 30.5 + 100.0);

  // libc's own variadic snprintf, through ffi_call.
  char buf[64];
  size_t size = sizeof buf;
  char *bufp = buf;
  const char *fmt = "%d|%s|%.2f|%lld|%c";
  const char *word = "hi";
  int i42 = 42;
  double two_half = 2.5;
  int64_t ll = -(1ll << 35);
  int ch = 'z';
  ffi_type *pargs[] = {&ffi_type_pointer, &ffi_type_uint32, &ffi_type_pointer,
                       &ffi_type_sint, &ffi_type_pointer, &ffi_type_double, &ffi_type_sint64, &ffi_type_sint};
  void *pvalues[] = {&bufp, &size, &fmt, &i42, &word, &two_half, &ll, &ch};
  CHECK(ffi_prep_cif_var(&cif, FFI_DEFAULT_ABI, 3, 8, &ffi_type_sint, pargs) == FFI_OK);
  ffi_arg written = 0;
  ffi_call(&cif, FFI_FN(snprintf), &written, pvalues);
  CHECK(strcmp(buf, "42|hi|2.50|-34359738368|z") == 0);
  CHECK((int)written == (int)strlen(buf));

  // A variadic cif cannot make a closure.
  static ffi_closure c;
  CHECK(ffi_prep_closure_loc(&c, &cif, (void (*)(ffi_cif *, void *, void **, void *))0, NULL, &c) == FFI_BAD_ABI);
  return 0;
}

// ---- closures ----
static void affine(ffi_cif *cif, void *ret, void **args, void *user_data) {
  double scale = *(double *)user_data;
  *(double *)ret = *(int *)args[0] * scale + *(double *)args[1] + cif->nargs;
}
static void pt_mirror(ffi_cif *cif, void *ret, void **args, void *user_data) {
  (void)cif; (void)user_data;
  struct Pt *p = args[0];
  struct Pt r = {p->y, p->x, p->w + *(long double *)args[1]};
  *(struct Pt *)ret = r;
}
static void byte_sum(ffi_cif *cif, void *ret, void **args, void *user_data) {
  (void)user_data;
  unsigned sum = 0;
  for (unsigned i = 0; i < cif->nargs; i++) sum += *(uint8_t *)args[i];
  *(ffi_arg *)ret = (uint8_t)sum;
}
static void neg64(ffi_cif *cif, void *ret, void **args, void *user_data) {
  (void)cif;
  *(int64_t *)ret = -*(int64_t *)args[0] + *(int *)user_data;
}

EXPORT(test_closures) {
  static ffi_closure c1, c2, c3;
  static ffi_cif cif1, cif2, cif3;
  static ffi_type *a1[] = {&ffi_type_sint, &ffi_type_double};
  static double scale = 2.5;
  CHECK(ffi_prep_cif(&cif1, FFI_DEFAULT_ABI, 2, &ffi_type_double, a1) == FFI_OK);
  CHECK(ffi_prep_closure_loc(&c1, &cif1, affine, &scale, &c1) == FFI_OK);
  double (*f1)(int, double) = (double (*)(int, double))c1.ftramp;
  CHECK(c1.cif == &cif1 && c1.fun == affine && c1.user_data == &scale);
  CHECK(f1(4, 0.25) == 4 * 2.5 + 0.25 + 2);
  scale = -1;
  CHECK(f1(3, 0) == -3 + 2);

  static ffi_type *a2[] = {&pt_type, &ffi_type_longdouble};
  CHECK(ffi_prep_cif(&cif2, FFI_DEFAULT_ABI, 2, &pt_type, a2) == FFI_OK);
  CHECK(ffi_prep_closure_loc(&c2, &cif2, pt_mirror, NULL, &c2) == FFI_OK);
  struct Pt (*f2)(struct Pt, long double) = (struct Pt (*)(struct Pt, long double))c2.ftramp;
  struct Pt in = {1, 2, 3.0};
  struct Pt out = f2(in, 0.5L);
  CHECK(out.x == 2 && out.y == 1 && out.w == 3.5);

  static ffi_type *a3[] = {&ffi_type_uint8, &ffi_type_uint8, &ffi_type_uint8};
  CHECK(ffi_prep_cif(&cif3, FFI_DEFAULT_ABI, 3, &ffi_type_uint8, a3) == FFI_OK);
  CHECK(ffi_prep_closure_loc(&c3, &cif3, byte_sum, NULL, &c3) == FFI_OK);
  uint8_t (*f3)(uint8_t, uint8_t, uint8_t) = (uint8_t (*)(uint8_t, uint8_t, uint8_t))c3.ftramp;
  CHECK(f3(200, 50, 10) == (uint8_t)260);

  // A closure called through ffi_call, and re-preparing a closure keeps its slot.
  ffi_arg r = 0;
  uint8_t x = 1, y = 2, z = 3;
  void *v3[] = {&x, &y, &z};
  ffi_call(&cif3, FFI_FN(c3.ftramp), &r, v3);
  CHECK(r == 6);
  void *slot = c3.ftramp;
  CHECK(ffi_prep_closure_loc(&c3, &cif3, byte_sum, NULL, &c3) == FFI_OK);
  CHECK(c3.ftramp == slot);
  CHECK(slot != c1.ftramp && c1.ftramp != c2.ftramp);
  return 0;
}

EXPORT(test_closure_int64) {
  static ffi_closure c;
  static ffi_cif cif;
  static ffi_type *a[] = {&ffi_type_sint64};
  static int bias = 7;
  CHECK(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 1, &ffi_type_sint64, a) == FFI_OK);
  CHECK(ffi_prep_closure_loc(&c, &cif, neg64, &bias, NULL) == FFI_OK);
  int64_t (*f)(int64_t) = (int64_t (*)(int64_t))c.ftramp;
  CHECK(f(1ll << 40) == -(1ll << 40) + 7);
  return 0;
}

EXPORT(test_closure_errors) {
  static ffi_closure c;
  static ffi_cif cif;
  static ffi_type bad = {4, 4, 99, NULL};
  static ffi_type *a[] = {&bad};
  cif.abi = FFI_DEFAULT_ABI; cif.nargs = 1; cif.arg_types = a; cif.rtype = &ffi_type_void;
  CHECK(ffi_prep_closure_loc(&c, &cif, byte_sum, NULL, &c) == FFI_BAD_TYPEDEF);
  static ffi_type empty_elements_end = {0};
  static ffi_type *none[] = {NULL};
  static ffi_type empty = {0, 0, FFI_TYPE_STRUCT, none};
  (void)empty_elements_end;
  a[0] = &empty;
  CHECK(ffi_prep_closure_loc(&c, &cif, byte_sum, NULL, &c) == FFI_BAD_TYPEDEF);
  static ffi_type *lying_elements[] = {&ffi_type_sint32, &ffi_type_sint8, NULL};
  static ffi_type lying = {5, 4, FFI_TYPE_STRUCT, lying_elements};  // really size 8
  a[0] = &lying;
  CHECK(ffi_prep_closure_loc(&c, &cif, byte_sum, NULL, &c) == FFI_BAD_TYPEDEF);
  a[0] = &ffi_type_sint;
  cif.abi = 7;
  CHECK(ffi_prep_closure_loc(&c, &cif, byte_sum, NULL, &c) == FFI_BAD_ABI);
  cif.abi = FFI_FIRST_ABI;
  CHECK(ffi_prep_closure_loc(&c, &cif, byte_sum, NULL, &c) == FFI_BAD_ABI);
  return 0;
}

// ---- traps: each export below must end in a trap naming ffi_call ----
__attribute__((export_name("trap_bad_type_code"))) void trap_bad_type_code(void) {
  static ffi_type bad = {4, 4, 42, NULL};
  ffi_type *a[] = {&bad};
  ffi_cif cif = {FFI_DEFAULT_ABI, 1, a, &ffi_type_void, 0, 0};
  int v = 0;
  void *vals[] = {&v};
  ffi_call(&cif, FFI_FN(touch), NULL, vals);
}
__attribute__((export_name("trap_signature_mismatch"))) void trap_signature_mismatch(void) {
  ffi_cif cif;
  ffi_type *a[] = {&ffi_type_double};
  ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 1, &ffi_type_void, a);
  double d = 1;
  void *vals[] = {&d};
  ffi_call(&cif, FFI_FN(touch), NULL, vals);  // touch takes an int
}
__attribute__((export_name("trap_bad_value_pointer"))) void trap_bad_value_pointer(void) {
  ffi_cif cif;
  ffi_type *a[] = {&ffi_type_sint};
  ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 1, &ffi_type_void, a);
  void *vals[] = {(void *)0xFFFFFFF0u};
  ffi_call(&cif, FFI_FN(touch), NULL, vals);
}
__attribute__((export_name("trap_bad_cif"))) void trap_bad_cif(void) {
  ffi_call((ffi_cif *)0xFFFFFFF8u, FFI_FN(touch), NULL, NULL);
}
__attribute__((export_name("trap_bad_function"))) void trap_bad_function(void) {
  ffi_cif cif;
  ffi_prep_cif(&cif, FFI_DEFAULT_ABI, 0, &ffi_type_void, NULL);
  ffi_call(&cif, (void (*)(void))0x7FFFFFF, NULL, NULL);
}
__attribute__((export_name("trap_bad_abi"))) void trap_bad_abi(void) {
  ffi_cif cif = {9, 0, NULL, &ffi_type_void, 0, 0};
  ffi_call(&cif, FFI_FN(touch), NULL, NULL);
}

// Run as a function: every test in turn; the first failing CHECK's line is the return value.
int main(void) {
  int (*tests[])(void) = {test_integers, test_small_results_widen, test_64bit_and_floats, test_pointer_and_void,
                          test_structs, test_long_double_and_complex, test_variadic, test_closures, test_closure_int64, test_closure_errors};
  for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    int line = tests[i]();
    if (line != 0) return line;
  }
  return 0;
}
