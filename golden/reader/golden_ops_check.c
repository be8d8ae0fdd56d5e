/* golden_ops_check - runs layer-kernel golden cases and measures errors. */
#include "golden_ops_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the metric ----------------------------------------------------------- */

double goc_scale_ulps(float got, double exact, float rounded, double scale) {
  if (exact == 0 && scale > 0 && isfinite(got)) {
    double a = isfinite(scale) ? scale : 0;
    return fabs((double)got) / gc_ulp(a);
  }
  return gc_scale_ulps(got, exact, rounded, scale);
}

/* ---- statistics ----------------------------------------------------------- */

void goc_stats_init(goc_stats *st) {
  memset(st, 0, sizeof *st);
  st->bound = -1;
  st->worst_severity = -1;
}

double goc_mean_err(const goc_stats *st) {
  return st->finite ? st->sum_err / (double)st->finite : 0.0;
}

void goc_stats_merge(goc_stats *a, const goc_stats *b) {
  a->cases_run += b->cases_run;
  a->cases_passed += b->cases_passed;
  a->elements += b->elements;
  a->failed_elements += b->failed_elements;
  a->other_failures += b->other_failures;
  a->finite += b->finite;
  a->sum_err += b->sum_err;
  if (b->max_err > a->max_err)
    a->max_err = b->max_err;
  if (a->bound < 0)
    a->bound = b->bound;
  if (!a->first[0])
    memcpy(a->first, b->first, sizeof a->first);
  if (b->worst[0] && b->worst_severity > a->worst_severity) {
    memcpy(a->worst, b->worst, sizeof a->worst);
    a->worst_severity = b->worst_severity;
  }
}

goc_options goc_default_options(void) {
  goc_options o = {0, -1.0};
  return o;
}

/* ---- guarded buffers ------------------------------------------------------ */

#define GUARD_BYTES 64
static const unsigned char GUARD[4] = {0xa5, 0xa5, 0xa5, 0x7f}; /* 0x7fa5a5a5: a NaN */

typedef enum { B_IN, B_OUT, B_INOUT, B_MASK_IN, B_MASK_OUT } bkind;

typedef struct {
  bkind kind;
  unsigned char *base, *data;
  size_t total, bytes; /* allocation, data region */
  int rec;             /* index of the record (in/mask for inputs, out/outmask for outputs); -1 */
  int rec_in;          /* B_INOUT: the input record */
} buffer;

enum { MAX_BUFFERS = 4 * GOF_MAX_RECORDS, MAX_ARRAY_BYTES = 1 << 30 };

struct goc_run {
  const gof_file *f;
  const gof_case *c;
  const ob_variant *v;
  size_t offset;
  double bound;
  goc_stats *st;
  int failed;
  buffer buf[MAX_BUFFERS];
  int nbuf;
  unsigned char used_par[GOF_MAX_RECORDS], used_in[GOF_MAX_RECORDS], used_mask[GOF_MAX_RECORDS],
      used_out[GOF_MAX_RECORDS], used_outmask[GOF_MAX_RECORDS];
};

/* A guarded array of `bytes`, or NULL (the case fails, saying why): the
 * adapter then passes NULL with n > 0, which the library refuses without
 * touching memory, so a file with an absurd length cannot crash the check. */
static unsigned char *buffer_new(goc_run *R, bkind kind, size_t bytes, size_t elem, int rec,
                                 int rec_in) {
  if (R->nbuf == MAX_BUFFERS) {
    goc_fail(R, "the adapter asks for more than %d arrays", MAX_BUFFERS);
    return NULL;
  }
  buffer *b = &R->buf[R->nbuf];
  /* golden arrays are text in a file: a length beyond 1 GiB is a bad file,
   * refused before asking the allocator */
  const size_t total = (2 * GUARD_BYTES + R->offset * elem + bytes + 63) / 64 * 64;
  b->base = bytes <= MAX_ARRAY_BYTES ? aligned_alloc(64, total) : NULL;
  if (!b->base) {
    goc_fail(R, "cannot allocate an array of %zu bytes (over %d MiB, or out of memory)", bytes,
             MAX_ARRAY_BYTES >> 20);
    return NULL;
  }
  R->nbuf++;
  b->kind = kind;
  b->total = total;
  b->bytes = bytes;
  b->data = b->base + GUARD_BYTES + R->offset * elem;
  b->rec = rec;
  b->rec_in = rec_in;
  for (size_t i = 0; i < total; i++)
    b->base[i] = GUARD[i % 4];
  return b->data;
}

/* ---- failures ------------------------------------------------------------- */

static void record(goc_run *R, double severity, const char *what) {
  goc_stats *st = R->st;
  char buf[sizeof st->worst];
  snprintf(buf, sizeof buf, "%s:%zu: case '%s' (op %s, variant %s, offset %zu): %s", R->f->path,
           R->c->line, R->c->id, ob_op_name(R->c->op), ob_variant_name(R->v), R->offset, what);
  if (!st->first[0])
    memcpy(st->first, buf, sizeof buf);
  if (severity > st->worst_severity) {
    memcpy(st->worst, buf, sizeof buf);
    st->worst_severity = severity;
  }
  R->failed = 1;
}

void goc_fail(goc_run *R, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  R->st->other_failures++;
  record(R, INFINITY, what);
}

const ob_variant *goc_variant(goc_run *R) { return R->v; }

/* ---- lookups -------------------------------------------------------------- */

static const gof_param *param(goc_run *R, const char *name, gof_kind kind) {
  static const char *const kname[3] = {"int", "float", "word"};
  for (size_t k = 0; k < R->c->npar; k++)
    if (!strcmp(R->c->par[k].name, name)) {
      R->used_par[k] = 1;
      if (R->c->par[k].kind == kind)
        return &R->c->par[k];
      goc_fail(R, "line %zu: '%s' is %s, op %s reads it as %s", R->c->par[k].line, name,
               kname[R->c->par[k].kind], ob_op_name(R->c->op), kname[kind]);
      return NULL;
    }
  goc_fail(R, "the case has no '%s %s', which op %s needs", kname[kind], name,
           ob_op_name(R->c->op));
  return NULL;
}

uint64_t goc_int(goc_run *R, const char *name) {
  const gof_param *p = param(R, name, GOF_INT);
  return p ? p->i : 0;
}

float goc_float(goc_run *R, const char *name) {
  const gof_param *p = param(R, name, GOF_FLOAT);
  return p ? p->f : 0.0f;
}

const char *goc_word(goc_run *R, const char *name) {
  const gof_param *p = param(R, name, GOF_WORD);
  return p ? p->w : "";
}

int goc_word_index(goc_run *R, const char *name, const char *(*names)(int k), int count) {
  const gof_param *p = param(R, name, GOF_WORD);
  if (!p)
    return 0;
  for (int k = 0; k < count; k++)
    if (names(k) && !strcmp(names(k), p->w))
      return k;
  goc_fail(R, "line %zu: word %s '%s' is not one the library knows", p->line, name, p->w);
  return 0;
}

static int find_in(goc_run *R, const char *name) {
  for (size_t k = 0; k < R->c->nin; k++)
    if (!strcmp(R->c->in[k].name, name))
      return (int)k;
  return -1;
}

static int find_out(goc_run *R, const char *name) {
  for (size_t k = 0; k < R->c->nout; k++)
    if (!strcmp(R->c->out[k].name, name))
      return (int)k;
  return -1;
}

size_t goc_in_count(goc_run *R, const char *name) {
  int k = find_in(R, name);
  if (k < 0) {
    goc_fail(R, "the case has no 'in %s', which op %s needs", name, ob_op_name(R->c->op));
    return 0;
  }
  return R->c->in[k].n;
}

/* Every accessor checks the record before allocating: the length asked for
 * comes from the case's own int parameters, which a hostile file may set to
 * anything, while a record's length is bounded by the file's size. On a
 * missing or mismatched record the case fails and the adapter gets NULL,
 * which the library refuses without touching memory. */

const float *goc_in(goc_run *R, const char *name, size_t n) {
  int k = find_in(R, name);
  if (k < 0) {
    goc_fail(R, "the case has no 'in %s', which op %s needs", name, ob_op_name(R->c->op));
    return NULL;
  }
  R->used_in[k] = 1;
  const gof_in *a = &R->c->in[k];
  if (a->n != n) {
    goc_fail(R, "line %zu: 'in %s' has %zu elements, op %s needs %zu here", a->line, name, a->n,
             ob_op_name(R->c->op), n);
    return NULL;
  }
  unsigned char *d = buffer_new(R, B_IN, n * sizeof(float), sizeof(float), k, -1);
  if (n && d)
    memcpy(d, a->v, n * sizeof(float));
  return (const float *)d;
}

float *goc_out(goc_run *R, const char *name, size_t n) {
  int k = find_out(R, name);
  if (k < 0) {
    goc_fail(R, "the case has no 'out %s', which op %s writes", name, ob_op_name(R->c->op));
    return NULL;
  }
  R->used_out[k] = 1;
  if (R->c->out[k].n != n) {
    goc_fail(R, "line %zu: 'out %s' has %zu elements, op %s writes %zu here", R->c->out[k].line,
             name, R->c->out[k].n, ob_op_name(R->c->op), n);
    return NULL;
  }
  return (float *)buffer_new(R, B_OUT, n * sizeof(float), sizeof(float), k, -1);
}

float *goc_inout(goc_run *R, const char *name, size_t n) {
  int ki = find_in(R, name), ko = find_out(R, name);
  if (ki < 0 || ko < 0) {
    goc_fail(R, "the case needs both 'in %s' and 'out %s' (op %s updates it in place)", name, name,
             ob_op_name(R->c->op));
    return NULL;
  }
  R->used_in[ki] = R->used_out[ko] = 1;
  if (R->c->in[ki].n != n || R->c->out[ko].n != n) {
    goc_fail(R, "line %zu: 'in %s' and 'out %s' must have %zu elements for op %s",
             R->c->in[ki].line, name, name, n, ob_op_name(R->c->op));
    return NULL;
  }
  unsigned char *d = buffer_new(R, B_INOUT, n * sizeof(float), sizeof(float), ko, ki);
  if (n && d)
    memcpy(d, R->c->in[ki].v, n * sizeof(float));
  return (float *)d;
}

static int find_mask(const gof_mask *m, size_t count, const char *name) {
  for (size_t k = 0; k < count; k++)
    if (!strcmp(m[k].name, name))
      return (int)k;
  return -1;
}

const uint8_t *goc_mask_in(goc_run *R, const char *name, size_t bits) {
  int k = find_mask(R->c->mask, R->c->nmask, name);
  if (k < 0) {
    goc_fail(R, "the case has no 'mask %s', which op %s needs", name, ob_op_name(R->c->op));
    return NULL;
  }
  R->used_mask[k] = 1;
  if (R->c->mask[k].bits != bits) {
    goc_fail(R, "line %zu: 'mask %s' has %zu bits, op %s needs %zu here", R->c->mask[k].line, name,
             R->c->mask[k].bits, ob_op_name(R->c->op), bits);
    return NULL;
  }
  size_t bytes = (bits + 7) / 8;
  unsigned char *d = buffer_new(R, B_MASK_IN, bytes, 1, k, -1);
  if (bytes && d)
    memcpy(d, R->c->mask[k].b, bytes);
  return d;
}

uint8_t *goc_mask_out(goc_run *R, const char *name, size_t bits) {
  int k = find_mask(R->c->outmask, R->c->noutmask, name);
  if (k < 0) {
    goc_fail(R, "the case has no 'outmask %s', which op %s writes", name, ob_op_name(R->c->op));
    return NULL;
  }
  R->used_outmask[k] = 1;
  if (R->c->outmask[k].bits != bits) {
    goc_fail(R, "line %zu: 'outmask %s' has %zu bits, op %s writes %zu here", R->c->outmask[k].line,
             name, R->c->outmask[k].bits, ob_op_name(R->c->op), bits);
    return NULL;
  }
  return buffer_new(R, B_MASK_OUT, (bits + 7) / 8, 1, k, -1);
}

size_t goc_mul(goc_run *R, size_t a, size_t b, const char *what) {
  if (b && a > SIZE_MAX / sizeof(float) / b) {
    goc_fail(R, "%s: %zu x %zu elements overflow the address space", what, a, b);
    return SIZE_MAX; /* no record has that many elements */
  }
  return a * b;
}

/* ---- after the call ------------------------------------------------------- */

static void check_guards(goc_run *R) {
  static const char *const kname[5] = {"input", "output", "in-place array", "input mask",
                                       "output mask"};
  for (int b = 0; b < R->nbuf; b++) {
    const buffer *B = &R->buf[b];
    size_t lo = (size_t)(B->data - B->base);
    for (size_t i = 0; i < B->total; i++) {
      if (i >= lo && i < lo + B->bytes)
        continue;
      if (B->base[i] != GUARD[i % 4]) {
        goc_fail(R, "wrote outside %s %d (byte %td relative to its start, %zu bytes long)",
                 kname[B->kind], b, (ptrdiff_t)i - (ptrdiff_t)lo, B->bytes);
        break;
      }
    }
    if (B->kind == B_IN && B->rec >= 0 && B->bytes &&
        memcmp(B->data, R->c->in[B->rec].v, B->bytes) != 0)
      goc_fail(R, "modified its input 'in %s' (line %zu)", R->c->in[B->rec].name,
               R->c->in[B->rec].line);
    if (B->kind == B_MASK_IN && B->rec >= 0 && B->bytes &&
        memcmp(B->data, R->c->mask[B->rec].b, B->bytes) != 0)
      goc_fail(R, "modified its input 'mask %s' (line %zu)", R->c->mask[B->rec].name,
               R->c->mask[B->rec].line);
  }
}

static void check_unused(goc_run *R) {
  const gof_case *c = R->c;
  for (size_t k = 0; k < c->npar; k++)
    if (!R->used_par[k])
      goc_fail(R, "line %zu: the adapter of op %s does not read parameter '%s'", c->par[k].line,
               ob_op_name(c->op), c->par[k].name);
  for (size_t k = 0; k < c->nin; k++)
    if (!R->used_in[k])
      goc_fail(R, "line %zu: the adapter of op %s does not read 'in %s'", c->in[k].line,
               ob_op_name(c->op), c->in[k].name);
  for (size_t k = 0; k < c->nmask; k++)
    if (!R->used_mask[k])
      goc_fail(R, "line %zu: the adapter of op %s does not read 'mask %s'", c->mask[k].line,
               ob_op_name(c->op), c->mask[k].name);
  for (size_t k = 0; k < c->nout; k++)
    if (!R->used_out[k])
      goc_fail(R, "line %zu: op %s does not write 'out %s'", c->out[k].line, ob_op_name(c->op),
               c->out[k].name);
  for (size_t k = 0; k < c->noutmask; k++)
    if (!R->used_outmask[k])
      goc_fail(R, "line %zu: op %s does not write 'outmask %s'", c->outmask[k].line,
               ob_op_name(c->op), c->outmask[k].name);
}

static void compare_out(goc_run *R, const buffer *B) {
  const gof_out *o = &R->c->out[B->rec];
  const float *got = (const float *)(const void *)B->data;
  for (size_t i = 0; i < o->n; i++) {
    float g;
    memcpy(&g, &got[i], sizeof g);
    double err = goc_scale_ulps(g, o->exact[i], o->rounded[i], o->scale[i]);
    int unwritten = memcmp(&got[i], GUARD, 4) == 0 && isnan(o->rounded[i]);
    R->st->elements++;
    if (isfinite(o->rounded[i])) {
      R->st->finite++;
      if (isfinite(err))
        R->st->sum_err += err;
    }
    if (isfinite(err) && err > R->st->max_err)
      R->st->max_err = err;
    if (unwritten || !(err <= R->bound)) {
      char what[512];
      size_t line = o->dense ? o->line + 1 + i : o->line;
      if (unwritten)
        snprintf(what, sizeof what, "out %s[%zu] (line %zu) was not written", o->name, i, line);
      else
        snprintf(what, sizeof what,
                 "out %s[%zu] (line %zu): got %a, exact %a, rounded %a, scale %a: err %.3f "
                 "scale-ULPs > bound %.2f",
                 o->name, i, line, (double)g, o->exact[i], (double)o->rounded[i], o->scale[i], err,
                 R->bound);
      R->st->failed_elements++;
      record(R, unwritten || !(R->bound > 0) ? INFINITY : err / R->bound, what);
    }
  }
}

static void compare_mask(goc_run *R, const buffer *B) {
  const gof_mask *m = &R->c->outmask[B->rec];
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

int goc_run_case(const gof_file *f, const gof_case *c, const ob_variant *v, const goc_options *opt,
                 goc_stats *st) {
  goc_options dflt = goc_default_options();
  if (!opt)
    opt = &dflt;
  goc_run *R = calloc(1, sizeof *R);
  if (!R)
    return -1;
  R->f = f;
  R->c = c;
  R->v = v;
  R->offset = opt->offset > GC_MAX_OFFSET ? GC_MAX_OFFSET : opt->offset;
  R->bound = opt->bound >= 0 ? opt->bound : ob_op_error_bound(c->op, v);
  R->st = st;
  st->bound = R->bound;
  st->cases_run++;

  ob_status rc = goc_adapter_of(c->op)(R);
  if (rc != OB_OK)
    goc_fail(R, "the call returned %d (%s)", (int)rc, ob_strerror(rc));
  check_guards(R);
  check_unused(R);
  if (rc == OB_OK)
    for (int b = 0; b < R->nbuf; b++) {
      if (R->buf[b].rec < 0)
        continue;
      if (R->buf[b].kind == B_OUT || R->buf[b].kind == B_INOUT)
        compare_out(R, &R->buf[b]);
      else if (R->buf[b].kind == B_MASK_OUT)
        compare_mask(R, &R->buf[b]);
    }
  const int result = !R->failed;
  st->cases_passed += (size_t)result;
  for (int b = 0; b < R->nbuf; b++)
    free(R->buf[b].base);
  free(R);
  return result;
}

long goc_run_op(const gof_file *f, ob_op op, const ob_variant *v, const goc_options *opt,
                goc_stats *st) {
  long failed = 0;
  for (size_t i = 0; i < f->ncases; i++) {
    if (f->cases[i].op != op)
      continue;
    int r = goc_run_case(f, &f->cases[i], v, opt, st);
    if (r < 0)
      return -1;
    failed += r == 0;
  }
  return failed;
}
