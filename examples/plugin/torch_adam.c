/* An outside kernel of the PyTorch convention for `optbench verify --kernel`
 * (optbench.h, "Outside kernels"): torch.optim.Adam and AdamW with every
 * option (amsgrad, maximize, weight_decay), in plain C, written from
 * torch.optim's documented algorithm (torch/optim/adam.py, foreach=False)
 * and golden/FORMAT.md, with no code of optbench's. It has the states form
 * (ob_step_states_fn, OB_KERNEL_STATES_SYMBOL): with amsgrad Adam keeps a
 * third state, max_exp_avg_sq, which the pair form cannot pass. Build it as
 * a shared object (tests/plugin.cmake does), then
 *
 *   optbench verify --kernel build/examples/plugin/libtorch_adam.so \
 *                   --rule adam --convention torch
 *
 * (--rule adamw for AdamW). It needs optbench.h for the types only and
 * links nothing but libm. Compile with -ffp-contract=off: a fused
 * multiply-add rounds once where the formula rounds twice, which the
 * exact-rounding bound does not allow for.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "optbench.h"

/* A field of *hp, 0 past hp->size: a caller built before the field existed
 * leaves the option off (optbench.h, "Hyperparameters and the ABI"). */
static float field(const ob_hparams *hp, size_t offset) {
  float x = 0.0f;
  if (offset + sizeof x <= hp->size)
    memcpy(&x, (const char *)hp + offset, sizeof x);
  return x;
}
#define FIELD(hp, name) field(hp, offsetof(ob_hparams, name))

/* The hyperparameters' domains (golden/FORMAT.md): a rate in [0, 1), a
 * nonnegative finite value, an option exactly 0 or 1. */
static int unit(float x) { return x >= 0.0f && x < 1.0f; }
static int nonneg(float x) { return x >= 0.0f && x <= FLT_MAX; }
static int flag(float x) { return x == 0.0f || x == 1.0f; }

/* A coefficient computed from the hyperparameters is usable when, rounded
 * to float, it is finite and - unless it is exactly 0 - normal. */
static int usable(double exact, float rounded) {
  return isfinite(rounded) && (exact == 0.0 || fabsf(rounded) >= FLT_MIN);
}

/* torch.maximum: NaN if either is NaN; on a tie, the second (the new
 * exp_avg_sq), as torch's vectorised CPU kernel gives it. */
static float maximum(float old, float v) {
  if (isnan(old) || isnan(v))
    return isnan(old) ? old : v;
  return old > v ? old : v;
}

/* One step of Adam as torch documents it, AdamW's decoupled decay included:
 *   p = p - lr*decoupled_decay*p           (AdamW; from the input p)
 *   d = (maximize ? -g : g) + weight_decay*p
 *   exp_avg = exp_avg + (1-beta1)*(d - exp_avg)          (lerp)
 *   exp_avg_sq = beta2*exp_avg_sq + (1-beta2)*d*d
 *   max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq) (amsgrad)
 *   denom = sqrt(amsgrad ? max_exp_avg_sq : exp_avg_sq)/sqrt(1-beta2^t) + eps
 *   p = p - lr/(1-beta1^t) * exp_avg/denom
 * The coefficients are computed in double and rounded once to float. */
static ob_status adam(const ob_hparams *hp, int64_t t, float *p, const float *g, float *m, float *v,
                      float *vmax, size_t n) {
  const float lr = hp->lr, b1 = hp->beta1, b2 = hp->beta2, eps = hp->eps, wd = hp->weight_decay;
  const float dd = hp->decoupled_decay, amsgrad = FIELD(hp, amsgrad),
              maximize = FIELD(hp, maximize);
  if (!nonneg(lr) || !unit(b1) || !unit(b2) || !nonneg(eps) || !nonneg(wd) || !nonneg(dd) ||
      !flag(amsgrad) || !flag(maximize))
    return OB_EHPARAM;
  if (t < 1)
    return OB_ESTEP;
  const double step_exact = lr / (1.0 - pow(b1, (double)t));
  const double bc2_exact = sqrt(1.0 - pow(b2, (double)t));
  const double lrd_exact = (double)lr * dd;
  const float step_size = (float)step_exact, bc2_sqrt = (float)bc2_exact, lrd = (float)lrd_exact;
  if (!usable(step_exact, step_size) || !usable(1.0 / bc2_exact, (float)(1.0 / bc2_exact)) ||
      (dd != 0.0f && !usable(lrd_exact, lrd)))
    return OB_EHPARAM;
  if (n && (!p || !g || !m || !v || (amsgrad != 0.0f && !vmax)))
    return OB_EINVAL;
  const float one_b1 = (float)(1.0 - b1), one_b2 = (float)(1.0 - b2);
  for (size_t i = 0; i < n; i++) {
    float d = maximize != 0.0f ? -g[i] : g[i];
    if (wd != 0.0f)
      d = d + wd * p[i];
    const float pi = dd != 0.0f ? p[i] - lrd * p[i] : p[i];
    m[i] = m[i] + one_b1 * (d - m[i]);
    v[i] = b2 * v[i] + one_b2 * d * d;
    float vh = v[i];
    if (amsgrad != 0.0f)
      vh = vmax[i] = maximum(vmax[i], v[i]);
    const float denom = sqrtf(vh) / bc2_sqrt + eps;
    /* step_size*exp_avg first, then the division: |exp_avg|/denom may
     * exceed FLT_MAX for a tiny denom where the whole step does not */
    p[i] = pi - step_size * m[i] / denom;
  }
  return OB_OK;
}

/* The symbol `optbench verify --kernel` looks for first (OB_KERNEL_STATES_SYMBOL). */
__attribute__((visibility("default"))) ob_status
optbench_step_states(ob_algo algo, const ob_hparams *hp, int64_t t, float *p, const float *g,
                     float *const states[], size_t n);
ob_status optbench_step_states(ob_algo algo, const ob_hparams *hp, int64_t t, float *p,
                               const float *g, float *const states[], size_t n) {
  if (!hp || hp->size < OB_HPARAMS_SIZE_V1 || !states)
    return OB_EINVAL;
  switch (algo) {
  case OB_TORCH_ADAM:
  case OB_TORCH_ADAMW: /* Adam with decoupled_decay (default 0.01 for AdamW) */
    return adam(hp, t, p, g, states[0], states[1], states[2], n);
  default: return OB_EINVAL; /* the other rules are not implemented here */
  }
}
