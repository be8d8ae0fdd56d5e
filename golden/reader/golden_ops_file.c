/* golden_ops_file - the strict reader of the layer kernels' files. */
#include "golden_ops_file.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "golden_file.h" /* GF_MAX_N, GF_MAX_CASES */
#include "golden_lex.h"

/* Is `family` the family of some op of the library's list? */
static int family_known(const char *family) {
  for (int op = 0; op < OB_OP_COUNT; op++)
    if (!strcmp(ob_op_family((ob_op)op), family))
      return 1;
  return 0;
}

/* The name token of a record: [a-z0-9_]+, unique among `names`. */
static int record_name(gl_parser *P, const char *kw, const char *const *names, size_t count,
                       char **out) {
  const char *name = P->tok[1];
  if (!gl_id_ok(name))
    return gl_fail(P, P->lineno, "'%s' needs a name of [a-z0-9_]+, found '%.40s'", kw, name);
  for (size_t k = 0; k < count; k++)
    if (!strcmp(names[k], name))
      return gl_fail(P, P->lineno, "'%s %s': the name '%s' is used twice in the case", kw, name,
                     name);
  if (count == GOF_MAX_RECORDS)
    return gl_fail(P, P->lineno, "more than %d records of this kind in one case", GOF_MAX_RECORDS);
  if (!(*out = gl_dupstr(name)))
    return gl_fail(P, P->lineno, "out of memory");
  return 0;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  return -1;
}

/* `<kw> <name> <bits> [<hex>]` */
static int parse_mask(gl_parser *P, const char *kw, gof_mask *m) {
  if (P->ntok < 3)
    return gl_fail(P, P->lineno, "expected '%s <name> <bits> <hex bytes>'", kw);
  unsigned long long bits = 0;
  if (gl_parse_count(P, P->tok[2], "mask bits", GF_MAX_N, &bits) < 0)
    return -1;
  m->bits = (size_t)bits;
  m->line = P->lineno;
  size_t bytes = (m->bits + 7) / 8;
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
                   m->bits, 2 * bytes, strlen(h));
  if (!(m->b = malloc(bytes)))
    return gl_fail(P, P->lineno, "out of memory");
  for (size_t i = 0; i < bytes; i++) {
    int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return gl_fail(P, P->lineno, "mask '%s': '%.2s' at byte %zu is not two lowercase hex digits",
                     m->name, h + 2 * i, i);
    m->b[i] = (uint8_t)(hi << 4 | lo);
  }
  if (m->bits % 8 && (m->b[bytes - 1] >> (m->bits % 8)))
    return gl_fail(P, P->lineno, "mask '%s': bits past %zu in the last byte must be 0", m->name,
                   m->bits);
  return 0;
}

static int parse_out(gl_parser *P, const gof_case *c, gof_out *o) {
  if (P->ntok != 3)
    return gl_fail(P, P->lineno, "expected 'out <name> <count>'");
  unsigned long long n = 0;
  if (gl_parse_count(P, P->tok[2], "out count", GF_MAX_N, &n) < 0)
    return -1;
  o->n = (size_t)n;
  o->line = P->lineno;
  o->dense = 1;
  if (!o->n)
    return 0;
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

/* the names of one namespace, for the uniqueness check */
static size_t names_of(const gof_case *c, int outputs, const char **names) {
  size_t k = 0;
  if (!outputs) {
    for (size_t i = 0; i < c->nin; i++)
      names[k++] = c->in[i].name;
    for (size_t i = 0; i < c->nmask; i++)
      names[k++] = c->mask[i].name;
  } else {
    for (size_t i = 0; i < c->nout; i++)
      names[k++] = c->out[i].name;
    for (size_t i = 0; i < c->noutmask; i++)
      names[k++] = c->outmask[i].name;
  }
  return k;
}

/* After `case`, `note` and `op`: parameters, then inputs, then outputs, then
 * `end`. */
static int parse_records(gl_parser *P, gof_case *c) {
  enum { PARAMS, INPUTS, OUTPUTS } section = PARAMS;
  const char *names[2 * GOF_MAX_RECORDS];
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
      return 0;
    }
    int is_param = !strcmp(kw, "int") || !strcmp(kw, "float") || !strcmp(kw, "word");
    int is_input = !strcmp(kw, "in") || !strcmp(kw, "mask");
    int is_output = !strcmp(kw, "out") || !strcmp(kw, "outmask");
    if (!is_param && !is_input && !is_output)
      return gl_fail(P, P->lineno,
                     "expected int, float, word, in, mask, out, outmask or 'end' of case '%s', "
                     "found '%s'",
                     c->id, shown);
    if (P->ntok < 2)
      return gl_fail(P, P->lineno, "'%s' needs a name", kw);
    if ((is_param && section != PARAMS) || (is_input && section == OUTPUTS))
      return gl_fail(P, P->lineno,
                     "'%s %.30s' out of order: a case lists its parameters (int, float, word), "
                     "then its inputs (in, mask), then its outputs (out, outmask)",
                     kw, P->tok[1]);
    if (is_param) {
      for (size_t k = 0; k < c->npar; k++)
        names[k] = c->par[k].name;
      gof_param *p = &c->par[c->npar];
      if (record_name(P, kw, names, c->npar, &p->name) < 0)
        return -1;
      c->npar++;
      p->line = P->lineno;
      if (P->ntok != 3)
        return gl_fail(P, P->lineno, "expected '%s %s <value>'", kw, p->name);
      if (!strcmp(kw, "int")) {
        unsigned long long v = 0;
        p->kind = GOF_INT;
        if (gl_parse_count(P, P->tok[2], p->name, UINT64_MAX, &v) < 0)
          return -1;
        p->i = (uint64_t)v;
      } else if (!strcmp(kw, "float")) {
        p->kind = GOF_FLOAT;
        if (gl_parse_float32(P, P->tok[2], p->name, &p->f) < 0)
          return -1;
      } else {
        p->kind = GOF_WORD;
        if (!gl_id_ok(P->tok[2]))
          return gl_fail(P, P->lineno, "word %s '%.40s' is not [a-z0-9_]+", p->name, P->tok[2]);
        if (!(p->w = gl_dupstr(P->tok[2])))
          return gl_fail(P, P->lineno, "out of memory");
      }
    } else if (is_input) {
      section = INPUTS;
      size_t k = names_of(c, 0, names);
      if (!strcmp(kw, "in")) {
        gof_in *a = &c->in[c->nin];
        if (record_name(P, kw, names, k, &a->name) < 0)
          return -1;
        c->nin++;
        a->line = P->lineno;
        unsigned long long n = 0;
        if (P->ntok < 3)
          return gl_fail(P, P->lineno, "expected 'in %s <count> <values>'", a->name);
        if (gl_parse_count(P, P->tok[2], "in count", GF_MAX_N, &n) < 0)
          return -1;
        a->n = (size_t)n;
        char what[64];
        snprintf(what, sizeof what, "in %s", a->name);
        if (gl_parse_values(P, 3, a->n, what, &a->v) < 0)
          return -1;
      } else {
        gof_mask *m = &c->mask[c->nmask];
        if (record_name(P, kw, names, k, &m->name) < 0)
          return -1;
        c->nmask++;
        if (parse_mask(P, kw, m) < 0)
          return -1;
      }
    } else {
      section = OUTPUTS;
      size_t k = names_of(c, 1, names);
      if (!strcmp(kw, "out")) {
        gof_out *o = &c->out[c->nout];
        if (record_name(P, kw, names, k, &o->name) < 0)
          return -1;
        c->nout++;
        if (parse_out(P, c, o) < 0)
          return -1;
      } else {
        gof_mask *m = &c->outmask[c->noutmask];
        if (record_name(P, kw, names, k, &m->name) < 0)
          return -1;
        c->noutmask++;
        if (parse_mask(P, kw, m) < 0)
          return -1;
      }
    }
  }
}

static int parse_case(gl_parser *P, gof_file *f, gof_case *c, size_t index, size_t declared,
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
  int op = ob_op_from_name(P->tok[1]);
  if (op < 0)
    return gl_fail(P, P->lineno, "unknown op '%.40s'", P->tok[1]);
  if (strcmp(ob_op_family((ob_op)op), f->family) != 0)
    return gl_fail(P, P->lineno, "op '%s' belongs to family '%s', this file is family '%s'",
                   P->tok[1], ob_op_family((ob_op)op), f->family);
  c->op = (ob_op)op;
  return parse_records(P, c);
}

/* gl_parse_cases' callback: the file sees its cases array as it grows */
static int parse_case_cb(gl_parser *P, void *file, void *items, size_t i, size_t declared,
                         size_t cases_line) {
  gof_file *f = file;
  f->cases = items;
  return parse_case(P, f, &f->cases[i], i, declared, cases_line);
}

static int parse_file(gl_parser *P, gof_file *f) {
  int r = gl_next_line(P, 0);
  if (r < 0)
    return -1;
  if (r == 0)
    return gl_fail(P, 1, "empty file, expected 'optbench-golden-ops %d'", GOF_VERSION);
  if (strncmp(P->line, "optbench-golden-ops ", 20) == 0) {
    char want[16];
    snprintf(want, sizeof want, "%d", GOF_VERSION);
    if (strcmp(P->line + 20, want) != 0)
      return gl_fail(P, P->lineno, "unknown format version '%.20s' (this reader knows %d)",
                     P->line + 20, GOF_VERSION);
  } else {
    return gl_fail(P, P->lineno, "expected version line 'optbench-golden-ops %d', found '%.40s'",
                   GOF_VERSION, P->line);
  }
  if (gl_expect(P, "family", NULL, "") < 0)
    return -1;
  if (P->ntok != 2)
    return gl_fail(P, P->lineno, "expected 'family <name>'");
  if (!family_known(P->tok[1]))
    return gl_fail(P, P->lineno, "unknown family '%.40s' (no op of the library has it)", P->tok[1]);
  if (!(f->family = gl_dupstr(P->tok[1])))
    return gl_fail(P, P->lineno, "out of memory");
  f->family_line = P->lineno;

  void *cases = NULL;
  const int r2 =
      gl_parse_cases(P, GF_MAX_CASES, sizeof(gof_case), &cases, &f->ncases, parse_case_cb, f);
  f->cases = cases;
  return r2;
}

static int parse_file_cb(gl_parser *P, void *file) { return parse_file(P, file); }

int gof_load(const char *path, gof_file *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  const int r = gl_load(path, &out->path, parse_file_cb, out, err, errlen);
  if (r < 0)
    gof_free(out);
  return r;
}

void gof_free(gof_file *f) {
  if (!f)
    return;
  for (size_t i = 0; i < f->ncases; i++) {
    gof_case *c = &f->cases[i];
    for (size_t k = 0; k < c->npar; k++) {
      free(c->par[k].name);
      free(c->par[k].w);
    }
    for (size_t k = 0; k < c->nin; k++) {
      free(c->in[k].name);
      free(c->in[k].v);
    }
    for (size_t k = 0; k < c->nmask; k++) {
      free(c->mask[k].name);
      free(c->mask[k].b);
    }
    for (size_t k = 0; k < c->nout; k++) {
      free(c->out[k].name);
      free(c->out[k].exact);
      free(c->out[k].rounded);
      free(c->out[k].scale);
    }
    for (size_t k = 0; k < c->noutmask; k++) {
      free(c->outmask[k].name);
      free(c->outmask[k].b);
    }
    free(c->id);
    free(c->note);
  }
  free(f->cases);
  free(f->path);
  free(f->family);
  memset(f, 0, sizeof *f);
}
