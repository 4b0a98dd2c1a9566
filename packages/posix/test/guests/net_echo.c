// faasm-cc: -Wl,--export=errno
// Real loopback TCP from a guest (the runtime allows 127.0.0.1): a server and a client
// socket in one Faaslet, a round trip, then EOF after shutdown.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "env.h"

struct sockaddr_in_ { unsigned short family; unsigned short port; unsigned addr; char zero[8]; };
ENV(socket) int x_socket(int, int, int);
ENV(bind) int x_bind(int, const void*, unsigned);
ENV(listen) int x_listen(int, int);
ENV(accept) int x_accept(int, void*, unsigned*);
ENV(connect) int x_connect(int, const void*, unsigned);
ENV(send) long x_send(int, const void*, size_t, int);
ENV(recv) long x_recv(int, void*, size_t, int);
ENV(getsockname) int x_getsockname(int, void*, unsigned*);
ENV(shutdown) int x_shutdown(int, int);
ENV(inet_addr) unsigned x_inet_addr(const char*);
ENV(__syscall1) long x_syscall1(long, long);

int main(void) {
    struct sockaddr_in_ sa = {1 /* AF_INET */, 0, 0, {0}};
    sa.addr = x_inet_addr("127.0.0.1");
    int server = x_socket(1, 6 /* SOCK_STREAM */, 0);
    CHECK(server >= 0);
    CHECK(x_bind(server, &sa, sizeof sa) == 0 && x_listen(server, 4) == 0);
    unsigned len = sizeof sa;
    CHECK(x_getsockname(server, &sa, &len) == 0 && sa.port != 0);
    int client = x_socket(1, 6, 0);
    CHECK(x_connect(client, &sa, sizeof sa) == 0);
    struct sockaddr_in_ peer;
    len = sizeof peer;
    int conn = x_accept(server, &peer, &len);
    CHECK(conn >= 0 && peer.addr == x_inet_addr("127.0.0.1"));
    CHECK(x_send(client, "ping", 4, 0) == 4);
    char buf[16] = {0};
    long got = 0;
    while (got < 4) {
        long n = x_recv(conn, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0) break;
        got += n;
    }
    CHECK(got == 4 && strcmp(buf, "ping") == 0);
    CHECK(x_send(conn, "pong", 4, 0) == 4 && x_recv(client, buf, 4, 0) == 4 && memcmp(buf, "pong", 4) == 0);
    CHECK(x_shutdown(client, 2 /* SHUT_WR */) == 0 && x_recv(conn, buf, 4, 0) == 0);
    // a destination outside the allow-list is refused before any packet leaves
    struct sockaddr_in_ far = {1, 0x5000, 0, {0}};
    far.addr = x_inet_addr("10.1.2.3");
    int other = x_socket(1, 6, 0);
    errno = 0;
    CHECK(x_connect(other, &far, sizeof far) == -1 && errno == EACCES);
    CHECK(x_syscall1(6, conn) == 0 && x_syscall1(6, client) == 0 && x_syscall1(6, server) == 0);
    printf("net_echo: %d failures\n", failures);
    return failures;
}
