/* golden_gen - error exit, allocation and the output file. */
#include "gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char cleanup_path[4096];

void gg_set_cleanup_path(const char *path) {
  if (!path) {
    cleanup_path[0] = '\0';
    return;
  }
  if (strlen(path) >= sizeof cleanup_path)
    gg_die("path too long: %s", path);
  strcpy(cleanup_path, path);
}

_Noreturn void gg_die(const char *fmt, ...) {
  va_list ap;
  fputs("golden_gen: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  if (cleanup_path[0])
    remove(cleanup_path); /* never leave a half-written .tmp */
  exit(1);
}

void *gg_alloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p)
    gg_die("out of memory (%zu x %zu bytes)", count, size);
  return p;
}

void gg_open_out(gg_out *o, const char *dir, const char *name) {
  char path[sizeof o->path], err[4096 + 256];
  const int len = snprintf(path, sizeof path, "%s/%s.txt", dir, name);
  if (len < 0 || (size_t)len >= sizeof path)
    gg_die("output path too long: %s", dir);
  /* tools/outfile: only over a regular file, through a unique temporary */
  if (ob_out_open(o, path, err, sizeof err) < 0)
    gg_die("%s", err);
  gg_set_cleanup_path(o->tmp);
  static char buf[1 << 20]; /* one file is written at a time */
  setvbuf(o->f, buf, _IOFBF, sizeof buf);
}

void gg_commit(gg_out *o, size_t cases) {
  char err[4096 + 256];
  if (ob_out_commit(o, err, sizeof err) < 0) /* removes the temporary file itself */
    gg_die("%s", err);
  gg_set_cleanup_path(NULL);
  printf("golden_gen: wrote %s (%zu cases)\n", o->path, cases);
}
