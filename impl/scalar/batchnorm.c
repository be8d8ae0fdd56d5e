/* The reference batch normalisation: the book's BatchNormalization layer
 * (common/layers.py), one element at a time in the book's order of
 * operations. Built twice, as `scalar` (vectoriser off) and as `autovec`
 * (vectoriser on, AVX-512), both with -ffp-contract=off: every float
 * operation rounds once, so the two give the same bits and sse2, which runs
 * the same operations in the same order, gives them too.
 *
 * Numerics (N = rows; every sum in double, in row order, from 0):
 *   train     m    = sum(x) / N                   double; x -> double is exact
 *             mean = (float)m
 *             v    = sum((x - m)^2) / N           in double, from the double m
 *             std  = (float)sqrt(v + eps)         in double: a float var + eps
 *                                                 overflows from |x - m| ~ 2^64 and
 *                                                 flushes below 2^-75
 *             y    = gamma*((x - mean)/std) + beta   float, left to right
 *             running_mean = momentum*running_mean + (1-momentum)*mean
 *             running_var  = momentum*running_var  + (float)((1-momentum)*v)
 *                            (the product from the double v: var may overflow
 *                            where (1-momentum)*var does not)
 *   test      y = gamma*((x - running_mean)/std) + beta,
 *             std = (float)sqrt((double)running_var + eps): the sum cannot overflow
 *   backward  t = sum((x - mean)*dout)            double ((x - mean) exact)
 *             dbeta = (float)sum(dout); dgamma = (float)(t/std)
 *             xn = (x - mean)/std                 float, the forward's own two
 *                                                 operations
 *             dx = (gamma/std)*((dout - a) - xn*b), per-feature coefficients
 *             a = (float)(sum(dout)/N), b = (float)(t/std/N), i.e. dbeta/N
 *             and dgamma/N from the double sums, rounded once.
 * The two-pass variance (mean first, then the squares of x - mean) keeps
 * var accurate when |mean| >> std, where sum(x^2)/N - mean^2 cancels; taking
 * x - m in double (exact for x near m) rather than in float keeps var and
 * dgamma within about one rounding: a float x - mean, or a float xn, would
 * round every term before the sum, an error that grows with N.
 *
 * Loops run over panels of 128 columns (512 bytes of a row): rows outer,
 * the panel's columns inner, so each pass streams long runs of whole lines
 * and the inner loop is what autovec vectorises (panels of one line ran
 * autovec 1.4-2.7x slower from L2 up). Each feature is still its own
 * sequential sum; the tiling changes no rounding. */
#include <math.h>

#include "kernel.h"

/* autovec asks the compiler to vectorise each loop; scalar ignores it. */
#define OB_LOOP _Pragma("omp simd")
#define PANEL   128

static size_t panel_width(size_t c, size_t c1) { return c1 - c < PANEL ? c1 - c : PANEL; }

static void OB_ISA_FN(bn_train)(const ob_bn_args *a, size_t c0, size_t c1) {
  const size_t cols = a->cols;
  const double n = (double)a->rows;
  const float eps = a->eps, mom = a->momentum, omm = a->one_minus_momentum;
  for (size_t c = c0; c < c1; c += PANEL) {
    const size_t w = panel_width(c, c1);
    double sx[PANEL] = {0}, sq[PANEL] = {0};
    float mu[PANEL], sd[PANEL], g[PANEL], b[PANEL];
    for (size_t r = 0; r < a->rows; r++) {
      const float *restrict x = a->x + r * cols + c;
      OB_LOOP
      for (size_t k = 0; k < w; k++)
        sx[k] += x[k]; /* sum(x) */
    }
    for (size_t k = 0; k < w; k++) {
      sx[k] /= n;           /* mu = x.mean(axis=0), in double */
      mu[k] = (float)sx[k]; /* the float mean of y and of the backward */
    }
    for (size_t r = 0; r < a->rows; r++) {
      const float *restrict x = a->x + r * cols + c;
      OB_LOOP
      for (size_t k = 0; k < w; k++) {
        const double xc = x[k] - sx[k]; /* xc = x - mu */
        sq[k] += xc * xc;               /* sum(xc**2) */
      }
    }
    for (size_t k = 0; k < w; k++) {
      const double v = sq[k] / n;           /* var = np.mean(xc**2, axis=0) */
      sd[k] = (float)sqrt(v + (double)eps); /* std = np.sqrt(var + eps) */
      g[k] = a->gamma[c + k], b[k] = a->beta[c + k];
      a->mean[c + k] = mu[k], a->std[c + k] = sd[k];
      float *rm = a->running_mean + c + k, *rv = a->running_var + c + k;
      *rm = mom * *rm + omm * mu[k];              /* momentum*rm + (1-momentum)*mu */
      *rv = mom * *rv + (float)((double)omm * v); /* momentum*rv + (1-momentum)*var */
    }
    for (size_t r = 0; r < a->rows; r++) {
      const float *restrict x = a->x + r * cols + c;
      float *restrict y = a->y + r * cols + c;
      OB_LOOP
      for (size_t k = 0; k < w; k++) {
        const float xn = (x[k] - mu[k]) / sd[k]; /* xn = xc / std */
        y[k] = g[k] * xn + b[k];                 /* out = gamma*xn + beta */
      }
    }
  }
}

static void OB_ISA_FN(bn_test)(const ob_bn_args *a, size_t c0, size_t c1) {
  const size_t cols = a->cols;
  for (size_t c = c0; c < c1; c += PANEL) {
    const size_t w = panel_width(c, c1);
    float mu[PANEL], sd[PANEL], g[PANEL], b[PANEL];
    for (size_t k = 0; k < w; k++) {
      mu[k] = a->running_mean[c + k];
      sd[k] = (float)sqrt((double)a->running_var[c + k] + (double)a->eps); /* np.sqrt(rv + eps) */
      g[k] = a->gamma[c + k], b[k] = a->beta[c + k];
    }
    for (size_t r = 0; r < a->rows; r++) {
      const float *restrict x = a->x + r * cols + c;
      float *restrict y = a->y + r * cols + c;
      OB_LOOP
      for (size_t k = 0; k < w; k++) {
        const float xn = (x[k] - mu[k]) / sd[k]; /* xn = (x - running_mean) / sqrt(...) */
        y[k] = g[k] * xn + b[k];                 /* out = gamma*xn + beta */
      }
    }
  }
}

static void OB_ISA_FN(bn_backward)(const ob_bn_args *a, size_t c0, size_t c1) {
  const size_t cols = a->cols;
  const double n = (double)a->rows;
  for (size_t c = c0; c < c1; c += PANEL) {
    const size_t w = panel_width(c, c1);
    double sd_out[PANEL] = {0}, sxd[PANEL] = {0};
    float mu[PANEL], sd[PANEL], gs[PANEL], am[PANEL], bm[PANEL];
    for (size_t k = 0; k < w; k++)
      mu[k] = a->mean[c + k], sd[k] = a->std[c + k];
    for (size_t r = 0; r < a->rows; r++) {
      const float *restrict x = a->x + r * cols + c, *restrict d = a->dout + r * cols + c;
      OB_LOOP
      for (size_t k = 0; k < w; k++) {
        sd_out[k] += d[k];                       /* dbeta = dout.sum(axis=0) */
        sxd[k] += ((double)x[k] - mu[k]) * d[k]; /* dgamma = np.sum(xn*dout, axis=0), times std */
      }
    }
    for (size_t k = 0; k < w; k++) {
      const double dgamma = sxd[k] / sd[k];
      a->dbeta[c + k] = (float)sd_out[k];
      a->dgamma[c + k] = (float)dgamma;
      am[k] = (float)(sd_out[k] / n); /* dbeta/N */
      bm[k] = (float)(dgamma / n);    /* dgamma/N */
      gs[k] = a->gamma[c + k] / sd[k];
    }
    for (size_t r = 0; r < a->rows; r++) {
      const float *restrict x = a->x + r * cols + c, *restrict d = a->dout + r * cols + c;
      float *restrict dx = a->dx + r * cols + c;
      OB_LOOP
      for (size_t k = 0; k < w; k++) {
        const float xn = (x[k] - mu[k]) / sd[k];
        dx[k] =
            gs[k] * ((d[k] - am[k]) - xn * bm[k]); /* (gamma/std)*(dout - dbeta/N - xn*dgamma/N) */
      }
    }
  }
}

const ob_bn_kernels OB_PASTE(ob_bn_, OB_ISA) = {OB_ISA_FN(bn_train), OB_ISA_FN(bn_test),
                                                OB_ISA_FN(bn_backward)};
