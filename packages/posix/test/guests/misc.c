// faasm-cc: -Wl,--export=errno
#include <stdio.h>
#include <string.h>
#include "env.h"

ENV(gettext) char* x_gettext(const char*);
ENV(dgettext) char* x_dgettext(const char*, const char*);
ENV(dcgettext) char* x_dcgettext(const char*, const char*, int);
ENV(textdomain) char* x_textdomain(const char*);
ENV(bindtextdomain) char* x_bindtextdomain(const char*, const char*);
ENV(__cxa_allocate_exception) void* x_cxa_allocate_exception(size_t);
ENV(__cxa_throw) void x_cxa_throw(void*, void*, void (*)(void*));
ENV(__cxa_begin_catch) void* x_cxa_begin_catch(void*);
ENV(_Unwind_DeleteException) void x_unwind_delete(void*);
ENV(_Unwind_RaiseException) int x_unwind_raise(void*);
ENV(setjmp) int x_setjmp(void*);
ENV(longjmp) void x_longjmp(void*, int);
ENV(__errno_location) int* x_errno_location(void);
ENV(abort) void x_abort(void);
ENV(_Exit) void x_Exit(int);

struct type_info_ { void* vtable; const char* name; };
static struct type_info_ ti = {0, "St13runtime_error"};

int main(int argc, char** argv) {
    const char* msg = "Hello";
    CHECK(x_gettext(msg) == msg && x_dgettext("d", msg) == msg && x_dcgettext("d", msg, 5) == msg);
    CHECK(strcmp(x_textdomain(NULL), "messages") == 0);
    CHECK(strcmp(x_textdomain("app"), "app") == 0);
    CHECK(x_bindtextdomain("app", "/share") != NULL);
    CHECK(x_errno_location() != NULL);
    long jb[16];
    CHECK(x_setjmp(jb) == 0);
    void* e = x_cxa_allocate_exception(32);
    CHECK(e != NULL && x_cxa_begin_catch(e) == e);
    x_unwind_delete(e);
    printf("misc: %d failures\n", failures);
    fflush(stdout);
    const char* mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "throw") == 0) x_cxa_throw(e, &ti, 0);
    if (strcmp(mode, "unwind") == 0) x_unwind_raise(e);
    if (strcmp(mode, "longjmp") == 0) x_longjmp(jb, 1);
    if (strcmp(mode, "abort") == 0) x_abort();
    if (strcmp(mode, "_Exit") == 0) x_Exit(5);
    return failures;
}
