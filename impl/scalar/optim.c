/* The reference: the textbook formulas of common/optimizer.py, one element
 * at a time, in the book's order of operations (left to right) except where
 * an equal form keeps the bound on a wider domain (README.md, "Domains"):
 * Adam's v as beta2*v + (1-beta2)*g*g, AdaGrad's and RMSProp's step as
 * lr*(g/(sqrt(h)+eps)). Built twice:
 * as `scalar` with the vectoriser off and as `autovec` with it on for
 * AVX-512; both with -ffp-contract=off, so every operation rounds once and
 * the two are bitwise identical (only their speed differs).
 *
 * Weight decay (kernel.h): each rule reads gi = g + weight_decay*p (L2) and
 * pi = p - lr_decoupled*p (decoupled), both from the input p, where the
 * call's mode has the term; each mode is its own specialised loop. */
#include <math.h>

#include "kernel.h"

/* autovec asks the compiler to vectorise each loop; scalar ignores it. */
#define OB_LOOP   _Pragma("omp simd")
#define OB_RULE   static inline __attribute__((always_inline)) void
#define WD_G(i)   ((mode & OB_WD_L2) ? g[i] + wd * p[i] : g[i])
#define WD_P(i)   ((mode & OB_WD_DECOUPLED) ? p[i] - lrd * p[i] : p[i])
#define WD_COEFFS const float wd = c->weight_decay, lrd = c->lr_decoupled

OB_RULE sgd_rule(const ob_coeffs *c, float *restrict p, const float *restrict g, float *restrict s0,
                 float *restrict s1, size_t n, const int mode) {
  (void)s0, (void)s1;
  WD_COEFFS;
  const float lr = c->lr;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = WD_G(i), pi = WD_P(i);
    p[i] = pi - lr * gi; /* p -= lr*g */
  }
}

OB_RULE momentum_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                      float *restrict v, float *restrict s1, size_t n, const int mode) {
  (void)s1;
  WD_COEFFS;
  const float lr = c->lr, mom = c->momentum;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = WD_G(i), pi = WD_P(i);
    v[i] = mom * v[i] - lr * gi; /* v = momentum*v - lr*g */
    p[i] = pi + v[i];            /* p += v */
  }
}

OB_RULE nesterov_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                      float *restrict v, float *restrict s1, size_t n, const int mode) {
  (void)s1;
  WD_COEFFS;
  const float lr = c->lr, mom = c->momentum;
  const float mom_sq = c->momentum_sq, lr_mom = c->lr_one_plus_mom;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = WD_G(i);
    float pi = WD_P(i);
    v[i] *= mom;         /* v *= momentum */
    v[i] -= lr * gi;     /* v -= lr*g */
    pi += mom_sq * v[i]; /* p += momentum*momentum*v */
    pi -= lr_mom * gi;   /* p -= (1+momentum)*lr*g */
    p[i] = pi;
  }
}

OB_RULE adagrad_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                     float *restrict h, float *restrict s1, size_t n, const int mode) {
  (void)s1;
  WD_COEFFS;
  const float lr = c->lr, eps = c->eps;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = WD_G(i), pi = WD_P(i);
    h[i] += gi * gi; /* h += g*g */
    /* p -= lr*g / (sqrt(h) + eps), as lr*(g / (sqrt(h) + eps)): the quotient is
     * at most 1, so lr*g can neither overflow nor turn subnormal and be
     * divided up (README.md, "Domains"); the same two roundings */
    p[i] = pi - lr * (gi / (sqrtf(h[i]) + eps));
  }
}

OB_RULE rmsprop_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                     float *restrict h, float *restrict s1, size_t n, const int mode) {
  (void)s1;
  WD_COEFFS;
  const float lr = c->lr, eps = c->eps, d = c->decay, one_d = c->one_minus_decay;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = WD_G(i), pi = WD_P(i);
    h[i] *= d;               /* h *= decay_rate */
    h[i] += one_d * gi * gi; /* h += (1-decay_rate)*g*g */
    /* p -= lr*g / (sqrt(h) + eps) as AdaGrad's (the quotient is at most
     * 1/sqrt(1-decay_rate) <= 2^12) */
    p[i] = pi - lr * (gi / (sqrtf(h[i]) + eps));
  }
}

OB_RULE adam_rule(const ob_coeffs *c, float *restrict p, const float *restrict g, float *restrict m,
                  float *restrict v, size_t n, const int mode) {
  WD_COEFFS;
  const float lr_t = c->lr_t, eps = c->eps;
  const float b1 = c->one_minus_beta1, beta2 = c->beta2, b2 = c->one_minus_beta2;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = WD_G(i), pi = WD_P(i);
    m[i] += b1 * (gi - m[i]); /* m += (1-beta1)*(g-m) */
    /* v += (1-beta2)*(g*g-v) in the equal form whose terms are >= 0 (the
     * book's cancels when v' << v, and sqrt(v') divides); + 0*v keeps the
     * book's NaN for an infinite v (inf - inf) */
    v[i] = (beta2 * v[i] + b2 * gi * gi) + 0.0f * v[i];
    p[i] = pi - lr_t * m[i] / (sqrtf(v[i]) + eps); /* p -= lr_t*m / (sqrt(v) + eps) */
  }
}

/* The kernels of the table: each rule in the call's weight-decay mode. */
#define OB_ALGO(ID, name, ...)                                                                     \
  static void name##_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,    \
                            size_t n) {                                                            \
    switch (c->wd_mode) {                                                                          \
    case 0: name##_rule(c, p, g, s0, s1, n, 0); break;                                             \
    case OB_WD_L2: name##_rule(c, p, g, s0, s1, n, OB_WD_L2); break;                               \
    case OB_WD_DECOUPLED: name##_rule(c, p, g, s0, s1, n, OB_WD_DECOUPLED); break;                 \
    default: name##_rule(c, p, g, s0, s1, n, OB_WD_L2 | OB_WD_DECOUPLED); break;                   \
    }                                                                                              \
  }
#include "optbench_algos.def"
#undef OB_ALGO

#include "kernel_table.h"
