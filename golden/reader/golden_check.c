/* golden_check - runs golden cases on a variant and measures scale-ULP errors. */
#include "golden_check.h"

#include "golden_guard.h"
#include "golden_rule.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the metric ----------------------------------------------------------- */

double gc_ulp(double a) {
  a = fabs(a);
  if (!(a >= 0x1p-126)) /* also NaN */
    return 0x1p-149;
  if (isinf(a))
    return INFINITY;
  int e;
  frexp(a, &e); /* a = m * 2^e, m in [0.5, 1): floor(log2 a) = e - 1 */
  return ldexp(1.0, e - 1 - 23);
}

double gc_scale_ulps(float got, double exact, float rounded, double scale, int strict_zero) {
  if (isnan(rounded))
    return isnan(got) ? 0.0 : INFINITY;
  if (isinf(rounded))
    return got == rounded ? 0.0 : INFINITY;
  if (!isfinite(got))
    return INFINITY;
  if (exact == 0 && got == 0 && strict_zero)
    return !signbit(got) == !signbit(exact) ? 0.0 : INFINITY;
  double a = fabs(exact);
  if (isfinite(scale) && scale > a)
    a = scale;
  return fabs((double)got - exact) / gc_ulp(a);
}

gc_options gc_default_options(void) {
  gc_options o = {.offset = 0, .bound = -1.0, .own_state = 1};
  return o;
}

double gc_op_bound(gd_op op, const ob_variant *v) {
  if (gd_op_is_rule(op))
    return ob_error_bound((ob_algo)op, v);
  return op >= OB_ALGO_COUNT && op < GD_OP_COUNT ? ob_op_error_bound((ob_op)(op - OB_ALGO_COUNT), v)
                                                 : -1.0;
}

/* ---- statistics ----------------------------------------------------------- */

void gc_stats_init(gc_stats *st) {
  memset(st, 0, sizeof *st);
  st->bound = -1;
  st->worst_severity = -1;
}

double gc_mean_err(const gc_stats *st) {
  return st->finite ? st->sum_err / (double)st->finite : 0.0;
}

void gc_stats_merge(gc_stats *a, const gc_stats *b) {
  a->cases_run += b->cases_run;
  a->cases_passed += b->cases_passed;
  a->elements += b->elements;
  a->failed_elements += b->failed_elements;
  a->other_failures += b->other_failures;
  a->finite += b->finite;
  a->sum_err += b->sum_err;
  a->max_err = fmax(a->max_err, b->max_err);
  a->max_err_decay = fmax(a->max_err_decay, b->max_err_decay);
  a->own_elements += b->own_elements;
  a->own_max = fmax(a->own_max, b->own_max);
  if (a->bound < 0)
    a->bound = b->bound;
  if (!a->first[0])
    memcpy(a->first, b->first, sizeof a->first);
  if (b->worst[0] && b->worst_severity > a->worst_severity) {
    memcpy(a->worst, b->worst, sizeof a->worst);
    a->worst_severity = b->worst_severity;
  }
}

/* ---- a run ---------------------------------------------------------------- */

#define GUARD_BYTES 64
static const unsigned char GUARD[4] = {0xa5, 0xa5, 0xa5, 0x7f}; /* 0x7fa5a5a5: a NaN */

typedef enum { B_IN, B_OUT, B_INOUT, B_MASK_IN, B_MASK_OUT, B_UNUSED } bkind;

typedef struct {
  bkind kind;
  int paged; /* from gc_guard_alloc */
  unsigned char *base, *data;
  size_t total, bytes; /* allocation, data region */
  const char *name;
  const void *src;      /* what an input (or in-place array) started as */
  size_t n;             /* elements (bits for masks) */
  const gd_record *out; /* the expected output, or NULL */
} buffer;

/* An array carried from step to step on the variant's own state, with the
 * largest max(|exact|, scale) each element has had (FORMAT.md). */
typedef struct {
  char *name;
  size_t n;
  float *v;
  double *peak;
} carried;

enum { MAX_BUFFERS = 64, MAX_CARRIED = 16, MAX_ARRAY_BYTES = 1 << 30 };

struct gc_run {
  const gd_file *f;
  const gd_case *c;
  const ob_variant *v;
  const char *vname; /* the variant column */
  const gc_options *opt;
  gc_stats *st;
  size_t offset;
  double bound;      /* the op's */
  double step_bound; /* gc_set_step_bound, < 0: none */
  int allowance;
  size_t j; /* the step, 1-based */
  int own;  /* own-state mode */
  int failed;
  int not_called; /* gc_not_called: the step was not run */
  buffer buf[MAX_BUFFERS];
  int nbuf;
  unsigned char used[GD_MAX_RECORDS];
  carried car[MAX_CARRIED];
  int ncar;
  float qgrad[2]; /* own state, grad quadratic: the gradient of the own p */
};

static const gd_step *cur(const gc_run *R) { return &R->c->step[R->j - 1]; }

static void record(gc_run *R, double severity, const char *what) {
  gc_stats *st = R->st;
  char buf[sizeof st->worst], where[96] = "";
  if (R->c->steps > 1)
    snprintf(where, sizeof where, " step %zu (line %zu), %s", R->j, cur(R)->line,
             R->own ? "own state" : "fresh");
  snprintf(buf, sizeof buf, "%s:%zu: case '%s'%s (op %s, variant %s, offset %zu): %s", R->f->path,
           R->c->line, R->c->id, where, gd_op_name(R->c->op), R->vname, R->offset, what);
  if (!st->first[0])
    memcpy(st->first, buf, sizeof buf);
  if (severity > st->worst_severity) {
    memcpy(st->worst, buf, sizeof buf);
    st->worst_severity = severity;
  }
  R->failed = 1;
}

static void fail_v(gc_run *R, const char *fmt, va_list ap) {
  char what[768];
  vsnprintf(what, sizeof what, fmt, ap);
  R->st->other_failures++;
  record(R, INFINITY, what);
}

void gc_fail(gc_run *R, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fail_v(R, fmt, ap);
  va_end(ap);
}

void gc_not_called(gc_run *R, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fail_v(R, fmt, ap);
  va_end(ap);
  R->not_called = 1;
}

const ob_variant *gc_variant(gc_run *R) { return R->v; }

ob_step_fn gc_kernel(gc_run *R) { return R->opt->kernel; }

ob_step_states_fn gc_kernel_states(gc_run *R) { return R->opt->kernel_states; }

int gc_own_state(gc_run *R) { return R->own; }

void gc_set_step_bound(gc_run *R, double bound, int allowance) {
  R->step_bound = bound;
  R->allowance = allowance;
}

/* A guarded array of `bytes`, or NULL (the case fails, saying why): the
 * adapter then passes NULL with n > 0, which the library refuses without
 * touching memory, so a file with an absurd length cannot crash the check. */
static unsigned char *buffer_new(gc_run *R, bkind kind, const char *name, size_t n, size_t elem,
                                 const void *src, const gd_record *out) {
  if (R->nbuf == MAX_BUFFERS) {
    gc_fail(R, "the adapter asks for more than %d arrays", MAX_BUFFERS);
    return NULL;
  }
  const size_t bytes = elem == 1 ? (n + 7) / 8 : n * elem;
  buffer *b = &R->buf[R->nbuf];
  /* golden arrays are text in a file: a length beyond 1 GiB is a bad file,
   * refused before asking the allocator */
  const int paged = R->opt->guard_pages;
  /* guard pages: the array ends `offset` elements before the trailing
   * page; the rest of its pages, before the start too, are guard words */
  const size_t after = R->offset * elem;
  size_t total =
      paged ? GUARD_BYTES + bytes + after : (2 * GUARD_BYTES + after + bytes + 63) / 64 * 64;
  b->paged = paged;
  b->base = bytes > MAX_ARRAY_BYTES ? NULL
            : paged                 ? gc_guard_alloc(total, after, bytes, name, &total)
                                    : aligned_alloc(64, total);
  const size_t data_at = paged ? total - after - bytes : GUARD_BYTES + after;
  if (!b->base) {
    gc_fail(R, "cannot allocate an array of %zu bytes (over %d MiB, or out of memory)", bytes,
            MAX_ARRAY_BYTES >> 20);
    return NULL;
  }
  R->nbuf++;
  b->kind = kind;
  b->total = total;
  b->bytes = bytes;
  b->data = b->base + data_at;
  b->name = name;
  b->src = src;
  b->n = n;
  b->out = out;
  for (size_t i = 0; i < total; i++)
    b->base[i] = GUARD[i % 4];
  if (src && bytes)
    memcpy(b->data, src, bytes);
  return b->data;
}

/* ---- lookups -------------------------------------------------------------- */

static const gd_record *find(gc_run *R, gd_kind k, const char *name) {
  const gd_step *s = cur(R);
  for (size_t i = 0; i < s->nrec; i++)
    if (s->rec[i].kind == k && !strcmp(s->rec[i].name, name)) {
      R->used[i] = 1;
      return &s->rec[i];
    }
  return NULL;
}

static const gd_record *param(gc_run *R, const char *name, gd_kind kind, int optional) {
  const gd_step *s = cur(R);
  for (size_t k = 0; k < s->nrec; k++)
    if (s->rec[k].kind <= GD_WORD && !strcmp(s->rec[k].name, name)) {
      R->used[k] = 1;
      if (s->rec[k].kind == kind)
        return &s->rec[k];
      gc_fail(R, "line %zu: '%s' is %s, op %s reads it as %s", s->rec[k].line, name,
              gd_kind_name(s->rec[k].kind), gd_op_name(R->c->op), gd_kind_name(kind));
      return NULL;
    }
  if (!optional)
    gc_fail(R, "the case has no '%s %s', which op %s needs", gd_kind_name(kind), name,
            gd_op_name(R->c->op));
  return NULL;
}

uint64_t gc_int(gc_run *R, const char *name) {
  const gd_record *p = param(R, name, GD_INT, 0);
  return p ? p->i : 0;
}

float gc_float(gc_run *R, const char *name) {
  const gd_record *p = param(R, name, GD_FLOAT, 0);
  return p ? p->f : 0.0f;
}

float gc_float_or_0(gc_run *R, const char *name) {
  const gd_record *p = param(R, name, GD_FLOAT, 1);
  return p ? p->f : 0.0f;
}

const char *gc_word(gc_run *R, const char *name) {
  const gd_record *p = param(R, name, GD_WORD, 0);
  return p ? p->w : "";
}

int gc_word_index(gc_run *R, const char *name, const char *(*names)(int k), int count) {
  const gd_record *p = param(R, name, GD_WORD, 0);
  if (!p)
    return 0;
  for (int k = 0; k < count; k++)
    if (names(k) && !strcmp(names(k), p->w))
      return k;
  gc_fail(R, "line %zu: word %s '%s' is not one the library knows", p->line, name, p->w);
  return 0;
}

static carried *carried_of(gc_run *R, const char *name) {
  for (int k = 0; k < R->ncar; k++)
    if (!strcmp(R->car[k].name, name))
      return &R->car[k];
  return NULL;
}

/* The carried array of output o, made on first use: NULL if the table is
 * full (a case of more than MAX_CARRIED outputs), *oom set to 1 if memory
 * ran out. */
static carried *carried_for(gc_run *R, const gd_record *o, int *oom) {
  carried *k = carried_of(R, o->name);
  if (k || R->ncar == MAX_CARRIED)
    return k;
  k = &R->car[R->ncar++];
  memset(k, 0, sizeof *k);
  k->name = o->name;
  k->n = o->n;
  k->v = malloc(o->n ? o->n * sizeof(float) : 1);
  k->peak = calloc(o->n ? o->n : 1, sizeof(double));
  if (!k->v || !k->peak)
    *oom = 1;
  return k;
}

/* Where input `name` of this step comes from (FORMAT.md, "Trajectories"):
 * the step's `in` record; after step 1 the output it is carried from, the
 * file's rounded values fresh, the variant's own on its own state; on its
 * own state with `grad quadratic`, g is the gradient of the own p. */
static int source(gc_run *R, const char *name, const float **v, size_t *n, size_t *line) {
  *v = NULL;
  *n = 0;
  *line = cur(R)->line;
  const gd_record *r = find(R, GD_IN, name);
  if (r)
    *line = r->line;
  if (R->own && R->c->grad == GD_GRAD_QUADRATIC && !strcmp(name, "g")) {
    *v = R->qgrad; /* replaces the file's g */
    *n = 2;
    return 1;
  }
  if (r) {
    *v = r->v;
    *n = r->n;
    return 1;
  }
  if (R->j > 1 && R->own) {
    const carried *k = carried_of(R, name);
    if (k) {
      *v = k->v;
      *n = k->n;
      return 1;
    }
  } else if (R->j > 1 && (r = gd_find(&R->c->step[R->j - 2], GD_OUT, name))) {
    *v = r->rounded;
    *n = r->n;
    *line = r->line;
    return 1;
  }
  return 0;
}

size_t gc_in_count(gc_run *R, const char *name) {
  size_t n, line;
  const float *v;
  if (!source(R, name, &v, &n, &line)) {
    gc_fail(R, "the case has no 'in %s', which op %s needs", name, gd_op_name(R->c->op));
    return 0;
  }
  return n;
}

/* Every accessor checks the record before allocating: the length asked for
 * comes from the case's own int parameters, which a hostile file may set to
 * anything, while a record's length is bounded by the file's size. */

const float *gc_in(gc_run *R, const char *name, size_t n) {
  size_t have, line;
  const float *v;
  if (!source(R, name, &v, &have, &line)) {
    gc_fail(R, "the case has no 'in %s', which op %s needs", name, gd_op_name(R->c->op));
    return NULL;
  }
  if (have != n) {
    gc_fail(R, "line %zu: 'in %s' has %zu elements, op %s needs %zu here", line, name, have,
            gd_op_name(R->c->op), n);
    return NULL;
  }
  return (const float *)buffer_new(R, B_IN, name, n, sizeof(float), v, NULL);
}

/* The case's `kind` record `name` of n elements (`unit`), which the op reads
 * or writes (`verb`), in a buffer of elem-byte elements; NULL, the case
 * failed, if it is missing or of another length. */
static void *record_buffer(gc_run *R, gd_kind kind, const char *verb, const char *unit,
                           const char *name, size_t n, size_t elem, bkind type, int copy_in) {
  const gd_record *r = find(R, kind, name);
  if (!r) {
    gc_fail(R, "the case has no '%s %s', which op %s %s", gd_kind_name(kind), name,
            gd_op_name(R->c->op), verb);
    return NULL;
  }
  if (r->n != n) {
    gc_fail(R, "line %zu: '%s %s' has %zu %s, op %s %s %zu here", r->line, gd_kind_name(kind), name,
            r->n, unit, gd_op_name(R->c->op), verb, n);
    return NULL;
  }
  return buffer_new(R, type, name, n, elem, copy_in ? r->b : NULL, copy_in ? NULL : r);
}

float *gc_out(gc_run *R, const char *name, size_t n) {
  return record_buffer(R, GD_OUT, "writes", "elements", name, n, sizeof(float), B_OUT, 0);
}

/* The input and output of an array updated in place, n each: 1, or 0 with
 * the case failed. */
static int inout_records(gc_run *R, const char *name, size_t n, const float **v,
                         const gd_record **o) {
  size_t have, line;
  const int found = source(R, name, v, &have, &line);
  *o = find(R, GD_OUT, name);
  if (!found || !*o) {
    gc_fail(R, "the case needs both 'in %s' and 'out %s' (op %s updates it in place)", name, name,
            gd_op_name(R->c->op));
    return 0;
  }
  if (have != n || (*o)->n != n) {
    gc_fail(R, "line %zu: 'in %s' (%zu) and 'out %s' (%zu) must have %zu elements for op %s", line,
            name, have, name, (*o)->n, n, gd_op_name(R->c->op));
    return 0;
  }
  return 1;
}

float *gc_inout(gc_run *R, const char *name, size_t n) {
  const float *v;
  const gd_record *o;
  if (!inout_records(R, name, n, &v, &o))
    return NULL;
  return (float *)buffer_new(R, B_INOUT, name, n, sizeof(float), v, o);
}

float *gc_unused(gc_run *R, const char *name, size_t n) {
  const float *v;
  const gd_record *o;
  if (!gd_find(cur(R), GD_OUT, name)) {
    if (find(R, GD_IN, name)) /* half of an in-place pair: the case fails, saying so */
      inout_records(R, name, n, &v, &o);
    return NULL;
  }
  if (!inout_records(R, name, n, &v, &o))
    return NULL;
  if (!gd_rule_unchanged(o, v)) {
    gc_fail(R,
            "line %zu: the hyperparameters leave state '%s' unused (ob_state_used), yet the "
            "file's 'out %s' is not its input",
            o->line, name, name);
    return NULL;
  }
  if (!R->own)
    return (float *)buffer_new(R, B_UNUSED, name, n, sizeof(float), v, NULL);
  int oom = 0;
  carried *k = carried_for(R, o, &oom);
  if (k && !oom && k->n == n && n && k->v != v)
    memcpy(k->v, v, n * sizeof(float));
  return NULL;
}

const uint8_t *gc_mask_in(gc_run *R, const char *name, size_t bits) {
  return record_buffer(R, GD_MASK, "needs", "bits", name, bits, 1, B_MASK_IN, 1);
}

uint8_t *gc_mask_out(gc_run *R, const char *name, size_t bits) {
  return record_buffer(R, GD_OUTMASK, "writes", "bits", name, bits, 1, B_MASK_OUT, 0);
}

size_t gc_mul(gc_run *R, size_t a, size_t b, const char *what) {
  if (b && a > SIZE_MAX / sizeof(float) / b) {
    gc_fail(R, "%s: %zu x %zu elements overflow the address space", what, a, b);
    return SIZE_MAX; /* no record has that many elements */
  }
  return a * b;
}

/* ---- after the call ------------------------------------------------------- */

static const char *const kind_text[6] = {"input",      "output",      "in-place array",
                                         "input mask", "output mask", "unused state"};

/* Guards intact, inputs unchanged; with `unchanged` (a refused call) the
 * outputs and in-place arrays too. Returns 1 if all is well. */
static int check_memory(gc_run *R, int unchanged) {
  int ok = 1;
  for (int b = 0; b < R->nbuf; b++) {
    const buffer *B = &R->buf[b];
    size_t lo = (size_t)(B->data - B->base);
    for (size_t i = 0; i < B->total; i++) {
      if (i >= lo && i < lo + B->bytes)
        continue;
      if (B->base[i] != GUARD[i % 4]) {
        if (i < lo)
          gc_fail(R, "wrote %zu bytes before the start of %s '%s' (%zu bytes long)", lo - i,
                  kind_text[B->kind], B->name, B->bytes);
        else
          gc_fail(R, "wrote %zu bytes past the end of %s '%s' (%zu bytes long)", i - lo - B->bytes,
                  kind_text[B->kind], B->name, B->bytes);
        ok = 0;
        break;
      }
    }
    int changed = 0;
    if (B->src && B->bytes && (B->kind != B_INOUT || unchanged))
      changed = memcmp(B->data, B->src, B->bytes) != 0;
    if (!B->src && unchanged)
      for (size_t i = 0; i < B->bytes && !changed; i++)
        changed = B->data[i] != GUARD[(lo + i) % 4];
    if (changed) {
      gc_fail(R, "modified its %s '%s'%s", kind_text[B->kind], B->name,
              unchanged && B->kind != B_IN && B->kind != B_MASK_IN && B->kind != B_UNUSED
                  ? " on a refused call"
                  : "");
      ok = 0;
    }
  }
  return ok;
}

static void check_unused(gc_run *R) {
  const gd_step *s = cur(R);
  for (size_t k = 0; k < s->nrec; k++)
    if (!R->used[k])
      gc_fail(R, "line %zu: op %s does not %s '%s %s'", s->rec[k].line, gd_op_name(R->c->op),
              s->rec[k].kind >= GD_OUT ? "write" : "read", gd_kind_name(s->rec[k].kind),
              s->rec[k].name);
}

/* The inputs of element i (each input array long enough), for a report. */
static size_t inputs_at(const gc_run *R, size_t i, char *buf, size_t len) {
  size_t at = 0;
  for (int b = 0; b < R->nbuf && at < len; b++) {
    const buffer *B = &R->buf[b];
    if ((B->kind != B_IN && B->kind != B_INOUT && B->kind != B_UNUSED) || i >= B->n || !B->src)
      continue;
    int k = snprintf(buf + at, len - at, "%s %s %a", at ? "," : "; inputs:", B->name,
                     (double)((const float *)B->src)[i]);
    if (k < 0)
      break;
    at += (size_t)k;
  }
  return at;
}

static void compare_out(gc_run *R, const buffer *B, double bound) {
  const gd_record *o = B->out;
  const int rule = gd_op_is_rule(R->c->op);
  const double allowed = R->own ? (double)R->j * bound : bound;
  carried *k = R->own ? carried_of(R, B->name) : NULL;
  for (size_t i = 0; i < o->n; i++) {
    float g;
    memcpy(&g, B->data + i * sizeof g, sizeof g);
    double scale = o->scale[i];
    if (k && k->peak) { /* own state: ulps of the largest magnitude so far */
      const double e = fabs(o->exact[i]);
      if (isfinite(e) && e > k->peak[i])
        k->peak[i] = e;
      if (isfinite(scale) && scale > k->peak[i])
        k->peak[i] = scale;
      scale = k->peak[i];
    }
    const int strict = R->own ? 0 : rule ? 1 : !(scale > 0);
    const double err = gc_scale_ulps(g, o->exact[i], o->rounded[i], scale, strict);
    const int unwritten =
        B->kind == B_OUT && memcmp(B->data + i * sizeof g, GUARD, 4) == 0 && isnan(o->rounded[i]);
    R->st->elements++;
    if (!R->own) {
      if (isfinite(o->rounded[i])) {
        R->st->finite++;
        if (isfinite(err))
          R->st->sum_err += err;
      }
      double *max = R->allowance ? &R->st->max_err_decay : &R->st->max_err;
      if (isfinite(err) && err > *max)
        *max = err;
    } else {
      R->st->own_elements++;
      if (isfinite(err) && err / (double)R->j > R->st->own_max)
        R->st->own_max = err / (double)R->j;
    }
    if (unwritten || !(err <= allowed)) {
      char what[768];
      size_t at;
      const size_t line = o->dense ? o->line + 1 + i : o->line;
      if (unwritten)
        at = (size_t)snprintf(what, sizeof what, "out %s[%zu] (line %zu) was not written", o->name,
                              i, line);
      else
        at = (size_t)snprintf(
            what, sizeof what,
            "out %s[%zu] (line %zu): got %a (%.9g), exact %a (%.17g), rounded %a, scale %a: err "
            "%.3f scale-ULPs > allowed %.3f%s",
            o->name, i, line, (double)g, (double)g, o->exact[i], o->exact[i], (double)o->rounded[i],
            scale, err, allowed, isinf(err) ? " (special value or zero sign mismatch)" : "");
      if (at < sizeof what)
        inputs_at(R, i, what + at, sizeof what - at);
      R->st->failed_elements++;
      record(R, unwritten || !(allowed > 0) ? INFINITY : err / allowed, what);
    }
  }
}

static void compare_mask(gc_run *R, const buffer *B) {
  const gd_record *m = B->out;
  for (size_t i = 0; i < B->bytes; i++) {
    R->st->elements++;
    if (B->data[i] != m->b[i]) {
      char what[256];
      snprintf(what, sizeof what,
               "outmask %s byte %zu (bits %zu..%zu, line %zu): got %02x, expected %02x", m->name, i,
               8 * i, 8 * i + 7, m->line, B->data[i], m->b[i]);
      R->st->failed_elements++;
      record(R, INFINITY, what);
    }
  }
}

/* Keeps the outputs of this step as the inputs of the next (own state). */
static int carry(gc_run *R) {
  for (int b = 0; b < R->nbuf; b++) {
    const buffer *B = &R->buf[b];
    if ((B->kind != B_OUT && B->kind != B_INOUT) || !B->out)
      continue;
    int oom = 0;
    carried *k = carried_for(R, B->out, &oom);
    if (oom)
      return -1;
    if (k && k->n == B->n && B->n)
      memcpy(k->v, B->data, B->n * sizeof(float));
  }
  return 0;
}

/* Peaks exist before the first comparison of the own-state run. */
static int prepare_peaks(gc_run *R) {
  const gd_step *s = &R->c->step[0];
  int oom = 0;
  for (size_t i = 0; i < s->nrec && R->ncar < MAX_CARRIED && !oom; i++)
    if (s->rec[i].kind == GD_OUT)
      carried_for(R, &s->rec[i], &oom);
  return oom ? -1 : 0;
}

static void free_buffers(gc_run *R) {
  for (int b = 0; b < R->nbuf; b++)
    if (R->buf[b].paged)
      gc_guard_free(R->buf[b].base);
    else
      free(R->buf[b].base);
  R->nbuf = 0;
}

/* One step in the current mode. Returns 1 if the next step may run (own
 * state: the call succeeded), 0 if not, -1 out of memory. */
static int run_step(gc_run *R, gc_entry e) {
  memset(R->used, 0, sizeof R->used);
  R->not_called = 0;
  R->step_bound = -1;
  R->allowance = 0;
  if (R->own && R->c->grad == GD_GRAD_QUADRATIC) {
    size_t n, line;
    const float *p;
    if (source(R, "p", &p, &n, &line) && n == 2)
      gd_quadratic_grad(p, R->qgrad);
  }
  if (R->opt->progress) {
    R->opt->progress->step = R->j;
    R->opt->progress->own = R->own;
  }
  const ob_status rc = e.call(R, e.id);
  int go = 1;
  if (R->not_called) {
    check_unused(R);
    free_buffers(R);
    return 0;
  }
  if (R->c->domain == GD_REFUSED) {
    const int same = check_memory(R, 1);
    if (rc != OB_EHPARAM)
      gc_fail(R, "outside refused: the call returned %d (%s)%s, want %d (%s)", (int)rc,
              ob_strerror(rc), same ? "" : " and changed memory", (int)OB_EHPARAM,
              ob_strerror(OB_EHPARAM));
    check_unused(R);
    free_buffers(R);
    return 0;
  }
  if (rc != OB_OK) {
    gc_fail(R, "the call returned %d (%s)", (int)rc, ob_strerror(rc));
    go = 0;
  }
  check_memory(R, 0);
  check_unused(R);
  const double b = R->opt->bound >= 0   ? R->opt->bound
                   : R->step_bound >= 0 ? R->step_bound
                                        : R->bound;
  if (rc == OB_OK && R->c->domain == GD_INSIDE)
    for (int k = 0; k < R->nbuf; k++) {
      if (!R->buf[k].out)
        continue;
      if (R->buf[k].kind == B_MASK_OUT)
        compare_mask(R, &R->buf[k]);
      else
        compare_out(R, &R->buf[k], b);
    }
  if (go && R->own && carry(R) < 0) {
    free_buffers(R);
    return -1;
  }
  free_buffers(R);
  return go;
}

static void free_carried(gc_run *R) {
  for (int k = 0; k < R->ncar; k++) {
    free(R->car[k].v);
    free(R->car[k].peak);
  }
  R->ncar = 0;
}

/* What a case's run and its reports know: the file, case, variant, options
 * and the stats it counts into. */
static void run_init(gc_run *R, const gd_file *f, const gd_case *c, const ob_variant *v,
                     const gc_options *opt, gc_stats *st) {
  R->f = f;
  R->c = c;
  R->v = v;
  R->vname = opt->name ? opt->name : ob_variant_name(v);
  R->opt = opt;
  R->st = st;
  R->offset = opt->offset > GC_MAX_OFFSET ? GC_MAX_OFFSET : opt->offset;
}

int gc_run_case(const gd_file *f, const gd_case *c, const ob_variant *v, const gc_options *opt,
                gc_stats *st) {
  gc_options dflt = gc_default_options();
  if (!opt)
    opt = &dflt;
  gc_run *R = calloc(1, sizeof *R);
  if (!R)
    return -1;
  run_init(R, f, c, v, opt, st);
  R->bound = opt->bound >= 0 ? opt->bound : gc_op_bound(c->op, v);
  st->bound = R->bound;
  st->cases_run++;
  const gc_entry e = gc_entry_of(c->op);
  int rc = 0;
  R->j = 1;
  if (R->bound < 0 || !e.call) {
    gc_fail(R, "the checker knows no bound or adapter for op %s", gd_op_name(c->op));
  } else {
    for (R->j = 1; R->j <= c->steps && rc >= 0; R->j++)
      rc = run_step(R, e);
    if (rc >= 0 && opt->own_state && c->steps > 1 && c->domain == GD_INSIDE) {
      R->own = 1;
      rc = prepare_peaks(R) < 0 ? -1 : 1;
      for (R->j = 1; R->j <= c->steps && rc > 0; R->j++)
        rc = run_step(R, e);
      free_carried(R);
    }
  }
  const int result = rc < 0 ? -1 : !R->failed;
  st->cases_passed += result == 1;
  free_carried(R);
  free(R);
  return result;
}

void gc_case_failure(const gd_file *f, const gd_case *c, const ob_variant *v, const gc_options *opt,
                     size_t step, int own, gc_stats *st, const char *what) {
  gc_run *R = calloc(1, sizeof *R);
  st->cases_run++;
  st->other_failures++;
  if (!R) { /* the case still counts as failed, without its report */
    st->worst_severity = INFINITY;
    return;
  }
  run_init(R, f, c, v, opt, st);
  R->j = step >= 1 && step <= c->steps ? step : 1;
  R->own = own;
  record(R, INFINITY, what);
  free(R);
}

long gc_run_op(const gd_file *f, gd_op op, const ob_variant *v, const gc_options *opt,
               gc_stats *st) {
  long failed = 0;
  for (size_t i = 0; i < f->ncases; i++) {
    if (f->cases[i].op != op)
      continue;
    int r = gc_run_case(f, &f->cases[i], v, opt, st);
    if (r < 0)
      return -1;
    failed += r == 0;
  }
  return failed;
}
