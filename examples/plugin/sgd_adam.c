/* An outside kernel for `optbench verify --kernel` (optbench.h, "Outside
 * kernels"): SGD and Adam in plain C, written from the textbook's formulas
 * (common/optimizer.py) and golden/FORMAT.md, with no code of optbench's.
 * Build it as a shared object (tests/plugin.cmake does), then
 *
 *   optbench verify --kernel build/examples/plugin/libsgd_adam.so --rule adam
 *
 * It needs optbench.h for the types only and links nothing. Compile with
 * -ffp-contract=off: a fused multiply-add rounds once where the formula
 * rounds twice, which the exact-rounding bound does not allow for.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "optbench.h"

/* A rate in [0, 1), a nonnegative finite value: the hyperparameters'
 * domains (golden/FORMAT.md). */
static int unit(float x) { return x >= 0.0f && x < 1.0f; }
static int nonneg(float x) { return x >= 0.0f && x <= FLT_MAX; }

/* A coefficient computed from the hyperparameters is usable when, rounded
 * to float, it is finite and - unless it is exactly 0 - normal. */
static int usable(double exact, float rounded) {
  return isfinite(rounded) && (exact == 0.0 || fabsf(rounded) >= FLT_MIN);
}

static ob_status sgd(const ob_hparams *hp, float *p, const float *g, size_t n) {
  const float lr = hp->lr, wd = hp->weight_decay;
  const double lrd_exact = (double)hp->lr * hp->decoupled_decay;
  const float lrd = (float)lrd_exact;
  if (!nonneg(lr) || !nonneg(wd) || !nonneg(hp->decoupled_decay) ||
      (hp->decoupled_decay != 0.0f && !usable(lrd_exact, lrd)))
    return OB_EHPARAM;
  for (size_t i = 0; i < n; i++) {
    float gi = g[i], pi = p[i];
    if (wd != 0.0f) /* L2: the rule sees g + lambda*p */
      gi = gi + wd * p[i];
    if (hp->decoupled_decay != 0.0f) /* AdamW's form, before the rule */
      pi = pi - lrd * p[i];
    p[i] = pi - lr * gi; /* W -= lr * grad */
  }
  return OB_OK;
}

static ob_status adam(const ob_hparams *hp, int64_t t, float *p, const float *g, float *m, float *v,
                      size_t n) {
  const float lr = hp->lr, b1 = hp->beta1, b2 = hp->beta2, eps = hp->eps, wd = hp->weight_decay;
  if (!nonneg(lr) || !unit(b1) || !unit(b2) || !nonneg(eps) || !nonneg(wd) ||
      !nonneg(hp->decoupled_decay))
    return OB_EHPARAM;
  if (t < 1)
    return OB_ESTEP;
  /* lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), in double, rounded once */
  const double lr_t_exact = lr * sqrt(1.0 - pow(b2, (double)t)) / (1.0 - pow(b1, (double)t));
  const float lr_t = (float)lr_t_exact;
  const double lrd_exact = (double)lr * hp->decoupled_decay;
  const float lrd = (float)lrd_exact;
  if (!usable(lr_t_exact, lr_t) || (hp->decoupled_decay != 0.0f && !usable(lrd_exact, lrd)))
    return OB_EHPARAM;
  const float one_b1 = (float)(1.0 - b1), one_b2 = (float)(1.0 - b2);
  for (size_t i = 0; i < n; i++) {
    float gi = g[i], pi = p[i];
    if (wd != 0.0f)
      gi = gi + wd * p[i];
    if (hp->decoupled_decay != 0.0f)
      pi = pi - lrd * p[i];
    m[i] = m[i] + one_b1 * (gi - m[i]); /* m += (1 - beta1) * (grad - m) */
    /* v += (1 - beta2) * (grad**2 - v), as beta2*v + (1 - beta2)*grad**2,
     * whose terms are never negative: the book's form cancels when the new
     * v is far below the old. An infinite v gives the book's inf - inf. */
    v[i] = isinf(v[i]) ? NAN : b2 * v[i] + one_b2 * gi * gi;
    p[i] = pi - lr_t * m[i] / (sqrtf(v[i]) + eps); /* W -= lr_t * m / (sqrt(v) + eps) */
  }
  return OB_OK;
}

/* The symbol `optbench verify --kernel` looks for by default
 * (OB_KERNEL_SYMBOL). */
__attribute__((visibility("default"))) ob_status optbench_step(ob_algo algo, const ob_hparams *hp,
                                                               int64_t t, float *p, const float *g,
                                                               float *s0, float *s1, size_t n);
ob_status optbench_step(ob_algo algo, const ob_hparams *hp, int64_t t, float *p, const float *g,
                        float *s0, float *s1, size_t n) {
  if (!hp || (n && (!p || !g)))
    return OB_EINVAL;
  switch (algo) {
  case OB_SGD: return sgd(hp, p, g, n);
  case OB_ADAM: return n && (!s0 || !s1) ? OB_EINVAL : adam(hp, t, p, g, s0, s1, n);
  default: return OB_EINVAL; /* the other rules are not implemented here */
  }
}
