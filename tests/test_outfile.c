/* test_outfile: output files are written only over regular files or
 * nothing, through a unique temporary file that leaves nothing behind
 * (tools/outfile.c; issue 10, finding 12). Works in a fresh directory
 * from tu_temp_dir. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, mkfifo, symlink */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "outfile.h"
#include "test_util.h"

static char dir[4096];

static const char *at(const char *name) {
  static char buf[2][4200];
  static int k;
  k ^= 1;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

static int write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fputs(text, f);
  return fclose(f);
}

/* The whole content of path ("" if unreadable), in a static buffer. */
static const char *read_file(const char *path) {
  static char buf[256];
  buf[0] = '\0';
  FILE *f = fopen(path, "r");
  if (f) {
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
  }
  return buf;
}

/* Entries of the directory, "." and ".." excluded. */
static int entries(void) {
  int n = 0;
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d)))
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  if (d)
    closedir(d);
  return n;
}

/* Writes text to path through ob_outfile: 0, or -1 with err set. */
static int put(const char *path, const char *text, char *err, size_t errlen) {
  ob_outfile o;
  if (ob_out_open(&o, path, err, errlen) < 0)
    return -1;
  fputs(text, o.f);
  return ob_out_commit(&o, err, errlen);
}

int main(void) {
  if (tu_temp_dir(dir, sizeof dir, "ob_outfile") < 0) {
    fprintf(stderr, "test_outfile: cannot create %s: %s\n", dir, strerror(errno));
    return 1;
  }
  char err[512];
  struct stat st;

  /* a FIFO is refused and stays a FIFO (opening it would also block) */
  CHECK(mkfifo(at("fifo"), 0600) == 0, "mkfifo: %s", strerror(errno));
  CHECK(ob_out_check(at("fifo"), err, sizeof err) < 0 && strstr(err, "FIFO") &&
            strstr(err, at("fifo")),
        "%s", err);
  CHECK(put(at("fifo"), "x", err, sizeof err) < 0, "wrote over a FIFO");
  CHECK(lstat(at("fifo"), &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was replaced");

  /* a character device: only checked, never written (as root it would be) */
  CHECK(ob_out_check("/dev/null", err, sizeof err) < 0 && strstr(err, "character device"), "%s",
        err);

  /* a directory, a symbolic link (even to a regular file), a missing directory */
  CHECK(mkdir(at("sub"), 0700) == 0, "mkdir: %s", strerror(errno));
  CHECK(put(at("sub"), "x", err, sizeof err) < 0 && strstr(err, "directory"), "%s", err);
  CHECK(put(at("sub/"), "x", err, sizeof err) < 0 && strstr(err, "names a directory"), "%s", err);
  CHECK(write_file(at("real"), "real\n") == 0, "setup");
  CHECK(symlink("real", at("link")) == 0, "symlink: %s", strerror(errno));
  CHECK(put(at("link"), "x", err, sizeof err) < 0 && strstr(err, "symbolic link"), "%s", err);
  CHECK(lstat(at("link"), &st) == 0 && S_ISLNK(st.st_mode) &&
            !strcmp(read_file(at("real")), "real\n"),
        "the link or its target changed");
  CHECK(put(at("nosuch/out.json"), "x", err, sizeof err) < 0 && strstr(err, "does not exist"), "%s",
        err);
  CHECK(put("", "x", err, sizeof err) < 0, "empty name");

  /* the user's own PATH.tmp is neither overwritten nor deleted */
  CHECK(write_file(at("out.json.tmp"), "mine\n") == 0, "setup");
  CHECK(put(at("out.json"), "new\n", err, sizeof err) == 0, "%s", err);
  CHECK(!strcmp(read_file(at("out.json")), "new\n"), "not written");
  CHECK(!strcmp(read_file(at("out.json.tmp")), "mine\n"), "PATH.tmp was touched");

  /* a regular file is replaced, with the permissions umask gives a new file */
  const mode_t mask = umask(022); /* the usual umask: files 0644 */
  CHECK(put(at("out.json"), "newer\n", err, sizeof err) == 0, "%s", err);
  CHECK(!strcmp(read_file(at("out.json")), "newer\n"), "not replaced");
  CHECK(stat(at("out.json"), &st) == 0 && (st.st_mode & 0777) == 0644, "mode %o",
        (unsigned)(st.st_mode & 0777));
  umask(mask);

  /* abort and a refused commit leave no temporary file behind */
  const int before = entries();
  ob_outfile o;
  CHECK(ob_out_open(&o, at("aborted"), err, sizeof err) == 0, "%s", err);
  fputs("half", o.f);
  ob_out_abort(&o);
  CHECK(ob_out_open(&o, at("late"), err, sizeof err) == 0, "%s", err);
  CHECK(mkfifo(at("late"), 0600) == 0, "a FIFO appears while the work runs");
  CHECK(ob_out_commit(&o, err, sizeof err) < 0 && strstr(err, "FIFO"), "%s", err);
  CHECK(entries() == before + 1, "%d entries, want %d (the late FIFO only)", entries(), before + 1);

  /* clean up: every name this test made */
  const char *made[] = {"fifo", "sub", "real", "link", "out.json", "out.json.tmp", "late"};
  for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
    remove(at(made[i]));
  CHECK(rmdir(dir) == 0, "%s not empty: a temporary file was left", dir);
  return ob_test_done("test_outfile");
}
