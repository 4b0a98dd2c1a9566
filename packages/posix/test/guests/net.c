// faasm-cc: -Wl,--export=errno
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "env.h"

struct sockaddr_in_ { unsigned short family; unsigned short port; unsigned addr; char zero[8]; };
struct hostent_ { char* h_name; char** h_aliases; int h_addrtype; int h_length; char** h_addr_list; };

ENV(socket) int x_socket(int, int, int);
ENV(connect) int x_connect(int, const void*, unsigned);
ENV(bind) int x_bind(int, const void*, unsigned);
ENV(listen) int x_listen(int, int);
ENV(accept) int x_accept(int, void*, unsigned*);
ENV(send) long x_send(int, const void*, size_t, int);
ENV(recv) long x_recv(int, void*, size_t, int);
ENV(sendto) long x_sendto(int, const void*, size_t, int, const void*, unsigned);
ENV(recvfrom) long x_recvfrom(int, void*, size_t, int, void*, unsigned*);
ENV(getsockopt) int x_getsockopt(int, int, int, void*, unsigned*);
ENV(setsockopt) int x_setsockopt(int, int, int, const void*, unsigned);
ENV(getsockname) int x_getsockname(int, void*, unsigned*);
ENV(shutdown) int x_shutdown(int, int);
ENV(gethostbyname) struct hostent_* x_gethostbyname(const char*);
ENV(inet_addr) unsigned x_inet_addr(const char*);
ENV(inet_ntoa) char* x_inet_ntoa(unsigned);
ENV(inet_pton) int x_inet_pton(int, const char*, void*);
ENV(inet_ntop) const char* x_inet_ntop(int, const void*, char*, unsigned);
ENV(htons) unsigned short x_htons(unsigned short);
ENV(ntohl) unsigned x_ntohl(unsigned);
ENV(__h_errno_location) int* x_h_errno_location(void);

int main(void) {
    // denied by default: the runtime was not given an allow-list
    errno = 0;
    CHECK(x_socket(1, 6, 0) == -1 && errno == EACCES);
    struct sockaddr_in_ sa = {1, 0, 0, {0}};
    sa.port = x_htons(80);
    sa.addr = x_inet_addr("127.0.0.1");
    CHECK(x_connect(3, &sa, sizeof sa) == -1 && errno == ENOTSOCK);
    CHECK(x_bind(99, &sa, sizeof sa) == -1 && errno == EBADF);
    CHECK(x_listen(99, 1) == -1 && errno == EBADF);
    unsigned len = sizeof sa;
    CHECK(x_accept(99, &sa, &len) == -1 && errno == EBADF);
    char b[4];
    CHECK(x_send(99, b, 4, 0) == -1 && x_recv(99, b, 4, 0) == -1 && errno == EBADF);
    CHECK(x_sendto(99, b, 4, 0, &sa, sizeof sa) == -1 && x_recvfrom(99, b, 4, 0, NULL, NULL) == -1);
    int v = 1;
    unsigned vl = sizeof v;
    CHECK(x_setsockopt(99, 1, 2, &v, sizeof v) == -1 && x_getsockopt(99, 1, 2, &v, &vl) == -1);
    CHECK(x_getsockname(99, &sa, &len) == -1 && x_shutdown(99, 2) == -1 && errno == EBADF);

    // address helpers need no network
    CHECK(x_ntohl(x_inet_addr("1.2.3.4")) == 0x01020304);
    CHECK(strcmp(x_inet_ntoa(x_inet_addr("10.0.0.7")), "10.0.0.7") == 0);
    unsigned char a6[16];
    char text[64];
    CHECK(x_inet_pton(2, "fe80::1", a6) == 1 && a6[0] == 0xfe && a6[15] == 1);
    CHECK(x_inet_ntop(2, a6, text, sizeof text) == text && strcmp(text, "fe80::1") == 0);
    struct hostent_* h = x_gethostbyname("localhost");
    CHECK(h != NULL && h->h_length == 4 && (unsigned char)h->h_addr_list[0][0] == 127);
    CHECK(x_gethostbyname("example.org") == NULL && *x_h_errno_location() == 1);

    printf("net: %d failures\n", failures);
    return failures;
}
