/* Helpers of the golden reader tests: scratch files, text edits, and the
 * check that a load fails with "PATH:LINE: ...reason...". */
#ifndef OB_GOLDEN_FILES_H
#define OB_GOLDEN_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char gt_dir[512];

/* Writes text to gt_dir/name; returns the path (valid until the next call). */
static const char *gt_write(const char *name, const char *text, size_t len) {
  static char path[600];
  snprintf(path, sizeof path, "%s/%s", gt_dir, name);
  FILE *fp = fopen(path, "wb");
  if (!fp || fwrite(text, 1, len, fp) != len || fclose(fp) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(1);
  }
  return path;
}

static char gt_written[128][600]; /* files to remove at the end, once each */
static int gt_nwritten;

/* gt_write, remembering the path for gt_remove_written() */
static inline const char *gt_write_kept(const char *name, const char *text, size_t len) {
  const char *path = gt_write(name, text, len);
  int k = 0;
  while (k < gt_nwritten && strcmp(gt_written[k], path) != 0)
    k++;
  if (k == gt_nwritten && gt_nwritten < 128)
    snprintf(gt_written[gt_nwritten++], sizeof gt_written[0], "%s", path);
  return path;
}

static inline void gt_remove_written(void) {
  for (int i = 0; i < gt_nwritten; i++)
    remove(gt_written[i]);
  gt_nwritten = 0;
}

/* text with the first occurrence of `from` replaced by `to` (malloc'd) */
static char *gt_replace(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  if (!at) {
    fprintf(stderr, "test bug: '%s' not in the good file\n", from);
    exit(1);
  }
  size_t a = (size_t)(at - text), lf = strlen(from), lt = strlen(to), lt0 = strlen(text);
  char *s = malloc(lt0 - lf + lt + 1);
  if (!s)
    exit(1);
  memcpy(s, text, a);
  memcpy(s + a, to, lt);
  memcpy(s + a + lt, at + lf, lt0 - a - lf + 1);
  return s;
}

/* 1-based line of the first occurrence of needle in text */
static size_t gt_line_of(const char *text, const char *needle) {
  const char *at = strstr(text, needle);
  if (!at) {
    fprintf(stderr, "test bug: '%s' not in the file\n", needle);
    exit(1);
  }
  size_t line = 1;
  for (const char *q = text; q < at; q++)
    line += *q == '\n';
  return line;
}

#endif
