/* Loader of bench/models/<name>.txt (format in model_lists.h). */
#define _POSIX_C_SOURCE 200809L
#include "model_lists.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "# key: value" in the header; 1 and *v set if line is that key. */
static int header_value(const char *line, const char *key, int64_t *v) {
  const size_t k = strlen(key);
  while (*line == '#' || *line == ' ')
    line++;
  if (strncmp(line, key, k) != 0 || line[k] != ':')
    return 0;
  char *end;
  errno = 0;
  const long long x = strtoll(line + k + 1, &end, 10);
  if (errno || x < 0 || (*end != '\n' && *end != '\0'))
    return 0;
  *v = x;
  return 1;
}

/* The product of the shape on line; 0 if it does not parse or overflows. */
static int64_t shape_elements(const char *line) {
  int64_t n = 1;
  int dims = 0;
  const char *s = line;
  for (;;) {
    while (*s == ' ' || *s == '\t')
      s++;
    if (*s == '\n' || *s == '\0')
      break;
    char *end;
    errno = 0;
    const long long d = strtoll(s, &end, 10);
    if (errno || end == s || d <= 0 || n > INT64_MAX / d)
      return 0;
    n *= d;
    dims++;
    s = end;
  }
  return dims ? n : 0;
}

int ob_model_list_load(const char *path, ob_model_list *out, char *err, size_t errsize) {
  *out = (ob_model_list){0};
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(err, errsize, "%s: %s", path, strerror(errno));
    return -1;
  }
  int64_t want_count = -1, want_total = -1;
  size_t cap = 0;
  char *line = NULL;
  size_t linecap = 0;
  long lineno = 0;
  int rc = 0;
  while (getline(&line, &linecap, f) > 0) {
    lineno++;
    if (line[0] == '#') {
      int64_t v;
      if (header_value(line, "tensors", &v))
        want_count = v;
      else if (header_value(line, "total", &v))
        want_total = v;
      continue;
    }
    const int64_t n = shape_elements(line);
    if (n <= 0) {
      snprintf(err, errsize, "%s:%ld: not a tensor shape", path, lineno);
      rc = -1;
      break;
    }
    if (out->count == cap) {
      cap = cap ? 2 * cap : 256;
      size_t *grown = realloc(out->sizes, cap * sizeof *grown);
      if (!grown) {
        snprintf(err, errsize, "%s: out of memory", path);
        rc = -1;
        break;
      }
      out->sizes = grown;
    }
    out->sizes[out->count++] = (size_t)n;
    out->total += n;
  }
  free(line);
  fclose(f);
  if (rc == 0 && (want_count < 0 || want_total < 0)) {
    snprintf(err, errsize, "%s: the header lacks '# tensors:' or '# total:'", path);
    rc = -1;
  } else if (rc == 0 && ((int64_t)out->count != want_count || out->total != want_total)) {
    snprintf(err, errsize,
             "%s: %zu tensors of %" PRId64 " elements in all, the header says %" PRId64
             " and %" PRId64,
             path, out->count, out->total, want_count, want_total);
    rc = -1;
  }
  if (rc)
    ob_model_list_free(out);
  return rc;
}

void ob_model_list_free(ob_model_list *l) {
  free(l->sizes);
  *l = (ob_model_list){0};
}

int64_t ob_model_list_slice(const ob_model_list *l, size_t first, int64_t cap, size_t *begin,
                            size_t *end) {
  int64_t total = 0;
  size_t i = first < l->count ? first : l->count;
  *begin = i;
  for (; i < l->count; i++) {
    if (cap > 0 && total + (int64_t)l->sizes[i] > cap)
      break;
    total += (int64_t)l->sizes[i];
  }
  *end = i;
  return total;
}
