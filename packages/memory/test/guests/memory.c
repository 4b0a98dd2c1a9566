// Faasm's memory rules from a C guest (Faasm's tests: memory growth and shrinkage,
// demo/mmap's 1000 map/unmap cycles, unmapping at the top vs elsewhere, over-max).
// Returns 0, or the line of the first failed check.
#include <stddef.h>
#include <stdint.h>
#define ENV(name) __attribute__((import_module("env"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))
#define CHECK(c) do { if (!(c)) return __LINE__; } while (0)
#define PAGE 65536u

ENV(__sbrk) void* x_sbrk(intptr_t);
ENV(mmap) void* x_mmap(void*, size_t, int, int, int, long long);
ENV(munmap) int x_munmap(void*, size_t);
ENV(msync) int x_msync(void*, size_t, int);
ENV(shm_open) int x_shm_open(const char*, int, unsigned);

static uintptr_t brk(void) { return (uintptr_t)x_sbrk(0); }

int main(void) {
    // the break starts at the memory size, page aligned
    uintptr_t start = brk();
    CHECK(start % PAGE == 0 && start == __builtin_wasm_memory_size(0) * PAGE);
    // growth: returns the old break, moves it by whole pages
    CHECK((uintptr_t)x_sbrk(3 * PAGE) == start);
    CHECK(brk() == start + 3 * PAGE);
    // shrink: the break only; regrowth reuses the same addresses, zeroed
    ((char*)start)[2 * PAGE + 5] = 9;
    CHECK((uintptr_t)x_sbrk(-(intptr_t)PAGE) == start + 3 * PAGE && brk() == start + 2 * PAGE);
    CHECK((uintptr_t)x_sbrk(PAGE) == start + 2 * PAGE && ((char*)start)[2 * PAGE + 5] == 0);
    // the guest's own memory.grow moves the break with it
    uintptr_t before = brk();
    __builtin_wasm_memory_grow(0, 2);
    CHECK(brk() == before + 2 * PAGE);

    // demo/mmap: map, unmap, map again: the same pointer, 1000 times, no growth
    size_t len = 196608;
    void* first = x_mmap(0, len, 3, 34, -1, 0);
    size_t pages = __builtin_wasm_memory_size(0);
    for (int i = 0; i < 1000; i++) {
        CHECK(x_munmap(first, len) == 0);
        void* again = x_mmap(0, len, 3, 34, -1, 0);
        CHECK(again == first);
        ((char*)again)[len - 1] = (char)i;
    }
    CHECK(__builtin_wasm_memory_size(0) == pages);

    // unmap below the top: the break stays; the hole is reused (better than Faasm)
    char* a = x_mmap(0, 2 * PAGE, 3, 34, -1, 0);
    char* b = x_mmap(0, PAGE, 3, 34, -1, 0);
    a[100] = 1;
    uintptr_t top = brk();
    CHECK(top == (uintptr_t)b + PAGE);
    CHECK(x_munmap(a, 2 * PAGE) == 0 && brk() == top);
    char* c = x_mmap(0, PAGE, 3, 34, -1, 0);
    CHECK(c == a && c[100] == 0);
    // unmap at the top lowers the break, and the free page just below it (the rest of
    // a's hole) folds into it
    CHECK(x_munmap(b, PAGE) == 0 && brk() == (uintptr_t)c + PAGE);
    CHECK(x_msync(c, PAGE, 0) == 0);
    CHECK(x_shm_open("/x", 0, 0) == -1);
    return 0;
}

/** Grows past the module's maximum: must end the call with "Memory growth exceeding max". */
EXPORT(over_max) void* over_max(void) { return x_sbrk(0x7fff0000); }

/** Maps `len` bytes of fd (read-only, private). */
EXPORT(map_file) void* map_file(int fd, int len) { return x_mmap(0, (size_t)len, 1, 2, fd, 0); }
