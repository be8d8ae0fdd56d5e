/* The per-call scalars of every rule, in double, each rounded once to
 * float. Kept in one place so every instruction set sees the same bits. */
#include <float.h>
#include <math.h>

#include "kernel.h"

/* A derived coefficient is usable when it is finite and, if its exact value
 * is nonzero, normal: a subnormal one carries a relative error up to 2^-1
 * that the rules then scale up, an infinite one turns 0 and inf data into
 * NaN (DESIGN.md 6.1). */
static int usable(float c, int nonzero) { return isfinite(c) && (!nonzero || fabsf(c) >= FLT_MIN); }

ob_status ob_coeffs_make(ob_algo algo, const ob_hparams *hp, int64_t t, ob_coeffs *out) {
  const double lr = hp->lr, mom = hp->momentum, d = hp->decay_rate;
  const double b1 = hp->beta1, b2 = hp->beta2;
  ob_coeffs c = {
      .lr = hp->lr,
      .momentum = hp->momentum,
      .momentum_sq = (float)(mom * mom),
      .lr_one_plus_mom = (float)((1.0 + mom) * lr),
      .decay = hp->decay_rate,
      .one_minus_decay = (float)(1.0 - d),
      .beta2 = hp->beta2,
      .one_minus_beta1 = (float)(1.0 - b1),
      .one_minus_beta2 = (float)(1.0 - b2),
      .lr_t = hp->lr,
      .eps = hp->eps,
      .weight_decay = hp->weight_decay,
      .lr_decoupled = (float)(lr * (double)hp->decoupled_decay),
      .wd_mode = (hp->weight_decay != 0.0f ? OB_WD_L2 : 0) |
                 (hp->decoupled_decay != 0.0f ? OB_WD_DECOUPLED : 0),
  };
  const int lr_nz = hp->lr != 0.0f;
  const double tt = (double)t;
  int ok = !(c.wd_mode & OB_WD_DECOUPLED) || usable(c.lr_decoupled, lr_nz);
  /* the options, from the fields the rule reads (it ignores the others) */
  const unsigned used = ob_hparams_used(algo);
  c.options = ((used & OB_HP_MAXIMIZE) && hp->maximize != 0.0f ? OB_OPT_MAXIMIZE : 0u) |
              ((used & OB_HP_MOMENTUM) && hp->momentum != 0.0f ? OB_OPT_MOMENTUM : 0u) |
              ((used & OB_HP_NESTEROV) && hp->nesterov != 0.0f ? OB_OPT_NESTEROV : 0u) |
              ((used & OB_HP_STEP) && t == 1 ? OB_OPT_FIRST : 0u) |
              ((used & OB_HP_AMSGRAD) && hp->amsgrad != 0.0f ? OB_OPT_AMSGRAD : 0u) |
              ((used & OB_HP_CENTERED) && hp->centered != 0.0f ? OB_OPT_CENTERED : 0u);
  for (int k = 0; k < ob_state_count(algo); k++)
    c.states_used |= (unsigned)(ob_state_used(algo, hp, k) == 1) << k;
  switch (algo) {
  case OB_NESTEROV:
    ok = ok && usable(c.momentum_sq, hp->momentum != 0.0f) && usable(c.lr_one_plus_mom, lr_nz);
    break;
  case OB_ADAM:
    c.lr_t = (float)(lr * sqrt(1.0 - pow(b2, tt)) / (1.0 - pow(b1, tt)));
    ok = ok && usable(c.lr_t, lr_nz);
    break;
  case OB_TORCH_SGD: c.one_minus_dampening = (float)(1.0 - (double)hp->dampening); break;
  case OB_TORCH_ADAM:
  case OB_TORCH_ADAMW:
    c.step_size = (float)(lr / (1.0 - pow(b1, tt)));
    c.inv_bc2_sqrt = (float)(1.0 / sqrt(1.0 - pow(b2, tt)));
    ok = ok && usable(c.step_size, lr_nz) && usable(c.inv_bc2_sqrt, 1);
    break;
  case OB_TORCH_ADAGRAD:
    c.clr = (float)(lr / (1.0 + (tt - 1.0) * (double)hp->lr_decay));
    ok = ok && usable(c.clr, lr_nz);
    break;
  default: break;
  }
  *out = c;
  return ok ? OB_OK : OB_EHPARAM;
}
