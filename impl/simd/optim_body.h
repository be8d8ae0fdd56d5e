/* The update rules written once against the vector helpers of one
 * instruction set (vec.h in that ISA's folder: vf, OB_VL, vset1, vload,
 * vstore, vadd, vsub, vmul, vdiv, vsqrt, vfmadd, vfnmadd, vfmsub).
 *
 * Each rule is a block function on up to OB_VL elements: the main loop calls
 * it with w == OB_VL (full vectors), the tail once with w < OB_VL (masked or
 * staged loads that touch nothing past n). The same instructions compute
 * every element, wherever it falls, so any chunking gives the same bits.
 *
 * Without FMA (sse2) vfmadd(a, b, c) is a*b + c rounded twice, which is the
 * textbook order of the scalar reference: sse2 equals scalar bitwise. */

#define OB_FOR_BLOCKS(n, i, BLOCK)                                                                 \
  do {                                                                                             \
    size_t i = 0;                                                                                  \
    for (; i + OB_VL <= (n); i += OB_VL)                                                           \
      BLOCK(OB_VL);                                                                                \
    if (i < (n))                                                                                   \
      BLOCK((n)-i);                                                                                \
  } while (0)

static OB_INLINE void sgd_block(vf lr, float *p, const float *g, size_t w) {
  vstore(p, vfnmadd(lr, vload(g, w), vload(p, w)), w); /* p -= lr*g */
}

static void sgd_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                       size_t n) {
  (void)s0, (void)s1;
  const vf lr = vset1(c->lr);
#define BLOCK(w) sgd_block(lr, p + i, g + i, w)
  OB_FOR_BLOCKS(n, i, BLOCK);
#undef BLOCK
}

static OB_INLINE void momentum_block(vf lr, vf mom, float *p, const float *g, float *v, size_t w) {
  const vf vv = vfnmadd(lr, vload(g, w), vmul(mom, vload(v, w))); /* v = momentum*v - lr*g */
  vstore(v, vv, w);
  vstore(p, vadd(vload(p, w), vv), w); /* p += v */
}

static void momentum_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                            size_t n) {
  (void)s1;
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
#define BLOCK(w) momentum_block(lr, mom, p + i, g + i, s0 + i, w)
  OB_FOR_BLOCKS(n, i, BLOCK);
#undef BLOCK
}

static OB_INLINE void nesterov_block(vf lr, vf mom, vf mom_sq, vf lr_mom, float *p, const float *g,
                                     float *v, size_t w) {
  const vf gg = vload(g, w);
  vf vv = vmul(vload(v, w), mom);          /* v *= momentum */
  vv = vfnmadd(lr, gg, vv);                /* v -= lr*g */
  vf pp = vfmadd(mom_sq, vv, vload(p, w)); /* p += momentum*momentum*v */
  pp = vfnmadd(lr_mom, gg, pp);            /* p -= (1+momentum)*lr*g */
  vstore(v, vv, w);
  vstore(p, pp, w);
}

static void nesterov_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                            size_t n) {
  (void)s1;
  const vf lr = vset1(c->lr), mom = vset1(c->momentum);
  const vf mom_sq = vset1(c->momentum_sq), lr_mom = vset1(c->lr_one_plus_mom);
#define BLOCK(w) nesterov_block(lr, mom, mom_sq, lr_mom, p + i, g + i, s0 + i, w)
  OB_FOR_BLOCKS(n, i, BLOCK);
#undef BLOCK
}

/* p -= lr*g / (sqrt(h) + eps), shared by AdaGrad and RMSProp */
static OB_INLINE vf scaled_step(vf p, vf lr, vf g, vf h, vf eps) {
  return vsub(p, vdiv(vmul(lr, g), vadd(vsqrt(h), eps)));
}

static OB_INLINE void adagrad_block(vf lr, vf eps, float *p, const float *g, float *h, size_t w) {
  const vf gg = vload(g, w);
  const vf hh = vfmadd(gg, gg, vload(h, w)); /* h += g*g */
  vstore(h, hh, w);
  vstore(p, scaled_step(vload(p, w), lr, gg, hh, eps), w);
}

static void adagrad_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                           size_t n) {
  (void)s1;
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
#define BLOCK(w) adagrad_block(lr, eps, p + i, g + i, s0 + i, w)
  OB_FOR_BLOCKS(n, i, BLOCK);
#undef BLOCK
}

static OB_INLINE void rmsprop_block(vf lr, vf eps, vf d, vf one_d, float *p, const float *g,
                                    float *h, size_t w) {
  const vf gg = vload(g, w);
  /* h *= decay_rate; h += (1-decay_rate)*g*g */
  const vf hh = vfmadd(vmul(one_d, gg), gg, vmul(vload(h, w), d));
  vstore(h, hh, w);
  vstore(p, scaled_step(vload(p, w), lr, gg, hh, eps), w);
}

static void rmsprop_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                           size_t n) {
  (void)s1;
  const vf lr = vset1(c->lr), eps = vset1(c->eps);
  const vf d = vset1(c->decay), one_d = vset1(c->one_minus_decay);
#define BLOCK(w) rmsprop_block(lr, eps, d, one_d, p + i, g + i, s0 + i, w)
  OB_FOR_BLOCKS(n, i, BLOCK);
#undef BLOCK
}

static OB_INLINE void adam_block(vf lr_t, vf eps, vf b1, vf b2, float *p, const float *g, float *m,
                                 float *v, size_t w) {
  const vf gg = vload(g, w), mm0 = vload(m, w), vv0 = vload(v, w);
  const vf mm = vfmadd(b1, vsub(gg, mm0), mm0);       /* m += (1-beta1)*(g-m) */
  const vf vv = vfmadd(b2, vfmsub(gg, gg, vv0), vv0); /* v += (1-beta2)*(g*g-v) */
  vstore(m, mm, w);
  vstore(v, vv, w);
  vstore(p, scaled_step(vload(p, w), lr_t, mm, vv, eps), w); /* p -= lr_t*m/(sqrt(v)+eps) */
}

static void adam_kernel(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                        size_t n) {
  const vf lr_t = vset1(c->lr_t), eps = vset1(c->eps);
  const vf b1 = vset1(c->one_minus_beta1), b2 = vset1(c->one_minus_beta2);
#define BLOCK(w) adam_block(lr_t, eps, b1, b2, p + i, g + i, s0 + i, s1 + i, w)
  OB_FOR_BLOCKS(n, i, BLOCK);
#undef BLOCK
}

#include "kernel_table.h"
