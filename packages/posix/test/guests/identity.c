// faasm-cc: -Wl,--export=errno
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "env.h"

struct passwd_ { char* pw_name; char* pw_passwd; unsigned pw_uid; unsigned pw_gid; char* pw_gecos; char* pw_dir; char* pw_shell; };
struct group_ { char* gr_name; char* gr_passwd; unsigned gr_gid; char** gr_mem; };
struct utsname_ { char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65]; };
struct rlimit_ { unsigned long long cur, max; };

ENV(getpid) int x_getpid(void);
ENV(getppid) int x_getppid(void);
ENV(getuid) unsigned x_getuid(void);
ENV(geteuid) unsigned x_geteuid(void);
ENV(getgid) unsigned x_getgid(void);
ENV(getegid) unsigned x_getegid(void);
ENV(getresuid) int x_getresuid(unsigned*, unsigned*, unsigned*);
ENV(getresgid) int x_getresgid(unsigned*, unsigned*, unsigned*);
ENV(setgroups) int x_setgroups(size_t, const unsigned*);
ENV(getpwnam) struct passwd_* x_getpwnam(const char*);
ENV(getpwuid) struct passwd_* x_getpwuid(unsigned);
ENV(getgrnam) struct group_* x_getgrnam(const char*);
ENV(getgrgid) struct group_* x_getgrgid(unsigned);
ENV(getgrent) struct group_* x_getgrent(void);
ENV(setgrent) void x_setgrent(void);
ENV(endgrent) void x_endgrent(void);
ENV(uname) int x_uname(struct utsname_*);
ENV(gethostname) int x_gethostname(char*, size_t);
ENV(sysconf) long x_sysconf(int);
ENV(confstr) size_t x_confstr(int, char*, size_t);
ENV(getrlimit) int x_getrlimit(int, struct rlimit_*);
ENV(setrlimit) int x_setrlimit(int, const struct rlimit_*);
ENV(getrusage) int x_getrusage(int, void*);
ENV(getpriority) int x_getpriority(int, unsigned);
ENV(setpriority) int x_setpriority(int, unsigned, int);
ENV(umask) unsigned x_umask(unsigned);
ENV(ttyname) char* x_ttyname(int);

int main(void) {
    CHECK(x_getpid() == 23);
    CHECK(x_getppid() == 1);
    CHECK(x_getuid() == 1000 && x_geteuid() == 1000 && x_getgid() == 1000 && x_getegid() == 1000);
    unsigned r = 0, e = 0, s = 0;
    CHECK(x_getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1000 && s == 1000);
    CHECK(x_getresgid(&r, &e, &s) == 0 && s == 1000);
    errno = 0;
    CHECK(x_setgroups(0, NULL) == -1 && errno == EPERM);

    struct passwd_* pw = x_getpwnam("faasm");
    CHECK(pw != NULL && pw->pw_uid == 1000 && strcmp(pw->pw_dir, "/home/faasm") == 0);
    pw = x_getpwuid(0);
    CHECK(pw != NULL && strcmp(pw->pw_name, "root") == 0);
    CHECK(x_getpwnam("nobody") == NULL);
    struct group_* gr = x_getgrnam("faasm");
    CHECK(gr != NULL && gr->gr_gid == 1000);
    CHECK(x_getgrgid(0) != NULL && strcmp(x_getgrgid(0)->gr_name, "root") == 0);
    int groups = 0;
    x_setgrent();
    while (x_getgrent() != NULL) groups++;
    x_endgrent();
    CHECK(groups == 2);

    struct utsname_ u;
    CHECK(x_uname(&u) == 0 && strcmp(u.sysname, "faasm") == 0 && strcmp(u.machine, "wasm32") == 0);
    char host[64];
    CHECK(x_gethostname(host, sizeof host) == 0 && strcmp(host, "faasm") == 0);
    errno = 0;
    CHECK(x_gethostname(host, 2) == -1 && errno == ENAMETOOLONG);
    CHECK(x_sysconf(84 /* _SC_NPROCESSORS_ONLN */) == 4);
    CHECK(x_sysconf(30 /* _SC_PAGESIZE */) == 65536);
    errno = 0;
    CHECK(x_sysconf(4242) == -1 && errno == EINVAL);
    char path[64];
    CHECK(x_confstr(0, path, sizeof path) == 14 && strcmp(path, "/bin:/usr/bin") == 0);

    struct rlimit_ rl;
    CHECK(x_getrlimit(3 /* RLIMIT_STACK */, &rl) == 0 && rl.cur == 4 * 1024 * 1024);
    rl.cur = 10; rl.max = 20;
    CHECK(x_setrlimit(7, &rl) == 0 && x_getrlimit(7, &rl) == 0 && rl.cur == 10 && rl.max == 20);
    rl.max = 100;
    errno = 0;
    CHECK(x_setrlimit(7, &rl) == -1 && errno == EPERM);
    char usage[152];
    CHECK(x_getrusage(0, usage) == 0);
    CHECK(x_getpriority(0, 0) == 0 && x_setpriority(0, 0, 10) == 0 && x_getpriority(0, 0) == 10);
    errno = 0;
    CHECK(x_setpriority(0, 0, 0) == -1 && errno == EACCES);
    CHECK(x_umask(077) == 022 && x_umask(022) == 077);
    CHECK(x_ttyname(1) != NULL && strcmp(x_ttyname(1), "/dev/tty") == 0);
    errno = 0;
    CHECK(x_ttyname(3) == NULL && errno == ENOTTY);

    printf("identity: %d failures\n", failures);
    return failures;
}
