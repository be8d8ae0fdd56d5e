/* Broken outside kernels for tests/plugin.cmake: a correct SGD (p -= lr*g
 * with both weight decays, refusing an lr*decoupled_decay that is not a
 * normal float) with one defect, chosen at build time:
 *   OB_BAD_WRITE  writes one float past the end of p on every call
 *   OB_BAD_UNDER  writes p[-40], inside p's page but before its start, on
 *                 every call
 *   OB_BAD_SEGV   dereferences NULL when n == 1000 (cases len_1000 and
 *                 wd_both_len_1000 of golden/sgd.txt), right otherwise
 *   OB_BAD_HANG   never returns when n == 4099 (case len_4099)
 *   OB_BAD_STATE3 also has the states form: examples/plugin/torch_adam.c's
 *                 torch Adam, writing one float past the end of the third
 *                 state (max_exp_avg_sq) when it is given one
 * Each must give `optbench verify --kernel` its message and exit status 1,
 * the other cases still run. */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "optbench.h"

__attribute__((visibility("default"))) ob_status optbench_step(ob_algo algo, const ob_hparams *hp,
                                                               int64_t t, float *p, const float *g,
                                                               float *s0, float *s1, size_t n);
ob_status optbench_step(ob_algo algo, const ob_hparams *hp, int64_t t, float *p, const float *g,
                        float *s0, float *s1, size_t n) {
  (void)t, (void)s0, (void)s1;
  if (algo != OB_SGD)
    return OB_EINVAL;
  const float lrd = (float)((double)hp->lr * hp->decoupled_decay);
  if (hp->decoupled_decay != 0.0f && hp->lr != 0.0f && !(fabsf(lrd) >= FLT_MIN && isfinite(lrd)))
    return OB_EHPARAM;
  for (size_t i = 0; i < n; i++) {
    const float gi = hp->weight_decay != 0.0f ? g[i] + hp->weight_decay * p[i] : g[i];
    const float pi = hp->decoupled_decay != 0.0f ? p[i] - lrd * p[i] : p[i];
    p[i] = pi - hp->lr * gi;
  }
#if defined(OB_BAD_WRITE)
  ((volatile float *)p)[n] = 0.0f;
#elif defined(OB_BAD_UNDER)
  ((volatile float *)p)[-40] = 0.0f;
#elif defined(OB_BAD_SEGV)
  if (n == 1000)
    *(volatile float *)(uintptr_t)(n - 1000) = 1.0f;
#elif defined(OB_BAD_HANG)
  for (volatile int spin = 1; n == 4099 && spin;)
    ;
#endif
  return OB_OK;
}

#if defined(OB_BAD_STATE3)
#define optbench_step_states torch_adam_step /* the example's kernel, under another name */
#include "torch_adam.c"
#undef optbench_step_states
__attribute__((visibility("default"))) ob_status
optbench_step_states(ob_algo algo, const ob_hparams *hp, int64_t t, float *p, const float *g,
                     float *const states[], size_t n);
ob_status optbench_step_states(ob_algo algo, const ob_hparams *hp, int64_t t, float *p,
                               const float *g, float *const states[], size_t n) {
  const ob_status st = torch_adam_step(algo, hp, t, p, g, states, n);
  if (states && states[2])
    ((volatile float *)states[2])[n] = 0.0f;
  return st;
}
#endif
