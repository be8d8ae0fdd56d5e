/* The reference: the textbook formulas of common/optimizer.py, one element
 * at a time, in the book's order of operations (left to right) except where
 * an equal form keeps the bound on a wider domain (DESIGN.md 6.1):
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
#define OB_LOOP _Pragma("omp simd")

/* The step's gradient and parameter with the weight-decay terms of `mode`
 * (a constant in each compiled copy): g + weight_decay*p and
 * p - lr_decoupled*p, both from the input p. */
static OB_INLINE float wd_grad(int mode, float wd, float g, float p) {
  return (mode & OB_WD_L2) ? g + wd * p : g;
}
static OB_INLINE float wd_param(int mode, float lrd, float p) {
  return (mode & OB_WD_DECOUPLED) ? p - lrd * p : p;
}

static OB_INLINE void sgd_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                               float *restrict s0, float *restrict s1, size_t n, const int mode) {
  (void)s0, (void)s1;
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = wd_grad(mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    p[i] = pi - lr * gi; /* p -= lr*g */
  }
}

static OB_INLINE void momentum_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                    float *restrict v, float *restrict s1, size_t n,
                                    const int mode) {
  (void)s1;
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr, mom = c->momentum;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = wd_grad(mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    v[i] = mom * v[i] - lr * gi; /* v = momentum*v - lr*g */
    p[i] = pi + v[i];            /* p += v */
  }
}

static OB_INLINE void nesterov_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                    float *restrict v, float *restrict s1, size_t n,
                                    const int mode) {
  (void)s1;
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr, mom = c->momentum;
  const float mom_sq = c->momentum_sq, lr_mom = c->lr_one_plus_mom;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = wd_grad(mode, wd, g[i], p[i]);
    float pi = wd_param(mode, lrd, p[i]);
    v[i] *= mom;         /* v *= momentum */
    v[i] -= lr * gi;     /* v -= lr*g */
    pi += mom_sq * v[i]; /* p += momentum*momentum*v */
    pi -= lr_mom * gi;   /* p -= (1+momentum)*lr*g */
    p[i] = pi;
  }
}

static OB_INLINE void adagrad_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                   float *restrict h, float *restrict s1, size_t n,
                                   const int mode) {
  (void)s1;
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr, eps = c->eps;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = wd_grad(mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    h[i] += gi * gi; /* h += g*g */
    /* p -= lr*g / (sqrt(h) + eps), as lr*(g / (sqrt(h) + eps)): the quotient is
     * at most 1, so lr*g can neither overflow nor turn subnormal and be
     * divided up (DESIGN.md 6.1); the same two roundings */
    p[i] = pi - lr * (gi / (sqrtf(h[i]) + eps));
  }
}

static OB_INLINE void rmsprop_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                   float *restrict h, float *restrict s1, size_t n,
                                   const int mode) {
  (void)s1;
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr, eps = c->eps, d = c->decay, one_d = c->one_minus_decay;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = wd_grad(mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    h[i] *= d;               /* h *= decay_rate */
    h[i] += one_d * gi * gi; /* h += (1-decay_rate)*g*g */
    /* p -= lr*g / (sqrt(h) + eps) as AdaGrad's (the quotient is at most
     * 1/sqrt(1-decay_rate) <= 2^12) */
    p[i] = pi - lr * (gi / (sqrtf(h[i]) + eps));
  }
}

static OB_INLINE void adam_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                float *restrict m, float *restrict v, size_t n, const int mode) {
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr_t = c->lr_t, eps = c->eps;
  const float b1 = c->one_minus_beta1, beta2 = c->beta2, b2 = c->one_minus_beta2;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = wd_grad(mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    m[i] += b1 * (gi - m[i]); /* m += (1-beta1)*(g-m) */
    /* v += (1-beta2)*(g*g-v) in the equal form whose terms are >= 0 (the
     * book's cancels when v' << v, and sqrt(v') divides); + 0*v keeps the
     * book's NaN for an infinite v (inf - inf) */
    v[i] = (beta2 * v[i] + b2 * gi * gi) + 0.0f * v[i];
    p[i] = pi - lr_t * m[i] / (sqrtf(v[i]) + eps); /* p -= lr_t*m / (sqrt(v) + eps) */
  }
}

/* One out-of-line copy per rule and weight-decay mode, <rule>_<isa>_<mode>
 * (adam_scalar_l2): the rule with its mode a constant. */
#define OB_MODE_COPY(name, suffix, mode)                                                           \
  static __attribute__((noinline)) void OB_ISA_FN_MODE(name, suffix)(                              \
      const ob_coeffs *c, float *p, const float *g, float *s0, float *s1, size_t n) {              \
    name##_rule(c, p, g, s0, s1, n, mode);                                                         \
  }
#define OB_MODE_ENTRY(name, suffix, mode) [mode] = OB_ISA_FN_MODE(name, suffix),
/* The kernels of the table, <rule>_<isa>: the copy for the call's mode. */
#define OB_ALGO(ID, name, ...)                                                                     \
  OB_WD_MODE_LIST(OB_MODE_COPY, name)                                                              \
  static void OB_ISA_FN(name)(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,  \
                              size_t n) {                                                          \
    static const ob_kernel_fn modes[OB_WD_MODES] = {OB_WD_MODE_LIST(OB_MODE_ENTRY, name)};         \
    modes[c->wd_mode](c, p, g, s0, s1, n);                                                         \
  }
#include "optbench_algos.def"
#undef OB_ALGO

#include "kernel_table.h"
