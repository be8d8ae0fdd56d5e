/* golden_file - the strict reader of golden/FORMAT.md, version 1. */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "golden_file.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define MAX_TOKS_SHOWN 40 /* characters of an offending line quoted in a message */

typedef struct {
  FILE *fp;
  const char *path;
  char *line; /* current line, NUL-terminated, newline stripped */
  size_t cap; /* getline's buffer size */
  size_t len; /* length of the current line */
  size_t lineno;
  char **tok; /* tokens of the current line (point into line) */
  size_t ntok;
  size_t tokcap;
  char *err;
  size_t errlen;
  gf_file *f;
} parser;

#if defined(__GNUC__)
#define GF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GF_PRINTF(a, b)
#endif

static int fail(parser *P, size_t line, const char *fmt, ...) GF_PRINTF(3, 4);

/* Writes "PATH:LINE: reason" into the caller's buffer; returns -1. */
static int fail(parser *P, size_t line, const char *fmt, ...) {
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

const char *gf_array_name(int i) {
  static const char *const names[GF_ARRAYS] = {"p", "s0", "s1"};
  return i >= 0 && i < GF_ARRAYS ? names[i] : "?";
}

const char *gf_grad_name(gf_grad g) { return g == GF_GRAD_QUADRATIC ? "quadratic" : "data"; }

void gf_quadratic_grad(const float p[2], float g[2]) {
  float x = p[0], y = p[1];
  g[0] = x / 10.0f;
  g[1] = 2.0f * y;
}

/* ---- lines and tokens ----------------------------------------------------- */

/* Reads the next line (skipping comments if allow_comment). Returns 1 with
 * the line in P->line, 0 at end of file, -1 on error (message written). */
static int next_line(parser *P, int allow_comment) {
  for (;;) {
    errno = 0;
    ssize_t r = getline(&P->line, &P->cap, P->fp);
    if (r < 0) {
      if (ferror(P->fp))
        return fail(P, P->lineno + 1, "read error: %s", strerror(errno ? errno : EIO));
      return 0;
    }
    P->lineno++;
    size_t len = (size_t)r;
    if (len == 0 || P->line[len - 1] != '\n')
      return fail(P, P->lineno, "last line has no newline (truncated file?)");
    P->line[--len] = '\0';
    P->len = len;
    for (size_t i = 0; i < len; i++) {
      unsigned char ch = (unsigned char)P->line[i];
      if (ch < 0x20 || ch > 0x7e)
        return fail(P, P->lineno, "control or non-ASCII byte 0x%02x at column %zu", ch, i + 1);
    }
    if (len == 0)
      return fail(P, P->lineno, "blank line (the format has none)");
    if (P->line[0] == '#' && allow_comment)
      continue;
    return 1;
  }
}

/* Splits the current line at single spaces. An empty field (leading,
 * trailing or double space) is an error. */
static int tokenize(parser *P) {
  P->ntok = 0;
  char *s = P->line;
  for (;;) {
    char *sp = strchr(s, ' ');
    if (sp)
      *sp = '\0';
    if (*s == '\0')
      return fail(P, P->lineno, "empty field (leading, trailing or double space)");
    if (P->ntok == P->tokcap) {
      size_t nc = P->tokcap ? 2 * P->tokcap : 64;
      char **nt = realloc(P->tok, nc * sizeof *nt);
      if (!nt)
        return fail(P, P->lineno, "out of memory");
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
static int expect(parser *P, const char *kw, const char *kw2, const char *context) {
  int r = next_line(P, 1);
  if (r < 0)
    return -1;
  if (r == 0)
    return fail(P, P->lineno, "unexpected end of file: expected '%s%s%s'%s", kw, kw2 ? " " : "",
                kw2 ? kw2 : "", context);
  /* quote the line before tokenize() splits it */
  char shown[MAX_TOKS_SHOWN + 4];
  snprintf(shown, sizeof shown, "%.*s%s", MAX_TOKS_SHOWN, P->line,
           P->len > MAX_TOKS_SHOWN ? "..." : "");
  if (tokenize(P) < 0)
    return -1;
  if (strcmp(P->tok[0], kw) != 0 || (kw2 && (P->ntok < 2 || strcmp(P->tok[1], kw2) != 0)))
    return fail(P, P->lineno, "expected '%s%s%s'%s, found '%s'", kw, kw2 ? " " : "", kw2 ? kw2 : "",
                context, shown);
  return 0;
}

/* ---- numbers -------------------------------------------------------------- */

/* A decimal count: digits only, no sign, at most `max`. */
static int parse_count(parser *P, const char *s, const char *what, unsigned long long max,
                       unsigned long long *out) {
  if (*s < '0' || *s > '9')
    return fail(P, P->lineno, "%s '%.40s' is not a non-negative decimal integer", what, s);
  for (const char *q = s; *q; q++)
    if (*q < '0' || *q > '9')
      return fail(P, P->lineno, "%s '%.40s' is not a non-negative decimal integer", what, s);
  errno = 0;
  unsigned long long v = strtoull(s, NULL, 10);
  if (errno == ERANGE || v > max)
    return fail(P, P->lineno, "%s %.40s is too large (limit %llu)", what, s, max);
  *out = v;
  return 0;
}

/* One number of the format: a C99 hex float as printed by %a, or inf, -inf,
 * nan. The whole token must be consumed. */
static int parse_double(parser *P, const char *s, const char *what, double *out) {
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
   * subnormal double 0x0.<hex>p-1022; the fraction may have any length */
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
    return fail(P, P->lineno, "%s '%.40s' is not a hex float (as %%a prints), inf, -inf or nan",
                what, s);
  char *end;
  errno = 0;
  double d = strtod(s, &end);
  if (end == s || *end != '\0')
    return fail(P, P->lineno, "%s '%.40s' is not a number (unparsed '%.20s')", what, s, end);
  if (isinf(d))
    return fail(P, P->lineno, "%s '%.40s' is beyond the range of double", what, s);
  if (q[2] == '0' && fabs(d) >= DBL_MIN)
    return fail(P, P->lineno, "%s '%.40s' is not normalised (0x1.<hex>p<exp>)", what, s);
  *out = d;
  return 0;
}

static int parse_float32(parser *P, const char *s, const char *what, float *out) {
  double d = 0;
  if (parse_double(P, s, what, &d) < 0)
    return -1;
  if (isnan(d) || isinf(d)) {
    *out = (float)d;
    return 0;
  }
  if (fabs(d) > FLT_MAX || (double)(float)d != d)
    return fail(P, P->lineno, "%s '%.40s' is not exactly representable as float32", what, s);
  *out = (float)d;
  return 0;
}

/* The tokens after the keyword(s) of the current line as `n` float32 values
 * in a new array (NULL when n == 0). */
static int parse_values(parser *P, size_t skip, size_t n, const char *what, float **out) {
  size_t have = P->ntok - skip;
  if (have != n)
    return fail(P, P->lineno, "expected %zu values after '%s', found %zu", n, what, have);
  if (n == 0) {
    *out = NULL;
    return 0;
  }
  float *a = malloc(n * sizeof *a);
  if (!a)
    return fail(P, P->lineno, "out of memory (%zu values)", n);
  *out = a;
  char label[64];
  for (size_t i = 0; i < n; i++) {
    snprintf(label, sizeof label, "value %zu of '%s'", i + 1, what);
    if (parse_float32(P, P->tok[skip + i], label, &a[i]) < 0)
      return -1;
  }
  return 0;
}

/* ---- records -------------------------------------------------------------- */

static int parse_out(parser *P, const gf_case *c, gf_step *s, int which) {
  char context[64];
  snprintf(context, sizeof context, " (step %zu of case '%s')", (size_t)(s - c->step) + 1, c->id);
  if (expect(P, "out", gf_array_name(which), context) < 0)
    return -1;
  if (P->ntok != 2)
    return fail(P, P->lineno, "'out %s' takes no values on its line", gf_array_name(which));
  gf_out *o = &s->out[which];
  o->line = P->lineno;
  o->dense = 1;
  size_t n = c->n;
  if (n == 0)
    return 0;
  o->exact = malloc(n * sizeof *o->exact);
  o->rounded = malloc(n * sizeof *o->rounded);
  o->scale = malloc(n * sizeof *o->scale);
  if (!o->exact || !o->rounded || !o->scale)
    return fail(P, P->lineno, "out of memory (%zu elements)", n);
  for (size_t i = 0; i < n; i++) {
    int r = next_line(P, 1);
    if (r < 0)
      return -1;
    if (r == 0)
      return fail(P, P->lineno, "unexpected end of file: expected element %zu of %zu of 'out %s'%s",
                  i + 1, n, gf_array_name(which), context);
    if (P->lineno != o->line + 1 + i)
      o->dense = 0;
    if (tokenize(P) < 0)
      return -1;
    if (P->ntok != 3)
      return fail(P, P->lineno,
                  "expected 3 values (exact rounded scale) for element %zu of %zu of 'out %s', "
                  "found %zu",
                  i + 1, n, gf_array_name(which), P->ntok);
    double e = 0, sc = 0;
    float r32 = 0;
    if (parse_double(P, P->tok[0], "exact", &e) < 0 ||
        parse_float32(P, P->tok[1], "rounded", &r32) < 0 ||
        parse_double(P, P->tok[2], "scale", &sc) < 0)
      return -1;
    /* consistency: rounded is exact rounded to float32, up to the one ulp a
     * double rounding can move it; zeros and signs agree */
    if (isnan(e) != isnan(r32))
      return fail(P, P->lineno, "exact %s and rounded %s disagree on NaN", P->tok[0], P->tok[1]);
    if (!isnan(e)) {
      if (!signbit(e) != !signbit(r32))
        return fail(P, P->lineno, "exact %s and rounded %s have different signs", P->tok[0],
                    P->tok[1]);
      float f = fabs(e) > FLT_MAX ? (e > 0 ? INFINITY : -INFINITY) : (float)e;
      if (r32 != f && r32 != nextafterf(f, INFINITY) && r32 != nextafterf(f, -INFINITY))
        return fail(P, P->lineno, "rounded %s is not exact %s rounded to float32", P->tok[1],
                    P->tok[0]);
      if (e == 0 && r32 != 0)
        return fail(P, P->lineno, "exact is zero but rounded %s is not", P->tok[1]);
    }
    if (isfinite(r32) && !(isfinite(sc) && sc >= 0))
      return fail(P, P->lineno, "scale %s must be finite and >= 0 where rounded is finite",
                  P->tok[2]);
    o->exact[i] = e;
    o->rounded[i] = r32;
    o->scale[i] = sc;
  }
  return 0;
}

static int parse_step(parser *P, gf_file *f, gf_case *c, size_t j) {
  gf_step *s = &c->step[j - 1];
  char context[64];
  snprintf(context, sizeof context, " in case '%s'", c->id);
  if (expect(P, "step", NULL, context) < 0)
    return -1;
  s->line = P->lineno;
  unsigned long long jj = 0;
  if (P->ntok != 2)
    return fail(P, P->lineno, "expected 'step %zu'", j);
  if (parse_count(P, P->tok[1], "step", ULLONG_MAX, &jj) < 0)
    return -1;
  if (jj != j)
    return fail(P, P->lineno, "steps out of order: expected 'step %zu', found 'step %s'", j,
                P->tok[1]);

  if (expect(P, "hp", NULL, context) < 0)
    return -1;
  if (P->ntok != 7)
    return fail(P, P->lineno, "expected 6 values after 'hp', found %zu", P->ntok - 1);
  float hp[6] = {0};
  static const char *const hpname[6] = {"lr", "momentum", "decay_rate", "beta1", "beta2", "eps"};
  for (int k = 0; k < 6; k++)
    if (parse_float32(P, P->tok[1 + k], hpname[k], &hp[k]) < 0)
      return -1;
  s->hp.lr = hp[0];
  s->hp.momentum = hp[1];
  s->hp.decay_rate = hp[2];
  s->hp.beta1 = hp[3];
  s->hp.beta2 = hp[4];
  s->hp.eps = hp[5];

  if (expect(P, "t", NULL, context) < 0)
    return -1;
  unsigned long long t = 0;
  if (P->ntok != 2)
    return fail(P, P->lineno, "expected 1 value after 't', found %zu", P->ntok - 1);
  if (parse_count(P, P->tok[1], "t", (unsigned long long)INT64_MAX, &t) < 0)
    return -1;
  if (t < 1)
    return fail(P, P->lineno, "t must be >= 1, found %llu", t);
  s->t = (int64_t)t;

  if (expect(P, "g", NULL, context) < 0 || parse_values(P, 1, c->n, "g", &s->g) < 0)
    return -1;
  if (c->grad == GF_GRAD_QUADRATIC) {
    const float *pin = j == 1 ? c->init[GF_P] : c->step[j - 2].out[GF_P].rounded;
    float want[2];
    gf_quadratic_grad(pin, want);
    for (int k = 0; k < 2; k++)
      if (!(s->g[k] == want[k] || (isnan(s->g[k]) && isnan(want[k]))) ||
          !signbit(s->g[k]) != !signbit(want[k]))
        return fail(P, P->lineno, "grad quadratic: g[%d] is %a, but %s of the step's input is %a",
                    k, (double)s->g[k], k == 0 ? "x/10" : "2*y", (double)want[k]);
  }

  for (int a = 0; a <= f->states; a++)
    if (parse_out(P, c, s, a) < 0)
      return -1;
  return 0;
}

static int id_ok(const char *id) {
  if (!*id)
    return 0;
  for (; *id; id++)
    if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') || *id == '_'))
      return 0;
  return 1;
}

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

static int parse_case(parser *P, gf_file *f, gf_case *c, size_t index, size_t declared,
                      size_t cases_line) {
  int r = next_line(P, 1);
  if (r < 0)
    return -1;
  if (r == 0)
    return fail(P, P->lineno,
                "unexpected end of file: file has %zu cases, but line %zu says 'cases %zu'", index,
                cases_line, declared);
  if (tokenize(P) < 0)
    return -1;
  if (strcmp(P->tok[0], "case") != 0)
    return fail(P, P->lineno, "expected 'case' (case %zu of %zu), found '%.40s'", index + 1,
                declared, P->tok[0]);
  c->line = P->lineno;
  if (P->ntok != 2 || !id_ok(P->tok[1]))
    return fail(P, P->lineno, "'case' takes one id of [a-z0-9_]+");
  for (size_t k = 0; k < index; k++)
    if (strcmp(f->cases[k].id, P->tok[1]) == 0)
      return fail(P, P->lineno, "duplicate case id '%s' (first at line %zu)", P->tok[1],
                  f->cases[k].line);
  if (!(c->id = dupstr(P->tok[1])))
    return fail(P, P->lineno, "out of memory");

  char context[64];
  snprintf(context, sizeof context, " in case '%s'", c->id);

  r = next_line(P, 1);
  if (r <= 0)
    return r < 0 ? -1 : fail(P, P->lineno, "unexpected end of file: expected 'note'%s", context);
  if (strncmp(P->line, "note ", 5) != 0 || P->len == 5 || P->line[P->len - 1] == ' ')
    return fail(P, P->lineno, "expected 'note <text>'%s (no trailing space)", context);
  if (!(c->note = dupstr(P->line + 5)))
    return fail(P, P->lineno, "out of memory");

  unsigned long long v = 0;
  if (expect(P, "n", NULL, context) < 0)
    return -1;
  if (P->ntok != 2)
    return fail(P, P->lineno, "expected 1 value after 'n', found %zu", P->ntok - 1);
  if (parse_count(P, P->tok[1], "n", GF_MAX_N, &v) < 0)
    return -1;
  c->n = (size_t)v;

  if (expect(P, "steps", NULL, context) < 0)
    return -1;
  if (P->ntok != 2)
    return fail(P, P->lineno, "expected 1 value after 'steps', found %zu", P->ntok - 1);
  if (parse_count(P, P->tok[1], "steps", GF_MAX_STEPS, &v) < 0)
    return -1;
  if (v < 1)
    return fail(P, P->lineno, "steps must be >= 1");
  size_t steps = (size_t)v;

  if (expect(P, "grad", NULL, context) < 0)
    return -1;
  if (P->ntok == 2 && strcmp(P->tok[1], "data") == 0)
    c->grad = GF_GRAD_DATA;
  else if (P->ntok == 2 && strcmp(P->tok[1], "quadratic") == 0)
    c->grad = GF_GRAD_QUADRATIC;
  else
    return fail(P, P->lineno, "expected 'grad data' or 'grad quadratic'");
  if (c->grad == GF_GRAD_QUADRATIC && c->n != 2)
    return fail(P, P->lineno, "grad quadratic needs n = 2, the case has n = %zu", c->n);

  for (int a = 0; a <= f->states; a++) {
    char what[16];
    snprintf(what, sizeof what, "init %s", gf_array_name(a));
    if (expect(P, "init", gf_array_name(a), context) < 0 ||
        parse_values(P, 2, c->n, what, &c->init[a]) < 0)
      return -1;
  }

  /* steps are appended as they are read, so a file that lies about `steps`
   * costs nothing before it is caught */
  size_t cap = 0;
  for (size_t j = 1; j <= steps; j++) {
    if (c->steps == cap) {
      size_t nc = cap ? 2 * cap : 4;
      if (nc > steps)
        nc = steps;
      gf_step *ns = realloc(c->step, nc * sizeof *ns);
      if (!ns)
        return fail(P, P->lineno, "out of memory");
      c->step = ns;
      cap = nc;
    }
    memset(&c->step[c->steps], 0, sizeof c->step[0]);
    c->steps++;
    if (parse_step(P, f, c, j) < 0)
      return -1;
  }

  r = next_line(P, 1);
  if (r < 0)
    return -1;
  if (r == 0)
    return fail(P, P->lineno, "unexpected end of file: expected 'end' of case '%s'", c->id);
  if (strcmp(P->line, "end") != 0) {
    if (strncmp(P->line, "step ", 5) == 0)
      return fail(P, P->lineno, "expected 'end' of case '%s' after %zu steps, found '%.40s'", c->id,
                  steps, P->line);
    return fail(P, P->lineno, "expected 'end' of case '%s', found '%.40s'", c->id, P->line);
  }
  return 0;
}

static int parse_file(parser *P, gf_file *f) {
  /* version: the very first line, before any comment */
  int r = next_line(P, 0);
  if (r < 0)
    return -1;
  if (r == 0)
    return fail(P, 1, "empty file, expected 'optbench-golden %d'", GF_VERSION);
  if (strncmp(P->line, "optbench-golden ", 16) == 0) {
    char want[16];
    snprintf(want, sizeof want, "%d", GF_VERSION);
    if (strcmp(P->line + 16, want) != 0)
      return fail(P, P->lineno, "unknown format version '%.20s' (this reader knows %d)",
                  P->line + 16, GF_VERSION);
  } else {
    return fail(P, P->lineno, "expected version line 'optbench-golden %d', found '%.40s'",
                GF_VERSION, P->line);
  }

  if (expect(P, "algo", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return fail(P, P->lineno, "expected 'algo <name>'");
  int algo = ob_algo_from_name(P->tok[1]);
  if (algo < 0)
    return fail(P, P->lineno, "unknown algorithm '%.40s'", P->tok[1]);
  f->algo = (ob_algo)algo;
  f->algo_line = P->lineno;

  unsigned long long v = 0;
  if (expect(P, "states", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return fail(P, P->lineno, "expected 1 value after 'states', found %zu", P->ntok - 1);
  if (parse_count(P, P->tok[1], "states", 2, &v) < 0)
    return -1;
  if ((int)v != ob_state_count(f->algo))
    return fail(P, P->lineno, "states %d does not match algorithm '%s', which has %d", (int)v,
                ob_algo_name(f->algo), ob_state_count(f->algo));
  f->states = (int)v;

  if (expect(P, "cases", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return fail(P, P->lineno, "expected 1 value after 'cases', found %zu", P->ntok - 1);
  if (parse_count(P, P->tok[1], "cases", GF_MAX_CASES, &v) < 0)
    return -1;
  size_t declared = (size_t)v, cases_line = P->lineno;

  size_t cap = 0;
  for (size_t i = 0; i < declared; i++) {
    if (f->ncases == cap) {
      size_t nc = cap ? 2 * cap : 16;
      if (nc > declared)
        nc = declared;
      gf_case *ncs = realloc(f->cases, nc * sizeof *ncs);
      if (!ncs)
        return fail(P, P->lineno, "out of memory");
      f->cases = ncs;
      cap = nc;
    }
    memset(&f->cases[f->ncases], 0, sizeof f->cases[0]);
    f->ncases++;
    if (parse_case(P, f, &f->cases[i], i, declared, cases_line) < 0)
      return -1;
  }

  r = next_line(P, 1);
  if (r < 0)
    return -1;
  if (r > 0) {
    if (strncmp(P->line, "case ", 5) == 0)
      return fail(P, P->lineno, "more cases than line %zu says ('cases %zu')", cases_line,
                  declared);
    return fail(P, P->lineno, "trailing data after the last case: '%.40s'", P->line);
  }
  return 0;
}

int gf_load(const char *path, gf_file *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (err && errlen)
    err[0] = '\0';
  parser P;
  memset(&P, 0, sizeof P);
  P.path = path ? path : "(null)";
  P.err = err;
  P.errlen = errlen;
  P.f = out;
  if (!path)
    return fail(&P, 0, "no file name");
  P.fp = fopen(path, "r");
  if (!P.fp)
    return fail(&P, 0, "cannot open: %s", strerror(errno));
  int r = (out->path = dupstr(path)) ? parse_file(&P, out) : fail(&P, 0, "out of memory");
  fclose(P.fp);
  free(P.line);
  free(P.tok);
  if (r < 0)
    gf_free(out);
  return r;
}

void gf_free(gf_file *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->ncases; i++) {
    gf_case *c = &f->cases[i];
    for (size_t j = 0; j < c->steps; j++) {
      gf_step *s = &c->step[j];
      free(s->g);
      for (int a = 0; a < GF_ARRAYS; a++) {
        free(s->out[a].exact);
        free(s->out[a].rounded);
        free(s->out[a].scale);
      }
    }
    free(c->step);
    for (int a = 0; a < GF_ARRAYS; a++)
      free(c->init[a]);
    free(c->id);
    free(c->note);
  }
  free(f->cases);
  free(f->path);
  memset(f, 0, sizeof *f);
}
