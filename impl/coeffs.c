/* The per-call scalars of every rule, in double, each rounded once to
 * float. Kept in one place so every instruction set sees the same bits. */
#include <math.h>

#include "kernel.h"

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
      .one_minus_beta1 = (float)(1.0 - b1),
      .one_minus_beta2 = (float)(1.0 - b2),
      .lr_t = hp->lr,
      .eps = hp->eps,
      .weight_decay = hp->weight_decay,
      .lr_decoupled = (float)(lr * (double)hp->decoupled_decay),
      .wd_mode = (hp->weight_decay != 0.0f ? OB_WD_L2 : 0) |
                 (hp->decoupled_decay != 0.0f ? OB_WD_DECOUPLED : 0),
  };
  if (ob_hparams_used(algo) & OB_HP_STEP) {
    const double tt = (double)t;
    c.lr_t = (float)(lr * sqrt(1.0 - pow(b2, tt)) / (1.0 - pow(b1, tt)));
  }
  *out = c;
  return OB_OK;
}
