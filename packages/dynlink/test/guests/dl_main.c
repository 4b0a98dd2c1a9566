// faasm-cc: -Wl,--export=strlen -Wl,--export=host_value -Wl,--export=main_counter
// dlopen/dlsym/dlclose/dlerror over libside.wasm. Each test_* export returns 0 when every
// CHECK holds, else the line of the first failing CHECK; main runs them all.
#include <dlfcn.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) return __LINE__; } while (0)
#define EXPORT(name) __attribute__((export_name(#name))) int name(void)

int main_counter = 3;
int host_value(void) { return 4; }
static int triple(int x) { return 3 * x; }

static int stack_sum(int n) {
  int sum = 0;
  for (int i = 0; i < 256; i++) sum += (char)(i * n);
  return sum;
}

EXPORT(test_dlopen_calls) {
  void *h = dlopen("libside.wasm", RTLD_NOW);
  CHECK(h != NULL);
  int (*add)(int, int) = (int (*)(int, int))dlsym(h, "side_add");
  CHECK(add != NULL && add(2, 3) == 5);
  int *counter = dlsym(h, "side_counter");
  CHECK(counter != NULL && *counter == 7);
  int (*len)(const char *) = (int (*)(const char *))dlsym(h, "side_len");
  CHECK(len("abcd") == 4);  // strlen comes from the main module
  const char **greeting = dlsym(h, "side_greeting");
  CHECK(greeting != NULL && strcmp(*greeting, "hello from side") == 0);
  const char ***greeting_ptr = dlsym(h, "side_greeting_ptr");
  CHECK(*greeting_ptr == greeting);  // a relocated pointer to the module's own data
  int (**twice_ptr)(int) = dlsym(h, "side_twice_ptr");
  CHECK((*twice_ptr)(21) == 42);  // a relocated pointer to the module's own function
  int (*(*get_twice)(void))(int) = (int (*(*)(void))(int))dlsym(h, "side_get_twice");
  CHECK(get_twice() == *twice_ptr);
  int (*host)(void) = (int (*)(void))dlsym(h, "side_host");
  CHECK(host() == 4 * 10 + 3);
  main_counter = 9;
  CHECK(host() == 4 * 10 + 9);  // reads the main module's data through GOT.mem
  int (*ctor_runs)(void) = (int (*)(void))dlsym(h, "side_ctor_runs");
  CHECK(ctor_runs() == 4);
  int (*call)(int (*)(int), int) = (int (*)(int (*)(int), int))dlsym(h, "side_call");
  CHECK(call(triple, 5) == 15);  // a main function pointer called from the side module
  int (*stack)(int) = (int (*)(int))dlsym(h, "side_stack");
  CHECK(stack(7) == stack_sum(7));  // shares the main module's stack pointer
  CHECK(dlopen("./libside.wasm", RTLD_NOW) == h);  // loaded once: same handle, no second ctor run
  CHECK(ctor_runs() == 4);
  CHECK(dlsym(h, "side_add") == (void *)add);
  CHECK(dlsym(RTLD_DEFAULT, "side_add") == NULL);  // opened RTLD_LOCAL
  CHECK(dlerror() != NULL);
  CHECK(dlopen("libside.wasm", RTLD_NOW | RTLD_GLOBAL) == h);
  CHECK(dlsym(RTLD_DEFAULT, "side_add") == (void *)add);
  CHECK(dlclose(h) == 0);
  CHECK(dlerror() == NULL);
  return 0;
}

EXPORT(test_dlopen_main) {
  void *self = dlopen(NULL, RTLD_NOW);
  CHECK(self != NULL);
  int (*hv)(void) = (int (*)(void))dlsym(self, "host_value");
  CHECK(hv == host_value);  // the main module's own function pointer
  CHECK(dlsym(self, "main_counter") == &main_counter);
  CHECK(dlsym(RTLD_DEFAULT, "host_value") == (void *)host_value);
  CHECK(dlclose(self) == 0);
  return 0;
}

EXPORT(test_errors) {
  CHECK(dlerror() == NULL);
  CHECK(dlopen("missing.wasm", RTLD_NOW) == NULL);
  const char *e = dlerror();
  CHECK(e != NULL && strcmp(e, "missing.wasm: cannot open shared object file: No such file or directory") == 0);
  CHECK(dlerror() == NULL);  // cleared by reading it
  CHECK(dlopen("dl_main.wasm", RTLD_NOW) == NULL);
  e = dlerror();
  CHECK(e != NULL && strstr(e, "not a side module") != NULL);
  CHECK(dlopen("libside.c", RTLD_NOW) == NULL);
  e = dlerror();
  CHECK(e != NULL && strstr(e, "invalid side module") != NULL);
  void *h = dlopen("libside.wasm", RTLD_NOW);
  CHECK(h != NULL);
  CHECK(dlopen("libside.wasm", RTLD_NOLOAD) == h);
  CHECK(dlsym(h, "no_such_symbol") == NULL);
  e = dlerror();
  CHECK(e != NULL && strstr(e, "no_such_symbol") != NULL);
  CHECK(dlclose((void *)0x12345) != 0);
  e = dlerror();
  CHECK(e != NULL && strstr(e, "invalid handle") != NULL);
  CHECK(dlsym((void *)0x12345, "side_add") == NULL);
  CHECK(dlerror() != NULL);
  CHECK(dlsym(RTLD_NEXT, "side_add") == NULL);
  CHECK(dlerror() != NULL);
  return 0;
}

int main(void) {
  int (*tests[])(void) = {test_dlopen_main, test_dlopen_calls, test_errors};
  for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    int line = tests[i]();
    if (line != 0) return line;
  }
  return 0;
}
