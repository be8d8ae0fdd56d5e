/* The reference: the textbook formulas of common/optimizer.py, one element
 * at a time, in the book's order of operations (left to right). Built twice:
 * as `scalar` with the vectoriser off and as `autovec` with it on for
 * AVX-512; both with -ffp-contract=off, so every operation rounds once and
 * the two are bitwise identical (only their speed differs). */
#include <math.h>

#include "kernel.h"

/* autovec asks the compiler to vectorise each loop; scalar ignores it. */
#define OB_LOOP _Pragma("omp simd")

static void sgd_kernel(const ob_coeffs *c, float *restrict p, const float *restrict g,
                       float *restrict s0, float *restrict s1, size_t n) {
  (void)s0, (void)s1;
  const float lr = c->lr;
  OB_LOOP
  for (size_t i = 0; i < n; i++)
    p[i] -= lr * g[i]; /* p -= lr*g */
}

static void momentum_kernel(const ob_coeffs *c, float *restrict p, const float *restrict g,
                            float *restrict v, float *restrict s1, size_t n) {
  (void)s1;
  const float lr = c->lr, mom = c->momentum;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    v[i] = mom * v[i] - lr * g[i]; /* v = momentum*v - lr*g */
    p[i] += v[i];                  /* p += v */
  }
}

static void nesterov_kernel(const ob_coeffs *c, float *restrict p, const float *restrict g,
                            float *restrict v, float *restrict s1, size_t n) {
  (void)s1;
  const float lr = c->lr, mom = c->momentum;
  const float mom_sq = c->momentum_sq, lr_mom = c->lr_one_plus_mom;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    v[i] *= mom;           /* v *= momentum */
    v[i] -= lr * g[i];     /* v -= lr*g */
    p[i] += mom_sq * v[i]; /* p += momentum*momentum*v */
    p[i] -= lr_mom * g[i]; /* p -= (1+momentum)*lr*g */
  }
}

static void adagrad_kernel(const ob_coeffs *c, float *restrict p, const float *restrict g,
                           float *restrict h, float *restrict s1, size_t n) {
  (void)s1;
  const float lr = c->lr, eps = c->eps;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    h[i] += g[i] * g[i];                     /* h += g*g */
    p[i] -= lr * g[i] / (sqrtf(h[i]) + eps); /* p -= lr*g / (sqrt(h) + eps) */
  }
}

static void rmsprop_kernel(const ob_coeffs *c, float *restrict p, const float *restrict g,
                           float *restrict h, float *restrict s1, size_t n) {
  (void)s1;
  const float lr = c->lr, eps = c->eps, d = c->decay, one_d = c->one_minus_decay;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    h[i] *= d;                               /* h *= decay_rate */
    h[i] += one_d * g[i] * g[i];             /* h += (1-decay_rate)*g*g */
    p[i] -= lr * g[i] / (sqrtf(h[i]) + eps); /* p -= lr*g / (sqrt(h) + eps) */
  }
}

static void adam_kernel(const ob_coeffs *c, float *restrict p, const float *restrict g,
                        float *restrict m, float *restrict v, size_t n) {
  const float lr_t = c->lr_t, eps = c->eps;
  const float b1 = c->one_minus_beta1, b2 = c->one_minus_beta2;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    m[i] += b1 * (g[i] - m[i]);                /* m += (1-beta1)*(g-m) */
    v[i] += b2 * (g[i] * g[i] - v[i]);         /* v += (1-beta2)*(g*g-v) */
    p[i] -= lr_t * m[i] / (sqrtf(v[i]) + eps); /* p -= lr_t*m / (sqrt(v) + eps) */
  }
}

#include "kernel_table.h"
