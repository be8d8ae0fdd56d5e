/* golden_lex - the lines, tokens and numbers of the golden files
 * (golden/FORMAT.md, "Grammar"), for golden_file. */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "golden_lex.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

struct gl_id {
  char *id; /* NULL: a free slot */
  size_t line;
};

/* Writes "PATH:LINE: reason" into the caller's buffer; returns -1. */
int gl_fail(gl_parser *P, size_t line, const char *fmt, ...) {
  if (P->err && P->errlen > 0) {
    int k = snprintf(P->err, P->errlen, "%s:%zu: ", P->path, line);
    if (k >= 0 && (size_t)k < P->errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(P->err + k, P->errlen - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  return -1;
}

/* ---- lines and tokens ----------------------------------------------------- */

/* Reads the next line (skipping comments if allow_comment). Returns 1 with
 * the line in P->line, 0 at end of file, -1 on error (message written). */
void gl_unread(gl_parser *P) { P->unread = 1; }

int gl_next_line(gl_parser *P, int allow_comment) {
  if (P->unread) {
    P->unread = 0;
    return 1;
  }
  for (;;) {
    errno = 0;
    ssize_t r = getline(&P->line, &P->cap, P->fp);
    if (r < 0) {
      if (ferror(P->fp))
        return gl_fail(P, P->lineno + 1, "read error: %s", strerror(errno ? errno : EIO));
      return 0;
    }
    P->lineno++;
    size_t len = (size_t)r;
    if (len == 0 || P->line[len - 1] != '\n')
      return gl_fail(P, P->lineno, "last line has no newline (truncated file?)");
    P->line[--len] = '\0';
    P->len = len;
    for (size_t i = 0; i < len; i++) {
      unsigned char ch = (unsigned char)P->line[i];
      if (ch < 0x20 || ch > 0x7e)
        return gl_fail(P, P->lineno, "control or non-ASCII byte 0x%02x at column %zu", ch, i + 1);
    }
    if (len == 0)
      return gl_fail(P, P->lineno, "blank line (the format has none)");
    if (P->line[0] == '#' && allow_comment)
      continue;
    return 1;
  }
}

/* Splits the current line at single spaces. An empty field (leading,
 * trailing or double space) is an error. */
int gl_tokenize(gl_parser *P) {
  P->ntok = 0;
  char *s = P->line;
  for (;;) {
    char *sp = strchr(s, ' ');
    if (sp)
      *sp = '\0';
    if (*s == '\0')
      return gl_fail(P, P->lineno, "empty field (leading, trailing or double space)");
    if (P->ntok == P->tokcap) {
      size_t nc = P->tokcap ? 2 * P->tokcap : 64;
      char **nt = realloc(P->tok, nc * sizeof *nt);
      if (!nt)
        return gl_fail(P, P->lineno, "out of memory");
      P->tok = nt;
      P->tokcap = nc;
    }
    P->tok[P->ntok++] = s;
    if (!sp)
      return 0;
    s = sp + 1;
  }
}

/* Reads the next record, which must start with `kw` (and `kw2` if not NULL),
 * and tokenizes it. `what` describes it for messages. */
int gl_expect(gl_parser *P, const char *kw, const char *kw2, const char *context) {
  int r = gl_next_line(P, 1);
  if (r < 0)
    return -1;
  if (r == 0)
    return gl_fail(P, P->lineno, "unexpected end of file: expected '%s%s%s'%s", kw, kw2 ? " " : "",
                   kw2 ? kw2 : "", context);
  /* quote the line before gl_tokenize() splits it */
  char shown[MAX_TOKS_SHOWN + 4];
  snprintf(shown, sizeof shown, "%.*s%s", MAX_TOKS_SHOWN, P->line,
           P->len > MAX_TOKS_SHOWN ? "..." : "");
  if (gl_tokenize(P) < 0)
    return -1;
  if (strcmp(P->tok[0], kw) != 0 || (kw2 && (P->ntok < 2 || strcmp(P->tok[1], kw2) != 0)))
    return gl_fail(P, P->lineno, "expected '%s%s%s'%s, found '%s'", kw, kw2 ? " " : "",
                   kw2 ? kw2 : "", context, shown);
  return 0;
}

/* ---- numbers -------------------------------------------------------------- */

/* A decimal count: digits only, no sign, at most `max`. */
int gl_parse_count(gl_parser *P, const char *s, const char *what, unsigned long long max,
                   unsigned long long *out) {
  if (*s < '0' || *s > '9')
    return gl_fail(P, P->lineno, "%s '%.40s' is not a non-negative decimal integer", what, s);
  for (const char *q = s; *q; q++)
    if (*q < '0' || *q > '9')
      return gl_fail(P, P->lineno, "%s '%.40s' is not a non-negative decimal integer", what, s);
  if (s[0] == '0' && s[1] != '\0') /* one spelling per number, as for the floats */
    return gl_fail(P, P->lineno, "%s '%.40s' has a leading zero", what, s);
  errno = 0;
  unsigned long long v = strtoull(s, NULL, 10);
  if (errno == ERANGE || v > max)
    return gl_fail(P, P->lineno, "%s %.40s is too large (limit %llu)", what, s, max);
  *out = v;
  return 0;
}

/* One number of the format: a C99 hex float as printed by %a, or inf, -inf,
 * nan. The whole token must be consumed. */
int gl_parse_double(gl_parser *P, const char *s, const char *what, double *out) {
  const char *q = s[0] == '-' ? s + 1 : s;
  if (strcmp(q, "inf") == 0) {
    *out = q == s ? INFINITY : -INFINITY;
    return 0;
  }
  if (strcmp(s, "nan") == 0) {
    *out = NAN;
    return 0;
  }
  /* the shape %a prints: 0x1.<hex>p<sign><dec>, 0x1p..., 0x0p+0, or a
   * subnormal double 0x0.<hex>p-1022; exactness is checked below */
  const char *r = q + 3;
  int ok = q[0] == '0' && q[1] == 'x' && (q[2] == '0' || q[2] == '1');
  if (ok && *r == '.') {
    r++;
    if (!((*r >= '0' && *r <= '9') || (*r >= 'a' && *r <= 'f')))
      ok = 0;
    while ((*r >= '0' && *r <= '9') || (*r >= 'a' && *r <= 'f'))
      r++;
  }
  if (ok && r[0] == 'p' && (r[1] == '+' || r[1] == '-') && r[2] >= '0' && r[2] <= '9') {
    r += 2;
    while (*r >= '0' && *r <= '9')
      r++;
    ok = *r == '\0';
  } else {
    ok = 0;
  }
  if (!ok)
    return gl_fail(P, P->lineno, "%s '%.40s' is not a hex float (as %%a prints), inf, -inf or nan",
                   what, s);
  const char *pexp = strchr(q, 'p'), *ex = pexp + 2;
  if (ex[0] == '0' && (ex[1] != '\0' || ex[-1] == '-'))
    return gl_fail(P, P->lineno, "%s '%.40s': the exponent has a leading zero or is -0", what, s);
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (end == s || *end != '\0')
    return gl_fail(P, P->lineno, "%s '%.40s' is not a number (unparsed '%.20s')", what, s, end);
  if (isinf(d))
    return gl_fail(P, P->lineno, "%s '%.40s' is beyond the range of double", what, s);
  /* exactness: strtod rounds silently (0x1.000000000000000000001p+0 is 1,
   * 0x1p-1100 is 0), so the text must be exactly what %a prints for the
   * value it reads as - the one canonical spelling of a double */
  char canon[48];
  snprintf(canon, sizeof canon, "%a", d);
  if (strcmp(canon, s) != 0) {
    const char *nonzero = strpbrk(q + 2, "123456789abcdef");
    if (d == 0 && nonzero && nonzero < pexp)
      return gl_fail(P, P->lineno, "%s '%.40s' underflows to zero: not representable as a double",
                     what, s);
    return gl_fail(P, P->lineno,
                   "%s '%.40s' is not exactly a double as %%a prints it (it would read as %s)",
                   what, s, canon);
  }
  *out = d;
  return 0;
}

int gl_parse_float32(gl_parser *P, const char *s, const char *what, float *out) {
  double d = 0;
  if (gl_parse_double(P, s, what, &d) < 0)
    return -1;
  if (isnan(d) || isinf(d)) {
    *out = (float)d;
    return 0;
  }
  if (fabs(d) > FLT_MAX || (double)(float)d != d)
    return gl_fail(P, P->lineno, "%s '%.40s' is not exactly representable as float32", what, s);
  *out = (float)d;
  return 0;
}

/* The tokens after the keyword(s) of the current line as `n` float32 values
 * in a new array (NULL when n == 0). */
int gl_parse_values(gl_parser *P, size_t skip, size_t n, const char *what, float **out) {
  size_t have = P->ntok - skip;
  if (have != n)
    return gl_fail(P, P->lineno, "expected %zu values after '%s', found %zu", n, what, have);
  if (n == 0) {
    *out = NULL;
    return 0;
  }
  float *a = malloc(n * sizeof *a);
  if (!a)
    return gl_fail(P, P->lineno, "out of memory (%zu values)", n);
  *out = a;
  char label[64];
  for (size_t i = 0; i < n; i++) {
    snprintf(label, sizeof label, "value %zu of '%s'", i + 1, what);
    if (gl_parse_float32(P, P->tok[skip + i], label, &a[i]) < 0)
      return -1;
  }
  return 0;
}

int gl_parse_cases(gl_parser *P, unsigned long long max, size_t elem, void **items, size_t *count,
                   gl_case_fn parse_case, void *file) {
  unsigned long long v = 0;
  if (gl_expect(P, "cases", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 1 value after 'cases', found %zu", P->ntok - 1);
  if (gl_parse_count(P, P->tok[1], "cases", max, &v) < 0)
    return -1;
  const size_t declared = (size_t)v, cases_line = P->lineno;
  size_t cap = 0;
  for (size_t i = 0; i < declared; i++) {
    if (*count == cap) {
      size_t nc = cap ? 2 * cap : 16;
      if (nc > declared)
        nc = declared;
      void *grown = realloc(*items, nc * elem);
      if (!grown)
        return gl_fail(P, P->lineno, "out of memory");
      *items = grown;
      cap = nc;
    }
    void *item = (char *)*items + i * elem;
    memset(item, 0, elem);
    (*count)++;
    if (parse_case(P, file, *items, i, declared, cases_line) < 0)
      return -1;
  }
  const int r = gl_next_line(P, 1);
  if (r < 0)
    return -1;
  if (r > 0) {
    if (strncmp(P->line, "case ", 5) == 0)
      return gl_fail(P, P->lineno, "more cases than line %zu says ('cases %zu')", cases_line,
                     declared);
    return gl_fail(P, P->lineno, "trailing data after the last case: '%.40s'", P->line);
  }
  return 0;
}

int gl_load(const char *path, char **path_copy, gl_file_fn parse, void *file, char *err,
            size_t errlen) {
  if (err && errlen)
    err[0] = '\0';
  gl_parser P;
  memset(&P, 0, sizeof P);
  P.path = path ? path : "(null)";
  P.err = err;
  P.errlen = errlen;
  if (!path)
    return gl_fail(&P, 0, "no file name");
  P.fp = fopen(path, "r");
  if (!P.fp)
    return gl_fail(&P, 0, "cannot open: %s", strerror(errno));
  const int r = (*path_copy = gl_dupstr(path)) ? parse(&P, file) : gl_fail(&P, 0, "out of memory");
  fclose(P.fp);
  free(P.line);
  free(P.tok);
  for (size_t i = 0; i < P.idcap; i++)
    free(P.ids[i].id);
  free(P.ids);
  return r;
}

/* FNV-1a: the ids are short ASCII words */
static size_t id_hash(const char *s) {
  unsigned long long h = 14695981039346656037ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return (size_t)h;
}

/* The slot of id in a table of cap (a power of two) slots: its own or the
 * free one where it belongs. */
static struct gl_id *id_slot(struct gl_id *t, size_t cap, const char *id) {
  size_t i = id_hash(id) & (cap - 1);
  while (t[i].id && strcmp(t[i].id, id) != 0)
    i = (i + 1) & (cap - 1);
  return &t[i];
}

int gl_case_id(gl_parser *P, const char *id, size_t line) {
  if (2 * (P->nids + 1) > P->idcap) { /* at most half full: short probes */
    const size_t nc = P->idcap ? 2 * P->idcap : 64;
    struct gl_id *t = calloc(nc, sizeof *t);
    if (!t)
      return gl_fail(P, line, "out of memory (%zu case ids)", P->nids + 1);
    for (size_t i = 0; i < P->idcap; i++)
      if (P->ids[i].id)
        *id_slot(t, nc, P->ids[i].id) = P->ids[i];
    free(P->ids);
    P->ids = t;
    P->idcap = nc;
  }
  struct gl_id *e = id_slot(P->ids, P->idcap, id);
  if (e->id)
    return gl_fail(P, line, "duplicate case id '%.64s' (first at line %zu)", id, e->line);
  if (!(e->id = gl_dupstr(id)))
    return gl_fail(P, line, "out of memory");
  e->line = line;
  P->nids++;
  return 0;
}

int gl_id_ok(const char *id) {
  if (!*id)
    return 0;
  for (; *id; id++)
    if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') || *id == '_'))
      return 0;
  return 1;
}

char *gl_dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

int gl_parse_element(gl_parser *P, double *exact, float *rounded, double *scale) {
  double e = 0, sc = 0;
  float r32 = 0;
  if (gl_parse_double(P, P->tok[0], "exact", &e) < 0 ||
      gl_parse_float32(P, P->tok[1], "rounded", &r32) < 0 ||
      gl_parse_double(P, P->tok[2], "scale", &sc) < 0)
    return -1;
  /* consistency: rounded is exact rounded to float32, up to the one ulp a
   * double rounding can move it; zeros and signs agree */
  if (isnan(e) != isnan(r32))
    return gl_fail(P, P->lineno, "exact %s and rounded %s disagree on NaN", P->tok[0], P->tok[1]);
  if (!isnan(e)) {
    if (!signbit(e) != !signbit(r32))
      return gl_fail(P, P->lineno, "exact %s and rounded %s have different signs", P->tok[0],
                     P->tok[1]);
    float f = fabs(e) > FLT_MAX ? (e > 0 ? INFINITY : -INFINITY) : (float)e;
    if (r32 != f && r32 != nextafterf(f, INFINITY) && r32 != nextafterf(f, -INFINITY))
      return gl_fail(P, P->lineno, "rounded %s is not exact %s rounded to float32", P->tok[1],
                     P->tok[0]);
    if (e == 0 && r32 != 0)
      return gl_fail(P, P->lineno, "exact is zero but rounded %s is not", P->tok[1]);
  }
  /* FORMAT.md: "a double, always finite" - also where rounded is not */
  if (!isfinite(sc) || signbit(sc))
    return gl_fail(P, P->lineno, "scale %s must be finite and >= 0 (and not -0)", P->tok[2]);
  *exact = e;
  *rounded = r32;
  *scale = sc;
  return 0;
}
