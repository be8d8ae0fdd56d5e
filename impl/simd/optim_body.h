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
                           float *s2, size_t nvec);

static void run_vectors(vectors_fn f, int states, const ob_coeffs *c, float *p, const float *g,
                        float *s0, float *s1, float *s2, size_t n) {
  const size_t body = n / OB_VL * OB_VL, w = n - body;
  f(c, p, g, s0, s1, s2, body / OB_VL);
  if (w == 0)
    return;
  /* unused lanes hold p = 0, g = 1 and states 0: harmless in every rule
   * with eps = 0 too, so the tail raises no floating-point flag the data
   * would not. g = 1 with p = 0 keeps d = +-1 whatever the weight decay; a
   * sum, square average or moment starts at 0 and becomes a positive
   * multiple of 1, and centered RMSprop's square_avg - grad_avg^2 is
   * alpha*(1-alpha) > 0 (with alpha = 0 every element's is 0: the data's
   * own division by eps = 0). (States of 1 made that variance 0 at every
   * alpha.) A state the call leaves unused (NULL, kernel.h) is neither
   * read nor written. */
  _Alignas(64) float buf[2 + OB_MAX_STATES][OB_VL];
  float *const arr[2 + OB_MAX_STATES] = {p, (float *)g, s0, s1, s2};
  for (int a = 0; a < 2 + OB_MAX_STATES; a++)
    vstore(buf[a], vset1(a == 1 ? 1.0f : 0.0f));
  for (int a = 0; a < 2 + states; a++)
    if (arr[a])
      vstore_part(buf[a], vload_part(arr[a] + body, w), w);
  f(c, buf[0], buf[1], buf[2], buf[3], buf[4], 1);
  for (int a = 0; a < 2 + states; a++)
    if (a != 1 && arr[a]) /* g is read-only */
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
                               float *s2, size_t nvec, const int mode) {
  (void)s0, (void)s1, (void)s2;
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), gg = wd_grad(mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    vstore(p + i, vfnmadd(lr, gg, pp)); /* p -= lr*g */
  }
}

static OB_INLINE void momentum_body(const ob_coeffs *c, float *p, const float *g, float *v,
                                    float *s1, float *s2, size_t nvec, const int mode) {
  (void)s1, (void)s2;
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
                                    float *s1, float *s2, size_t nvec, const int mode) {
  (void)s1, (void)s2;
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
                                   float *s1, float *s2, size_t nvec, const int mode) {
  (void)s1, (void)s2;
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
                                   float *s1, float *s2, size_t nvec, const int mode) {
  (void)s1, (void)s2;
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
                                float *s2, size_t nvec, const int mode) {
  (void)s2;
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

/* ---- The torch.optim rules (convention TORCH) ---------------------------
 * scalar/optim.c's statements, vector by vector; an option that decides
 * whether a state is touched selects a loop compiled for it (`o` a
 * constant), so an unused state (NULL) is never read. */

/* torch's d: maximize's sign (exact), then the L2 term */
static OB_INLINE vf torch_grad(int maximize, int mode, vf wd, vf g, vf p) {
  return wd_grad(mode, wd, maximize ? vneg(g) : g, p);
}

static OB_INLINE void torch_sgd_loop(const ob_coeffs *c, float *p, const float *g, float *buf,
                                     size_t nvec, const int mode, const unsigned o) {
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr), mom = vset1(c->momentum), omd = vset1(c->one_minus_dampening);
  const int maxi = (c->options & OB_OPT_MAXIMIZE) != 0;
  const int first = (c->options & OB_OPT_FIRST) != 0,
            nesterov = (c->options & OB_OPT_NESTEROV) != 0;
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), d = torch_grad(maxi, mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    vf step = d;
    if (o & OB_OPT_MOMENTUM) {
      /* buf = d at the first step, else momentum*buf + (1-dampening)*d */
      const vf b = first ? d : vfmadd(omd, d, vmul(mom, vload(buf + i)));
      vstore(buf + i, b);
      step = nesterov ? vfmadd(mom, b, d) : b; /* d + momentum*buf */
    }
    vstore(p + i, vfnmadd(lr, step, pp)); /* p -= lr*d */
  }
}

static OB_INLINE void torch_sgd_body(const ob_coeffs *c, float *p, const float *g, float *buf,
                                     float *s1, float *s2, size_t nvec, const int mode) {
  (void)s1, (void)s2;
  if (c->options & OB_OPT_MOMENTUM)
    torch_sgd_loop(c, p, g, buf, nvec, mode, OB_OPT_MOMENTUM);
  else
    torch_sgd_loop(c, p, g, NULL, nvec, mode, 0);
}

static OB_INLINE void torch_adam_loop(const ob_coeffs *c, float *p, const float *g, float *m,
                                      float *v, float *vmax, size_t nvec, const int mode,
                                      const unsigned o) {
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf b1 = vset1(c->one_minus_beta1), b2 = vset1(c->one_minus_beta2);
  const vf beta2 = vset1(c->beta2), eps = vset1(c->eps);
  const vf step_size = vset1(c->step_size), inv_bc2 = vset1(c->inv_bc2_sqrt);
  const int maxi = (c->options & OB_OPT_MAXIMIZE) != 0;
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), d = torch_grad(maxi, mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    const vf m0 = vload(m + i);
    const vf mm = vfmadd(b1, vsub(d, m0), m0);                       /* exp_avg.lerp_(d, 1-beta1) */
    const vf vv = vfmadd(vmul(b2, d), d, vmul(beta2, vload(v + i))); /* beta2*v + (1-beta2)*d*d */
    vstore(m + i, mm);
    vstore(v + i, vv);
    vf vh = vv;
    if (o & OB_OPT_AMSGRAD) {
      vh = vmax_nan(vload(vmax + i), vv); /* torch.maximum(max_exp_avg_sq, exp_avg_sq) */
      vstore(vmax + i, vh);
    }
    /* denom = sqrt(v)*(1/sqrt(1-beta2^t)) + eps; p -= (step_size*m)/denom */
    const vf denom = vfmadd(vsqrt(vh), inv_bc2, eps);
    vstore(p + i, vsub(pp, vdiv(vmul(step_size, mm), denom)));
  }
}

static OB_INLINE void torch_adam_body(const ob_coeffs *c, float *p, const float *g, float *m,
                                      float *v, float *vmax, size_t nvec, const int mode) {
  if (c->options & OB_OPT_AMSGRAD)
    torch_adam_loop(c, p, g, m, v, vmax, nvec, mode, OB_OPT_AMSGRAD);
  else
    torch_adam_loop(c, p, g, m, v, NULL, nvec, mode, 0);
}

/* AdamW is torch_adam with the decoupled term (the call's weight-decay mode) */
static OB_INLINE void torch_adamw_body(const ob_coeffs *c, float *p, const float *g, float *m,
                                       float *v, float *vmax, size_t nvec, const int mode) {
  torch_adam_body(c, p, g, m, v, vmax, nvec, mode);
}

static OB_INLINE void torch_adagrad_body(const ob_coeffs *c, float *p, const float *g, float *sum,
                                         float *s1, float *s2, size_t nvec, const int mode) {
  (void)s1, (void)s2;
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf clr = vset1(c->clr), eps = vset1(c->eps);
  const int maxi = (c->options & OB_OPT_MAXIMIZE) != 0;
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), d = torch_grad(maxi, mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    const vf ss = vfmadd(d, d, vload(sum + i)); /* sum += d*d */
    vstore(sum + i, ss);
    vstore(p + i, scaled_step(pp, clr, d, ss, eps)); /* p -= clr*d/(sqrt(sum)+eps) */
  }
}

static OB_INLINE void torch_rmsprop_loop(const ob_coeffs *c, float *p, const float *g, float *sq,
                                         float *buf, float *ga, size_t nvec, const int mode,
                                         const unsigned o) {
  const vf wd = vset1(c->weight_decay), lrd = vset1(c->lr_decoupled);
  const vf lr = vset1(c->lr), eps = vset1(c->eps), mom = vset1(c->momentum);
  const vf alpha = vset1(c->decay), one_a = vset1(c->one_minus_decay);
  const int maxi = (c->options & OB_OPT_MAXIMIZE) != 0;
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL) {
    const vf p0 = vload(p + i), d = torch_grad(maxi, mode, wd, vload(g + i), p0);
    const vf pp = wd_param(mode, lrd, p0);
    const vf ss =
        vfmadd(vmul(one_a, d), d, vmul(alpha, vload(sq + i))); /* alpha*sq + (1-alpha)*d*d */
    vstore(sq + i, ss);
    vf a2 = ss;
    if (o & OB_OPT_CENTERED) {
      const vf g0 = vload(ga + i),
               gg = vfmadd(one_a, vsub(d, g0), g0); /* grad_avg.lerp_(d, 1-alpha) */
      vstore(ga + i, gg);
      a2 = vfnmadd(gg, gg, ss); /* square_avg - grad_avg^2 */
    }
    const vf avg = vadd(vsqrt(a2), eps);
    if (o & OB_OPT_MOMENTUM) {
      const vf b = vadd(vmul(mom, vload(buf + i)), vdiv(d, avg)); /* momentum*buf + d/avg */
      vstore(buf + i, b);
      vstore(p + i, vfnmadd(lr, b, pp)); /* p -= lr*buf */
    } else {
      vstore(p + i, vfnmadd(lr, vdiv(d, avg), pp)); /* p -= lr*(d/avg) */
    }
  }
}

static OB_INLINE void torch_rmsprop_body(const ob_coeffs *c, float *p, const float *g, float *sq,
                                         float *buf, float *ga, size_t nvec, const int mode) {
  const unsigned M = OB_OPT_MOMENTUM, C = OB_OPT_CENTERED;
  switch (c->options & (M | C)) {
  case 0: torch_rmsprop_loop(c, p, g, sq, NULL, NULL, nvec, mode, 0); break;
  case OB_OPT_MOMENTUM: torch_rmsprop_loop(c, p, g, sq, buf, NULL, nvec, mode, M); break;
  case OB_OPT_CENTERED: torch_rmsprop_loop(c, p, g, sq, NULL, ga, nvec, mode, C); break;
  default: torch_rmsprop_loop(c, p, g, sq, buf, ga, nvec, mode, M | C); break;
  }
}

/* One out-of-line copy per rule and weight-decay mode, <rule>_<isa>_<mode>
 * (adam_avx512_l2): the body with its mode a constant. */
#define OB_MODE_COPY(name, suffix, mode)                                                           \
  static OB_VECTORS void OB_ISA_FN_MODE(name, suffix)(const ob_coeffs *c, float *p,                \
                                                      const float *g, float *s0, float *s1,        \
                                                      float *s2, size_t nvec) {                    \
    name##_body(c, p, g, s0, s1, s2, nvec, mode);                                                  \
  }
#define OB_MODE_ENTRY(name, suffix, mode) [mode] = OB_ISA_FN_MODE(name, suffix),
#define OB_ALGO(ID, name, ...)                                                                     \
  OB_WD_MODE_LIST(OB_MODE_COPY, name)                                                              \
  static const vectors_fn name##_vectors[OB_WD_MODES] = {OB_WD_MODE_LIST(OB_MODE_ENTRY, name)};
#include "optbench_algos.def"
#undef OB_ALGO

/* The kernels of the table, <rule>_<isa>: each rule's copy for the call's
 * weight-decay mode, through run_vectors. */
#define OB_STATE(name, domain)             +1
#define OB_STATE_IF(name, domain, field)   +1
#define OB_STATE_INIT(name, domain, field) +1
#define OB_ALGO(ID, name, title, states, ...)                                                      \
  static void OB_ISA_FN(name)(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,  \
                              float *s2, size_t n) {                                               \
    run_vectors(name##_vectors[c->wd_mode], 0 states, c, p, g, s0, s1, s2, n);                     \
  }
#include "optbench_algos.def"
#undef OB_ALGO
#undef OB_STATE
#undef OB_STATE_IF
#undef OB_STATE_INIT

#include "kernel_table.h"
