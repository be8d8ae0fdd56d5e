/* outfile - safe replacement of an output file (outfile.h). */
#define _POSIX_C_SOURCE 200809L /* lstat, mkstemp, fchmod */

#include "outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t m) {
  if (S_ISDIR(m))
    return "a directory";
  if (S_ISLNK(m))
    return "a symbolic link";
  if (S_ISFIFO(m))
    return "a FIFO";
  if (S_ISCHR(m))
    return "a character device";
  if (S_ISBLK(m))
    return "a block device";
  if (S_ISSOCK(m))
    return "a socket";
  return "not a regular file";
}

/* The target itself: absent or a regular file (not followed if a link). */
static int target_ok(const char *path, char *err, size_t errlen) {
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (errno == ENOENT)
      return 0;
    snprintf(err, errlen, "%s: cannot check the output file: %s", path, strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "%s: is %s, not a regular file; refusing to replace it", path,
             kind(st.st_mode));
    return -1;
  }
  return 0;
}

/* Length of path's directory part ("dir/" of "dir/name", 0 for "name"). */
static size_t dir_len(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? (size_t)(slash - path) + 1 : 0;
}

int ob_out_check(const char *path, char *err, size_t errlen) {
  if (!path || !*path) {
    snprintf(err, errlen, "(empty): no output file name");
    return -1;
  }
  const size_t len = strlen(path), dl = dir_len(path);
  if (len >= sizeof((ob_outfile *)0)->path) {
    snprintf(err, errlen, "%.64s...: output path too long", path);
    return -1;
  }
  if (dl == len) {
    snprintf(err, errlen, "%s: names a directory, not an output file", path);
    return -1;
  }
  if (target_ok(path, err, errlen) < 0)
    return -1;
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", dl ? (int)dl : 1, dl ? path : ".");
  struct stat st;
  const int found = stat(dir, &st) == 0;
  if (!found || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s: its directory %s %s", path, dir,
             !found && errno == ENOENT ? "does not exist" : "is not a directory");
    return -1;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    snprintf(err, errlen, "%s: cannot write in its directory %s: %s", path, dir, strerror(errno));
    return -1;
  }
  return 0;
}

int ob_out_open(ob_outfile *o, const char *path, char *err, size_t errlen) {
  memset(o, 0, sizeof *o);
  if (ob_out_check(path, err, errlen) < 0)
    return -1;
  const size_t dl = dir_len(path);
  strcpy(o->path, path); /* length checked by ob_out_check */
  snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.XXXXXX", (int)dl, path, path + dl);
  const int fd = mkstemp(o->tmp);
  if (fd < 0) {
    snprintf(err, errlen, "%s: cannot create a temporary file beside it: %s", path,
             strerror(errno));
    return -1;
  }
  /* mkstemp makes it 0600; the output gets what open(O_CREAT, 0666) would */
  const mode_t mask = umask(0);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w+"))) {
    snprintf(err, errlen, "%s: cannot open a temporary file: %s", o->tmp, strerror(errno));
    close(fd);
    unlink(o->tmp);
    return -1;
  }
  return 0;
}

void ob_out_abort(ob_outfile *o) {
  if (o->f) {
    fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
  }
}

int ob_out_commit(ob_outfile *o, char *err, size_t errlen) {
  if (!o->f) {
    snprintf(err, errlen, "%s: not open", o->path);
    return -1;
  }
  const int bad = ferror(o->f) || fflush(o->f) != 0;
  const int saved = errno;
  const int closed = fclose(o->f);
  o->f = NULL;
  if (bad || closed != 0) {
    snprintf(err, errlen, "%s: write failed: %s", o->path, strerror(bad ? saved : errno));
    unlink(o->tmp);
    return -1;
  }
  /* again: something may have appeared at the target while we worked */
  if (target_ok(o->path, err, errlen) < 0) {
    unlink(o->tmp);
    return -1;
  }
  if (rename(o->tmp, o->path) != 0) {
    snprintf(err, errlen, "%s: cannot rename into place: %s", o->path, strerror(errno));
    unlink(o->tmp);
    return -1;
  }
  return 0;
}
