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
                               float *restrict s0, float *restrict s1, float *restrict s2, size_t n,
                               const int mode) {
  (void)s0, (void)s1, (void)s2;
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float gi = wd_grad(mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    p[i] = pi - lr * gi; /* p -= lr*g */
  }
}

static OB_INLINE void momentum_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                    float *restrict v, float *restrict s1, float *restrict s2,
                                    size_t n, const int mode) {
  (void)s1, (void)s2;
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
                                    float *restrict v, float *restrict s1, float *restrict s2,
                                    size_t n, const int mode) {
  (void)s1, (void)s2;
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
                                   float *restrict h, float *restrict s1, float *restrict s2,
                                   size_t n, const int mode) {
  (void)s1, (void)s2;
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
                                   float *restrict h, float *restrict s1, float *restrict s2,
                                   size_t n, const int mode) {
  (void)s1, (void)s2;
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
                                float *restrict m, float *restrict v, float *restrict s2, size_t n,
                                const int mode) {
  (void)s2;
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

/* ---- The torch.optim rules (convention TORCH) ---------------------------
 * As torch/optim/<rule>.py writes them (foreach=False), each statement rounding
 * as torch's: d = (maximize ? -g : g) + weight_decay*p; lerp_(x, w) is
 * s + w*(x - s), addcmul_(a, b, value=w) s + w*a*b, addcdiv_(a, b,
 * value=-w) s - w*(a/b). The options are the call's (ob_coeffs.options).
 * An option that decides whether a state array is touched at all selects
 * a loop compiled for it (the rule's _loop with `o` a constant), so an
 * unused state - which may be NULL - is never read, not even by a
 * vectorised loop's speculative load; the others are selects of values. */

/* torch's d: maximize's sign (exact), then the L2 term */
static OB_INLINE float torch_grad(unsigned o, int mode, float wd, float g, float p) {
  return wd_grad(mode, wd, (o & OB_OPT_MAXIMIZE) ? -g : g, p);
}

static OB_INLINE void torch_sgd_loop(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                     float *restrict buf, size_t n, const int mode,
                                     const unsigned o) {
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr, mom = c->momentum, omd = c->one_minus_dampening;
  const int first = (c->options & OB_OPT_FIRST) != 0,
            nesterov = (c->options & OB_OPT_NESTEROV) != 0;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float d = torch_grad(o, mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    float step = d;
    if (o & OB_OPT_MOMENTUM) {
      /* buf = d at the first step, else buf.mul_(momentum).add_(d, alpha=1-dampening) */
      const float b = first ? d : mom * buf[i] + omd * d;
      buf[i] = b;
      step = nesterov ? d + mom * b : b; /* d.add(buf, alpha=momentum) */
    }
    p[i] = pi - lr * step; /* p.add_(d, alpha=-lr) */
  }
}

static OB_INLINE void torch_sgd_rule(const ob_coeffs *c, float *restrict p, const float *restrict g,
                                     float *restrict buf, float *restrict s1, float *restrict s2,
                                     size_t n, const int mode) {
  (void)s1, (void)s2;
  const unsigned o = c->options & OB_OPT_MAXIMIZE;
  if (c->options & OB_OPT_MOMENTUM)
    torch_sgd_loop(c, p, g, buf, n, mode, o | OB_OPT_MOMENTUM);
  else
    torch_sgd_loop(c, p, g, NULL, n, mode, o);
}

/* torch.maximum(a, b) as torch's vectorised CPU kernel computes it: NaN if
 * either is (a + b keeps the first NaN, as the vector code does), else a if
 * a > b, else b - on a tie (+0 and -0) the second, maxps's rule */
static OB_INLINE float torch_max(float a, float b) {
  return (a != a || b != b) ? a + b : (a > b ? a : b);
}

static OB_INLINE void torch_adam_loop(const ob_coeffs *c, float *restrict p,
                                      const float *restrict g, float *restrict m, float *restrict v,
                                      float *restrict vmax, size_t n, const int mode,
                                      const unsigned o) {
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float b1 = c->one_minus_beta1, beta2 = c->beta2, b2 = c->one_minus_beta2;
  const float step_size = c->step_size, inv_bc2 = c->inv_bc2_sqrt, eps = c->eps;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float d = torch_grad(o, mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    m[i] += b1 * (d - m[i]);          /* exp_avg.lerp_(d, 1-beta1) */
    v[i] = beta2 * v[i] + b2 * d * d; /* exp_avg_sq.mul_(beta2).addcmul_(d, d, value=1-beta2) */
    float vh = v[i];
    if (o & OB_OPT_AMSGRAD)
      vh = vmax[i] = torch_max(vmax[i], v[i]); /* torch.maximum(max_exp_avg_sq, exp_avg_sq) */
    /* denom = sqrt(v)/sqrt(1-beta2^t) + eps, the division a product with the
     * reciprocal (rounded once); then p -= step_size*exp_avg/denom in the
     * book Adam's order: (step_size*m)/denom cannot overflow where the
     * result does not (DESIGN.md 6.1) */
    const float denom = sqrtf(vh) * inv_bc2 + eps;
    p[i] = pi - step_size * m[i] / denom;
  }
}

static OB_INLINE void torch_adam_rule(const ob_coeffs *c, float *restrict p,
                                      const float *restrict g, float *restrict m, float *restrict v,
                                      float *restrict vmax, size_t n, const int mode) {
  const unsigned o = c->options & OB_OPT_MAXIMIZE;
  if (c->options & OB_OPT_AMSGRAD)
    torch_adam_loop(c, p, g, m, v, vmax, n, mode, o | OB_OPT_AMSGRAD);
  else
    torch_adam_loop(c, p, g, m, v, NULL, n, mode, o);
}

/* AdamW is torch_adam with the decoupled term (the call's weight-decay mode) */
static OB_INLINE void torch_adamw_rule(const ob_coeffs *c, float *restrict p,
                                       const float *restrict g, float *restrict m,
                                       float *restrict v, float *restrict vmax, size_t n,
                                       const int mode) {
  torch_adam_rule(c, p, g, m, v, vmax, n, mode);
}

static OB_INLINE void torch_adagrad_rule(const ob_coeffs *c, float *restrict p,
                                         const float *restrict g, float *restrict sum,
                                         float *restrict s1, float *restrict s2, size_t n,
                                         const int mode) {
  (void)s1, (void)s2;
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float clr = c->clr, eps = c->eps;
  const unsigned o = c->options;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float d = torch_grad(o, mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    sum[i] += d * d;                               /* state_sum.addcmul_(d, d, value=1) */
    p[i] = pi - clr * (d / (sqrtf(sum[i]) + eps)); /* p.addcdiv_(d, std, value=-clr) */
  }
}

static OB_INLINE void torch_rmsprop_loop(const ob_coeffs *c, float *restrict p,
                                         const float *restrict g, float *restrict sq,
                                         float *restrict buf, float *restrict ga, size_t n,
                                         const int mode, const unsigned o) {
  const float wd = c->weight_decay, lrd = c->lr_decoupled;
  const float lr = c->lr, eps = c->eps, alpha = c->decay, one_a = c->one_minus_decay;
  const float mom = c->momentum;
  OB_LOOP
  for (size_t i = 0; i < n; i++) {
    const float d = torch_grad(o, mode, wd, g[i], p[i]), pi = wd_param(mode, lrd, p[i]);
    sq[i] =
        alpha * sq[i] + one_a * d * d; /* square_avg.mul_(alpha).addcmul_(d, d, value=1-alpha) */
    float a2 = sq[i];
    if (o & OB_OPT_CENTERED) {
      ga[i] += one_a * (d - ga[i]); /* grad_avg.lerp_(d, 1-alpha) */
      a2 = sq[i] - ga[i] * ga[i];   /* square_avg.addcmul(grad_avg, grad_avg, value=-1) */
    }
    const float avg = sqrtf(a2) + eps;
    if (o & OB_OPT_MOMENTUM) {
      buf[i] = mom * buf[i] + d / avg; /* buf.mul_(momentum).addcdiv_(d, avg) */
      p[i] = pi - lr * buf[i];         /* p.add_(buf, alpha=-lr) */
    } else {
      p[i] = pi - lr * (d / avg); /* p.addcdiv_(d, avg, value=-lr) */
    }
  }
}

static OB_INLINE void torch_rmsprop_rule(const ob_coeffs *c, float *restrict p,
                                         const float *restrict g, float *restrict sq,
                                         float *restrict buf, float *restrict ga, size_t n,
                                         const int mode) {
  const unsigned o = c->options & OB_OPT_MAXIMIZE, M = OB_OPT_MOMENTUM, C = OB_OPT_CENTERED;
  switch (c->options & (M | C)) {
  case 0: torch_rmsprop_loop(c, p, g, sq, NULL, NULL, n, mode, o); break;
  case OB_OPT_MOMENTUM: torch_rmsprop_loop(c, p, g, sq, buf, NULL, n, mode, o | M); break;
  case OB_OPT_CENTERED: torch_rmsprop_loop(c, p, g, sq, NULL, ga, n, mode, o | C); break;
  default: torch_rmsprop_loop(c, p, g, sq, buf, ga, n, mode, o | M | C); break;
  }
}

/* One out-of-line copy per rule and weight-decay mode, <rule>_<isa>_<mode>
 * (adam_scalar_l2): the rule with its mode a constant. */
#define OB_MODE_COPY(name, suffix, mode)                                                           \
  static __attribute__((noinline)) void OB_ISA_FN_MODE(name, suffix)(                              \
      const ob_coeffs *c, float *p, const float *g, float *s0, float *s1, float *s2, size_t n) {   \
    name##_rule(c, p, g, s0, s1, s2, n, mode);                                                     \
  }
#define OB_MODE_ENTRY(name, suffix, mode) [mode] = OB_ISA_FN_MODE(name, suffix),
/* The kernels of the table, <rule>_<isa>: the copy for the call's mode. */
#define OB_ALGO(ID, name, ...)                                                                     \
  OB_WD_MODE_LIST(OB_MODE_COPY, name)                                                              \
  static void OB_ISA_FN(name)(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,  \
                              float *s2, size_t n) {                                               \
    static const ob_kernel_fn modes[OB_WD_MODES] = {OB_WD_MODE_LIST(OB_MODE_ENTRY, name)};         \
    modes[c->wd_mode](c, p, g, s0, s1, s2, n);                                                     \
  }
#include "optbench_algos.def"
#undef OB_ALGO

#include "kernel_table.h"
