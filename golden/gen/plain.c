/* golden_gen - the textbook formulas in plain float32.
 *
 * Built with -ffp-contract=off (CMakeLists.txt): every operation rounds to
 * float32 on its own, as a straightforward scalar implementation does.
 */
#include "plain.h"

#include <math.h>
#include <stdlib.h>

/* Weight decay first, from the step's input p: p -= (lr*decoupled_decay)*p with
 * the coefficient rounded once to float, and the rule's gradient g + weight_decay*p;
 * each only where its hyperparameter is nonzero. g2 receives the gradient. */
static void decay(const gg_hp *hp, size_t n, float *p, const float *g, float *g2) {
  const float wd = hp->weight_decay;
  const float c = (float)((double)hp->lr * (double)hp->decoupled_decay);
  for (size_t i = 0; i < n; i++) {
    const float p0 = p[i];
    g2[i] = wd != 0 ? g[i] + wd * p0 : g[i];
    if (hp->decoupled_decay != 0)
      p[i] = p0 - c * p0;
  }
}

void gg_plain_step(gg_algo a, const gg_hp *hp, int64_t t, size_t n, float *p, const float *g_in,
                   float *s0, float *s1) {
  const float lr = hp->lr, mom = hp->momentum, eps = hp->eps;
  float *g = gg_alloc(n, sizeof *g);
  decay(hp, n, p, g_in, g);
  switch (a) {
  case GG_SGD:
    for (size_t i = 0; i < n; i++)
      p[i] -= lr * g[i];
    break;
  case GG_MOMENTUM:
    for (size_t i = 0; i < n; i++) {
      s0[i] = mom * s0[i] - lr * g[i];
      p[i] += s0[i];
    }
    break;
  case GG_NESTEROV: {
    const float mom2 = (float)((double)mom * (double)mom);
    const float c = (float)((1.0 + (double)mom) * (double)lr);
    for (size_t i = 0; i < n; i++) {
      s0[i] *= mom;
      s0[i] -= lr * g[i];
      p[i] += mom2 * s0[i];
      p[i] -= c * g[i];
    }
    break;
  }
  case GG_ADAGRAD:
    for (size_t i = 0; i < n; i++) {
      s0[i] += g[i] * g[i];
      p[i] -= lr * (g[i] / (sqrtf(s0[i]) + eps)); /* the quotient <= 1 (FORMAT.md, "Domains") */
    }
    break;
  case GG_RMSPROP: {
    const float d = hp->decay_rate;
    const float omd = (float)(1.0 - (double)d);
    for (size_t i = 0; i < n; i++) {
      s0[i] *= d;
      s0[i] += omd * g[i] * g[i];
      p[i] -= lr * (g[i] / (sqrtf(s0[i]) + eps)); /* the quotient <= 2^12 */
    }
    break;
  }
  case GG_ADAM: {
    const double b1 = hp->beta1, b2 = hp->beta2;
    const float lr_t =
        (float)((double)lr * sqrt(1.0 - pow(b2, (double)t)) / (1.0 - pow(b1, (double)t)));
    const float omb1 = (float)(1.0 - b1), omb2 = (float)(1.0 - b2), b2f = hp->beta2;
    for (size_t i = 0; i < n; i++) {
      s0[i] += omb1 * (g[i] - s0[i]);
      /* the book's s1 += omb2*(g*g - s1) cancels where s1' << s1, and sqrt(s1')
       * divides (FORMAT.md, "Domains"): the equal form with terms >= 0, + 0*s1
       * for the book's NaN at s1 = inf */
      s1[i] = (b2f * s1[i] + omb2 * g[i] * g[i]) + 0.0f * s1[i];
      p[i] -= lr_t * s0[i] / (sqrtf(s1[i]) + eps);
    }
    break;
  }
  default:
    gg_die("rule %s has no plain float32 evaluation in golden/gen/plain.c",
           (unsigned)a < GG_ALGO_COUNT ? gg_algos[a].name : "?");
  }
  free(g);
}
