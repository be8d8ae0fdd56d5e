/* The update rules written once against the vector helpers of one
 * instruction set (vec.h in that ISA's folder: vf, OB_VL, vset1, vload,
 * vstore, vload_part, vstore_part, vadd, vsub, vmul, vdiv, vsqrt, vfmadd,
 * vfnmadd, vfmsub).
 *
 * Each rule's arithmetic, in each weight-decay mode, exists in exactly one
 * compiled copy (<rule>_<isa>_<mode>): a function over whole vectors, kept
 * out of line and never cloned (OB_VECTORS). The tail (n % OB_VL
 * elements) is staged into full-width buffers and run through that same
 * function, so every element - in the body, in the tail, in any +omp chunk -
 * goes through the same instructions with the same operand order and gives
 * the same bits, NaN payloads included. (Two inlined copies may order the
 * operands of an add differently, and x86 keeps the first operand's NaN.)
 *
 * Without FMA (sse2) vfmadd(a, b, c) is a*b + c rounded twice, which is the
 * textbook order of the scalar reference: sse2 equals scalar bitwise. */

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
 * both from the input p. mode is a constant in each compiled copy, so the
 * untaken term costs nothing. */
static OB_INLINE vf wd_grad(int mode, vf wd, vf g, vf p) {
  return (mode & OB_WD_L2) ? vfmadd(wd, p, g) : g;
}
static OB_INLINE vf wd_param(int mode, vf lrd, vf p) {
  return (mode & OB_WD_DECOUPLED) ? vfnmadd(lrd, p, p) : p;
}

static OB_INLINE void sgd_body(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                               size_t nvec, const int mode) {
  (void)s0, (void)s1;
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), gg = wd_grad(mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    vstore(p + i, vfnmadd(lr, gg, pp)); /* p -= lr*g */
  }
}

static OB_INLINE void momentum_body(const ob_coeffs *c, float *p, const float *g, float *v,
                                    float *s1, size_t nvec, const int mode) {
  (void)s1;
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), gg = wd_grad(mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    const vf vv = vfnmadd(lr, gg, vmul(mom, vload(v + i))); /* v = momentum*v - lr*g */
    vstore(v + i, vv);
    vstore(p + i, vadd(pp, vv)); /* p += v */
  }
}

static OB_INLINE void nesterov_body(const ob_coeffs *c, float *p, const float *g, float *v,
                                    float *s1, size_t nvec, const int mode) {
  (void)s1;
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
  const vf mom_sq = vset1(c->momentum_sq), lr_mom = vset1(c->lr_one_plus_mom);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), gg = wd_grad(mode, wd, vload(g + i), p0);
    vf pp = wd_param(mode, lrd, p0);
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
 * neither overflow nor turn subnormal and be divided up (DESIGN.md
 * 6.1); the scalar order, with FMA one rounding fewer */
static inline vf scaled_step(vf p, vf lr, vf g, vf h, vf eps) {
  return vfnmadd(lr, vdiv(g, vadd(vsqrt(h), eps)), p);
}

static OB_INLINE void adagrad_body(const ob_coeffs *c, float *p, const float *g, float *h,
                                   float *s1, size_t nvec, const int mode) {
  (void)s1;
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), gg = wd_grad(mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    const vf hh = vfmadd(gg, gg, vload(h + i)); /* h += g*g */
    vstore(h + i, hh);
    vstore(p + i, scaled_step(pp, lr, gg, hh, eps)); /* p -= lr*g/(sqrt(h)+eps) */
  }
}

static OB_INLINE void rmsprop_body(const ob_coeffs *c, float *p, const float *g, float *h,
                                   float *s1, size_t nvec, const int mode) {
  (void)s1;
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
  const vf d = vset1(c->decay), one_d = vset1(c->one_minus_decay);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), gg = wd_grad(mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    /* h *= decay_rate; h += (1-decay_rate)*g*g */
    const vf hh = vfmadd(vmul(one_d, gg), gg, vmul(vload(h + i), d));
    vstore(h + i, hh);
    vstore(p + i, scaled_step(pp, lr, gg, hh, eps)); /* p -= lr*g/(sqrt(h)+eps) */
  }
}

static OB_INLINE void adam_body(const ob_coeffs *c, float *p, const float *g, float *m, float *v,
                                size_t nvec, const int mode) {
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr_t = vset1(c->lr_t), eps = vset1(c->eps);
  const vf b1 = vset1(c->one_minus_beta1), b2 = vset1(c->one_minus_beta2);
  const vf beta2 = vset1(c->beta2), zero = vset1(0.0f);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), gg = wd_grad(mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
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

/* One out-of-line copy per rule and weight-decay mode, <rule>_<isa>_<mode>
 * (adam_avx512_l2): the body with its mode a constant. */
#define OB_MODE_COPY(name, suffix, mode)                                                           \
  static OB_VECTORS void OB_ISA_FN_MODE(name, suffix)(                                             \
      const ob_coeffs *c, float *p, const float *g, float *s0, float *s1, size_t nvec) {           \
    name##_body(c, p, g, s0, s1, nvec, mode);                                                      \
  }
#define OB_MODE_ENTRY(name, suffix, mode) [mode] = OB_ISA_FN_MODE(name, suffix),
#define OB_ALGO(ID, name, ...)                                                                     \
  OB_WD_MODE_LIST(OB_MODE_COPY, name)                                                              \
  static const vectors_fn name##_vectors[OB_WD_MODES] = {OB_WD_MODE_LIST(OB_MODE_ENTRY, name)};
#include "optbench_algos.def"
#undef OB_ALGO

/* The kernels of the table, <rule>_<isa>: each rule's copy for the call's
 * weight-decay mode, through run_vectors. */
#define OB_STATE(name, domain) +1
#define OB_ALGO(ID, name, title, states, ...)                                                      \
  static void OB_ISA_FN(name)(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,  \
                              size_t n) {                                                          \
    run_vectors(name##_vectors[c->wd_mode], 0 states, c, p, g, s0, s1, n);                         \
  }
#include "optbench_algos.def"
#undef OB_ALGO
#undef OB_STATE

#include "kernel_table.h"
