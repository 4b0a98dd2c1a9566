// fd_* and path_open through the raw WASI API: every success and error path we can reach
// from C. argv[1] names a fresh scratch directory under /tmp.
#include "check.h"
#include <stdlib.h>

static char dir[256];
static __wasi_fd_t work;

static void test_open(void) {
  __wasi_errno_t e;
  __wasi_fd_t fd = open_at(work, "a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, 0, &e);
  EQ(e, 0);
  EQ(fd >= 5, 1);
  open_at(work, "a.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, 0, &e);
  EQ(e, __WASI_ERRNO_EXIST);
  open_at(work, "missing", 0, ALL_RIGHTS, 0, &e);
  EQ(e, __WASI_ERRNO_NOENT);
  open_at(work, "a.txt", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS, 0, &e);
  EQ(e, __WASI_ERRNO_NOTDIR);
  open_at(work, "/etc/hosts", 0, __WASI_RIGHTS_FD_READ, 0, &e);
  EQ(e, __WASI_ERRNO_NOTCAPABLE);
  open_at(work, "../../..", 0, __WASI_RIGHTS_FD_READ, 0, &e);
  EQ(e, __WASI_ERRNO_NOTCAPABLE);
  open_at(work, "a.txt/x", 0, __WASI_RIGHTS_FD_READ, 0, &e);
  EQ(e, __WASI_ERRNO_NOTDIR);
  int32_t out = -1;
  EQ(raw_path_open(work, 0, "a.txt\0b", 7, 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_INVAL);
  EQ(raw_path_open(work, 0, "a.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_NOENT);
  EQ(raw_path_open(work, 0, "a.txt", 5, 0x10, __WASI_RIGHTS_FD_READ, 0, 0, &out), __WASI_ERRNO_INVAL);
  // Directory without PATH_OPEN, file as directory, bad fd.
  open_at(fd, "x", 0, __WASI_RIGHTS_FD_READ, 0, &e);
  EQ(e == __WASI_ERRNO_NOTDIR || e == __WASI_ERRNO_NOTCAPABLE, 1);
  open_at(99, "x", 0, __WASI_RIGHTS_FD_READ, 0, &e);
  EQ(e, __WASI_ERRNO_BADF);
  // Rights the directory cannot hand down.
  __wasi_fd_t ro = (__wasi_fd_t)-1;
  EQ(__wasi_path_open(work, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR, __WASI_RIGHTS_FD_READ, 0, &ro), 0);
  open_at(ro, "a.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, &e);
  EQ(e, __WASI_ERRNO_NOTCAPABLE);
  open_at(ro, "new.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, &e);
  EQ(e, __WASI_ERRNO_NOTCAPABLE);
  __wasi_fd_t r2 = open_at(ro, "a.txt", 0, __WASI_RIGHTS_FD_READ, 0, &e);
  EQ(e, 0);
  EQ(__wasi_fd_close(r2), 0);
  EQ(__wasi_fd_close(ro), 0);
  EQ(__wasi_fd_close(fd), 0);
  EQ(__wasi_fd_close(fd), __WASI_ERRNO_BADF);
}

static void test_rw(void) {
  __wasi_errno_t e;
  __wasi_size_t n;
  __wasi_fd_t fd = open_at(work, "rw.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, &e);
  EQ(e, 0);
  EQ(write_str(fd, "hello world", &n), 0);
  EQ(n, 11);
  __wasi_filesize_t pos = 99;
  EQ(__wasi_fd_tell(fd, &pos), 0);
  EQ(pos, 11);
  EQ(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
  EQ(pos, 0);
  char buf[64] = {0};
  // Two iovecs: the first fills, the second takes the rest.
  __wasi_iovec_t iov[2] = { { (uint8_t *)buf, 5 }, { (uint8_t *)buf + 5, 20 } };
  EQ(__wasi_fd_read(fd, iov, 2, &n), 0);
  EQ(n, 11);
  STREQ(buf, "hello world");
  EQ(__wasi_fd_read(fd, iov, 2, &n), 0);
  EQ(n, 0);
  EQ(__wasi_fd_seek(fd, -5, __WASI_WHENCE_END, &pos), 0);
  EQ(pos, 6);
  EQ(__wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &pos), 0);
  EQ(pos, 8);
  EQ(__wasi_fd_seek(fd, -100, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_INVAL);
  EQ(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL);
  memset(buf, 0, sizeof buf);
  __wasi_iovec_t one = { (uint8_t *)buf, 5 };
  EQ(__wasi_fd_pread(fd, &one, 1, 6, &n), 0);
  EQ(n, 5);
  STREQ(buf, "world");
  EQ(__wasi_fd_tell(fd, &pos), 0);
  EQ(pos, 8);
  __wasi_ciovec_t w = { (const uint8_t *)"HELLO", 5 };
  EQ(__wasi_fd_pwrite(fd, &w, 1, 0, &n), 0);
  EQ(n, 5);
  EQ(__wasi_fd_pwrite(fd, &w, 1, 20, &n), 0);
  __wasi_filestat_t st;
  EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EQ(st.size, 25);
  EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  EQ(st.nlink, 1);
  EQ(__wasi_fd_pread(fd, &one, 1, 0, &n), 0);
  EQ(memcmp(buf, "HELLO", 5), 0);
  // pread past the end reads nothing; pwrite/pread on stdio → SPIPE.
  EQ(__wasi_fd_pread(fd, &one, 1, 1000, &n), 0);
  EQ(n, 0);
  EQ(__wasi_fd_pwrite(1, &w, 1, 0, &n), __WASI_ERRNO_SPIPE);
  EQ(__wasi_fd_seek(1, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_SPIPE);
  EQ(__wasi_fd_tell(0, &pos), __WASI_ERRNO_SPIPE);
  // set_size, allocate, sync, advise.
  EQ(__wasi_fd_filestat_set_size(fd, 3), 0);
  EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EQ(st.size, 3);
  EQ(__wasi_fd_allocate(fd, 0, 10), 0);
  EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EQ(st.size, 10);
  EQ(__wasi_fd_allocate(fd, 0, 2), 0);
  EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EQ(st.size, 10);
  EQ(__wasi_fd_allocate(fd, 0, 0), __WASI_ERRNO_INVAL);
  EQ(__wasi_fd_sync(fd), 0);
  EQ(__wasi_fd_datasync(fd), 0);
  EQ(__wasi_fd_sync(1), __WASI_ERRNO_INVAL);
  EQ(__wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL), 0);
  EQ(__wasi_fd_advise(fd, 0, 10, 9), __WASI_ERRNO_INVAL);
  // Nanosecond times.
  EQ(__wasi_fd_filestat_set_times(fd, 1000000000500000000ull, 1100000000250000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EQ(st.atim, 1000000000500000000ull);
  EQ(st.mtim, 1100000000250000000ull);
  EQ(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
  EQ(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0);
  EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EQ(st.mtim > 1600000000000000000ull, 1);
  EQ(st.atim, 1000000000500000000ull);
  EQ(__wasi_fd_close(fd), 0);
}

static void test_append_and_flags(void) {
  __wasi_errno_t e;
  __wasi_size_t n;
  __wasi_fd_t fd = open_at(work, "app.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, __WASI_FDFLAGS_APPEND, &e);
  EQ(e, 0);
  EQ(write_str(fd, "one", &n), 0);
  __wasi_filesize_t pos;
  EQ(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
  EQ(write_str(fd, "two", &n), 0);
  __wasi_fdstat_t fs;
  EQ(__wasi_fd_fdstat_get(fd, &fs), 0);
  EQ(fs.fs_flags, __WASI_FDFLAGS_APPEND);
  EQ(fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
  EQ(fs.fs_rights_base, ALL_RIGHTS);
  EQ(__wasi_fd_fdstat_set_flags(fd, 0), 0);
  EQ(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
  EQ(write_str(fd, "ONE", &n), 0);
  char buf[16] = {0};
  __wasi_iovec_t iov = { (uint8_t *)buf, 15 };
  EQ(__wasi_fd_pread(fd, &iov, 1, 0, &n), 0);
  STREQ(buf, "ONEtwo");
  EQ(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
  // Rights only shrink.
  EQ(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0), 0);
  EQ(__wasi_fd_fdstat_get(fd, &fs), 0);
  EQ(fs.fs_rights_base, __WASI_RIGHTS_FD_READ);
  EQ(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_NOTCAPABLE);
  EQ(write_str(fd, "x", &n), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_fd_close(fd), 0);
  // stdio descriptors.
  EQ(__wasi_fd_fdstat_get(1, &fs), 0);
  EQ(fs.fs_filetype, __WASI_FILETYPE_CHARACTER_DEVICE);
  EQ(fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK, 0);
  EQ(__wasi_fd_fdstat_get(42, &fs), __WASI_ERRNO_BADF);
  // stdin is empty: EOF at once.
  EQ(read_buf(0, buf, 4, &n), 0);
  EQ(n, 0);
}

static void test_renumber(void) {
  __wasi_errno_t e;
  __wasi_size_t n;
  __wasi_fd_t a = open_at(work, "ren.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, &e);
  __wasi_fd_t b = open_at(work, "ren2.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, &e);
  EQ(write_str(a, "abc", &n), 0);
  EQ(__wasi_fd_renumber(a, b), 0);
  EQ(__wasi_fd_close(a), __WASI_ERRNO_BADF);
  __wasi_filesize_t pos;
  EQ(__wasi_fd_tell(b, &pos), 0);
  EQ(pos, 3);
  EQ(__wasi_fd_renumber(b, 77), __WASI_ERRNO_BADF);
  EQ(__wasi_fd_renumber(77, b), __WASI_ERRNO_BADF);
  EQ(__wasi_fd_renumber(b, b), 0);
  EQ(__wasi_fd_close(b), 0);
}

static void test_prestat(void) {
  __wasi_prestat_t ps;
  EQ(__wasi_fd_prestat_get(3, &ps), 0);
  EQ(ps.tag, __WASI_PREOPENTYPE_DIR);
  EQ(ps.u.dir.pr_name_len, 1);
  char name[8] = {0};
  EQ(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 8), 0);
  STREQ(name, "/");
  EQ(__wasi_fd_prestat_get(4, &ps), 0);
  EQ(__wasi_fd_prestat_dir_name(4, (uint8_t *)name, 1), 0);
  EQ(name[0], '.');
  EQ(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 0), __WASI_ERRNO_NAMETOOLONG);
  EQ(__wasi_fd_prestat_get(work, &ps), __WASI_ERRNO_BADF);
  EQ(__wasi_fd_prestat_get(1, &ps), __WASI_ERRNO_BADF);
  EQ(__wasi_fd_prestat_get(500, &ps), __WASI_ERRNO_BADF);
  EQ(__wasi_fd_prestat_dir_name(500, (uint8_t *)name, 8), __WASI_ERRNO_BADF);
}

static void test_misc(void) {
  __wasi_timestamp_t t = 0, t2 = 0;
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t), 0);
  EQ(t > 1600000000000000000ull, 1);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t), 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2), 0);
  EQ(t2 >= t, 1);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t), 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &t), 0);
  EQ(__wasi_clock_time_get(9, 1, &t), __WASI_ERRNO_INVAL);
  EQ(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &t), 0);
  EQ(t > 0, 1);
  EQ(__wasi_clock_res_get(9, &t), __WASI_ERRNO_INVAL);
  uint8_t r[64] = {0};
  EQ(__wasi_random_get(r, sizeof r), 0);
  int nonzero = 0;
  for (int i = 0; i < 64; i++) nonzero |= r[i];
  EQ(nonzero != 0, 1);
  EQ(__wasi_sched_yield(), 0);
  // Sockets: none exist, so BADF for a closed fd and NOTSOCK for any other.
  __wasi_fd_t c;
  EQ(__wasi_sock_accept(1, 0, &c), __WASI_ERRNO_NOTSOCK);
  EQ(__wasi_sock_accept(300, 0, &c), __WASI_ERRNO_BADF);
  __wasi_size_t n;
  __wasi_roflags_t rf;
  char b[4];
  __wasi_iovec_t iov = { (uint8_t *)b, 4 };
  __wasi_ciovec_t ciov = { (const uint8_t *)b, 4 };
  EQ(__wasi_sock_recv(3, &iov, 1, 0, &n, &rf), __WASI_ERRNO_NOTSOCK);
  EQ(__wasi_sock_recv(300, &iov, 1, 0, &n, &rf), __WASI_ERRNO_BADF);
  EQ(__wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
  EQ(__wasi_sock_send(300, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
  EQ(__wasi_sock_shutdown(1, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
  EQ(__wasi_sock_shutdown(300, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
}

static void test_poll(void) {
  __wasi_subscription_t subs[2];
  __wasi_event_t evs[2];
  __wasi_size_t n = 0;
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 42;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 20000000; // 20 ms
  __wasi_timestamp_t before, after;
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &before), 0);
  EQ(__wasi_poll_oneoff(subs, evs, 1, &n), 0);
  EQ(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &after), 0);
  EQ(n, 1);
  EQ(evs[0].userdata, 42);
  EQ(evs[0].type, __WASI_EVENTTYPE_CLOCK);
  EQ(evs[0].error, 0);
  EQ(after - before >= 20000000, 1);
  // Absolute realtime deadline in the past fires at once.
  subs[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
  subs[0].u.u.clock.timeout = 1;
  subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  EQ(__wasi_poll_oneoff(subs, evs, 1, &n), 0);
  EQ(n, 1);
  // An fd subscription is ready at once and wins over a long clock.
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.flags = 0;
  subs[0].u.u.clock.timeout = 60000000000ull;
  subs[1].userdata = 7;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  EQ(__wasi_poll_oneoff(subs, evs, 2, &n), 0);
  EQ(n, 1);
  EQ(evs[0].userdata, 7);
  EQ(evs[0].type, __WASI_EVENTTYPE_FD_WRITE);
  EQ(evs[0].error, 0);
  subs[1].u.u.fd_read.file_descriptor = 300;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_READ;
  EQ(__wasi_poll_oneoff(subs, evs, 2, &n), 0);
  EQ(n, 1);
  EQ(evs[0].error, __WASI_ERRNO_BADF);
  // Unknown clock → the event carries INVAL; no subscriptions → INVAL.
  subs[0].u.u.clock.id = 99;
  EQ(__wasi_poll_oneoff(subs, evs, 1, &n), 0);
  EQ(n, 1);
  EQ(evs[0].error, __WASI_ERRNO_INVAL);
  EQ(__wasi_poll_oneoff(subs, evs, 0, &n), __WASI_ERRNO_INVAL);
  // A file is readable with its remaining bytes.
  __wasi_errno_t e;
  __wasi_fd_t fd = open_at(work, "poll.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0, &e);
  EQ(write_str(fd, "12345", &n), 0);
  __wasi_filesize_t pos;
  EQ(__wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos), 0);
  subs[1].u.u.fd_read.file_descriptor = fd;
  EQ(__wasi_poll_oneoff(&subs[1], evs, 1, &n), 0);
  EQ(n, 1);
  EQ(evs[0].fd_readwrite.nbytes, 4);
  EQ(__wasi_fd_close(fd), 0);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  snprintf(dir, sizeof dir, "tmp/%s", argv[1]);
  EQ(__wasi_path_create_directory(ROOT, dir), 0);
  __wasi_errno_t e;
  work = open_at(ROOT, dir, __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS, 0, &e);
  EQ(e, 0);
  test_open();
  test_rw();
  test_append_and_flags();
  test_renumber();
  test_prestat();
  test_misc();
  test_poll();
  DONE();
}
