/* The update rules written once against the vector helpers of one
 * instruction set (vec.h in that ISA's folder: vf, OB_VL, vset1, vload,
 * vstore, vload_part, vstore_part, vadd, vsub, vmul, vdiv, vsqrt, vfmadd,
 * vfnmadd, vfmsub).
 *
 * Each rule's arithmetic exists in exactly one compiled copy: a function over
 * whole vectors, kept out of line and unspecialised. The tail (n % OB_VL
 * elements) is staged into full-width buffers and run through that same
 * function, so every element - in the body, in the tail, in any +omp chunk -
 * goes through the same instructions with the same operand order and gives
 * the same bits, NaN payloads included. (Two inlined copies may order the
 * operands of an add differently, and x86 keeps the first operand's NaN.)
 *
 * Without FMA (sse2) vfmadd(a, b, c) is a*b + c rounded twice, which is the
 * textbook order of the scalar reference: sse2 equals scalar bitwise. */

#define OB_VECTORS __attribute__((noinline, noclone))

/* Runs f on n elements: the whole vectors in place, then the tail through
 * buffers. Nothing past n is read or written (vload_part/vstore_part). */
typedef void (*vectors_fn)(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                           size_t nvec);

static void run_vectors(vectors_fn f, int states, const ob_coeffs *c, float *p, const float *g,
                        float *s0, float *s1, size_t n) {
  const size_t body = n / OB_VL * OB_VL, w = n - body;
  f(c, p, g, s0, s1, body / OB_VL);
  if (w == 0)
    return;
  /* unused lanes hold 1.0f: harmless in every rule (no 0/0 with eps = 0), so
   * the tail raises no floating-point flag the data would not */
  _Alignas(64) float buf[4][OB_VL];
  float *const arr[4] = {p, (float *)g, s0, s1};
  for (int a = 0; a < 4; a++)
    vstore(buf[a], vset1(1.0f));
  for (int a = 0; a < 2 + states; a++)
    vstore_part(buf[a], vload_part(arr[a] + body, w), w);
  f(c, buf[0], buf[1], buf[2], buf[3], 1);
  for (int a = 0; a < 2 + states; a++)
    if (a != 1) /* g is read-only */
      vstore_part(arr[a] + body, vload(buf[a]), w);
}

/* The step's gradient and parameters with the weight-decay terms of `mode`
 * (kernel.h): g + weight_decay*p (L2) and p - lr_decoupled*p (decoupled),
 * both from the input p. mode is a constant in each compiled copy. */
#define WD_LOAD(i)                                                                                 \
  vf gg = vload(g + (i)), pp = vload(p + (i));                                                     \
  if (mode & OB_WD_L2)                                                                             \
    gg = vfmadd(wd, pp, gg);                                                                       \
  if (mode & OB_WD_DECOUPLED)                                                                      \
  pp = vfnmadd(lrd, pp, pp)
#define WD_COEFFS const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled)
#define OB_RULE   static inline __attribute__((always_inline)) void

OB_RULE sgd_body(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1, size_t nvec,
                 const int mode) {
  (void)s0, (void)s1;
  WD_COEFFS;
  const vf lr = vset1(c->lr);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    WD_LOAD(i);
    vstore(p + i, vfnmadd(lr, gg, pp)); /* p -= lr*g */
  }
}

OB_RULE momentum_body(const ob_coeffs *c, float *p, const float *g, float *v, float *s1,
                      size_t nvec, const int mode) {
  (void)s1;
  WD_COEFFS;
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    WD_LOAD(i);
    const vf vv = vfnmadd(lr, gg, vmul(mom, vload(v + i))); /* v = momentum*v - lr*g */
    vstore(v + i, vv);
    vstore(p + i, vadd(pp, vv)); /* p += v */
  }
}

OB_RULE nesterov_body(const ob_coeffs *c, float *p, const float *g, float *v, float *s1,
                      size_t nvec, const int mode) {
  (void)s1;
  WD_COEFFS;
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
  const vf mom_sq = vset1(c->momentum_sq), lr_mom = vset1(c->lr_one_plus_mom);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    WD_LOAD(i);
    vf vv = vmul(vload(v + i), mom); /* v *= momentum */
    vv = vfnmadd(lr, gg, vv);        /* v -= lr*g */
    pp = vfmadd(mom_sq, vv, pp);     /* p += momentum*momentum*v */
    pp = vfnmadd(lr_mom, gg, pp);    /* p -= (1+momentum)*lr*g */
    vstore(v + i, vv);
    vstore(p + i, pp);
  }
}

/* p - lr*g / (sqrt(h) + eps) of AdaGrad and RMSProp, as lr*(g / (sqrt(h) +
 * eps)): the quotient is at most 1/sqrt(1-decay_rate) <= 2^12, so lr*g can
 * neither overflow nor turn subnormal and be divided up (README.md,
 * "Domains"); the scalar order, with FMA one rounding fewer */
static inline vf scaled_step(vf p, vf lr, vf g, vf h, vf eps) {
  return vfnmadd(lr, vdiv(g, vadd(vsqrt(h), eps)), p);
}

OB_RULE adagrad_body(const ob_coeffs *c, float *p, const float *g, float *h, float *s1, size_t nvec,
                     const int mode) {
  (void)s1;
  WD_COEFFS;
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    WD_LOAD(i);
    const vf hh = vfmadd(gg, gg, vload(h + i)); /* h += g*g */
    vstore(h + i, hh);
    vstore(p + i, scaled_step(pp, lr, gg, hh, eps)); /* p -= lr*g/(sqrt(h)+eps) */
  }
}

OB_RULE rmsprop_body(const ob_coeffs *c, float *p, const float *g, float *h, float *s1, size_t nvec,
                     const int mode) {
  (void)s1;
  WD_COEFFS;
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
  const vf d = vset1(c->decay), one_d = vset1(c->one_minus_decay);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    WD_LOAD(i);
    /* h *= decay_rate; h += (1-decay_rate)*g*g */
    const vf hh = vfmadd(vmul(one_d, gg), gg, vmul(vload(h + i), d));
    vstore(h + i, hh);
    vstore(p + i, scaled_step(pp, lr, gg, hh, eps)); /* p -= lr*g/(sqrt(h)+eps) */
  }
}

OB_RULE adam_body(const ob_coeffs *c, float *p, const float *g, float *m, float *v, size_t nvec,
                  const int mode) {
  WD_COEFFS;
  const vf lr_t = vset1(c->lr_t), eps = vset1(c->eps);
  const vf b1 = vset1(c->one_minus_beta1), b2 = vset1(c->one_minus_beta2);
  const vf beta2 = vset1(c->beta2), zero = vset1(0.0f);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    WD_LOAD(i);
    const vf m0 = vload(m + i), v0 = vload(v + i);
    const vf mm = vfmadd(b1, vsub(gg, m0), m0); /* m += (1-beta1)*(g-m) */
    /* v += (1-beta2)*(g*g-v) as beta2*v + (1-beta2)*g*g: no cancellation;
     * + 0*v keeps the book's NaN for an infinite v (inf - inf) */
    const vf vv = vfmadd(zero, v0, vfmadd(vmul(b2, gg), gg, vmul(beta2, v0)));
    vstore(m + i, mm);
    vstore(v + i, vv);
    /* p -= lr_t*m/(sqrt(v)+eps), in this order: m/(sqrt(v)+eps) is unbounded
     * for states that are not a run's own */
    vstore(p + i, vsub(pp, vdiv(vmul(lr_t, mm), vadd(vsqrt(vv), eps))));
  }
}

/* One out-of-line copy per rule and weight-decay mode. */
#define OB_MODE_COPY(name, mode)                                                                   \
  static OB_VECTORS void name##_vectors_##mode(const ob_coeffs *c, float *p, const float *g,       \
                                               float *s0, float *s1, size_t nvec) {                \
    name##_body(c, p, g, s0, s1, nvec, mode);                                                      \
  }
#define OB_ALGO(ID, name, ...)                                                                     \
  OB_MODE_COPY(name, 0)                                                                            \
  OB_MODE_COPY(name, 1)                                                                            \
  OB_MODE_COPY(name, 2)                                                                            \
  OB_MODE_COPY(name, 3)                                                                            \
  static const vectors_fn name##_vectors[OB_WD_MODES] = {name##_vectors_0, name##_vectors_1,       \
                                                         name##_vectors_2, name##_vectors_3};
#include "optbench_algos.def"
#undef OB_ALGO

/* The kernels of the table: each rule's vectors, in the call's weight-decay
 * mode, through run_vectors. */
#define OB_STATE(name, domain) +1
#define OB_ALGO(ID, name, title, states, ...)                                                      \
  static void name##_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,    \
                            size_t n) {                                                            \
    run_vectors(name##_vectors[c->wd_mode], 0 states, c, p, g, s0, s1, n);                         \
  }
#include "optbench_algos.def"
#undef OB_ALGO
#undef OB_STATE

#include "kernel_table.h"
