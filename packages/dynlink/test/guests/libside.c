// faasm-cc: --side-module
// A side module for dl_main: functions, data, data relocations (pointers to its own data
// and functions), a constructor, and symbols it imports from the main module.
#include <string.h>

extern int host_value(void);  // the main module's function
extern int main_counter;      // the main module's data

int side_counter = 5;
const char *side_greeting = "hello from side";
const char **side_greeting_ptr = &side_greeting;
static int ctor_runs;
static int twice(int x) { return 2 * x; }
int (*side_twice_ptr)(int) = twice;

int side_add(int a, int b) {
  side_counter += a;
  return a + b;
}
int side_len(const char *s) { return (int)strlen(s); }
int side_host(void) { return host_value() * 10 + main_counter; }
int side_ctor_runs(void) { return ctor_runs; }
int side_call(int (*f)(int), int x) { return f(x); }
int (*side_get_twice(void))(int) { return twice; }
int side_stack(int n) {
  volatile char buf[256];
  for (int i = 0; i < 256; i++) buf[i] = (char)(i * n);
  int sum = 0;
  for (int i = 0; i < 256; i++) sum += buf[i];
  return sum;
}

__attribute__((constructor)) static void init(void) { ctor_runs += host_value(); }
