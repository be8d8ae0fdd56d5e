/* golden_file - the strict reader of the golden vector files, version 4. */
#include "golden_file.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "golden_lex.h"

/* ---- ops: the rules, then the layer kernels ------------------------------- */

int gd_op_is_rule(gd_op op) { return op >= 0 && op < OB_ALGO_COUNT; }

const char *gd_op_name(gd_op op) {
  if (gd_op_is_rule(op))
    return ob_algo_name((ob_algo)op);
  if (op >= OB_ALGO_COUNT && op < GD_OP_COUNT)
    return ob_op_name((ob_op)(op - OB_ALGO_COUNT));
  return NULL;
}

const char *gd_op_family(gd_op op) {
  return gd_op_is_rule(op) ? gd_op_name(op)
         : gd_op_name(op)  ? ob_op_family((ob_op)(op - OB_ALGO_COUNT))
                           : NULL;
}

int gd_op_from_name(const char *name) {
  for (gd_op op = 0; op < GD_OP_COUNT; op++)
    if (name && !strcmp(gd_op_name(op), name))
      return op;
  return -1;
}

static int family_known(const char *family) {
  for (gd_op op = 0; op < GD_OP_COUNT; op++)
    if (!strcmp(gd_op_family(op), family))
      return 1;
  return 0;
}

const char *gd_kind_name(gd_kind k) {
  static const char *const names[GD_KIND_COUNT] = {"int",  "float", "word",   "in",
                                                   "mask", "out",   "outmask"};
  return k >= 0 && k < GD_KIND_COUNT ? names[k] : "?";
}

void gd_quadratic_grad(const float p[2], float g[2]) {
  float x = p[0], y = p[1];
  g[0] = x / 10.0f;
  g[1] = 2.0f * y;
}

/* ---- lookups -------------------------------------------------------------- */

const gd_record *gd_find(const gd_step *s, gd_kind k, const char *name) {
  for (size_t i = 0; s && i < s->nrec; i++)
    if (s->rec[i].kind == k && !strcmp(s->rec[i].name, name))
      return &s->rec[i];
  return NULL;
}

int gd_input(const gd_case *c, size_t j, const char *name, const float **v, size_t *n,
             size_t *line) {
  *v = NULL;
  *n = 0;
  if (line)
    *line = 0;
  if (j < 1 || j > c->steps)
    return 0;
  const gd_record *r = gd_find(&c->step[j - 1], GD_IN, name);
  if (!r && j > 1 && (r = gd_find(&c->step[j - 2], GD_OUT, name)))
    *v = r->rounded;
  else if (r)
    *v = r->v;
  if (!r)
    return 0;
  *n = r->n;
  if (line)
    *line = r->line;
  return 1;
}

/* ---- records -------------------------------------------------------------- */

/* parameters, inputs and outputs are three namespaces */
static int space(gd_kind k) { return k <= GD_WORD ? 0 : k <= GD_MASK ? 1 : 2; }

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  return -1;
}

/* `<kw> <name> <bits> [<hex>]` */
static int parse_mask(gl_parser *P, gd_record *m) {
  const char *kw = gd_kind_name(m->kind);
  if (P->ntok < 3)
    return gl_fail(P, P->lineno, "expected '%s <name> <bits> <hex bytes>'", kw);
  unsigned long long bits = 0;
  if (gl_parse_count(P, P->tok[2], "mask bits", GD_MAX_N, &bits) < 0)
    return -1;
  m->n = (size_t)bits;
  size_t bytes = (m->n + 7) / 8;
  if (bytes == 0) {
    if (P->ntok != 3)
      return gl_fail(P, P->lineno, "'%s %s 0' takes no hex bytes", kw, m->name);
    return 0;
  }
  if (P->ntok != 4)
    return gl_fail(P, P->lineno, "expected '%s <name> <bits> <hex bytes>', found %zu fields", kw,
                   P->ntok);
  const char *h = P->tok[3];
  if (strlen(h) != 2 * bytes)
    return gl_fail(P, P->lineno, "mask '%s' of %zu bits needs %zu hex digits, found %zu", m->name,
                   m->n, 2 * bytes, strlen(h));
  if (!(m->b = malloc(bytes)))
    return gl_fail(P, P->lineno, "out of memory");
  for (size_t i = 0; i < bytes; i++) {
    int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return gl_fail(P, P->lineno, "mask '%s': '%.2s' at byte %zu is not two lowercase hex digits",
                     m->name, h + 2 * i, i);
    m->b[i] = (uint8_t)(hi << 4 | lo);
  }
  if (m->n % 8 && (m->b[bytes - 1] >> (m->n % 8)))
    return gl_fail(P, P->lineno, "mask '%s': bits past %zu in the last byte must be 0", m->name,
                   m->n);
  return 0;
}

static int parse_out(gl_parser *P, const gd_case *c, gd_record *o) {
  if (P->ntok != 3)
    return gl_fail(P, P->lineno, "expected 'out <name> <count>'");
  unsigned long long n = 0;
  if (gl_parse_count(P, P->tok[2], "out count", GD_MAX_N, &n) < 0)
    return -1;
  o->n = (size_t)n;
  o->dense = 1;
  /* the arrays grow with the element lines read, not to the count the
   * record declares: a 150-byte file may declare 2^24 elements */
  size_t cap = 0;
  for (size_t i = 0; i < o->n; i++) {
    if (i == cap) {
      cap = cap ? (cap > o->n / 2 ? o->n : 2 * cap) : (o->n < 1024 ? o->n : 1024);
      double *e = realloc(o->exact, cap * sizeof *e);
      if (e)
        o->exact = e;
      float *r32 = realloc(o->rounded, cap * sizeof *r32);
      if (r32)
        o->rounded = r32;
      double *sc = realloc(o->scale, cap * sizeof *sc);
      if (sc)
        o->scale = sc;
      if (!e || !r32 || !sc)
        return gl_fail(P, P->lineno, "out of memory (%zu elements)", cap);
    }
    int r = gl_next_line(P, 1);
    if (r < 0)
      return -1;
    if (r == 0)
      return gl_fail(P, P->lineno,
                     "unexpected end of file: expected element %zu of %zu of 'out %s' in case "
                     "'%s'",
                     i + 1, o->n, o->name, c->id);
    if (P->lineno != o->line + 1 + i)
      o->dense = 0;
    if (gl_tokenize(P) < 0)
      return -1;
    if (P->ntok != 3)
      return gl_fail(P, P->lineno,
                     "expected 3 values (exact rounded scale) for element %zu of %zu of 'out %s', "
                     "found %zu",
                     i + 1, o->n, o->name, P->ntok);
    if (gl_parse_element(P, &o->exact[i], &o->rounded[i], &o->scale[i]) < 0)
      return -1;
  }
  return 0;
}

static int parse_param(gl_parser *P, gd_record *p) {
  if (P->ntok != 3)
    return gl_fail(P, P->lineno, "expected '%s %s <value>'", gd_kind_name(p->kind), p->name);
  if (p->kind == GD_INT) {
    unsigned long long v = 0;
    if (gl_parse_count(P, P->tok[2], p->name, UINT64_MAX, &v) < 0)
      return -1;
    p->i = (uint64_t)v;
    return 0;
  }
  if (p->kind == GD_FLOAT)
    return gl_parse_float32(P, P->tok[2], p->name, &p->f);
  if (!gl_id_ok(P->tok[2]))
    return gl_fail(P, P->lineno, "word %s '%.40s' is not [a-z0-9_]+", p->name, P->tok[2]);
  if (!(p->w = gl_dupstr(P->tok[2])))
    return gl_fail(P, P->lineno, "out of memory");
  return 0;
}

static int parse_in(gl_parser *P, gd_record *a) {
  unsigned long long n = 0;
  if (P->ntok < 3)
    return gl_fail(P, P->lineno, "expected 'in %s <count> <values>'", a->name);
  if (gl_parse_count(P, P->tok[2], "in count", GD_MAX_N, &n) < 0)
    return -1;
  a->n = (size_t)n;
  char what[64];
  snprintf(what, sizeof what, "in %s", a->name);
  return gl_parse_values(P, 3, a->n, what, &a->v);
}

static gd_kind kind_of(const char *kw) {
  for (int k = 0; k < GD_KIND_COUNT; k++)
    if (!strcmp(kw, gd_kind_name((gd_kind)k)))
      return (gd_kind)k;
  return GD_KIND_COUNT;
}

/* The arrays grow geometrically: a trajectory of 2^20 steps is read in
 * linear time. `cap` is the capacity in elements. */
static int grow(void **arr, size_t *cap, size_t count, size_t elem) {
  if (count < *cap)
    return 0;
  const size_t nc = *cap ? 2 * *cap : 4;
  void *grown = realloc(*arr, nc * elem);
  if (!grown)
    return -1;
  *arr = grown;
  *cap = nc;
  return 0;
}

/* A new record of step s, its name checked: [a-z0-9_]+, unique in its
 * namespace; for a step after the first, not an input carried from the
 * previous step's outputs. */
static gd_record *new_record(gl_parser *P, const gd_case *c, gd_step *s, gd_kind k) {
  const char *kw = gd_kind_name(k), *name = P->tok[1];
  if (!gl_id_ok(name)) {
    gl_fail(P, P->lineno, "'%s' needs a name of [a-z0-9_]+, found '%.40s'", kw, name);
    return NULL;
  }
  for (size_t i = 0; i < s->nrec; i++)
    if (space(s->rec[i].kind) == space(k) && !strcmp(s->rec[i].name, name)) {
      gl_fail(P, P->lineno, "'%s %s': the name '%s' is used twice (line %zu)", kw, name, name,
              s->rec[i].line);
      return NULL;
    }
  if (s > c->step && (k == GD_IN || k == GD_MASK)) {
    const gd_record *prev = gd_find(s - 1, k == GD_IN ? GD_OUT : GD_OUTMASK, name);
    if (prev) {
      gl_fail(P, P->lineno,
              "'%s %s' in step %zu: it is carried from the output of step %zu (line %zu); a "
              "later step lists only its new inputs",
              kw, name, (size_t)(s - c->step) + 1, (size_t)(s - c->step), prev->line);
      return NULL;
    }
  }
  if (s->nrec == GD_MAX_RECORDS) {
    gl_fail(P, P->lineno, "more than %d records in one step", GD_MAX_RECORDS);
    return NULL;
  }
  void *arr = s->rec;
  if (grow(&arr, &s->rec_cap, s->nrec, sizeof *s->rec) < 0) {
    gl_fail(P, P->lineno, "out of memory");
    return NULL;
  }
  s->rec = arr;
  gd_record *r = &s->rec[s->nrec++];
  memset(r, 0, sizeof *r);
  r->kind = k;
  r->line = P->lineno;
  if (!(r->name = gl_dupstr(name))) {
    gl_fail(P, P->lineno, "out of memory");
    return NULL;
  }
  return r;
}

static gd_step *new_step(gl_parser *P, gd_case *c, size_t *cap) {
  if (c->steps == GD_MAX_STEPS) {
    gl_fail(P, P->lineno, "more than %zu steps in case '%s'", GD_MAX_STEPS, c->id);
    return NULL;
  }
  void *arr = c->step;
  if (grow(&arr, cap, c->steps, sizeof *c->step) < 0) {
    gl_fail(P, P->lineno, "out of memory");
    return NULL;
  }
  c->step = arr;
  gd_step *s = &c->step[c->steps++];
  memset(s, 0, sizeof *s);
  s->line = P->lineno;
  return s;
}

/* `grad quadratic`: n = 2 and every step's g what FORMAT.md says the
 * step's own input p gives. */
static int check_quadratic(gl_parser *P, const gd_case *c) {
  for (size_t j = 1; j <= c->steps; j++) {
    size_t np = 0, ng = 0, gline = 0;
    const float *p, *g;
    const int have = gd_input(c, j, "p", &p, &np, NULL) && gd_input(c, j, "g", &g, &ng, &gline);
    if (!have || np != 2 || ng != 2)
      return gl_fail(P, gline ? gline : c->step[j - 1].line,
                     "grad quadratic: step %zu needs p and g of 2 elements (x, y)", j);
    float want[2];
    gd_quadratic_grad(p, want);
    for (int k = 0; k < 2; k++)
      if (!(g[k] == want[k] || (isnan(g[k]) && isnan(want[k]))) ||
          !signbit(g[k]) != !signbit(want[k]))
        return gl_fail(P, gline, "grad quadratic: g[%d] is %a, but %s of the step's input is %a", k,
                       (double)g[k], k == 0 ? "x/10" : "2*y", (double)want[k]);
  }
  return 0;
}

/* After the case's header: its records, in one step or in `step` blocks,
 * each parameters, then inputs, then outputs; then `end`. */
static int parse_records(gl_parser *P, gd_case *c) {
  gd_step *s = NULL;
  size_t cap = 0;  /* of c->step */
  int section = 0; /* the namespace of the last record: parameters, inputs, outputs */
  int stepped = 0; /* the records started with `step 1` */
  for (;;) {
    int r = gl_next_line(P, 1);
    if (r < 0)
      return -1;
    if (r == 0)
      return gl_fail(P, P->lineno, "unexpected end of file: expected 'end' of case '%s'", c->id);
    char shown[MAX_TOKS_SHOWN + 4];
    snprintf(shown, sizeof shown, "%.*s%s", MAX_TOKS_SHOWN, P->line,
             P->len > MAX_TOKS_SHOWN ? "..." : "");
    if (gl_tokenize(P) < 0)
      return -1;
    const char *kw = P->tok[0];
    if (!strcmp(kw, "end")) {
      if (P->ntok != 1)
        return gl_fail(P, P->lineno, "'end' takes nothing after it");
      if (!s && !new_step(P, c, &cap)) /* a case of no records: one empty step */
        return -1;
      return c->grad == GD_GRAD_QUADRATIC ? check_quadratic(P, c) : 0;
    }
    if (!strcmp(kw, "step")) {
      unsigned long long j = 0;
      if (s && !stepped)
        return gl_fail(P, P->lineno, "'step' in case '%s', whose records started without 'step 1'",
                       c->id);
      if (P->ntok != 2 || gl_parse_count(P, P->tok[1], "step", GD_MAX_STEPS, &j) < 0)
        return P->ntok != 2 ? gl_fail(P, P->lineno, "expected 'step <number>'") : -1;
      if (j != c->steps + 1)
        return gl_fail(P, P->lineno, "expected 'step %zu', found 'step %llu'", c->steps + 1, j);
      if (!(s = new_step(P, c, &cap)))
        return -1;
      stepped = 1;
      section = 0;
      continue;
    }
    const gd_kind k = kind_of(kw);
    if (k == GD_KIND_COUNT)
      return gl_fail(P, P->lineno,
                     "expected step, int, float, word, in, mask, out, outmask or 'end' of case "
                     "'%s', found '%s'",
                     c->id, shown);
    if (P->ntok < 2)
      return gl_fail(P, P->lineno, "'%s' needs a name", kw);
    if (!s && !(s = new_step(P, c, &cap)))
      return -1;
    if (space(k) < section)
      return gl_fail(P, P->lineno,
                     "'%s %.30s' out of order: a step lists its parameters (int, float, word), "
                     "then its inputs (in, mask), then its outputs (out, outmask)",
                     kw, P->tok[1]);
    section = space(k);
    gd_record *rec = new_record(P, c, s, k);
    if (!rec)
      return -1;
    int rc = k <= GD_WORD  ? parse_param(P, rec)
             : k == GD_IN  ? parse_in(P, rec)
             : k == GD_OUT ? parse_out(P, c, rec)
                           : parse_mask(P, rec);
    if (rc < 0)
      return -1;
  }
}

/* `case`, `note`, `op`, the optional `outside` and `grad` lines, the records. */
static int parse_case(gl_parser *P, gd_file *f, gd_case *c, size_t index, size_t declared,
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
  char context[80];
  snprintf(context, sizeof context, " in case '%s'", c->id);

  r = gl_next_line(P, 1);
  if (r <= 0)
    return r < 0 ? -1 : gl_fail(P, P->lineno, "unexpected end of file: expected 'note'%s", context);
  if (strncmp(P->line, "note ", 5) != 0 || P->len == 5 || P->line[P->len - 1] == ' ')
    return gl_fail(P, P->lineno, "expected 'note <text>'%s (no trailing space)", context);
  if (!(c->note = gl_dupstr(P->line + 5)))
    return gl_fail(P, P->lineno, "out of memory");

  if (gl_expect(P, "op", NULL, context) < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 'op <name>'");
  const int op = gd_op_from_name(P->tok[1]);
  if (op < 0)
    return gl_fail(P, P->lineno, "unknown op '%.40s' (neither a rule nor a layer kernel)",
                   P->tok[1]);
  if (strcmp(gd_op_family(op), f->family) != 0)
    return gl_fail(P, P->lineno, "op '%s' belongs to family '%s', this file is family '%s'",
                   P->tok[1], gd_op_family(op), f->family);
  c->op = op;

  /* the optional header lines; the first other line is the first record,
   * which parse_records reads again */
  while ((r = gl_next_line(P, 1)) > 0) {
    if (!strncmp(P->line, "outside ", 8) && c->domain == GD_INSIDE && c->grad == GD_GRAD_DATA) {
      if (!strcmp(P->line + 8, "refused"))
        c->domain = GD_REFUSED;
      else if (!strcmp(P->line + 8, "unbounded"))
        c->domain = GD_UNBOUNDED;
      else
        return gl_fail(P, P->lineno, "expected 'outside refused' or 'outside unbounded'%s",
                       context);
    } else if (!strncmp(P->line, "grad ", 5) && c->grad == GD_GRAD_DATA) {
      if (strcmp(P->line + 5, "quadratic") != 0)
        return gl_fail(P, P->lineno, "expected 'grad quadratic'%s (without it, g is data)",
                       context);
      c->grad = GD_GRAD_QUADRATIC;
    } else {
      gl_unread(P);
      break;
    }
  }
  if (r < 0)
    return -1;
  return parse_records(P, c);
}

/* gl_parse_cases' callback: the file sees its cases array as it grows */
static int parse_case_cb(gl_parser *P, void *file, void *items, size_t i, size_t declared,
                         size_t cases_line) {
  gd_file *f = file;
  f->cases = items;
  return parse_case(P, f, &f->cases[i], i, declared, cases_line);
}

/* The version line: this version, or a clear word about an older one. */
static int parse_version(gl_parser *P) {
  static const char rules[] = "optbench-golden ", ops[] = "optbench-golden-ops ";
  char want[32];
  snprintf(want, sizeof want, "%s%d", rules, GD_VERSION);
  if (!strcmp(P->line, want))
    return 0;
  if (!strncmp(P->line, ops, sizeof ops - 1) || !strcmp(P->line, "optbench-golden 1") ||
      !strcmp(P->line, "optbench-golden 2") || !strcmp(P->line, "optbench-golden 3"))
    return gl_fail(P, P->lineno,
                   "'%.30s' is no longer read: rules and layer kernels share '%s' since "
                   "optbench 0.2; regenerate the file with `make golden` (golden/gen), or read "
                   "it with optbench 0.1",
                   P->line, want);
  if (!strncmp(P->line, rules, sizeof rules - 1))
    return gl_fail(P, P->lineno, "unknown format version '%.20s' (this reader knows %d)",
                   P->line + sizeof rules - 1, GD_VERSION);
  return gl_fail(P, P->lineno, "expected version line '%s', found '%.40s'", want, P->line);
}

static int parse_file(gl_parser *P, gd_file *f) {
  int r = gl_next_line(P, 0);
  if (r < 0)
    return -1;
  if (r == 0)
    return gl_fail(P, 1, "empty file, expected 'optbench-golden %d'", GD_VERSION);
  if (parse_version(P) < 0)
    return -1;
  if (gl_expect(P, "family", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 'family <name>'");
  if (!family_known(P->tok[1]))
    return gl_fail(P, P->lineno,
                   "unknown family '%.40s' (neither a rule nor a family of layer kernels)",
                   P->tok[1]);
  if (!(f->family = gl_dupstr(P->tok[1])))
    return gl_fail(P, P->lineno, "out of memory");
  f->family_line = P->lineno;

  void *cases = NULL;
  const int r2 =
      gl_parse_cases(P, GD_MAX_CASES, sizeof(gd_case), &cases, &f->ncases, parse_case_cb, f);
  f->cases = cases;
  return r2;
}

static int parse_file_cb(gl_parser *P, void *file) { return parse_file(P, file); }

int gd_load(const char *path, gd_file *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  const int r = gl_load(path, &out->path, parse_file_cb, out, err, errlen);
  if (r < 0)
    gd_free(out);
  return r;
}

void gd_free(gd_file *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->ncases; i++) {
    gd_case *c = &f->cases[i];
    for (size_t j = 0; j < c->steps; j++) {
      for (size_t k = 0; k < c->step[j].nrec; k++) {
        gd_record *r = &c->step[j].rec[k];
        free(r->name);
        free(r->w);
        free(r->v);
        free(r->b);
        free(r->exact);
        free(r->rounded);
        free(r->scale);
      }
      free(c->step[j].rec);
    }
    free(c->step);
    free(c->id);
    free(c->note);
  }
  free(f->cases);
  free(f->path);
  free(f->family);
  memset(f, 0, sizeof *f);
}
