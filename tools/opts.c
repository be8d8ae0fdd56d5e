/* opts - the table-driven command-line parser (opts.h). */
#include "opts.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "numarg.h"

#if defined(__GNUC__)
static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#endif
static int fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return OB_OPTS_BAD;
}

/* The option of table that argument a names: "--name", "--name=..." (eq
 * then points at '=') or the alias. NULL if none. */
static const ob_opt *find(const ob_opt *table, size_t n, const char *a, const char **eq) {
  *eq = NULL;
  for (size_t k = 0; k < n; k++) {
    const size_t len = strlen(table[k].name);
    if (strncmp(a, table[k].name, len) == 0 && (a[len] == '\0' || a[len] == '=')) {
      *eq = a[len] == '=' ? a + len : NULL;
      return &table[k];
    }
    if (table[k].alias && strcmp(a, table[k].alias) == 0)
      return &table[k];
  }
  return NULL;
}

/* Stores value v of option o. */
static int take(const ob_opt *o, const char *v, char *err, size_t errlen) {
  unsigned long long num = 0;
  switch (o->kind) {
  case OB_OPT_STR:
    if (!*v)
      return fail(err, errlen, "%s takes a value, not ''", o->name);
    *(const char **)o->target = v;
    return OB_OPTS_OK;
  case OB_OPT_STRS: {
    ob_opt_strs *l = o->target;
    if (!*v)
      return fail(err, errlen, "%s takes a value, not ''", o->name);
    if (l->n == OB_OPTS_MAX_REPEAT)
      return fail(err, errlen, "%s given more than %d times", o->name, OB_OPTS_MAX_REPEAT);
    l->v[l->n++] = v;
    return OB_OPTS_OK;
  }
  case OB_OPT_INT:
  case OB_OPT_SIZE:
  case OB_OPT_U64: {
    unsigned long long max = o->max;
    if (o->kind == OB_OPT_INT && max > INT_MAX)
      max = INT_MAX;
    if (o->kind == OB_OPT_SIZE && max > SIZE_MAX)
      max = SIZE_MAX;
    if (ob_parse_u64(o->name, v, o->min, max, o->numflags, &num, err, errlen) < 0)
      return OB_OPTS_BAD;
    if (o->kind == OB_OPT_INT)
      *(int *)o->target = (int)num;
    else if (o->kind == OB_OPT_SIZE)
      *(size_t *)o->target = (size_t)num;
    else
      *(unsigned long long *)o->target = num;
    return OB_OPTS_OK;
  }
  case OB_OPT_FN: return o->fn(o->target, o->name, v, err, errlen);
  case OB_OPT_FLAG:
  case OB_OPT_CLEAR:
  case OB_OPT_HELP: break;
  }
  return fail(err, errlen, "option %s takes no value", o->name);
}

int ob_opts_parse(const ob_opt *table, size_t n, const char *pass, int *argc, char **argv,
                  char *err, size_t errlen) {
  if (err && errlen)
    err[0] = '\0';
  int out = 1;
  for (int i = 1; i < *argc; i++) {
    const char *a = argv[i], *eq;
    if (!a)
      return fail(err, errlen, "argument %d is missing", i);
    const ob_opt *o = find(table, n, a, &eq);
    if (!o) {
      if (!pass || strncmp(a, pass, strlen(pass)) != 0)
        return fail(err, errlen, "unknown option '%.64s'", a);
      argv[out++] = argv[i];
      continue;
    }
    if (o->kind == OB_OPT_FLAG || o->kind == OB_OPT_CLEAR || o->kind == OB_OPT_HELP) {
      if (eq)
        return fail(err, errlen, "option %s takes no value", o->name);
      if (o->kind == OB_OPT_HELP)
        return OB_OPTS_HELP;
      *(int *)o->target = o->kind == OB_OPT_FLAG;
      continue;
    }
    const char *v = eq ? eq + 1 : (i + 1 < *argc ? argv[++i] : NULL);
    if (!v)
      return fail(err, errlen, "option %s needs a value", o->name);
    const int rc = take(o, v, err, errlen);
    if (rc != OB_OPTS_OK)
      return rc;
  }
  if (pass) { /* without it every argument was taken: argv is left as it is */
    argv[out] = NULL;
    *argc = out;
  }
  return OB_OPTS_OK;
}

int ob_opts_u64_list(const char *name, const char *value, unsigned long long min,
                     unsigned long long max, unsigned long long *out, size_t cap, size_t *count,
                     char *err, size_t errlen) {
  size_t k = 0;
  const char *q = value;
  for (;;) {
    char item[32];
    const size_t len = strcspn(q, ",");
    if (len == 0 || len >= sizeof item)
      return fail(err, errlen, "%s takes comma-separated integers, not '%.64s'", name, value);
    if (k == cap)
      return fail(err, errlen, "%s takes at most %zu values", name, cap);
    memcpy(item, q, len);
    item[len] = '\0';
    if (ob_parse_u64(name, item, min, max, 0, &out[k], err, errlen) < 0)
      return OB_OPTS_BAD;
    k++;
    if (!q[len])
      break;
    q += len + 1;
  }
  *count = k;
  return OB_OPTS_OK;
}

enum { HELP_COLUMN = 25, LINE_WIDTH = 79 };

/* text from column HELP_COLUMN, wrapped at spaces before LINE_WIDTH */
static void print_wrapped(FILE *f, const char *text) {
  const int width = LINE_WIDTH - HELP_COLUMN;
  while (*text) {
    int len = (int)strlen(text);
    if (len > width) {
      len = width;
      while (len > 0 && text[len] != ' ')
        len--;
      if (len == 0) /* one word longer than the line */
        len = (int)strcspn(text, " ");
    }
    fprintf(f, "%.*s\n", len, text);
    text += len;
    while (*text == ' ')
      text++;
    if (*text)
      fprintf(f, "%*s", HELP_COLUMN, "");
  }
}

void ob_opts_usage(FILE *f, const ob_opt *table, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (!table[k].help)
      continue;
    char head[64];
    snprintf(head, sizeof head, "%s%s%s%s%s", table[k].name, table[k].alias ? ", " : "",
             table[k].alias ? table[k].alias : "", table[k].arg ? " " : "",
             table[k].arg ? table[k].arg : "");
    fprintf(f, "  %-*s", HELP_COLUMN - 3, head);
    if (strlen(head) > HELP_COLUMN - 3) /* a long name: its help on the next line */
      fprintf(f, "\n%*s", HELP_COLUMN, "");
    else
      fputc(' ', f);
    print_wrapped(f, table[k].help);
  }
}

int ob_opts_parse_main(const char *prog, const char *synopsis, const ob_opt *table, size_t n,
                       const char *pass, int *argc, char **argv) {
  char err[512];
  const int rc = ob_opts_parse(table, n, pass, argc, argv, err, sizeof err);
  if (rc == OB_OPTS_OK)
    return -1;
  if (rc != OB_OPTS_HELP)
    fprintf(stderr, "%s: %s\n", prog, err);
  if (rc == OB_OPTS_CANNOT)
    return 2;
  FILE *f = rc == OB_OPTS_HELP ? stdout : stderr;
  fprintf(f, "usage: %s %s\n", prog, synopsis);
  ob_opts_usage(f, table, n);
  return rc == OB_OPTS_HELP ? 0 : 2;
}
