// Faasm's filesystem facts through wasi-libc: /etc contents, absolute paths via the `/`
// preopen, stdio files, directory streams, sleep. argv[1] names a scratch dir.
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  // /etc/hosts and /etc/passwd.
  FILE *f = fopen("/etc/hosts", "r");
  EQ(f != NULL, 1);
  char line[256] = {0};
  EQ(fgets(line, sizeof line, f) != NULL, 1);
  STREQ(line, "127.0.0.1\tlocalhost\n");
  fclose(f);
  f = fopen("/etc/passwd", "r");
  EQ(f != NULL, 1);
  int faasm = 0;
  while (fgets(line, sizeof line, f)) if (strcmp(line, "faasm:x:1000:1000:Faasm User:/home/faasm:/bin/bash\n") == 0) faasm = 1;
  EQ(faasm, 1);
  fclose(f);
  // readdir of /etc: exactly ., .., hosts, passwd, resolv.conf.
  DIR *d = opendir("/etc");
  EQ(d != NULL, 1);
  char *names[16];
  int n = 0;
  struct dirent *de;
  while (d && (de = readdir(d)) && n < 16) names[n++] = strdup(de->d_name);
  if (d) closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  EQ(n, 5);
  if (n == 5) {
    STREQ(names[0], ".");
    STREQ(names[1], "..");
    STREQ(names[2], "hosts");
    STREQ(names[3], "passwd");
    STREQ(names[4], "resolv.conf");
  }
  // Files through stdio and POSIX calls, absolute and relative.
  char path[300], moved[300];
  snprintf(path, sizeof path, "/tmp/%s", argv[1]);
  EQ(mkdir(path, 0755), 0);
  EQ(mkdir(path, 0755) == -1 && errno == EEXIST, 1);
  snprintf(path, sizeof path, "/tmp/%s/note.txt", argv[1]);
  f = fopen(path, "w");
  EQ(f != NULL, 1);
  fprintf(f, "line %d\n", 1);
  fprintf(f, "line %d\n", 2);
  fclose(f);
  struct stat st;
  EQ(stat(path, &st), 0);
  EQ(st.st_size, 14);
  EQ(S_ISREG(st.st_mode), 1);
  f = fopen(path, "a");
  fputs("line 3\n", f);
  fclose(f);
  f = fopen(path, "r");
  int lines = 0;
  while (fgets(line, sizeof line, f)) lines++;
  fclose(f);
  EQ(lines, 3);
  snprintf(moved, sizeof moved, "tmp/%s/moved.txt", argv[1]);
  EQ(rename(path, moved), 0);
  EQ(access(path, F_OK) == -1 && errno == ENOENT, 1);
  int fd = open(moved, O_RDONLY);
  EQ(fd >= 5, 1);
  EQ(lseek(fd, 5, SEEK_SET), 5);
  char c = 0;
  EQ(read(fd, &c, 1), 1);
  EQ(c, '1');
  close(fd);
  EQ(unlink(moved), 0);
  EQ(open("/nonexistent/x", O_RDONLY) == -1 && errno == ENOENT, 1);
  EQ(open("/etc/hosts", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR, 1);
  // Sleep blocks for at least the time asked.
  struct timespec a, b, req = { 0, 30 * 1000 * 1000 };
  clock_gettime(CLOCK_MONOTONIC, &a);
  EQ(nanosleep(&req, NULL), 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  EQ(ns >= 30000000LL, 1);
  EQ(time(NULL) > 1600000000, 1);
  DONE();
}
