// path_* functions, fd_readdir and the sandbox through the raw WASI API.
// argv[1] names a fresh scratch directory under /tmp.
#include "check.h"

static char dir[256];
static __wasi_fd_t work;

static __wasi_errno_t touch(const char *path) {
  __wasi_errno_t e;
  __wasi_fd_t fd = open_at(work, path, __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, &e);
  if (e == 0) (void)__wasi_fd_close(fd);
  return e;
}

static void test_dirs(void) {
  EQ(__wasi_path_create_directory(work, "d"), 0);
  EQ(__wasi_path_create_directory(work, "d"), __WASI_ERRNO_EXIST);
  EQ(__wasi_path_create_directory(work, "nope/d"), __WASI_ERRNO_NOENT);
  EQ(__wasi_path_create_directory(work, "../../../x"), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_create_directory(work, "/x"), __WASI_ERRNO_NOTCAPABLE);
  EQ(raw_mkdir(work, "a\0b", 3), __WASI_ERRNO_INVAL);
  EQ(touch("d/f"), 0);
  EQ(__wasi_path_remove_directory(work, "d"), __WASI_ERRNO_NOTEMPTY);
  EQ(__wasi_path_remove_directory(work, "d/f"), __WASI_ERRNO_NOTDIR);
  EQ(__wasi_path_remove_directory(work, "missing"), __WASI_ERRNO_NOENT);
  EQ(__wasi_path_unlink_file(work, "d"), __WASI_ERRNO_ISDIR);
  EQ(__wasi_path_unlink_file(work, "d/missing"), __WASI_ERRNO_NOENT);
  EQ(__wasi_path_unlink_file(work, "d/f"), 0);
  EQ(__wasi_path_remove_directory(work, "d"), 0);
  EQ(__wasi_path_remove_directory(work, "."), __WASI_ERRNO_INVAL);
  EQ(__wasi_path_unlink_file(99, "x"), __WASI_ERRNO_BADF);
  EQ(__wasi_path_create_directory(1, "x"), __WASI_ERRNO_NOTCAPABLE);
}

static void test_rename_link(void) {
  EQ(touch("r1"), 0);
  EQ(__wasi_path_rename(work, "r1", work, "r2"), 0);
  __wasi_filestat_t st;
  EQ(__wasi_path_filestat_get(work, 0, "r1", &st), __WASI_ERRNO_NOENT);
  EQ(__wasi_path_filestat_get(work, 0, "r2", &st), 0);
  EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  EQ(__wasi_path_rename(work, "missing", work, "r3"), __WASI_ERRNO_NOENT);
  EQ(__wasi_path_create_directory(work, "rd"), 0);
  EQ(__wasi_path_rename(work, "r2", work, "rd"), __WASI_ERRNO_ISDIR);
  EQ(__wasi_path_rename(work, "rd", work, "rd/sub"), __WASI_ERRNO_INVAL);
  EQ(__wasi_path_rename(work, "r2", work, "../../../../r2"), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_rename(work, "r2", ROOT, "tmp/r2-moved"), 0);
  EQ(__wasi_path_rename(ROOT, "tmp/r2-moved", work, "r2"), 0);
  EQ(__wasi_path_link(work, 0, "r2", work, "r2-link"), 0);
  EQ(__wasi_path_filestat_get(work, 0, "r2", &st), 0);
  EQ(st.nlink, 2);
  EQ(__wasi_path_link(work, 0, "r2", work, "r2-link"), __WASI_ERRNO_EXIST);
  EQ(__wasi_path_link(work, 0, "rd", work, "rd-link"), __WASI_ERRNO_PERM);
  EQ(__wasi_path_link(work, 0, "missing", work, "m-link"), __WASI_ERRNO_NOENT);
  EQ(__wasi_path_unlink_file(work, "r2-link"), 0);
  EQ(__wasi_path_filestat_get(work, 0, "r2", &st), 0);
  EQ(st.nlink, 1);
}

static void test_symlinks(void) {
  __wasi_errno_t e;
  __wasi_size_t n;
  __wasi_fd_t fd = open_at(work, "target.txt", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0, &e);
  EQ(write_str(fd, "target!", &n), 0);
  EQ(__wasi_fd_close(fd), 0);
  EQ(__wasi_path_symlink("target.txt", work, "ln"), 0);
  EQ(__wasi_path_symlink("target.txt", work, "ln"), __WASI_ERRNO_EXIST);
  char buf[64] = {0};
  EQ(__wasi_path_readlink(work, "ln", (uint8_t *)buf, sizeof buf, &n), 0);
  EQ(n, 10);
  EQ(memcmp(buf, "target.txt", 10), 0);
  memset(buf, 0, sizeof buf);
  EQ(__wasi_path_readlink(work, "ln", (uint8_t *)buf, 4, &n), 0);
  EQ(n, 4);
  STREQ(buf, "targ");
  EQ(__wasi_path_readlink(work, "target.txt", (uint8_t *)buf, 4, &n), __WASI_ERRNO_INVAL);
  EQ(__wasi_path_readlink(work, "missing", (uint8_t *)buf, 4, &n), __WASI_ERRNO_NOENT);
  // Follow vs no-follow.
  __wasi_filestat_t st;
  EQ(__wasi_path_filestat_get(work, 0, "ln", &st), 0);
  EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
  EQ(__wasi_path_filestat_get(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ln", &st), 0);
  EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  EQ(st.size, 7);
  fd = (__wasi_fd_t)-1;
  EQ(__wasi_path_open(work, 0, "ln", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_LOOP);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "ln", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
  memset(buf, 0, sizeof buf);
  EQ(read_buf(fd, buf, sizeof buf, &n), 0);
  STREQ(buf, "target!");
  EQ(__wasi_fd_close(fd), 0);
  // A symlinked directory in the middle of a path is followed.
  EQ(__wasi_path_create_directory(work, "sub"), 0);
  EQ(__wasi_path_symlink("sub", work, "sublink"), 0);
  EQ(touch("sublink/inside"), 0);
  EQ(__wasi_path_filestat_get(work, 0, "sub/inside", &st), 0);
  // Loops.
  EQ(__wasi_path_symlink("loop2", work, "loop1"), 0);
  EQ(__wasi_path_symlink("loop1", work, "loop2"), 0);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "loop1", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_LOOP);
  EQ(__wasi_path_filestat_get(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "loop1/x", &st), __WASI_ERRNO_LOOP);
  // O_CREAT|O_EXCL on a symlink is EXIST, even a dangling one; plain O_CREAT creates the target.
  EQ(__wasi_path_symlink("made-by-link", work, "dangling-create"), 0);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling-create", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_EXIST);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling-create", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), 0);
  EQ(__wasi_fd_close(fd), 0);
  EQ(__wasi_path_filestat_get(work, 0, "made-by-link", &st), 0);
  EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
  // Dangling links: no-follow stat works, follow is NOENT.
  EQ(__wasi_path_symlink("nowhere", work, "dangle"), 0);
  EQ(__wasi_path_filestat_get(work, 0, "dangle", &st), 0);
  EQ(__wasi_path_filestat_get(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangle", &st), __WASI_ERRNO_NOENT);
  // Removing a link removes the link, not the target.
  EQ(__wasi_path_unlink_file(work, "ln"), 0);
  EQ(__wasi_path_filestat_get(work, 0, "target.txt", &st), 0);
  // path times: nanoseconds, follow flag.
  EQ(__wasi_path_filestat_set_times(work, 0, "target.txt", 1200000000750000000ull, 1300000000125000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  EQ(__wasi_path_filestat_get(work, 0, "target.txt", &st), 0);
  EQ(st.atim, 1200000000750000000ull);
  EQ(st.mtim, 1300000000125000000ull);
  EQ(__wasi_path_filestat_set_times(work, 0, "target.txt", 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
  EQ(__wasi_path_filestat_set_times(work, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOENT);
}

static void test_escape(void) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  __wasi_filestat_t st;
  // Traversal, absolute paths, absolute and relative symlinks out of the preopen.
  EQ(__wasi_path_open(ROOT, 0, "..", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_open(ROOT, 0, "etc/../../etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_open(ROOT, 0, "tmp/../..", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_filestat_get(ROOT, 0, "/etc/passwd", &st), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_symlink("/etc/passwd", work, "abs"), 0);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "abs", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_filestat_get(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "abs", &st), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_symlink("/", work, "absdir"), 0);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "absdir/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "absdir/etc/passwd", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_create_directory(work, "absdir/tmp/escaped"), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_symlink("../../../../../../../../..", work, "up"), 0);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "up", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_unlink_file(work, "up/etc/passwd"), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_rename(work, "up/etc/passwd", work, "stolen"), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_link(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "abs", work, "hard"), __WASI_ERRNO_NOTCAPABLE);
  // The same through the preopen itself (where the kernel walks first and the host checks after).
  char via[300];
  snprintf(via, sizeof via, "%s/absdir/etc/passwd", dir);
  EQ(__wasi_path_open(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, via, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  snprintf(via, sizeof via, "%s/abs", dir);
  EQ(__wasi_path_open(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, via, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  EQ(__wasi_path_open(ROOT, 0, via, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_LOOP);
  snprintf(via, sizeof via, "%s/up/etc/passwd", dir);
  EQ(__wasi_path_open(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, via, 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  snprintf(via, sizeof via, "%s/absdir/tmp", dir);
  EQ(__wasi_path_open(ROOT, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, via, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd), __WASI_ERRNO_NOTCAPABLE);
  // A trailing slash names a directory: a file with one is NOTDIR (through the preopen too).
  EQ(__wasi_path_open(ROOT, 0, "etc/hosts/", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
  EQ(__wasi_path_open(ROOT, 0, "etc/", 0, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd), 0);
  EQ(__wasi_fd_close(fd), 0);
  // `..` inside the preopen is fine: tmp/<dir>/../<dir>.
  char back[300];
  snprintf(back, sizeof back, "../%s/target.txt", dir + 4);
  EQ(__wasi_path_filestat_get(work, 0, back, &st), 0);
  // A relative link that stays inside resolves.
  EQ(__wasi_path_symlink("../../etc/hosts", work, "hosts"), 0);
  EQ(__wasi_path_open(work, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "hosts", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
  char buf[64] = {0};
  __wasi_size_t n;
  EQ(read_buf(fd, buf, sizeof buf, &n), 0);
  STREQ(buf, "127.0.0.1\tlocalhost\n");
  EQ(__wasi_fd_close(fd), 0);
}

static int count_entries(__wasi_fd_t fd, size_t bufsize, int *dots) {
  static uint8_t buf[8192];
  __wasi_dircookie_t cookie = 0;
  int count = 0;
  *dots = 0;
  for (int rounds = 0; rounds < 10000; rounds++) {
    __wasi_size_t used = 0;
    if (__wasi_fd_readdir(fd, buf, bufsize, cookie, &used) != 0) return -1;
    size_t at = 0;
    int progressed = 0;
    while (at + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + at, sizeof d);
      if (at + sizeof d + d.d_namlen > used) break; // cut entry: resume from its cookie
      const char *name = (const char *)buf + at + sizeof d;
      if ((d.d_namlen == 1 && name[0] == '.') || (d.d_namlen == 2 && name[0] == '.' && name[1] == '.')) (*dots)++;
      count++;
      cookie = d.d_next;
      at += sizeof d + d.d_namlen;
      progressed = 1;
    }
    if (used < bufsize) return count;
    if (!progressed) return -2;
  }
  return -3;
}

static void test_readdir(void) {
  EQ(__wasi_path_create_directory(work, "many"), 0);
  char name[64];
  for (int i = 0; i < 50; i++) {
    snprintf(name, sizeof name, "many/entry-%03d", i);
    EQ(touch(name), 0);
  }
  __wasi_errno_t e;
  __wasi_fd_t fd = open_at(work, "many", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS, 0, &e);
  EQ(e, 0);
  int dots = 0;
  EQ(count_entries(fd, 8192, &dots), 52);
  EQ(dots, 2);
  // Buffers that end mid-entry: every size from a header and a bit up.
  for (size_t size = 40; size < 100; size += 7) EQ(count_entries(fd, size, &dots), 52);
  // Cookie past the end: nothing.
  uint8_t buf[64];
  __wasi_size_t used = 1;
  EQ(__wasi_fd_readdir(fd, buf, sizeof buf, 1000, &used), 0);
  EQ(used, 0);
  // A tiny buffer is filled to the brim (bufused == buf_len means "more").
  EQ(__wasi_fd_readdir(fd, buf, 10, 0, &used), 0);
  EQ(used, 10);
  __wasi_fd_t file = open_at(work, "many/entry-000", 0, ALL_RIGHTS, 0, &e);
  EQ(__wasi_fd_readdir(file, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTDIR);
  EQ(__wasi_fd_readdir(300, buf, sizeof buf, 0, &used), __WASI_ERRNO_BADF);
  EQ(__wasi_fd_close(file), 0);
  // A directory fd resolves relative paths from itself.
  __wasi_filestat_t st;
  EQ(__wasi_path_filestat_get(fd, 0, "entry-001", &st), 0);
  EQ(__wasi_path_filestat_get(fd, 0, "../many/entry-002", &st), 0);
  EQ(__wasi_fd_filestat_get(fd, &st), 0);
  EQ(st.filetype, __WASI_FILETYPE_DIRECTORY);
  EQ(__wasi_fd_close(fd), 0);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  snprintf(dir, sizeof dir, "tmp/%s", argv[1]);
  EQ(__wasi_path_create_directory(ROOT, dir), 0);
  __wasi_errno_t e;
  work = open_at(ROOT, dir, __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS, 0, &e);
  EQ(e, 0);
  test_dirs();
  test_rename_link();
  test_symlinks();
  test_escape();
  test_readdir();
  DONE();
}
