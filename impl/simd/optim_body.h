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

static OB_VECTORS void sgd_vectors(const ob_coeffs *c, float *p, const float *g, float *s0,
                                   float *s1, size_t nvec) {
  (void)s0, (void)s1;
  const vf lr = vset1(c->lr);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL)
    vstore(p + i, vfnmadd(lr, vload(g + i), vload(p + i))); /* p -= lr*g */
}

static OB_VECTORS void momentum_vectors(const ob_coeffs *c, float *p, const float *g, float *v,
                                        float *s1, size_t nvec) {
  (void)s1;
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf vv = vfnmadd(lr, vload(g + i), vmul(mom, vload(v + i))); /* v = momentum*v - lr*g */
    vstore(v + i, vv);
    vstore(p + i, vadd(vload(p + i), vv)); /* p += v */
  }
}

static OB_VECTORS void nesterov_vectors(const ob_coeffs *c, float *p, const float *g, float *v,
                                        float *s1, size_t nvec) {
  (void)s1;
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
  const vf mom_sq = vset1(c->momentum_sq), lr_mom = vset1(c->lr_one_plus_mom);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf gg = vload(g + i);
    vf vv = vmul(vload(v + i), mom);          /* v *= momentum */
    vv = vfnmadd(lr, gg, vv);                 /* v -= lr*g */
    vf pp = vfmadd(mom_sq, vv, vload(p + i)); /* p += momentum*momentum*v */
    pp = vfnmadd(lr_mom, gg, pp);             /* p -= (1+momentum)*lr*g */
    vstore(v + i, vv);
    vstore(p + i, pp);
  }
}

/* p - lr*g / (sqrt(h) + eps), shared by AdaGrad, RMSProp and Adam */
static inline vf scaled_step(vf p, vf lr, vf g, vf h, vf eps) {
  return vsub(p, vdiv(vmul(lr, g), vadd(vsqrt(h), eps)));
}

static OB_VECTORS void adagrad_vectors(const ob_coeffs *c, float *p, const float *g, float *h,
                                       float *s1, size_t nvec) {
  (void)s1;
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf gg = vload(g + i);
    const vf hh = vfmadd(gg, gg, vload(h + i)); /* h += g*g */
    vstore(h + i, hh);
    vstore(p + i, scaled_step(vload(p + i), lr, gg, hh, eps)); /* p -= lr*g/(sqrt(h)+eps) */
  }
}

static OB_VECTORS void rmsprop_vectors(const ob_coeffs *c, float *p, const float *g, float *h,
                                       float *s1, size_t nvec) {
  (void)s1;
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
  const vf d = vset1(c->decay), one_d = vset1(c->one_minus_decay);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf gg = vload(g + i);
    /* h *= decay_rate; h += (1-decay_rate)*g*g */
    const vf hh = vfmadd(vmul(one_d, gg), gg, vmul(vload(h + i), d));
    vstore(h + i, hh);
    vstore(p + i, scaled_step(vload(p + i), lr, gg, hh, eps)); /* p -= lr*g/(sqrt(h)+eps) */
  }
}

static OB_VECTORS void adam_vectors(const ob_coeffs *c, float *p, const float *g, float *m,
                                    float *v, size_t nvec) {
  const vf lr_t = vset1(c->lr_t), eps = vset1(c->eps);
  const vf b1 = vset1(c->one_minus_beta1), b2 = vset1(c->one_minus_beta2);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf gg = vload(g + i), m0 = vload(m + i), v0 = vload(v + i);
    const vf mm = vfmadd(b1, vsub(gg, m0), m0);       /* m += (1-beta1)*(g-m) */
    const vf vv = vfmadd(b2, vfmsub(gg, gg, v0), v0); /* v += (1-beta2)*(g*g-v) */
    vstore(m + i, mm);
    vstore(v + i, vv);
    vstore(p + i, scaled_step(vload(p + i), lr_t, mm, vv, eps)); /* p -= lr_t*m/(sqrt(v)+eps) */
  }
}

/* The kernels of the table: each rule's vectors through run_vectors. */
#define OB_ALGO(ID, name, states, ...)                                                             \
  static void name##_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,    \
                            size_t n) {                                                            \
    run_vectors(name##_vectors, states, c, p, g, s0, s1, n);                                       \
  }
#include "optbench_algos.def"
#undef OB_ALGO

#include "kernel_table.h"
