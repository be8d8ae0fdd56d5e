/* golden_gen - the layer kernels in exact arithmetic (MPFR, 256 bits).
 *
 * Every formula is evaluated on the float32 inputs and float32 parameters
 * with no rounding; MPFR follows IEEE 754 for NaN, infinities and signed
 * zeros. Each output gets its error scale (golden/FORMAT.md, "Layer
 * kernels"): a scale is built from the finite terms only; an intermediate
 * whose terms are all non-finite has no scale (NaN) and is left out where it
 * feeds another; an output left with none gets |exact| if finite, else 0.
 */
#include <stdlib.h>
#include <string.h>

#include "mp.h"
#include "ops.h"
#include "philox.h"

enum { PREC = 256 };
#define RN MPFR_RNDN

static mpfr_t t0, t1, t2, t3, val, sc, pi2;

void go_exact_init(void) {
  mpfr_inits2(PREC, t0, t1, t2, t3, val, sc, pi2, (mpfr_ptr)0);
  mpfr_const_pi(pi2, RN);
  mpfr_mul_2ui(pi2, pi2, 1, RN); /* 2*pi */
}

void go_exact_free(void) { mpfr_clears(t0, t1, t2, t3, val, sc, pi2, (mpfr_ptr)0); }

static go_case *cur; /* for messages */

static void store(gg_elem *e, mpfr_srcptr v, mpfr_ptr s, const char *array, size_t i) {
  if (!mpfr_number_p(s)) { /* no finite term */
    if (mpfr_number_p(v))
      mpfr_abs(s, v, RN);
    else
      mpfr_set_zero(s, 1);
  }
  const char *err = gg_mp_to_elem(e, v, s, array, i);
  if (err)
    gg_die("%s case %s: %s", go_ops[cur->op].name, cur->id, err);
}

/* s = max(s, |x|) over finite x; s starts as NaN (no term yet). */
static void term(mpfr_ptr s, mpfr_srcptr x) {
  if (!mpfr_number_p(x))
    return;
  if (mpfr_nan_p(s) || mpfr_cmpabs(x, s) > 0)
    mpfr_abs(s, x, RN);
}

/* ---- random numbers ------------------------------------------------------ */

static double uniform_bits(uint32_t w) { return (double)(w >> 8) * 0x1p-24; }

static void uniform(go_case *c) {
  uint64_t seed = go_get_int(c, "seed"), stream = go_get_int(c, "stream");
  go_out *o = go_get_out(c, "u");
  for (size_t i = 0; i < o->n; i++) {
    mpfr_set_d(val, uniform_bits(gg_philox_word(seed, stream, i)), RN);
    mpfr_set(sc, val, RN); /* exact: the scale is the value (bound 0) */
    store(&o->e[i], val, sc, o->name, i);
  }
}

/* Box-Muller, element i of (seed, stream) times stddev, into val and sc. */
static void normal_elem(uint64_t seed, uint64_t stream, float stddev, uint64_t i) {
  uint32_t w[4];
  gg_philox_block(seed, stream, i / 4, w);
  unsigned pair = (unsigned)(i % 4) / 2, use_sin = (unsigned)(i % 2);
  uint32_t we = w[2 * pair], wo = w[2 * pair + 1];
  /* r = sqrt(-2 ln u1), u1 = ((w_even >> 8) + 1) * 2^-24 in (0, 1] */
  mpfr_set_ui(t0, (we >> 8) + 1u, RN);
  mpfr_div_2ui(t0, t0, 24, RN);
  mpfr_log(t0, t0, RN);
  mpfr_mul_si(t0, t0, -2, RN);
  mpfr_sqrt(t0, t0, RN); /* r */
  uint32_t k = wo >> 8;  /* theta = 2*pi * k * 2^-24 */
  if (mpfr_zero_p(t0) || k % (1u << 22) == 0)
    gg_die("%s case %s element %llu: u1 = 1 or theta a multiple of pi/2 makes the exact "
           "value a zero of no defined sign; choose another seed or stream",
           go_ops[cur->op].name, cur->id, (unsigned long long)i);
  mpfr_mul_ui(t1, pi2, k, RN);
  mpfr_div_2ui(t1, t1, 24, RN);
  if (use_sin)
    mpfr_sin(t1, t1, RN);
  else
    mpfr_cos(t1, t1, RN);
  mpfr_set_flt(t2, stddev, RN);
  mpfr_mul(sc, t2, t0, RN); /* the scale: stddev * r, the radius */
  mpfr_mul(val, sc, t1, RN);
}

static void normal(go_case *c, const char *sd_name, const char *out_name) {
  uint64_t seed = go_get_int(c, "seed"), stream = go_get_int(c, "stream");
  float stddev = go_get_float(c, sd_name);
  go_out *o = go_get_out(c, out_name);
  for (size_t i = 0; i < o->n; i++) {
    normal_elem(seed, stream, stddev, i);
    store(&o->e[i], val, sc, o->name, i);
  }
}

/* ---- dropout ------------------------------------------------------------- */

static int is_inverted(const go_case *c) {
  const char *k = go_get_word(c, "kind");
  if (!strcmp(k, "inverted"))
    return 1;
  if (strcmp(k, "book"))
    gg_die("internal: dropout kind '%s'", k);
  return 0;
}

/* val = x * (bit ? f : 0), f = 1 (book) or 1/(1-ratio) (inverted), exact;
 * scale |val|: the product's only term. */
static void masked(float x, int bit, int inverted, float ratio) {
  mpfr_set_flt(t0, x, RN);
  if (!bit)
    mpfr_set_zero(t1, 1);
  else if (inverted) {
    mpfr_set_flt(t1, ratio, RN);
    mpfr_ui_sub(t1, 1, t1, RN);
    mpfr_ui_div(t1, 1, t1, RN);
  } else
    mpfr_set_ui(t1, 1, RN);
  mpfr_mul(val, t0, t1, RN);
  mpfr_set_nan(sc);
  term(sc, val);
}

static int mask_bit(const uint8_t *m, size_t i) { return (m[i / 8] >> (i % 8)) & 1; }

static void dropout_train(go_case *c) {
  uint64_t seed = go_get_int(c, "seed"), stream = go_get_int(c, "stream");
  float ratio = go_get_float(c, "ratio");
  int inv = is_inverted(c);
  const go_array *x = go_get_in(c, "x");
  go_out *y = go_get_out(c, "y");
  uint8_t *m = c->mask_out.b;
  for (size_t i = 0; i < x->n; i++) {
    int bit = uniform_bits(gg_philox_word(seed, stream, i)) > (double)ratio;
    if (bit)
      m[i / 8] |= (uint8_t)(1u << (i % 8));
    masked(x->v[i], bit, inv, ratio);
    store(&y->e[i], val, sc, y->name, i);
  }
}

static void dropout_test(go_case *c) {
  float ratio = go_get_float(c, "ratio");
  int inv = is_inverted(c);
  const go_array *x = go_get_in(c, "x");
  go_out *y = go_get_out(c, "y");
  for (size_t i = 0; i < x->n; i++) {
    mpfr_set_flt(t0, x->v[i], RN);
    if (inv)
      mpfr_set(val, t0, RN); /* y = x */
    else {
      mpfr_set_flt(t1, ratio, RN); /* y = x*(1-ratio) */
      mpfr_ui_sub(t1, 1, t1, RN);
      mpfr_mul(val, t0, t1, RN);
    }
    mpfr_set_nan(sc);
    term(sc, val);
    store(&y->e[i], val, sc, y->name, i);
  }
}

static void dropout_backward(go_case *c) {
  float ratio = go_get_float(c, "ratio");
  int inv = is_inverted(c);
  const go_array *d = go_get_in(c, "dout");
  go_out *dx = go_get_out(c, "dx");
  for (size_t i = 0; i < d->n; i++) {
    masked(d->v[i], mask_bit(c->mask_in.b, i), inv, ratio);
    store(&dx->e[i], val, sc, dx->name, i);
  }
}

/* ---- batch normalisation ------------------------------------------------- */

typedef struct {
  mpfr_t *xc, *sxc, *xn, *sxn;
  size_t n;
} bn_work;

static void bn_work_init(bn_work *W, size_t n) {
  W->n = n;
  W->xc = gg_alloc(n, sizeof(mpfr_t));
  W->sxc = gg_alloc(n, sizeof(mpfr_t));
  W->xn = gg_alloc(n, sizeof(mpfr_t));
  W->sxn = gg_alloc(n, sizeof(mpfr_t));
  for (size_t i = 0; i < n; i++)
    mpfr_inits2(PREC, W->xc[i], W->sxc[i], W->xn[i], W->sxn[i], (mpfr_ptr)0);
}

static void bn_work_free(bn_work *W) {
  for (size_t i = 0; i < W->n; i++)
    mpfr_clears(W->xc[i], W->sxc[i], W->xn[i], W->sxn[i], (mpfr_ptr)0);
  free(W->xc);
  free(W->sxc);
  free(W->xn);
  free(W->sxn);
}

/* sum = sum of |a| over the column's elements (no rounding at 256 bits for
 * these counts); a non-finite sum means no scale. */
static mpfr_t mean, smean, var, svar, sd, ssd, acc, acc2, g, b, k;

static void bn_vars(int init) {
  if (init)
    mpfr_inits2(PREC, mean, smean, var, svar, sd, ssd, acc, acc2, g, b, k, (mpfr_ptr)0);
  else
    mpfr_clears(mean, smean, var, svar, sd, ssd, acc, acc2, g, b, k, (mpfr_ptr)0);
}

/* xn = xc/sd with scale sxc/sd + |xn|*ssd/sd (the quotient's relative errors
 * add); ssd NaN (no scale) or sd exact: only the first part. */
static void bn_xn(bn_work *W, size_t i) {
  mpfr_div(W->xn[i], W->xc[i], sd, RN);
  mpfr_div(t0, W->sxc[i], sd, RN);
  if (mpfr_number_p(ssd)) {
    mpfr_abs(t1, W->xn[i], RN);
    mpfr_mul(t1, t1, ssd, RN);
    mpfr_div(t1, t1, sd, RN);
    mpfr_add(t0, t0, t1, RN);
  }
  mpfr_set(W->sxn[i], t0, RN);
}

/* sd = sqrt(v), v = base + eps with scale sv = max(sbase, eps): ssd =
 * max(sd, sv/(2*sd)) (an error in v moves sd by error/(2*sd)). */
static void bn_std(mpfr_srcptr base, mpfr_srcptr sbase, float eps) {
  mpfr_set_flt(t0, eps, RN);
  mpfr_add(t1, base, t0, RN);
  mpfr_sqrt(sd, t1, RN);
  mpfr_set_nan(t2);
  term(t2, sbase);
  term(t2, t0);
  mpfr_set_nan(ssd);
  term(ssd, sd);
  mpfr_mul_2ui(t3, sd, 1, RN);
  mpfr_div(t3, t2, t3, RN);
  term(ssd, t3);
}

/* y = gamma*xn + beta, scale max(|gamma|*scale(xn), |beta|). */
static void bn_y(bn_work *W, size_t i, gg_elem *e, size_t idx) {
  mpfr_mul(val, g, W->xn[i], RN);
  mpfr_add(val, val, b, RN);
  mpfr_set_nan(sc);
  mpfr_abs(t0, g, RN);
  mpfr_mul(t0, t0, W->sxn[i], RN);
  term(sc, t0);
  term(sc, b);
  store(e, val, sc, "y", idx);
}

/* running = momentum*running + (1-momentum)*stat, scale max(|momentum*running|,
 * (1-momentum)*scale(stat)). */
static void bn_running(float r, float momentum, mpfr_srcptr stat, mpfr_srcptr sstat, gg_elem *e,
                       const char *name, size_t j) {
  mpfr_set_flt(t0, momentum, RN);
  mpfr_set_flt(t1, r, RN);
  mpfr_mul(t1, t0, t1, RN);
  mpfr_ui_sub(t2, 1, t0, RN);
  mpfr_mul(t3, t2, stat, RN);
  mpfr_add(val, t1, t3, RN);
  mpfr_set_nan(sc);
  term(sc, t1);
  mpfr_mul(t3, t2, sstat, RN);
  term(sc, t3);
  store(e, val, sc, name, j);
}

/* mean and var of column j with their scales; xc and its scale in W. */
static void bn_stats(const float *x, size_t N, size_t F, size_t j, bn_work *W) {
  mpfr_set_zero(mean, 1);
  mpfr_set_zero(smean, 1);
  for (size_t i = 0; i < N; i++) {
    mpfr_set_flt(t0, x[i * F + j], RN);
    mpfr_add(mean, mean, t0, RN);
    mpfr_abs(t0, t0, RN);
    mpfr_add(smean, smean, t0, RN);
  }
  mpfr_div_ui(mean, mean, (unsigned long)N, RN);
  mpfr_div_ui(smean, smean, (unsigned long)N, RN); /* scale(mean) = sum|x|/N */
  mpfr_set_zero(var, 1);
  mpfr_set_zero(svar, 1);
  for (size_t i = 0; i < N; i++) {
    mpfr_set_flt(t0, x[i * F + j], RN);
    mpfr_sub(W->xc[i], t0, mean, RN); /* xc = x - mean */
    mpfr_set_nan(W->sxc[i]);          /* scale(xc) = max(|x|, scale(mean)) */
    term(W->sxc[i], t0);
    term(W->sxc[i], smean);
    mpfr_sqr(t1, W->xc[i], RN);
    mpfr_add(var, var, t1, RN);
    mpfr_abs(t1, W->xc[i], RN); /* scale(var) = sum(|xc|*scale(xc))/N */
    mpfr_mul(t1, t1, W->sxc[i], RN);
    mpfr_add(svar, svar, t1, RN);
  }
  mpfr_div_ui(var, var, (unsigned long)N, RN);
  mpfr_div_ui(svar, svar, (unsigned long)N, RN);
}

static void batchnorm_train(go_case *c) {
  size_t N = go_get_int(c, "batch"), F = go_get_int(c, "features");
  float eps = go_get_float(c, "eps"), momentum = go_get_float(c, "momentum");
  const float *x = go_get_in(c, "x")->v, *gamma = go_get_in(c, "gamma")->v,
              *beta = go_get_in(c, "beta")->v, *rm = go_get_in(c, "running_mean")->v,
              *rv = go_get_in(c, "running_var")->v;
  go_out *y = go_get_out(c, "y"), *om = go_get_out(c, "mean"), *os = go_get_out(c, "std"),
         *orm = go_get_out(c, "running_mean"), *orv = go_get_out(c, "running_var");
  bn_work W;
  bn_work_init(&W, N);
  for (size_t j = 0; j < F; j++) {
    bn_stats(x, N, F, j, &W);
    mpfr_set(sc, smean, RN);
    store(&om->e[j], mean, sc, "mean", j);
    bn_std(var, svar, eps);
    mpfr_set(sc, ssd, RN);
    store(&os->e[j], sd, sc, "std", j);
    mpfr_set_flt(g, gamma[j], RN);
    mpfr_set_flt(b, beta[j], RN);
    for (size_t i = 0; i < N; i++) {
      bn_xn(&W, i);
      bn_y(&W, i, &y->e[i * F + j], i * F + j);
    }
    bn_running(rm[j], momentum, mean, smean, &orm->e[j], "running_mean", j);
    bn_running(rv[j], momentum, var, svar, &orv->e[j], "running_var", j);
  }
  bn_work_free(&W);
}

static void batchnorm_test(go_case *c) {
  size_t N = go_get_int(c, "batch"), F = go_get_int(c, "features");
  float eps = go_get_float(c, "eps");
  const float *x = go_get_in(c, "x")->v, *gamma = go_get_in(c, "gamma")->v,
              *beta = go_get_in(c, "beta")->v, *rm = go_get_in(c, "running_mean")->v,
              *rv = go_get_in(c, "running_var")->v;
  go_out *y = go_get_out(c, "y");
  bn_work W;
  bn_work_init(&W, N);
  for (size_t j = 0; j < F; j++) {
    mpfr_set_flt(k, rv[j], RN);
    mpfr_abs(acc, k, RN);
    bn_std(k, acc, eps); /* sqrt(running_var + eps), scale(running_var) = |running_var| */
    mpfr_set_flt(mean, rm[j], RN);
    mpfr_set_flt(g, gamma[j], RN);
    mpfr_set_flt(b, beta[j], RN);
    for (size_t i = 0; i < N; i++) {
      mpfr_set_flt(t0, x[i * F + j], RN);
      mpfr_sub(W.xc[i], t0, mean, RN); /* scale max(|x|, |running_mean|) */
      mpfr_set_nan(W.sxc[i]);
      term(W.sxc[i], t0);
      term(W.sxc[i], mean);
      bn_xn(&W, i);
      bn_y(&W, i, &y->e[i * F + j], i * F + j);
    }
  }
  bn_work_free(&W);
}

static void batchnorm_backward(go_case *c) {
  size_t N = go_get_int(c, "batch"), F = go_get_int(c, "features");
  const float *x = go_get_in(c, "x")->v, *gamma = go_get_in(c, "gamma")->v,
              *mn = go_get_in(c, "mean")->v, *st = go_get_in(c, "std")->v,
              *dout = go_get_in(c, "dout")->v;
  go_out *dx = go_get_out(c, "dx"), *dg = go_get_out(c, "dgamma"), *db = go_get_out(c, "dbeta");
  bn_work W;
  bn_work_init(&W, N);
  for (size_t j = 0; j < F; j++) {
    mpfr_set_flt(mean, mn[j], RN);
    mpfr_set_flt(sd, st[j], RN);
    mpfr_set_nan(ssd);      /* std is an input: exact, no error term */
    mpfr_set_zero(acc, 1);  /* dbeta = sum dout, scale sum |dout| */
    mpfr_set_zero(acc2, 1); /* dgamma = sum xn*dout, scale sum scale(xn)*|dout| */
    mpfr_set_zero(var, 1);  /* (reused) scale(dbeta) */
    mpfr_set_zero(svar, 1); /* (reused) scale(dgamma) */
    for (size_t i = 0; i < N; i++) {
      mpfr_set_flt(t0, x[i * F + j], RN);
      mpfr_sub(W.xc[i], t0, mean, RN); /* scale max(|x|, |mean|) */
      mpfr_set_nan(W.sxc[i]);
      term(W.sxc[i], t0);
      term(W.sxc[i], mean);
      bn_xn(&W, i);
      mpfr_set_flt(t0, dout[i * F + j], RN);
      mpfr_add(acc, acc, t0, RN);
      mpfr_mul(t1, W.xn[i], t0, RN);
      mpfr_add(acc2, acc2, t1, RN);
      mpfr_abs(t0, t0, RN);
      mpfr_add(var, var, t0, RN);
      mpfr_mul(t1, W.sxn[i], t0, RN);
      mpfr_add(svar, svar, t1, RN);
    }
    mpfr_set(sc, var, RN);
    store(&db->e[j], acc, sc, "dbeta", j);
    mpfr_set(sc, svar, RN);
    store(&dg->e[j], acc2, sc, "dgamma", j);
    /* dx = (gamma/std) * (dout - dbeta/N - xn*dgamma/N) */
    mpfr_set_flt(g, gamma[j], RN);
    mpfr_div(k, g, sd, RN);
    for (size_t i = 0; i < N; i++) {
      mpfr_set_flt(t0, dout[i * F + j], RN);
      mpfr_div_ui(t1, acc, (unsigned long)N, RN);
      mpfr_sub(t1, t0, t1, RN);
      mpfr_mul(t2, W.xn[i], acc2, RN);
      mpfr_div_ui(t2, t2, (unsigned long)N, RN);
      mpfr_sub(t1, t1, t2, RN);
      mpfr_mul(val, k, t1, RN);
      /* scale |gamma/std| * max(|dout|, scale(dbeta)/N,
       *                         (scale(xn)*|dgamma| + |xn|*scale(dgamma))/N) */
      mpfr_set_nan(sc);
      term(sc, t0);
      mpfr_div_ui(t1, var, (unsigned long)N, RN);
      term(sc, t1);
      mpfr_abs(t1, acc2, RN);
      mpfr_mul(t1, t1, W.sxn[i], RN);
      mpfr_abs(t2, W.xn[i], RN);
      mpfr_mul(t2, t2, svar, RN);
      mpfr_add(t1, t1, t2, RN);
      mpfr_div_ui(t1, t1, (unsigned long)N, RN);
      term(sc, t1);
      mpfr_abs(t1, k, RN);
      mpfr_mul(sc, sc, t1, RN);
      store(&dx->e[i * F + j], val, sc, "dx", i * F + j);
    }
  }
  bn_work_free(&W);
}

void go_exact(go_case *c) {
  cur = c;
  bn_vars(1);
  switch (c->op) {
  case GO_RAND_UNIFORM: uniform(c); break;
  case GO_RAND_NORMAL: normal(c, "stddev", "x"); break;
  case GO_INIT: normal(c, "sigma", "w"); break;
  case GO_DROPOUT_TRAIN: dropout_train(c); break;
  case GO_DROPOUT_TEST: dropout_test(c); break;
  case GO_DROPOUT_BACKWARD: dropout_backward(c); break;
  case GO_BATCHNORM_TRAIN: batchnorm_train(c); break;
  case GO_BATCHNORM_TEST: batchnorm_test(c); break;
  case GO_BATCHNORM_BACKWARD: batchnorm_backward(c); break;
  default:
    gg_die("op %s has no exact evaluation in golden/gen/ops_exact.c",
           (unsigned)c->op < GO_OP_COUNT ? go_ops[c->op].name : "?");
  }
  bn_vars(0);
}
