/* Loader of bench/models/<name>.txt (format in model_lists.h). */
#define _POSIX_C_SOURCE 200809L
#include "model_lists.h"

#include <dirent.h>
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

/* "# key: text" in the header: copies text (no newline) into out. */
static int header_text(const char *line, const char *key, char *out, size_t size) {
  const size_t k = strlen(key);
  while (*line == '#' || *line == ' ')
    line++;
  if (strncmp(line, key, k) != 0 || line[k] != ':')
    return 0;
  line += k + 1;
  while (*line == ' ')
    line++;
  snprintf(out, size, "%s", line);
  out[strcspn(out, "\n")] = '\0';
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
  const char *base = strrchr(path, '/');
  snprintf(out->name, sizeof out->name, "%s", base ? base + 1 : path);
  const size_t len = strlen(out->name);
  if (len > 4 && strcmp(out->name + len - 4, ".txt") == 0)
    out->name[len - 4] = '\0';
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
      else if (header_value(line, "timed-first", &v))
        out->first = (size_t)v;
      else if (header_value(line, "timed-cap", &v))
        out->cap = v;
      else if (header_value(line, "quick", &v))
        out->quick = v != 0;
      else
        header_text(line, "timed-cut", out->cut, sizeof out->cut);
      continue;
    }
    const int64_t n = shape_elements(line);
    if (n <= 0) {
      snprintf(err, errsize, "%s:%ld: not a tensor shape", path, lineno);
      rc = -1;
      break;
    }
    if (out->total > INT64_MAX - n) { /* a hostile file must not overflow the sum */
      snprintf(err, errsize, "%s:%ld: the list's total passes 2^63 elements", path, lineno);
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

int64_t ob_model_list_timed(const ob_model_list *l, size_t *begin, size_t *end) {
  int64_t total = 0;
  size_t i = l->first < l->count ? l->first : l->count;
  *begin = i;
  for (; i < l->count; i++) {
    if (l->cap > 0 && total + (int64_t)l->sizes[i] > l->cap)
      break;
    total += (int64_t)l->sizes[i];
  }
  *end = i;
  return total;
}

static int64_t timed_total(const ob_model_list *l) {
  size_t b, e;
  return ob_model_list_timed(l, &b, &e);
}

static int cmp_list(const void *x, const void *y) {
  const ob_model_list *a = x, *b = y;
  const int64_t ta = timed_total(a), tb = timed_total(b);
  return ta != tb ? (ta > tb) - (ta < tb) : strcmp(a->name, b->name);
}

int ob_model_lists_load(const char *dir, ob_model_list **out, size_t *n, char *err,
                        size_t errsize) {
  *out = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errsize, "%s: %s", dir, strerror(errno));
    return -1;
  }
  int rc = 0;
  const struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    const size_t len = strlen(de->d_name);
    if (len < 5 || strcmp(de->d_name + len - 4, ".txt") != 0)
      continue;
    ob_model_list *grown = realloc(*out, (*n + 1) * sizeof *grown);
    if (!grown) {
      snprintf(err, errsize, "%s: out of memory", dir);
      rc = -1;
      break;
    }
    *out = grown;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    rc = ob_model_list_load(path, &(*out)[*n], err, errsize);
    *n += rc == 0;
  }
  closedir(d);
  if (rc == 0 && *n == 0) {
    snprintf(err, errsize, "%s: no <name>.txt list", dir);
    rc = -1;
  }
  if (rc) {
    ob_model_lists_free(*out, *n);
    *out = NULL;
    *n = 0;
    return -1;
  }
  qsort(*out, *n, sizeof **out, cmp_list);
  return 0;
}

void ob_model_lists_free(ob_model_list *l, size_t n) {
  for (size_t i = 0; l && i < n; i++)
    ob_model_list_free(&l[i]);
  free(l);
}
