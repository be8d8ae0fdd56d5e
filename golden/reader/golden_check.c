/* golden_check - runs golden cases on a variant and measures scale-ULP errors. */
#include "golden_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
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

/* strict_zero: where the exact result is a zero, a zero result must have its
 * sign (fresh mode, FORMAT.md); a nonzero result is measured like any other.
 * On its own state a run's inputs differ from the file's, so there the sign
 * of a zero is not checked. */
static double scale_ulps(float got, double exact, float rounded, double scale, int strict_zero) {
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

double gc_scale_ulps(float got, double exact, float rounded, double scale) {
  return scale_ulps(got, exact, rounded, scale, 1);
}

const char *gc_mode_name(gc_mode m) { return m == GC_OWN ? "own-state" : "fresh"; }

gc_options gc_default_options(void) {
  gc_options o;
  o.offset = 0;
  o.bound = -1.0;
  o.own_state = 1;
  return o;
}

void gc_stats_init(gc_stats *st) {
  memset(st, 0, sizeof *st);
  st->bound = -1.0;
}

double gc_mean_err(const gc_stats *st) {
  return st->finite ? st->sum_err / (double)st->finite : 0.0;
}

static double severity(const gc_failure *fl) {
  if (!fl->set)
    return -1.0;
  if (fl->status != OB_OK || fl->what[0])
    return INFINITY;
  if (!(fl->allowed > 0))
    return fl->err > 0 ? INFINITY : 0.0;
  return fl->err / fl->allowed;
}

static void record(gc_stats *st, const gc_failure *fl) {
  if (!st->first.set)
    st->first = *fl;
  if (!st->worst.set || severity(fl) > severity(&st->worst))
    st->worst = *fl;
}

void gc_stats_merge(gc_stats *a, const gc_stats *b) {
  a->cases_run += b->cases_run;
  a->cases_passed += b->cases_passed;
  a->elements += b->elements;
  a->failed_elements += b->failed_elements;
  a->other_failures += b->other_failures;
  a->finite += b->finite;
  a->sum_err += b->sum_err;
  if (b->max_err > a->max_err)
    a->max_err = b->max_err;
  a->own_elements += b->own_elements;
  if (b->own_max > a->own_max)
    a->own_max = b->own_max;
  if (a->bound < 0)
    a->bound = b->bound;
  if (b->max_err_decay > a->max_err_decay)
    a->max_err_decay = b->max_err_decay;
  if (b->first.set && !a->first.set)
    a->first = b->first;
  if (b->worst.set)
    record(a, &b->worst);
}

/* ---- guarded buffers ------------------------------------------------------ */

#define GUARD 16 /* floats of guard before the 64-byte boundary and after n */
static const uint32_t GUARD_BITS = 0x7fa5a5a5u; /* a signalling NaN pattern */

typedef struct {
  float *base;  /* allocation */
  float *data;  /* base + GUARD + offset */
  size_t total; /* floats in the allocation */
} gbuf;

static int gbuf_alloc(gbuf *b, size_t n, size_t offset) {
  b->total = GUARD + offset + n + GUARD;
  size_t bytes = (b->total * sizeof(float) + 63) / 64 * 64;
  b->base = aligned_alloc(64, bytes);
  if (!b->base)
    return -1;
  b->total = bytes / sizeof(float);
  b->data = b->base + GUARD + offset;
  return 0;
}

static void gbuf_fill(gbuf *b, const float *src, size_t n) {
  for (size_t i = 0; i < b->total; i++)
    memcpy(&b->base[i], &GUARD_BITS, sizeof GUARD_BITS);
  if (n)
    memcpy(b->data, src, n * sizeof *src);
}

/* Index (relative to data) of the first damaged guard word, or 0 and
 * returns 0 if intact. */
static int gbuf_damaged(const gbuf *b, size_t n, ptrdiff_t *where) {
  size_t lo = (size_t)(b->data - b->base);
  for (size_t i = 0; i < b->total; i++) {
    if (i >= lo && i < lo + n)
      continue;
    uint32_t w;
    memcpy(&w, &b->base[i], sizeof w);
    if (w != GUARD_BITS) {
      *where = (ptrdiff_t)i - (ptrdiff_t)lo;
      return 1;
    }
  }
  return 0;
}

/* ---- running a case ------------------------------------------------------- */

static int same_bits(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

typedef struct {
  const gf_file *f;
  const gf_case *c;
  const ob_variant *v;
  const gc_options *opt;
  gc_stats *st;
  double bound;
  gbuf buf[4];  /* p, g, s0, s1 */
  double *peak; /* own-state: largest max(|exact|, scale) so far, per output element */
  int failed;
} run;

static void fail_base(const run *R, gc_failure *fl, gc_mode mode, size_t j) {
  memset(fl, 0, sizeof *fl);
  fl->set = 1;
  fl->mode = mode;
  snprintf(fl->case_id, sizeof fl->case_id, "%s", R->c->id);
  fl->case_line = R->c->line;
  fl->step = j;
  fl->step_line = R->c->step[j - 1].line;
  fl->offset = R->opt->offset;
  fl->status = OB_OK;
}

/* The inputs of step j as the file gives them (fresh mode). */
static const float *file_input(const gf_case *c, size_t j, int a) {
  return j == 1 ? c->init[a] : c->step[j - 2].out[a].rounded;
}

/* Calls ob_step on the buffers and checks guards and g (damage is recorded
 * as a failure). Returns -1 if the call was refused, else 0. */
static int call_step(run *R, gc_mode mode, size_t j, const float *g_src) {
  const gf_file *f = R->f;
  const gf_case *c = R->c;
  const gf_step *s = &c->step[j - 1];
  size_t n = c->n;
  ob_status rc =
      ob_step(R->v, f->algo, &s->hp, s->t, R->buf[0].data, R->buf[1].data,
              f->states >= 1 ? R->buf[2].data : NULL, f->states >= 2 ? R->buf[3].data : NULL, n);
  gc_failure fl;
  if (rc != OB_OK) {
    fail_base(R, &fl, mode, j);
    fl.status = rc;
    snprintf(fl.what, sizeof fl.what, "ob_step returned %d (%s)", (int)rc, ob_strerror(rc));
    R->st->other_failures++;
    record(R->st, &fl);
    R->failed = 1;
    return -1;
  }
  static const char *const bufname[4] = {"p", "g", "s0", "s1"};
  int bad = 0;
  for (int b = 0; b < 4; b++) {
    if (b >= 2 && b - 1 > f->states)
      continue;
    ptrdiff_t where;
    if (gbuf_damaged(&R->buf[b], n, &where)) {
      fail_base(R, &fl, mode, j);
      snprintf(fl.what, sizeof fl.what, "wrote outside the %zu elements of %s (at index %td)", n,
               bufname[b], where);
      R->st->other_failures++;
      record(R->st, &fl);
      bad = 1;
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (!same_bits(R->buf[1].data[i], g_src[i])) {
      fail_base(R, &fl, mode, j);
      fl.index = i;
      snprintf(fl.what, sizeof fl.what, "modified the gradient: g[%zu] %a became %a", i,
               (double)g_src[i], (double)R->buf[1].data[i]);
      R->st->other_failures++;
      record(R->st, &fl);
      bad = 1;
      break;
    }
  }
  if (bad)
    R->failed = 1;
  return 0; /* damage is recorded; the results are still compared */
}

/* Compares the outputs of step j; in[] are the inputs the step was given.
 * Outside the domain (`outside unbounded`) no bound applies: only the call's
 * success, its writes and g are checked (call_step). */
static void compare(run *R, gc_mode mode, size_t j, const float *const in[4]) {
  const gf_case *c = R->c;
  if (c->domain != GF_INSIDE)
    return;
  const gf_step *s = &c->step[j - 1];
  /* weight decay adds its allowance per step (ob_step_error_bound) unless the
   * caller fixed the bound */
  const double b = R->opt->bound >= 0 ? R->bound : ob_step_error_bound(R->f->algo, &s->hp, R->v);
  double allowed = mode == GC_OWN ? (double)j * b : b;
  const int decay = s->hp.weight_decay != 0.0f || s->hp.decoupled_decay != 0.0f;
  for (int a = 0; a <= R->f->states; a++) {
    const gf_out *o = &s->out[a];
    const float *got = R->buf[a == GF_P ? 0 : a + 1].data;
    for (size_t i = 0; i < c->n; i++) {
      double scale = o->scale[i];
      if (mode == GC_OWN) { /* ulps of the largest magnitude so far (FORMAT.md) */
        double *peak = &R->peak[(size_t)a * c->n + i];
        const double e = fabs(o->exact[i]);
        if (isfinite(e) && e > *peak)
          *peak = e;
        if (isfinite(scale) && scale > *peak)
          *peak = scale;
        scale = *peak;
      }
      double err = scale_ulps(got[i], o->exact[i], o->rounded[i], scale, mode == GC_FRESH);
      R->st->elements++;
      if (mode == GC_FRESH) {
        if (isfinite(o->rounded[i])) {
          R->st->finite++;
          if (isfinite(err))
            R->st->sum_err += err;
        }
        double *max = decay ? &R->st->max_err_decay : &R->st->max_err;
        if (isfinite(err) && err > *max)
          *max = err;
      } else {
        R->st->own_elements++;
        if (isfinite(err) && err / (double)j > R->st->own_max)
          R->st->own_max = err / (double)j;
      }
      if (!(err <= allowed)) {
        gc_failure fl;
        fail_base(R, &fl, mode, j);
        fl.array = a;
        fl.index = i;
        fl.out_line = o->line;
        fl.elem_line = o->dense ? o->line + 1 + i : 0;
        for (int k = 0; k < 4; k++)
          fl.in[k] = in[k] ? in[k][i] : 0.0f;
        fl.got = got[i];
        fl.exact = o->exact[i];
        fl.rounded = o->rounded[i];
        fl.scale = scale; /* own state: the peak the error was measured against */
        fl.err = err;
        fl.allowed = allowed;
        R->st->failed_elements++;
        record(R->st, &fl);
        R->failed = 1;
      }
    }
  }
}

/* `outside refused`: ob_step must return OB_EHPARAM and change no byte. */
static void check_refused(run *R, size_t j, const float *const in[4]) {
  const gf_case *c = R->c;
  const gf_step *s = &c->step[j - 1];
  const ob_status rc = ob_step(R->v, R->f->algo, &s->hp, s->t, R->buf[0].data, R->buf[1].data,
                               R->f->states >= 1 ? R->buf[2].data : NULL,
                               R->f->states >= 2 ? R->buf[3].data : NULL, c->n);
  int changed = 0;
  for (int b = 0; b < 4; b++) {
    ptrdiff_t where;
    changed |= gbuf_damaged(&R->buf[b], c->n, &where) ||
               (in[b] && c->n && memcmp(R->buf[b].data, in[b], c->n * sizeof(float)) != 0);
  }
  if (rc == OB_EHPARAM && !changed)
    return;
  gc_failure fl;
  fail_base(R, &fl, GC_FRESH, j);
  fl.status = rc;
  snprintf(fl.what, sizeof fl.what, "outside refused: ob_step returned %d (%s)%s, want %d (%s)",
           (int)rc, ob_strerror(rc), changed ? " and changed memory" : "", (int)OB_EHPARAM,
           ob_strerror(OB_EHPARAM));
  R->st->other_failures++;
  record(R->st, &fl);
  R->failed = 1;
}

static void run_fresh(run *R) {
  const gf_case *c = R->c;
  for (size_t j = 1; j <= c->steps; j++) {
    const float *in[4] = {file_input(c, j, GF_P), c->step[j - 1].g,
                          R->f->states >= 1 ? file_input(c, j, GF_S0) : NULL,
                          R->f->states >= 2 ? file_input(c, j, GF_S1) : NULL};
    for (int b = 0; b < 4; b++)
      gbuf_fill(&R->buf[b], in[b], in[b] ? c->n : 0);
    if (c->domain == GF_REFUSED)
      check_refused(R, j, in);
    else if (call_step(R, GC_FRESH, j, in[1]) == 0)
      compare(R, GC_FRESH, j, in);
  }
}

/* Carries the variant's own outputs from step to step. Copies of the inputs
 * are kept for failure reports. */
static int run_own(run *R) {
  const gf_case *c = R->c;
  size_t n = c->n;
  int states = R->f->states;
  float *cur = NULL; /* 4 arrays of n: p, g, s0, s1 (inputs of the step) */
  if (n) {
    cur = malloc(4 * n * sizeof *cur);
    R->peak = calloc(3 * n, sizeof *R->peak);
    if (!cur || !R->peak) {
      free(cur);
      free(R->peak);
      R->peak = NULL;
      return -1;
    }
    memcpy(cur, c->init[GF_P], n * sizeof *cur);
    for (int a = 1; a <= states; a++)
      memcpy(cur + (size_t)(a + 1) * n, c->init[a], n * sizeof *cur);
  }
  for (size_t j = 1; j <= c->steps; j++) {
    float *p = cur, *g = cur ? cur + n : NULL;
    if (n) {
      if (c->grad == GF_GRAD_QUADRATIC)
        gf_quadratic_grad(p, g);
      else
        memcpy(g, c->step[j - 1].g, n * sizeof *g);
    }
    const float *in[4] = {p, g, states >= 1 && cur ? cur + 2 * n : NULL,
                          states >= 2 && cur ? cur + 3 * n : NULL};
    for (int b = 0; b < 4; b++)
      gbuf_fill(&R->buf[b], in[b], in[b] ? n : 0);
    if (call_step(R, GC_OWN, j, g) != 0)
      break; /* no state to carry on from */
    compare(R, GC_OWN, j, in);
    if (n) {
      memcpy(cur, R->buf[0].data, n * sizeof *cur);
      for (int a = 1; a <= states; a++)
        memcpy(cur + (size_t)(a + 1) * n, R->buf[a + 1].data, n * sizeof *cur);
    }
  }
  free(cur);
  free(R->peak);
  R->peak = NULL;
  return 0;
}

int gc_run_case(const gf_file *f, const gf_case *c, const ob_variant *v, const gc_options *opt,
                gc_stats *st) {
  gc_options dflt = gc_default_options();
  if (!opt)
    opt = &dflt;
  run R;
  memset(&R, 0, sizeof R);
  R.f = f;
  R.c = c;
  R.v = v;
  R.opt = opt;
  R.st = st;
  R.bound = opt->bound >= 0 ? opt->bound : ob_error_bound(f->algo, v);
  st->bound = R.bound;
  size_t offset = opt->offset > GC_MAX_OFFSET ? GC_MAX_OFFSET : opt->offset;
  int rc = 0;
  for (int b = 0; b < 4; b++)
    if (gbuf_alloc(&R.buf[b], c->n, offset) < 0)
      rc = -1;
  if (rc == 0) {
    st->cases_run++;
    if (R.bound < 0) {
      gc_failure fl;
      fail_base(&R, &fl, GC_FRESH, 1);
      snprintf(fl.what, sizeof fl.what, "ob_error_bound gave no bound (%g)", R.bound);
      st->other_failures++;
      record(st, &fl);
      R.failed = 1;
    } else {
      run_fresh(&R);
      if (opt->own_state && c->steps > 1 && c->domain == GF_INSIDE && run_own(&R) < 0)
        rc = -1;
    }
    if (rc == 0 && !R.failed)
      st->cases_passed++;
  }
  for (int b = 0; b < 4; b++)
    free(R.buf[b].base);
  return rc < 0 ? -1 : !R.failed;
}

long gc_run_file(const gf_file *f, const ob_variant *v, const gc_options *opt, gc_stats *st) {
  long failed = 0;
  for (size_t i = 0; i < f->ncases; i++) {
    int r = gc_run_case(f, &f->cases[i], v, opt, st);
    if (r < 0)
      return -1;
    failed += r == 0;
  }
  return failed;
}

/* ---- reporting ------------------------------------------------------------ */

#if defined(__GNUC__)
static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#endif
static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...) {
  if (at >= len)
    return at;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf + at, len - at, fmt, ap);
  va_end(ap);
  if (k < 0)
    return at;
  at += (size_t)k;
  return at < len ? at : len;
}

void gc_format_failure(const gc_failure *fl, const gf_file *f, const ob_variant *v,
                       const char *indent, char *buf, size_t len) {
  if (!len)
    return;
  buf[0] = '\0';
  if (!fl->set)
    return;
  size_t at = 0;
  at = put(buf, len, at, "%s%s:%zu: case '%s' step %zu (line %zu), %s mode, variant %s, offset %zu",
           indent, f && f->path ? f->path : "?", fl->case_line, fl->case_id, fl->step,
           fl->step_line, gc_mode_name(fl->mode), v ? ob_variant_name(v) : "?", fl->offset);
  if (fl->what[0]) {
    put(buf, len, at, "\n%s  %s", indent, fl->what);
    return;
  }
  at = put(buf, len, at, "\n%s  inputs[%zu]: p %a", indent, fl->index, (double)fl->in[0]);
  at = put(buf, len, at, ", g %a", (double)fl->in[1]);
  if (f && f->states >= 1)
    at = put(buf, len, at, ", s0 %a", (double)fl->in[2]);
  if (f && f->states >= 2)
    at = put(buf, len, at, ", s1 %a", (double)fl->in[3]);
  if (fl->elem_line)
    at = put(buf, len, at, "\n%s  %s:%zu: the element", indent, f && f->path ? f->path : "?",
             fl->elem_line);
  else
    at = put(buf, len, at, "\n%s  element %zu after 'out %s' at line %zu", indent, fl->index + 1,
             gf_array_name(fl->array), fl->out_line);
  at = put(buf, len, at, "\n%s  %s[%zu]: got %a (%.9g)", indent, gf_array_name(fl->array),
           fl->index, (double)fl->got, (double)fl->got);
  at = put(buf, len, at, "\n%s  %*s expected %a (%.17g), rounded %a, scale %a", indent,
           (int)strlen(gf_array_name(fl->array)) + 3 + snprintf(NULL, 0, "%zu", fl->index), "",
           fl->exact, fl->exact, (double)fl->rounded, fl->scale);
  put(buf, len, at, "\n%s  err %.3f scale-ULPs, allowed %.3f%s", indent, fl->err, fl->allowed,
      isinf(fl->err) ? " (special value or zero sign mismatch)" : "");
}
