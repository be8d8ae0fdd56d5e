/* golden_file - the strict reader of golden/FORMAT.md, versions 1 to 3. */
#define _POSIX_C_SOURCE 200809L /* getline */

#include "golden_file.h"

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

/* ---- records -------------------------------------------------------------- */

static int parse_out(gl_parser *P, const gf_case *c, gf_step *s, int which) {
  char context[64];
  snprintf(context, sizeof context, " (step %zu of case '%s')", (size_t)(s - c->step) + 1, c->id);
  if (gl_expect(P, "out", gf_array_name(which), context) < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "'out %s' takes no values on its line", gf_array_name(which));
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
    return gl_fail(P, P->lineno, "out of memory (%zu elements)", n);
  for (size_t i = 0; i < n; i++) {
    int r = gl_next_line(P, 1);
    if (r < 0)
      return -1;
    if (r == 0)
      return gl_fail(P, P->lineno,
                     "unexpected end of file: expected element %zu of %zu of 'out %s'%s", i + 1, n,
                     gf_array_name(which), context);
    if (P->lineno != o->line + 1 + i)
      o->dense = 0;
    if (gl_tokenize(P) < 0)
      return -1;
    if (P->ntok != 3)
      return gl_fail(P, P->lineno,
                     "expected 3 values (exact rounded scale) for element %zu of %zu of 'out %s', "
                     "found %zu",
                     i + 1, n, gf_array_name(which), P->ntok);
    double e = 0, sc = 0;
    float r32 = 0;
    if (gl_parse_element(P, &e, &r32, &sc) < 0)
      return -1;
    o->exact[i] = e;
    o->rounded[i] = r32;
    o->scale[i] = sc;
  }
  return 0;
}

static int parse_step(gl_parser *P, gf_file *f, gf_case *c, size_t j) {
  gf_step *s = &c->step[j - 1];
  char context[64];
  snprintf(context, sizeof context, " in case '%s'", c->id);
  if (gl_expect(P, "step", NULL, context) < 0)
    return -1;
  s->line = P->lineno;
  unsigned long long jj = 0;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 'step %zu'", j);
  if (gl_parse_count(P, P->tok[1], "step", ULLONG_MAX, &jj) < 0)
    return -1;
  if (jj != j)
    return gl_fail(P, P->lineno, "steps out of order: expected 'step %zu', found 'step %s'", j,
                   P->tok[1]);

  if (gl_expect(P, "hp", NULL, context) < 0)
    return -1;
  /* version 1: six values; version 2 adds weight_decay and decoupled_decay */
  const size_t nhp = f->version >= 2 ? 8 : 6;
  if (P->ntok != nhp + 1)
    return gl_fail(P, P->lineno, "expected %zu values after 'hp' (format version %d), found %zu",
                   nhp, f->version, P->ntok - 1);
  float hp[8] = {0};
  static const char *const hpname[8] = {"lr",    "momentum", "decay_rate",   "beta1",
                                        "beta2", "eps",      "weight_decay", "decoupled_decay"};
  for (size_t k = 0; k < nhp; k++)
    if (gl_parse_float32(P, P->tok[1 + k], hpname[k], &hp[k]) < 0)
      return -1;
  s->hp.size = sizeof s->hp;
  s->hp.lr = hp[0];
  s->hp.momentum = hp[1];
  s->hp.decay_rate = hp[2];
  s->hp.beta1 = hp[3];
  s->hp.beta2 = hp[4];
  s->hp.eps = hp[5];
  s->hp.weight_decay = hp[6];
  s->hp.decoupled_decay = hp[7];

  if (gl_expect(P, "t", NULL, context) < 0)
    return -1;
  unsigned long long t = 0;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 1 value after 't', found %zu", P->ntok - 1);
  if (gl_parse_count(P, P->tok[1], "t", (unsigned long long)INT64_MAX, &t) < 0)
    return -1;
  if (t < 1)
    return gl_fail(P, P->lineno, "t must be >= 1, found %llu", t);
  s->t = (int64_t)t;

  if (gl_expect(P, "g", NULL, context) < 0 || gl_parse_values(P, 1, c->n, "g", &s->g) < 0)
    return -1;
  if (c->grad == GF_GRAD_QUADRATIC) {
    const float *pin = j == 1 ? c->init[GF_P] : c->step[j - 2].out[GF_P].rounded;
    float want[2];
    gf_quadratic_grad(pin, want);
    for (int k = 0; k < 2; k++)
      if (!(s->g[k] == want[k] || (isnan(s->g[k]) && isnan(want[k]))) ||
          !signbit(s->g[k]) != !signbit(want[k]))
        return gl_fail(P, P->lineno,
                       "grad quadratic: g[%d] is %a, but %s of the step's input is %a", k,
                       (double)s->g[k], k == 0 ? "x/10" : "2*y", (double)want[k]);
  }

  for (int a = 0; a <= f->states; a++)
    if (parse_out(P, c, s, a) < 0)
      return -1;
  return 0;
}

static int parse_case(gl_parser *P, gf_file *f, gf_case *c, size_t index, size_t declared,
                      size_t cases_line) {
  int r = gl_next_line(P, 1);
  if (r < 0)
    return -1;
  if (r == 0)
    return gl_fail(P, P->lineno,
                   "unexpected end of file: file has %zu cases, but line %zu says 'cases %zu'",
                   index, cases_line, declared);
  if (gl_tokenize(P) < 0)
    return -1;
  if (strcmp(P->tok[0], "case") != 0)
    return gl_fail(P, P->lineno, "expected 'case' (case %zu of %zu), found '%.40s'", index + 1,
                   declared, P->tok[0]);
  c->line = P->lineno;
  if (P->ntok != 2 || !gl_id_ok(P->tok[1]))
    return gl_fail(P, P->lineno, "'case' takes one id of [a-z0-9_]+");
  if (gl_case_id(P, P->tok[1], P->lineno) < 0)
    return -1;
  if (!(c->id = gl_dupstr(P->tok[1])))
    return gl_fail(P, P->lineno, "out of memory");

  char context[64];
  snprintf(context, sizeof context, " in case '%s'", c->id);

  r = gl_next_line(P, 1);
  if (r <= 0)
    return r < 0 ? -1 : gl_fail(P, P->lineno, "unexpected end of file: expected 'note'%s", context);
  if (strncmp(P->line, "note ", 5) != 0 || P->len == 5 || P->line[P->len - 1] == ' ')
    return gl_fail(P, P->lineno, "expected 'note <text>'%s (no trailing space)", context);
  if (!(c->note = gl_dupstr(P->line + 5)))
    return gl_fail(P, P->lineno, "out of memory");

  /* version 3: `outside refused|unbounded` may follow the note */
  unsigned long long v = 0;
  r = gl_next_line(P, 1);
  if (r <= 0)
    return r < 0 ? -1 : gl_fail(P, P->lineno, "unexpected end of file: expected 'n'%s", context);
  if (gl_tokenize(P) < 0)
    return -1;
  if (f->version >= 3 && strcmp(P->tok[0], "outside") == 0) {
    if (P->ntok == 2 && strcmp(P->tok[1], "refused") == 0)
      c->domain = GF_REFUSED;
    else if (P->ntok == 2 && strcmp(P->tok[1], "unbounded") == 0)
      c->domain = GF_UNBOUNDED;
    else
      return gl_fail(P, P->lineno, "expected 'outside refused' or 'outside unbounded'%s", context);
    if (gl_expect(P, "n", NULL, context) < 0)
      return -1;
  }
  if (strcmp(P->tok[0], "n") != 0)
    return gl_fail(P, P->lineno, "expected 'n'%s, found '%.40s'", context, P->tok[0]);
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 1 value after 'n', found %zu", P->ntok - 1);
  if (gl_parse_count(P, P->tok[1], "n", GF_MAX_N, &v) < 0)
    return -1;
  c->n = (size_t)v;

  if (gl_expect(P, "steps", NULL, context) < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 1 value after 'steps', found %zu", P->ntok - 1);
  if (gl_parse_count(P, P->tok[1], "steps", GF_MAX_STEPS, &v) < 0)
    return -1;
  if (v < 1)
    return gl_fail(P, P->lineno, "steps must be >= 1");
  size_t steps = (size_t)v;

  if (gl_expect(P, "grad", NULL, context) < 0)
    return -1;
  if (P->ntok == 2 && strcmp(P->tok[1], "data") == 0)
    c->grad = GF_GRAD_DATA;
  else if (P->ntok == 2 && strcmp(P->tok[1], "quadratic") == 0)
    c->grad = GF_GRAD_QUADRATIC;
  else
    return gl_fail(P, P->lineno, "expected 'grad data' or 'grad quadratic'");
  if (c->grad == GF_GRAD_QUADRATIC && c->n != 2)
    return gl_fail(P, P->lineno, "grad quadratic needs n = 2, the case has n = %zu", c->n);

  for (int a = 0; a <= f->states; a++) {
    char what[16];
    snprintf(what, sizeof what, "init %s", gf_array_name(a));
    if (gl_expect(P, "init", gf_array_name(a), context) < 0 ||
        gl_parse_values(P, 2, c->n, what, &c->init[a]) < 0)
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
        return gl_fail(P, P->lineno, "out of memory");
      c->step = ns;
      cap = nc;
    }
    memset(&c->step[c->steps], 0, sizeof c->step[0]);
    c->steps++;
    if (parse_step(P, f, c, j) < 0)
      return -1;
  }

  r = gl_next_line(P, 1);
  if (r < 0)
    return -1;
  if (r == 0)
    return gl_fail(P, P->lineno, "unexpected end of file: expected 'end' of case '%s'", c->id);
  if (strcmp(P->line, "end") != 0) {
    if (strncmp(P->line, "step ", 5) == 0)
      return gl_fail(P, P->lineno, "expected 'end' of case '%s' after %zu steps, found '%.40s'",
                     c->id, steps, P->line);
    return gl_fail(P, P->lineno, "expected 'end' of case '%s', found '%.40s'", c->id, P->line);
  }
  return 0;
}

/* gl_parse_cases' callback: the file sees its cases array as it grows */
static int parse_case_cb(gl_parser *P, void *file, void *items, size_t i, size_t declared,
                         size_t cases_line) {
  gf_file *f = file;
  f->cases = items;
  return parse_case(P, f, &f->cases[i], i, declared, cases_line);
}

static int parse_file(gl_parser *P, gf_file *f) {
  /* version: the very first line, before any comment */
  int r = gl_next_line(P, 0);
  if (r < 0)
    return -1;
  if (r == 0)
    return gl_fail(P, 1, "empty file, expected 'optbench-golden %d'", GF_VERSION);
  if (strncmp(P->line, "optbench-golden ", 16) == 0) {
    const char *ver = P->line + 16;
    if (strcmp(ver, "1") == 0 || strcmp(ver, "2") == 0 || strcmp(ver, "3") == 0)
      f->version = ver[0] - '0';
    else
      return gl_fail(P, P->lineno, "unknown format version '%.20s' (this reader knows 1 to %d)",
                     ver, GF_VERSION);
  } else {
    return gl_fail(P, P->lineno, "expected version line 'optbench-golden %d', found '%.40s'",
                   GF_VERSION, P->line);
  }

  if (gl_expect(P, "algo", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 'algo <name>'");
  int algo = ob_algo_from_name(P->tok[1]);
  if (algo < 0)
    return gl_fail(P, P->lineno, "unknown algorithm '%.40s'", P->tok[1]);
  f->algo = (ob_algo)algo;
  f->algo_line = P->lineno;

  unsigned long long v = 0;
  if (gl_expect(P, "states", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 1 value after 'states', found %zu", P->ntok - 1);
  if (gl_parse_count(P, P->tok[1], "states", 2, &v) < 0)
    return -1;
  if ((int)v != ob_state_count(f->algo))
    return gl_fail(P, P->lineno, "states %d does not match algorithm '%s', which has %d", (int)v,
                   ob_algo_name(f->algo), ob_state_count(f->algo));
  f->states = (int)v;

  void *cases = NULL;
  const int r2 =
      gl_parse_cases(P, GF_MAX_CASES, sizeof(gf_case), &cases, &f->ncases, parse_case_cb, f);
  f->cases = cases;
  return r2;
}

static int parse_file_cb(gl_parser *P, void *file) { return parse_file(P, file); }

int gf_load(const char *path, gf_file *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  const int r = gl_load(path, &out->path, parse_file_cb, out, err, errlen);
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
