/* Batch normalisation (ob_batchnorm_*), every variant this CPU supports:
 *   - against an independent reference in long double written here from
 *     the book's formulas (common/layers.py; the backward in the book's own
 *     order dxn, dxc, dstd, dvar, dmu), within a forward-error bound derived
 *     per element beside the reference;
 *   - the backward against central differences of sum(y*w) on a long double
 *     reference forward;
 *   - the same bits for every thread count (+omp), wherever a feature sits
 *     (in a vector body or a tail), and the same reductions in every variant;
 *   - bad arguments (each its status, no byte changed), unsupported
 *     variants (in a child process with CPU features hidden), no spurious
 *     floating-point flags; batch 1, constant columns, large offsets, NaN and
 *     Inf in x. */
#define _POSIX_C_SOURCE 200809L

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

#define SEED 0xba7c4e0du /* any fixed value: the data */
#define U    0x1p-24     /* unit roundoff of float (round to nearest) */
#define UD   0x1p-53     /* unit roundoff of double: the kernels' sums */

typedef long double real; /* the reference: 64-bit significand, more than the kernels' sums */

/* ---- Cases ------------------------------------------------------------- */

typedef struct {
  size_t n, f; /* batch, features */
  float momentum, eps;
  float *x, *gamma, *beta, *rm, *rv, *dout; /* rm, rv: the running statistics before the call */
} bn_in;

typedef struct {
  float *y, *mean, *std, *rm, *rv; /* training forward (rm, rv updated from the input's) */
  float *yt;                       /* test forward, from the input's rm and rv */
  float *dx, *dgamma, *dbeta;      /* backward, from the forward's mean and std */
} bn_out;

static float *alloc_floats(size_t count) {
  float *p = calloc(count ? count : 1, sizeof(float));
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

/* Every array `off` floats past a malloc'd start: off = 1 misaligns them all. */
static float *array(size_t count, size_t off) { return alloc_floats(count + off) + off; }
static void release(float *p, size_t off) { free(p - off); }

static void in_alloc(bn_in *in, size_t n, size_t f, size_t off) {
  in->n = n, in->f = f, in->momentum = OB_BATCHNORM_MOMENTUM, in->eps = OB_BATCHNORM_EPS;
  in->x = array(n * f, off), in->dout = array(n * f, off);
  in->gamma = array(f, off), in->beta = array(f, off), in->rm = array(f, off);
  in->rv = array(f, off);
}

static void in_free(bn_in *in, size_t off) {
  float *const a[] = {in->x, in->dout, in->gamma, in->beta, in->rm, in->rv};
  for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
    release(a[i], off);
}

static void out_alloc(bn_out *o, size_t n, size_t f, size_t off) {
  o->y = array(n * f, off), o->yt = array(n * f, off), o->dx = array(n * f, off);
  o->mean = array(f, off), o->std = array(f, off), o->rm = array(f, off), o->rv = array(f, off);
  o->dgamma = array(f, off), o->dbeta = array(f, off);
}

static void out_free(bn_out *o, size_t off) {
  float *const a[] = {o->y, o->yt, o->dx, o->mean, o->std, o->rm, o->rv, o->dgamma, o->dbeta};
  for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
    release(a[i], off);
}

/* The outputs by name, for comparisons: per-element (n*f) first. */
enum { O_Y, O_YT, O_DX, O_MEAN, O_STD, O_RM, O_RV, O_DGAMMA, O_DBETA, OUTPUTS };
static const char *const out_name[OUTPUTS] = {"y",  "y(test)", "dx",     "mean", "std",
                                              "rm", "rv",      "dgamma", "dbeta"};
static float *out_array(const bn_out *o, int k) {
  float *const a[OUTPUTS] = {o->y,  o->yt, o->dx,     o->mean, o->std,
                             o->rm, o->rv, o->dgamma, o->dbeta};
  return a[k];
}
static size_t out_count(const bn_in *in, int k) { return k <= O_DX ? in->n * in->f : in->f; }

/* Data like a layer's: per feature an offset in +-3 and a spread of
 * 10^[-1, 1); gamma, beta around the book's 1 and 0; running variances >= 0.
 * With special_every > 0, about one x in special_every is a NaN, Inf, zero
 * or subnormal (tu_special); other arrays stay finite (see check_reference). */
static void fill(tu_rng *r, bn_in *in, unsigned special_every) {
  for (size_t j = 0; j < in->f; j++) {
    const double off = 6.0 * tu_unit(r) - 3.0, spread = pow(10.0, 2.0 * tu_unit(r) - 1.0);
    for (size_t i = 0; i < in->n; i++)
      in->x[i * in->f + j] = (float)(off + spread * (2.0 * tu_unit(r) - 1.0));
    in->gamma[j] = (float)(0.5 + tu_unit(r)) * (tu_next(r) & 1 ? -1.0f : 1.0f);
    in->beta[j] = tu_value(r, TU_PARAM);
    in->rm[j] = (float)(off + 0.1 * tu_unit(r));
    in->rv[j] = tu_value(r, TU_STATE);
  }
  tu_fill(r, in->dout, in->n * in->f, TU_GRAD, 0, 0);
  if (special_every)
    for (size_t i = 0; i < in->n * in->f; i++)
      if (tu_next(r) % special_every == 0)
        in->x[i] = tu_special(r, 0);
}

/* All three calls on one variant: train (running stats from the input's),
 * test (from the input's running stats), backward (from the train's mean and
 * std). 1 if all three returned OB_OK. */
static int run(const ob_variant *v, const bn_in *in, bn_out *o) {
  memcpy(o->rm, in->rm, in->f * sizeof(float));
  memcpy(o->rv, in->rv, in->f * sizeof(float));
  const ob_status s1 =
      ob_batchnorm_forward_train(v, in->n, in->f, in->x, in->gamma, in->beta, in->momentum, in->eps,
                                 o->rm, o->rv, o->y, o->mean, o->std);
  const ob_status s2 = ob_batchnorm_forward_test(v, in->n, in->f, in->x, in->gamma, in->beta,
                                                 in->eps, in->rm, in->rv, o->yt);
  const ob_status s3 = ob_batchnorm_backward(v, in->n, in->f, in->x, in->gamma, o->mean, o->std,
                                             in->dout, o->dx, o->dgamma, o->dbeta);
  CHECK(s1 == OB_OK && s2 == OB_OK && s3 == OB_OK, "%s n=%zu f=%zu: statuses %d %d %d", tu_vname(v),
        in->n, in->f, (int)s1, (int)s2, (int)s3);
  return s1 == OB_OK && s2 == OB_OK && s3 == OB_OK;
}

/* Every output of a and b the same bits (exact) or the same but for NaN
 * payloads; the first difference is reported. */
static void same_outputs(const bn_in *in, const bn_out *a, const bn_out *b, int exact,
                         const char *what) {
  for (int k = 0; k < OUTPUTS; k++) {
    const size_t count = out_count(in, k);
    const float *pa = out_array(a, k), *pb = out_array(b, k);
    const size_t i = exact ? tu_diff_bits(pa, pb, count) : tu_diff_class(pa, pb, count);
    CHECK(i == count, "%s: %s[%zu] %a vs %a", what, out_name[k], i, (double)(i < count ? pa[i] : 0),
          (double)(i < count ? pb[i] : 0));
  }
}

/* ---- The reference and its error bounds ------------------------------- */

/* Per output of one variant, over every case: the largest error as a
 * fraction of its derived bound, and in ulps of max(|exact|, scale), the
 * scale being the output's largest term: max(|gamma*x|, |gamma*mean|)/std
 * and |beta| for y; |gamma/std|*max(|dout|, |dbeta/N|, |xn*dgamma/N|) for
 * dx; the sum of magnitudes for a reduction (sum|x|/N for the mean,
 * sum|dout|, sum|xn*dout|), std itself, and the running averages' two
 * terms. For the report; the bounds are what the test enforces. */
typedef struct {
  double worst_ratio[OUTPUTS], worst_ulps[OUTPUTS];
} stats;

/* got against the exact value: NaN must be NaN, an infinity the same
 * infinity, a finite value within tol. */
static void compare(stats *s, int k, float got, real exact, real tol, real scale, const char *what,
                    size_t i) {
  if (isnan(exact) || isinf(exact)) {
    CHECK(isnan(exact) ? isnan(got) : (real)got == exact, "%s: %s[%zu] = %a, exact %La", what,
          out_name[k], i, (double)got, exact);
    return;
  }
  const real err = fabsl((real)got - exact);
  CHECK(err <= tol, "%s: %s[%zu] = %a, exact %La, error %.3Lg > bound %.3Lg", what, out_name[k], i,
        (double)got, exact, err, tol);
  if (tol > 0 && err / tol > s->worst_ratio[k])
    s->worst_ratio[k] = (double)(err / tol);
  const real big = fabsl(exact) > scale ? fabsl(exact) : scale;
  const real ulp = big > 0 ? ldexpl(1.0L, ilogbl(big) - 23) : 0;
  const double ulps = (double)(err / (ulp > 0x1p-149L ? ulp : 0x1p-149L));
  if (ulps > s->worst_ulps[k])
    s->worst_ulps[k] = ulps;
}

/* The bounds below are first-order forward-error bounds of the kernels'
 * operations (impl/scalar/batchnorm.c), each rounding at most U relative
 * (float) or UD (double); SLACK covers the second-order terms they drop
 * (products of first-order terms, each < 1e-2 on this data). FMA variants
 * round less, so the same bounds hold for them. TINY: results near the
 * subnormal range, whose rounding is absolute. */
#define SLACK 1.0625L
#define TINY  (8 * (real)FLT_TRUE_MIN)

/* Checks the training forward of feature j against the book's formulas:
 *   mean = sum(x)/N, var = sum((x-mean)^2)/N, std = sqrt(var + eps),
 *   y = gamma*(x-mean)/std + beta, running = m*running + (1-m)*stat. */
static void check_train(stats *s, const bn_in *in, const bn_out *o, size_t j, const char *what) {
  const size_t n = in->n, f = in->f;
  const real N = (real)n, m = in->momentum;
  real sum = 0, sum_abs = 0, max_abs = 0;
  for (size_t i = 0; i < n; i++) {
    const real xi = in->x[i * f + j];
    sum += xi, sum_abs += fabsl(xi), max_abs = fabsl(xi) > max_abs ? fabsl(xi) : max_abs;
  }
  const real mu = sum / N;
  real sq = 0;
  for (size_t i = 0; i < n; i++)
    sq += (in->x[i * f + j] - mu) * (in->x[i * f + j] - mu);
  const real var = sq / N, sd = sqrtl(var + in->eps);
  /* mean: the double sum's error (Higham: n*UD*sum|x|), the division, one
   * rounding to float. dmean bounds |kernel's mean - mu| everywhere below. */
  const real dmean = U * fabsl(mu) + SLACK * (N + 1) * UD * sum_abs / N;
  compare(s, O_MEAN, o->mean[j], mu, dmean + TINY, sum_abs / N, what, j);
  /* var: from the double mean m, off by dm (sum and division); x - m and
   * its square round in double (2UD), the sum and division (n+1)*UD, then
   * one rounding to float (U). sum((x-mu-dm)^2)/N = var + dm^2. */
  const real dm = (N + 1) * UD * sum_abs / N + UD * fabsl(mu);
  const real dvar = dm * dm + (var + dm * dm) * (U + (N + 3) * UD);
  /* std = sqrt(var + eps): the add rounds (U), sqrt halves the relative
   * error of its argument and rounds (U). */
  const real rel_std = U + 0.5L * (U + dvar / (sd * sd));
  compare(s, O_STD, o->std[j], sd, SLACK * rel_std * sd + TINY, sd, what, j);
  /* running averages: (1-m) rounds (U), both products (U), the sum (U) */
  const real rm = m * in->rm[j] + (1 - m) * mu, rv = m * in->rv[j] + (1 - m) * var;
  compare(s, O_RM, o->rm[j], rm,
          SLACK * ((1 - m) * dmean + U * (2 * fabsl(m * in->rm[j]) + 3 * (1 - m) * fabsl(mu))) +
              TINY,
          fmaxl(fabsl(m * in->rm[j]), (1 - m) * sum_abs / N), what, j);
  compare(s, O_RV, o->rv[j], rv,
          SLACK * ((1 - m) * dvar + U * (2 * fabsl(m * in->rv[j]) + 3 * (1 - m) * var)) + TINY,
          fmaxl(fabsl(m * in->rv[j]), (1 - m) * var), what, j);
  const real g = in->gamma[j], b = in->beta[j];
  for (size_t i = 0; i < n; i++) {
    const real xc = in->x[i * f + j] - mu, xn = xc / sd;
    /* xn = (x - mean)/std: the mean's error shifts it by dmean/std; the
     * subtraction and division round (2U) on top of std's own error */
    const real dxn = dmean / sd + (fabsl(xc) + dmean) / sd * (2 * U + rel_std);
    /* gamma*xn + beta: xn's error times |gamma|, the product (U), the sum (U) */
    const real tol = fabsl(g) * dxn + U * (2 * fabsl(g) * (fabsl(xn) + dxn) + fabsl(b));
    const real scale =
        fmaxl(fabsl(g) * fmaxl(fabsl((real)in->x[i * f + j]), fabsl(mu)) / sd, fabsl(b));
    compare(s, O_Y, o->y[i * f + j], g * xn + b, SLACK * tol + TINY, scale, what, i * f + j);
  }
}

/* Test forward: y = gamma*((x - rm)/sqrt(rv + eps)) + beta. x - rm rounds
 * (U), sqrt(rv + eps) 1.5U, the division U: xn within 3.5U relative; then
 * the product and sum as above. */
static void check_test(stats *s, const bn_in *in, const bn_out *o, size_t j, const char *what) {
  const size_t f = in->f;
  const real sd = sqrtl((real)in->rv[j] + in->eps), g = in->gamma[j], b = in->beta[j];
  for (size_t i = 0; i < in->n; i++) {
    const real x = in->x[i * f + j], xn = (x - (real)in->rm[j]) / sd;
    const real tol = 5.5L * U * fabsl(g * xn) + U * fabsl(b);
    const real scale = fmaxl(fabsl(g) * fmaxl(fabsl(x), fabsl((real)in->rm[j])) / sd, fabsl(b));
    compare(s, O_YT, o->yt[i * f + j], g * xn + b, SLACK * tol + TINY, scale, what, i * f + j);
  }
}

/* Backward of feature j from the forward's float mean and std, in the
 * book's order:
 *   dbeta = sum(dout); dgamma = sum(xn*dout); dxn = gamma*dout;
 *   dxc = dxn/std; dstd = -sum(dxn*xc/(std*std)); dvar = 0.5*dstd/std;
 *   dxc += (2/N)*xc*dvar; dmu = sum(dxc); dx = dxc - dmu/N. */
static void check_backward(stats *s, const bn_in *in, const bn_out *o, size_t j, const char *what) {
  const size_t n = in->n, f = in->f;
  const real N = (real)n, mean = o->mean[j], sd = o->std[j], g = in->gamma[j];
  real dbeta = 0, dgamma = 0, dstd = 0, sum_d = 0, sum_xd = 0, sum_xn = 0;
  for (size_t i = 0; i < n; i++) {
    const real d = in->dout[i * f + j], xc = in->x[i * f + j] - mean, xn = xc / sd;
    dbeta += d, dgamma += xn * d, dstd -= g * d * xc / (sd * sd);
    sum_d += fabsl(d), sum_xd += fabsl(xn * d), sum_xn += xn;
  }
  const real dvar = 0.5L * dstd / sd;
  real dmu = 0;
  for (size_t i = 0; i < n; i++) {
    const real xc = in->x[i * f + j] - mean;
    dmu += g * in->dout[i * f + j] / sd + (2 / N) * xc * dvar;
  }
  /* the double sums (n*UD of the sum of magnitudes) and one rounding (U);
   * dgamma is sum((x - mean)*dout)/std in double: x - mean and the product
   * round in double (2UD), the sum n*UD, the division UD */
  compare(s, O_DBETA, o->dbeta[j], dbeta, U * fabsl(dbeta) + SLACK * N * UD * sum_d + TINY, sum_d,
          what, j);
  compare(s, O_DGAMMA, o->dgamma[j], dgamma,
          U * fabsl(dgamma) + SLACK * (N + 3) * UD * sum_xd + TINY, sum_xd, what, j);
  /* dx = (gamma/std)*((dout - a) - xn*b) with a = dbeta/N, b = dgamma/N
   * rounded once from the double sums (errors da, db); gamma/std rounds (U),
   * dout - a (U), xn (2U) times b (U), the bracket (U), the product (U).
   * In exact arithmetic the book's dx is this form plus
   * (gamma/std)*b*sum(xn)/N (expand dvar and dmu): 0 for the exact mean,
   * about (gamma/std)*b*(mean error)/std for the forward's float mean. The
   * kernel computes the form of the contract (optbench.h), so the target is
   * the book's value minus that term, computed here exactly. */
  const real a = dbeta / N, b = dgamma / N, gs = g / sd;
  const real da = U * fabsl(a) + (N + 1) * UD * sum_d / N;
  const real db = U * fabsl(b) + (N + 4) * UD * sum_xd / N;
  const real book_extra = gs * b * (sum_xn / N);
  for (size_t i = 0; i < n; i++) {
    const real d = in->dout[i * f + j], xc = in->x[i * f + j] - mean, xn = xc / sd;
    const real dxc = g * d / sd + (2 / N) * xc * dvar; /* the book's dxc after its += */
    const real bracket = (d - a) - xn * b;
    const real dbr =
        da + U * fabsl(d - a) + fabsl(xn) * db + 3 * U * fabsl(xn * b) + U * fabsl(bracket);
    const real tol = SLACK * (fabsl(gs) * dbr + 2 * U * fabsl(gs * bracket)) + TINY;
    const real scale = fabsl(gs) * fmaxl(fmaxl(fabsl(d), fabsl(a)), fabsl(xn * b));
    compare(s, O_DX, o->dx[i * f + j], (dxc - dmu / N) - book_extra, tol, scale, what, i * f + j);
  }
}

static void check_reference(stats *s, const bn_in *in, const bn_out *o, const char *what) {
  for (size_t j = 0; j < in->f; j++) {
    check_train(s, in, o, j, what);
    check_test(s, in, o, j, what);
    check_backward(s, in, o, j, what);
  }
}

/* ---- Variants ------------------------------------------------------------ */

static size_t supported(const ob_variant *list[]) {
  size_t count = 0;
  for (size_t i = 0; i < ob_variant_count(); i++)
    if (ob_variant_supported(ob_variant_at(i)))
      list[count++] = ob_variant_at(i);
  return count;
}

#define MAX_VARIANTS 64
static const ob_variant *variants[MAX_VARIANTS];
static size_t nvariants;
static stats variant_stats[MAX_VARIANTS];

/* ---- Every variant against the reference; reductions alike ------------ */

static const size_t batches[] = {1, 2, 7, 100};
static const size_t features[] = {1, 3, 17, 33, 100, 257};
#define NB (sizeof batches / sizeof batches[0])
#define NF (sizeof features / sizeof features[0])

/* Every supported variant on every shape, with and without corner values in
 * x, against the reference. The reductions (mean, std, dgamma, dbeta) are
 * double sums in row order of exactly converted floats and exact products:
 * every variant gives the same bits (NaN payloads aside). */
static void check_all_against_reference(uint64_t seed) {
  for (size_t b = 0; b < NB; b++)
    for (size_t fi = 0; fi < NF; fi++)
      for (unsigned sp = 0; sp < 2; sp++) {
        bn_in in;
        bn_out first, o;
        in_alloc(&in, batches[b], features[fi], 0);
        out_alloc(&first, in.n, in.f, 0), out_alloc(&o, in.n, in.f, 0);
        tu_rng r = tu_rng_for(seed, in.n, in.f, sp);
        fill(&r, &in, sp ? 7 : 0);
        for (size_t k = 0; k < nvariants; k++) {
          char what[96];
          snprintf(what, sizeof what, "%s n=%zu f=%zu%s", ob_variant_name(variants[k]), in.n, in.f,
                   sp ? " specials" : "");
          if (!run(variants[k], &in, k ? &o : &first))
            continue;
          check_reference(&variant_stats[k], &in, k ? &o : &first, what);
          if (k == 0)
            continue;
          const int reductions[] = {O_MEAN, O_STD, O_DGAMMA, O_DBETA};
          for (size_t q = 0; q < 4; q++) {
            const int out = reductions[q];
            const size_t i = tu_diff_class(out_array(&o, out), out_array(&first, out), in.f);
            CHECK(i == in.f, "%s: %s[%zu] differs from %s's", what, out_name[out], i,
                  ob_variant_name(variants[0]));
          }
        }
        in_free(&in, 0), out_free(&first, 0), out_free(&o, 0);
      }
}

/* ---- Numerical gradient ------------------------------------------------- */

/* sum(y*w) of the training forward in long double on (possibly perturbed)
 * inputs: the book's formulas, nothing shared with the kernels. */
static real loss(size_t n, size_t f, const real *x, const real *g, const real *b, const float *w,
                 real eps) {
  real total = 0;
  for (size_t j = 0; j < f; j++) {
    real mu = 0, var = 0;
    for (size_t i = 0; i < n; i++)
      mu += x[i * f + j];
    mu /= (real)n;
    for (size_t i = 0; i < n; i++)
      var += (x[i * f + j] - mu) * (x[i * f + j] - mu);
    const real sd = sqrtl(var / (real)n + eps);
    for (size_t i = 0; i < n; i++)
      total += (g[j] * ((x[i * f + j] - mu) / sd) + b[j]) * w[i * f + j];
  }
  return total;
}

/* d loss / d p by central differences, p one of the long double inputs. */
static real central(real *p, real h, size_t n, size_t f, const real *x, const real *g,
                    const real *b, const float *w, real eps) {
  const real p0 = *p;
  *p = p0 + h;
  const real up = loss(n, f, x, g, b, w, eps);
  *p = p0 - h;
  const real down = loss(n, f, x, g, b, w, eps);
  *p = p0;
  return (up - down) / (2 * h);
}

/* The backward with dout = w against central differences of sum(y*w) for
 * x, gamma and beta. In long double with h = 2^-20 times the feature's std
 * (the scale on which y varies): the truncation error is ~h^2/std^2 = 2^-40
 * of the gradient's scale and the cancellation ~2^-64*|loss|/h, both far
 * below float resolution. The library computes in float from the float
 * mean and std: within ~10U of its scale (the bounds of check_backward);
 * TOL = 1e-5 of the scale leaves 150x room for that and is still 1000x
 * below what a wrong term (O(1) of the scale) would give. The scale of
 * dx[i] is |gamma/std|*(|w_i| + |mean w| + |xn_i|*|mean(xn*w)|), of dgamma
 * sum|xn*w|, of dbeta sum|w|. */
#define GRAD_TOL 1e-5L

static void check_numerical_gradient(uint64_t seed) {
  const size_t shapes[][2] = {{2, 3}, {7, 17}, {5, 1}, {16, 5}};
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    bn_in in;
    bn_out o;
    in_alloc(&in, shapes[s][0], shapes[s][1], 0), out_alloc(&o, in.n, in.f, 0);
    tu_rng r = tu_rng_for(seed ^ 0x6ad, in.n, in.f, s);
    fill(&r, &in, 0);
    const size_t n = in.n, f = in.f, nf = n * f;
    real *x = calloc(nf, sizeof *x), *g = calloc(f, sizeof *g), *b = calloc(f, sizeof *b);
    real *num_dx = calloc(nf, sizeof *x), *num_dg = calloc(f, sizeof *g),
         *num_db = calloc(f, sizeof *b), *sd = calloc(f, sizeof *sd),
         *scale = calloc(nf, sizeof *x), *scale_g = calloc(f, sizeof *g),
         *scale_b = calloc(f, sizeof *b);
    if (!x || !g || !b || !num_dx || !num_dg || !num_db || !sd || !scale || !scale_g || !scale_b) {
      fprintf(stderr, "out of memory\n");
      exit(2);
    }
    for (size_t i = 0; i < nf; i++)
      x[i] = in.x[i];
    for (size_t j = 0; j < f; j++) {
      g[j] = in.gamma[j], b[j] = in.beta[j];
      real mu = 0, var = 0, mw = 0, mxw = 0;
      for (size_t i = 0; i < n; i++)
        mu += x[i * f + j];
      mu /= (real)n;
      for (size_t i = 0; i < n; i++)
        var += (x[i * f + j] - mu) * (x[i * f + j] - mu);
      sd[j] = sqrtl(var / (real)n + in.eps);
      for (size_t i = 0; i < n; i++) {
        const real xn = (x[i * f + j] - mu) / sd[j], w = in.dout[i * f + j];
        mw += w / (real)n, mxw += xn * w / (real)n;
        scale_g[j] += fabsl(xn * w), scale_b[j] += fabsl(w);
      }
      for (size_t i = 0; i < n; i++) {
        const real xn = (x[i * f + j] - mu) / sd[j];
        scale[i * f + j] =
            fabsl(g[j] / sd[j]) * (fabsl(in.dout[i * f + j]) + fabsl(mw) + fabsl(xn * mxw));
      }
    }
    for (size_t i = 0; i < nf; i++)
      num_dx[i] = central(&x[i], 0x1p-20L * sd[i % f], n, f, x, g, b, in.dout, in.eps);
    for (size_t j = 0; j < f; j++) {
      num_dg[j] = central(&g[j], 0x1p-20L, n, f, x, g, b, in.dout, in.eps);
      num_db[j] = central(&b[j], 0x1p-20L, n, f, x, g, b, in.dout, in.eps);
    }
    for (size_t k = 0; k < nvariants; k++) {
      if (!run(variants[k], &in, &o))
        continue;
      const char *name = ob_variant_name(variants[k]);
      for (size_t i = 0; i < nf; i++)
        CHECK(fabsl(o.dx[i] - num_dx[i]) <= GRAD_TOL * scale[i],
              "%s n=%zu f=%zu: dx[%zu] = %a, numerical %La (scale %Lg)", name, n, f, i,
              (double)o.dx[i], num_dx[i], scale[i]);
      for (size_t j = 0; j < f; j++) {
        CHECK(fabsl(o.dgamma[j] - num_dg[j]) <= GRAD_TOL * scale_g[j],
              "%s n=%zu f=%zu: dgamma[%zu] = %a, numerical %La", name, n, f, j, (double)o.dgamma[j],
              num_dg[j]);
        CHECK(fabsl(o.dbeta[j] - num_db[j]) <= GRAD_TOL * scale_b[j],
              "%s n=%zu f=%zu: dbeta[%zu] = %a, numerical %La", name, n, f, j, (double)o.dbeta[j],
              num_db[j]);
      }
    }
    free(x), free(g), free(b), free(num_dx), free(num_dg), free(num_db), free(sd), free(scale);
    free(scale_g), free(scale_b);
    in_free(&in, 0), out_free(&o, 0);
  }
}

/* ---- Threads and positions ---------------------------------------------- */

/* 1 and 2 (the cores here), ragged splits (3, 7) and more threads than cores */
static const int thread_counts[] = {1, 2, 3, 4, 7, 8};

/* Every +omp variant, forced to split even small arrays (threshold 1), on
 * misaligned arrays with corner values everywhere: the same bits as its
 * single-thread ISA for every thread count, NaN payloads included (chunks
 * hold whole panels, so every feature runs the same code). */
static void check_threads(uint64_t seed) {
  const int saved = omp_get_max_threads();
  ob_set_omp_threshold(1);
  for (size_t k = 0; k < nvariants; k++) {
    const ob_variant *omp = variants[k];
    if (!ob_variant_is_parallel(omp))
      continue;
    const ob_variant *single = ob_variant_find(ob_variant_isa(omp));
    CHECK(single && ob_variant_supported(single), "%s: no single-thread twin",
          ob_variant_name(omp));
    for (size_t b = 0; b < NB; b++)
      for (size_t fi = 0; fi < NF; fi++) {
        bn_in in;
        bn_out ref, o;
        in_alloc(&in, batches[b], features[fi], 1);
        out_alloc(&ref, in.n, in.f, 1), out_alloc(&o, in.n, in.f, 1);
        tu_rng r = tu_rng_for(seed ^ 0x7ead, in.n, in.f, k);
        fill(&r, &in, 5);
        for (size_t i = 0; i < in.n * in.f; i++) /* corner values in every input */
          if (tu_next(&r) % 9 == 0)
            in.dout[i] = tu_special(&r, 1);
        for (size_t j = 0; j < in.f; j++)
          if (tu_next(&r) % 9 == 0)
            in.gamma[j] = tu_special(&r, 1);
        if (single && run(single, &in, &ref))
          for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
            omp_set_num_threads(thread_counts[t]);
            if (!run(omp, &in, &o))
              continue;
            char what[96];
            snprintf(what, sizeof what, "%s n=%zu f=%zu %d threads", ob_variant_name(omp), in.n,
                     in.f, thread_counts[t]);
            same_outputs(&in, &o, &ref, 1, what);
          }
        omp_set_num_threads(saved);
        in_free(&in, 1), out_free(&ref, 1), out_free(&o, 1);
      }
  }
  ob_set_omp_threshold(0);
}

/* A feature's column in a wide array (in a full panel or in the tail of
 * one) against the same column alone as a one-feature array: the same bits,
 * NaN payloads included where the variant promises it. */
static void check_positions(uint64_t seed) {
  const size_t n = 7, f = 37; /* two 16-column panels and a 5-column tail */
  bn_in wide, one;
  bn_out ow, oo;
  in_alloc(&wide, n, f, 0), out_alloc(&ow, n, f, 0);
  in_alloc(&one, n, 1, 0), out_alloc(&oo, n, 1, 0);
  tu_rng r = tu_rng_for(seed ^ 0x905, n, f, 0);
  fill(&r, &wide, 6);
  for (size_t k = 0; k < nvariants; k++) {
    const int exact = ob_variant_exact_nans(variants[k]);
    if (!run(variants[k], &wide, &ow))
      continue;
    for (size_t j = 0; j < f; j++) {
      for (size_t i = 0; i < n; i++)
        one.x[i] = wide.x[i * f + j], one.dout[i] = wide.dout[i * f + j];
      one.gamma[0] = wide.gamma[j], one.beta[0] = wide.beta[j];
      one.rm[0] = wide.rm[j], one.rv[0] = wide.rv[j];
      if (!run(variants[k], &one, &oo))
        continue;
      for (int q = 0; q < OUTPUTS; q++) {
        const float *a = out_array(&oo, q), *w = out_array(&ow, q);
        const size_t rows = q <= O_DX ? n : 1;
        for (size_t i = 0; i < rows; i++) {
          const float got = a[i], want = w[i * f + j];
          const int same = exact ? tu_u32(got) == tu_u32(want)
                                 : tu_u32(got) == tu_u32(want) || (isnan(got) && isnan(want));
          CHECK(same, "%s: feature %zu of %zu: %s[%zu] %a alone, %a in the wide array",
                ob_variant_name(variants[k]), j, f, out_name[q], i, (double)got, (double)want);
        }
      }
    }
  }
  in_free(&wide, 0), out_free(&ow, 0), in_free(&one, 0), out_free(&oo, 0);
}

/* ---- Corner cases ------------------------------------------------------- */

/* Batch 1 and constant columns (batch 7, every row the same): var = 0, so
 * mean = x exactly (7 equal floats sum exactly in double), std = sqrt(eps)
 * exactly, y = gamma*0 + beta = beta; at batch 1 also dx = 0 (dout minus
 * its own mean), otherwise dx is checked against the reference. With
 * eps = 0, xn = 0/0: y and dx are NaN, as numpy's float32 would give. */
static void check_degenerate(uint64_t seed) {
  const size_t f = 19;
  for (size_t k = 0; k < nvariants; k++) {
    const char *name = ob_variant_name(variants[k]);
    for (size_t n = 1; n <= 7; n += 6)
      for (int zero_eps = 0; zero_eps < 2; zero_eps++) {
        bn_in in;
        bn_out o;
        in_alloc(&in, n, f, 0), out_alloc(&o, n, f, 0);
        tu_rng r = tu_rng_for(seed ^ 0xc0, n, f, 0);
        fill(&r, &in, 0);
        for (size_t i = 1; i < n; i++) /* every row the first one: constant columns */
          memcpy(in.x + i * f, in.x, f * sizeof(float));
        if (zero_eps)
          in.eps = 0.0f;
        if (run(variants[k], &in, &o)) {
          for (size_t j = 0; j < f; j++) {
            CHECK(tu_u32(o.mean[j]) == tu_u32(in.x[j]), "%s n=%zu: mean %a, x %a", name, n,
                  (double)o.mean[j], (double)in.x[j]);
            CHECK(o.std[j] == sqrtf(in.eps), "%s n=%zu: std %a, want sqrt(eps) %a", name, n,
                  (double)o.std[j], (double)sqrtf(in.eps));
            for (size_t i = 0; i < n; i++) {
              const float y = o.y[i * f + j], dx = o.dx[i * f + j];
              if (zero_eps)
                CHECK(isnan(y) && isnan(dx), "%s n=%zu eps=0: y %a dx %a, want NaN", name, n,
                      (double)y, (double)dx);
              else
                CHECK(y == in.beta[j] && (n > 1 || dx == 0.0f), "%s n=%zu: y %a (beta %a), dx %a",
                      name, n, (double)y, (double)in.beta[j], (double)dx);
            }
          }
          if (!zero_eps) {
            char what[64];
            snprintf(what, sizeof what, "%s constant columns n=%zu", name, n);
            check_reference(&variant_stats[k], &in, &o, what);
          }
        }
        in_free(&in, 0), out_free(&o, 0);
      }
  }
}

/* x = 1e4 + noise: the two-pass variance stays accurate (the bounds of
 * check_train, a few U of std, hold); sum(x^2)/N - mean^2 would lose about
 * log2(1e8) bits and miss std by far more than its bound. */
static void check_offsets(uint64_t seed) {
  for (size_t k = 0; k < nvariants; k++) {
    bn_in in;
    bn_out o;
    in_alloc(&in, 100, 33, 0), out_alloc(&o, 100, 33, 0);
    tu_rng r = tu_rng_for(seed ^ 0x1e4, 100, 33, 0);
    fill(&r, &in, 0);
    for (size_t i = 0; i < in.n * in.f; i++) /* noise of spread 0.1 .. 1 */
      in.x[i] = (float)(1e4 + (2 * tu_unit(&r) - 1) * (0.1 + 0.9 * (double)((i % in.f) % 2)));
    char what[64];
    snprintf(what, sizeof what, "%s offset 1e4", ob_variant_name(variants[k]));
    if (run(variants[k], &in, &o))
      check_reference(&variant_stats[k], &in, &o, what);
    in_free(&in, 0), out_free(&o, 0);
  }
}

/* ---- The range edges (issue 10, finding 7) ----------------------------- */

/* |got - want| within tol*|want| plus half the smallest subnormal (a value
 * below float's range rounds to 0), or both the same infinity (want beyond
 * float's range rounds to it) */
static int near(float got, real want, real tol) {
  if (fabsl(want) > (real)FLT_MAX)
    return isinf(got) && (got > 0) == (want > 0);
  return fabsl((real)got - want) <= tol * fabsl(want) + 0x1p-150L;
}

/* One column of n values whose variance overflows or flushes to zero in
 * float while std is an ordinary float: mean, std, y (gamma 1, beta 0) and
 * the running variance (from 0, momentum 0.9) against long double. std is
 * rounded once from double sums (2U); y = (x - mean)/std rounds twice on
 * top of std's error (4U). y[i] with |x - mean| beyond FLT_MAX is outside
 * the domain (optbench.h): x - mean overflows, y is that infinity. */
static void check_edge_column(const ob_variant *v, const float *x, size_t n, float eps) {
  const char *name = ob_variant_name(v);
  float gamma = 1.0f, beta = 0.0f, rm = 0.0f, rv = 0.0f, y[4], mean, std;
  const ob_status st = ob_batchnorm_forward_train(v, n, 1, x, &gamma, &beta, OB_BATCHNORM_MOMENTUM,
                                                  eps, &rm, &rv, y, &mean, &std);
  CHECK(st == OB_OK, "%s edge x[0]=%a: %s", name, (double)x[0], ob_strerror(st));
  if (st != OB_OK)
    return;
  real m = 0, var = 0;
  for (size_t i = 0; i < n; i++)
    m += x[i];
  m /= (real)n;
  for (size_t i = 0; i < n; i++)
    var += ((real)x[i] - m) * ((real)x[i] - m);
  var /= (real)n;
  const real sd = sqrtl(var + eps);
  CHECK(near(std, sd, 2 * U), "%s edge x[0]=%a eps %g: std %a, want %La", name, (double)x[0],
        (double)eps, (double)std, sd);
  CHECK(near(rv, (1 - (real)OB_BATCHNORM_MOMENTUM) * var, 2 * U),
        "%s edge x[0]=%a: running_var %a, want %La", name, (double)x[0], (double)rv,
        (1 - (real)OB_BATCHNORM_MOMENTUM) * var);
  for (size_t i = 0; i < n; i++) {
    const real xc = (real)x[i] - (real)mean;
    if (fabsl(xc) > (real)FLT_MAX)
      CHECK(isinf(y[i]) && (y[i] > 0) == (xc > 0), "%s edge: y[%zu] %a, x - mean overflows", name,
            i, (double)y[i]);
    else
      CHECK(near(y[i], ((real)x[i] - m) / sd, 4 * U), "%s edge x[0]=%a eps %g: y[%zu] %a, want %La",
            name, (double)x[0], (double)eps, i, (double)y[i], ((real)x[i] - m) / sd);
  }
}

static void check_range_edges(void) {
  /* the columns: var 1e40 (std was inf, y 0); var 8e76 (was NaN);
   * var 4e38 with 0.1 of it finite (running_var was inf); var 1e-50 with
   * eps 0 (std was 0, y +-inf); FLT_MAX (var 2^256, std FLT_MAX) */
  static const float big[] = {1e20f, -1e20f}, huge3[] = {3e38f, -3e38f, -3e38f};
  static const float over[] = {2e19f, -2e19f}, tiny[] = {1e-25f, -1e-25f};
  static const float max[] = {FLT_MAX, -FLT_MAX};
  for (size_t k = 0; k < nvariants; k++) {
    const ob_variant *v = variants[k];
    check_edge_column(v, big, 2, OB_BATCHNORM_EPS);
    check_edge_column(v, huge3, 3, OB_BATCHNORM_EPS);
    check_edge_column(v, over, 2, OB_BATCHNORM_EPS);
    check_edge_column(v, tiny, 2, 0.0f);
    check_edge_column(v, max, 2, 0.0f);
    /* test forward: running_var 3e38 + eps 1e38 overflows float, its sqrt
     * (2e19) does not: y = x/2e19 */
    const float x[2] = {1e20f, -1e20f}, gamma = 1.0f, beta = 0.0f, rm = 0.0f, rv = 3e38f;
    float y[2];
    const ob_status st = ob_batchnorm_forward_test(v, 2, 1, x, &gamma, &beta, 1e38f, &rm, &rv, y);
    CHECK(st == OB_OK, "%s test edge: %s", ob_variant_name(v), ob_strerror(st));
    for (size_t i = 0; st == OB_OK && i < 2; i++) {
      const real want = (real)x[i] / sqrtl((real)rv + (real)1e38f);
      CHECK(near(y[i], want, 4 * U), "%s test edge: y[%zu] %a, want %La", ob_variant_name(v), i,
            (double)y[i], want);
    }
  }
}

/* One NaN or Inf in a column: that column's statistics and outputs are NaN
 * (Inf: mean Inf, then Inf - Inf in the variance), every other column the
 * same bits as without it. */
static void check_nan_inf(uint64_t seed) {
  const size_t n = 7, f = 21, col = 18; /* col in the 5-column tail */
  const float bad[] = {NAN, INFINITY, -INFINITY};
  for (size_t k = 0; k < nvariants; k++)
    for (size_t q = 0; q < 3; q++) {
      bn_in in;
      bn_out clean, o;
      in_alloc(&in, n, f, 0), out_alloc(&clean, n, f, 0), out_alloc(&o, n, f, 0);
      tu_rng r = tu_rng_for(seed ^ 0x7a7, n, f, 0);
      fill(&r, &in, 0);
      const char *name = ob_variant_name(variants[k]);
      const int ok = run(variants[k], &in, &clean);
      in.x[3 * f + col] = bad[q];
      if (!ok || !run(variants[k], &in, &o)) {
        in_free(&in, 0), out_free(&clean, 0), out_free(&o, 0);
        continue;
      }
      if (isnan(bad[q]))
        CHECK(isnan(o.mean[col]), "%s: mean %a, want NaN", name, (double)o.mean[col]);
      else
        CHECK(o.mean[col] == bad[q], "%s: mean %a, want %a", name, (double)o.mean[col],
              (double)bad[q]);
      CHECK(isnan(o.std[col]) && isnan(o.rv[col]) && isnan(o.dgamma[col]),
            "%s: std %a rv %a dgamma %a, want NaN", name, (double)o.std[col], (double)o.rv[col],
            (double)o.dgamma[col]);
      for (size_t i = 0; i < n; i++)
        CHECK(isnan(o.y[i * f + col]) && isnan(o.dx[i * f + col]), "%s: y[%zu] %a dx %a", name, i,
              (double)o.y[i * f + col], (double)o.dx[i * f + col]);
      CHECK(isnan(o.yt[3 * f + col]) || isinf(o.yt[3 * f + col]), "%s: y(test) %a", name,
            (double)o.yt[3 * f + col]);
      for (int out = 0; out < OUTPUTS; out++) {
        const float *a = out_array(&o, out), *c = out_array(&clean, out);
        const size_t rows = out <= O_DX ? n : 1;
        for (size_t i = 0; i < rows; i++)
          for (size_t j = 0; j < f; j++)
            if (j != col)
              CHECK(tu_u32(a[i * f + j]) == tu_u32(c[i * f + j]), "%s: %s[%zu][%zu] changed", name,
                    out_name[out], i, j);
      }
      in_free(&in, 0), out_free(&clean, 0), out_free(&o, 0);
    }
}

/* Clean data raises no invalid or divide-by-zero flag: the unused lanes of
 * a tail hold harmless values even with eps = 0 (where 0/0 would lurk). */
static void check_no_spurious_flags(void) {
  for (size_t k = 0; k < nvariants; k++)
    for (size_t f = 1; f <= 33; f++) {
      bn_in in;
      bn_out o;
      in_alloc(&in, 3, f, 0), out_alloc(&o, 3, f, 0);
      for (size_t i = 0; i < 3 * f; i++)
        in.x[i] = (float)(i / f) + 0.25f * (float)(i % f), in.dout[i] = 0.5f;
      for (size_t j = 0; j < f; j++)
        in.gamma[j] = 1.0f, in.beta[j] = 0.0f, in.rm[j] = 0.0f, in.rv[j] = 1.0f;
      in.eps = 0.0f;
      feclearexcept(FE_ALL_EXCEPT);
      run(variants[k], &in, &o);
      CHECK(!fetestexcept(FE_INVALID | FE_DIVBYZERO), "%s f=%zu: flags %#x",
            ob_variant_name(variants[k]), f, (unsigned)fetestexcept(FE_INVALID | FE_DIVBYZERO));
      in_free(&in, 0), out_free(&o, 0);
    }
}

/* ---- Bad arguments ------------------------------------------------------- */

/* Every array of the three calls inside one arena, so that a refused call
 * can be shown to change no byte of any of them. */
#define BN_N  5
#define BN_F  19
#define ARENA (4 * BN_N * BN_F + 8 * BN_F)
static float master[ARENA], arena[ARENA];
enum { A_X, A_Y, A_DOUT, A_DX, A_GAMMA, A_BETA, A_RM, A_RV, A_MEAN, A_STD, A_DGAMMA, A_DBETA };
static float *at(int a) {
  return a <= A_DX ? arena + (size_t)a * BN_N * BN_F
                   : arena + 4 * BN_N * BN_F + (size_t)(a - A_GAMMA) * BN_F;
}

/* One call's arguments; each test changes one thing. */
typedef struct {
  const ob_variant *v;
  size_t n, f;
  float momentum, eps;
  float *arr[12]; /* indexed by A_* */
} call;

static call good_call(const ob_variant *v) {
  call c = {v, BN_N, BN_F, OB_BATCHNORM_MOMENTUM, OB_BATCHNORM_EPS, {NULL}};
  for (int a = 0; a < 12; a++)
    c.arr[a] = at(a);
  return c;
}

enum { TRAIN, TEST, BACKWARD };
static const char *const fn_name[] = {"forward_train", "forward_test", "backward"};
/* the arrays each call takes, in its parameter order */
static const int fn_arrays[3][8] = {
    {A_X, A_GAMMA, A_BETA, A_RM, A_RV, A_Y, A_MEAN, A_STD},
    {A_X, A_GAMMA, A_BETA, A_RM, A_RV, A_Y, -1, -1},
    {A_X, A_GAMMA, A_MEAN, A_STD, A_DOUT, A_DX, A_DGAMMA, A_DBETA},
};

static ob_status invoke(int fn, const call *c) {
  float *const *a = c->arr;
  switch (fn) {
  case TRAIN:
    return ob_batchnorm_forward_train(c->v, c->n, c->f, a[A_X], a[A_GAMMA], a[A_BETA], c->momentum,
                                      c->eps, a[A_RM], a[A_RV], a[A_Y], a[A_MEAN], a[A_STD]);
  case TEST:
    return ob_batchnorm_forward_test(c->v, c->n, c->f, a[A_X], a[A_GAMMA], a[A_BETA], c->eps,
                                     a[A_RM], a[A_RV], a[A_Y]);
  default:
    return ob_batchnorm_backward(c->v, c->n, c->f, a[A_X], a[A_GAMMA], a[A_MEAN], a[A_STD],
                                 a[A_DOUT], a[A_DX], a[A_DGAMMA], a[A_DBETA]);
  }
}

/* The call on fresh data must return `want`; a refusal must leave every
 * byte of the arena as it was. */
static void expect(ob_status want, int fn, const call *c, const char *what) {
  memcpy(arena, master, sizeof arena);
  const ob_status got = invoke(fn, c);
  CHECK(got == want, "%s %s: %s: got %d (%s), want %d (%s)", tu_vname(c->v), fn_name[fn], what,
        (int)got, ob_strerror(got), (int)want, ob_strerror(want));
  if (want != OB_OK)
    CHECK(memcmp(arena, master, sizeof arena) == 0, "%s %s: %s: a refused call changed memory",
          tu_vname(c->v), fn_name[fn], what);
}

static void check_bad_arguments(const ob_variant *v) {
  char what[96];
  for (int fn = 0; fn < 3; fn++) {
    call c = good_call(v);
    expect(OB_OK, fn, &c, "valid call");
    /* shapes: nothing to normalise is a domain error, even with NULL arrays */
    c.n = 0, expect(OB_ERANGE, fn, &c, "batch 0");
    c.n = BN_N, c.f = 0, expect(OB_ERANGE, fn, &c, "features 0");
    c.n = 0, expect(OB_ERANGE, fn, &c, "batch 0, features 0");
    for (int a = 0; a < 12; a++)
      c.arr[a] = NULL;
    expect(OB_ERANGE, fn, &c, "batch 0, features 0, NULL arrays");
    /* batch*features*4 bytes overflow size_t */
    c = good_call(v), c.n = SIZE_MAX / sizeof(float) / 3 + 1, c.f = 3;
    expect(OB_EINVAL, fn, &c, "batch*features overflows");
    c.n = SIZE_MAX / 2 + 1, c.f = 2;
    expect(OB_EINVAL, fn, &c, "batch*features wraps to 0");
    /* each array NULL in turn */
    for (int i = 0; i < 8 && fn_arrays[fn][i] >= 0; i++) {
      c = good_call(v), c.arr[fn_arrays[fn][i]] = NULL;
      snprintf(what, sizeof what, "array %d NULL", i);
      expect(OB_EINVAL, fn, &c, what);
    }
    /* each pair of arrays overlapping: the second one float into the first
     * (or the same array twice) */
    for (int i = 0; i < 8 && fn_arrays[fn][i] >= 0; i++)
      for (int k = i + 1; k < 8 && fn_arrays[fn][k] >= 0; k++)
        for (int shift = 0; shift < 2; shift++) {
          c = good_call(v);
          c.arr[fn_arrays[fn][k]] = c.arr[fn_arrays[fn][i]] + shift;
          snprintf(what, sizeof what, "arrays %d and %d overlap (shift %d)", i, k, shift);
          expect(OB_EOVERLAP, fn, &c, what);
        }
    /* hyperparameters: eps finite and >= 0 (not backward's), momentum in
     * [0, 1] (train only); checked before the shape, as ob_step does */
    const float bad_eps[] = {-1.0f, -FLT_TRUE_MIN, NAN, -NAN, INFINITY, -INFINITY};
    const float good_eps[] = {0.0f, -0.0f, FLT_TRUE_MIN, 1.0f, FLT_MAX};
    const float bad_mom[] = {NAN,   -NAN,          1.5f,     0x1.000002p0f,
                             -0.1f, -FLT_TRUE_MIN, INFINITY, -INFINITY};
    const float good_mom[] = {0.0f, -0.0f, 0.5f, 1.0f, 0x1.fffffep-1f};
    for (size_t i = 0; i < sizeof bad_eps / sizeof bad_eps[0]; i++) {
      c = good_call(v), c.eps = bad_eps[i];
      snprintf(what, sizeof what, "eps = %g", (double)bad_eps[i]);
      expect(fn == BACKWARD ? OB_OK : OB_EHPARAM, fn, &c, what);
      c.n = 0;
      expect(fn == BACKWARD ? OB_ERANGE : OB_EHPARAM, fn, &c, what);
    }
    for (size_t i = 0; i < sizeof good_eps / sizeof good_eps[0]; i++) {
      c = good_call(v), c.eps = good_eps[i];
      snprintf(what, sizeof what, "eps = %g", (double)good_eps[i]);
      expect(OB_OK, fn, &c, what);
    }
    for (size_t i = 0; i < sizeof bad_mom / sizeof bad_mom[0]; i++) {
      c = good_call(v), c.momentum = bad_mom[i];
      snprintf(what, sizeof what, "momentum = %a", (double)bad_mom[i]);
      expect(fn == TRAIN ? OB_EHPARAM : OB_OK, fn, &c, what);
    }
    for (size_t i = 0; i < sizeof good_mom / sizeof good_mom[0]; i++) {
      c = good_call(v), c.momentum = good_mom[i];
      snprintf(what, sizeof what, "momentum = %a", (double)good_mom[i]);
      expect(OB_OK, fn, &c, what);
    }
    /* a pointer that is not one of the registry's variants */
    c = good_call((const ob_variant *)(const void *)master);
    expect(OB_EINVAL, fn, &c, "not a variant");
  }
}

/* Child process with AVX-512 and AVX2 hidden: the variants that need them
 * are refused with OB_EUNSUPPORTED and change nothing; the others work. */
static int child_features_off(void) {
  size_t refused = 0;
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    for (int fn = 0; fn < 3; fn++) {
      const call c = good_call(v);
      expect(ob_variant_supported(v) ? OB_OK : OB_EUNSUPPORTED, fn, &c, "features hidden");
    }
    refused += !ob_variant_supported(v);
  }
  CHECK(refused > 0, "no variant became unsupported");
  return ob_test_done("test_batchnorm child");
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv) {
  tu_rng r0 = {SEED};
  for (size_t i = 0; i < ARENA; i++)
    master[i] = 0.5f + (float)tu_unit(&r0); /* valid everywhere: positive variances and stds */
  if (argc > 1 && strcmp(argv[1], "child-features-off") == 0)
    return child_features_off();

  const uint64_t seed = tu_seed("test_batchnorm", SEED);
  nvariants = supported(variants);
  CHECK(nvariants > 0 && nvariants <= MAX_VARIANTS, "%zu supported variants", nvariants);

  check_all_against_reference(seed);
  check_offsets(seed);
  check_numerical_gradient(seed);
  check_threads(seed);
  check_positions(seed);
  check_degenerate(seed);
  check_nan_inf(seed);
  check_range_edges();
  check_no_spurious_flags();
  check_bad_arguments(NULL);
  for (size_t k = 0; k < nvariants; k++)
    check_bad_arguments(variants[k]);
  const char *env[] = {"OPTBENCH_CPU_FEATURES_OFF=avx512f,avx2", NULL};
  CHECK(tu_run_self("child-features-off", env) == 0, "child with CPU features hidden failed");

  /* the measured errors: worst error / derived bound, and in ulps of the exact value */
  printf("worst error / bound, and in scale-ulps\n%-12s", "variant");
  for (int k = 0; k < OUTPUTS; k++)
    printf(" %13s", out_name[k]);
  printf("\n");
  for (size_t k = 0; k < nvariants; k++) {
    printf("%-12s", ob_variant_name(variants[k]));
    for (int q = 0; q < OUTPUTS; q++)
      printf("  %5.3f/%5.2fu", variant_stats[k].worst_ratio[q], variant_stats[k].worst_ulps[q]);
    printf("\n");
  }
  return ob_test_done("test_batchnorm");
}
