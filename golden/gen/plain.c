/* golden_gen - the rules' formulas in plain float32.
 *
 * Built with -ffp-contract=off (CMakeLists.txt): every operation rounds to
 * float32 on its own, as a straightforward scalar implementation does.
 */
#include "plain.h"

#include <math.h>
#include <stdlib.h>

/* Weight decay first, from the step's input p: p -= (lr*decoupled_decay)*p with
 * the coefficient rounded once to float, and the rule's gradient g + weight_decay*p
 * (torch's maximize negates g first, exactly); each only where its
 * hyperparameter is nonzero. g2 receives the gradient. */
static void decay(const gg_hp *hp, size_t n, float *p, const float *g, float *g2) {
  const float wd = hp->weight_decay;
  const float c = (float)((double)hp->lr * (double)hp->decoupled_decay);
  for (size_t i = 0; i < n; i++) {
    const float p0 = p[i], gi = hp->maximize != 0 ? -g[i] : g[i];
    g2[i] = wd != 0 ? gi + wd * p0 : gi;
    if (hp->decoupled_decay != 0)
      p[i] = p0 - c * p0;
  }
}

/* torch.maximum: NaN if either is, else the larger (the second on a tie) */
static float torch_max(float a, float b) { return isnan(a) || isnan(b) ? NAN : a > b ? a : b; }

/* The torch.optim rules, the list's numpy column left to right (coefficients
 * in double, rounded once), except where the step divides: Adagrad and
 * RMSprop form clr*(d/(sqrt(s) + eps)) and lr*(d/avg) as the book rules do
 * (FORMAT.md, "Domains"). */
static void torch_step(gg_algo a, const gg_hp *hp, int64_t t, size_t n, float *p, const float *d,
                       float *const s[GG_MAX_STATES]) {
  const float lr = hp->lr, mom = hp->momentum, eps = hp->eps;
  switch (a) {
  case GG_TORCH_SGD: {
    const float omdamp = (float)(1.0 - (double)hp->dampening);
    for (size_t i = 0; i < n; i++) {
      float step = d[i];
      if (mom != 0) {
        s[0][i] = t == 1 ? d[i] : mom * s[0][i] + omdamp * d[i];
        step = hp->nesterov != 0 ? d[i] + mom * s[0][i] : s[0][i];
      }
      p[i] -= lr * step;
    }
    break;
  }
  case GG_TORCH_ADAM:
  case GG_TORCH_ADAMW: {
    const double b1 = hp->beta1, b2 = hp->beta2;
    const float step_size = (float)((double)lr / (1.0 - pow(b1, (double)t)));
    const float bc2 = (float)sqrt(1.0 - pow(b2, (double)t));
    const float omb1 = (float)(1.0 - b1), omb2 = (float)(1.0 - b2), b2f = hp->beta2;
    for (size_t i = 0; i < n; i++) {
      s[0][i] += omb1 * (d[i] - s[0][i]);
      s[1][i] = b2f * s[1][i] + omb2 * d[i] * d[i];
      float vh = s[1][i];
      if (hp->amsgrad != 0)
        vh = s[2][i] = torch_max(s[2][i], s[1][i]);
      const float denom = sqrtf(vh) / bc2 + eps;
      p[i] -= step_size * s[0][i] / denom;
    }
    break;
  }
  case GG_TORCH_ADAGRAD: {
    const float clr = (float)((double)lr / (1.0 + ((double)t - 1.0) * (double)hp->lr_decay));
    for (size_t i = 0; i < n; i++) {
      s[0][i] += d[i] * d[i];
      p[i] -= clr * (d[i] / (sqrtf(s[0][i]) + eps));
    }
    break;
  }
  case GG_TORCH_RMSPROP: {
    const float al = hp->decay_rate, oma = (float)(1.0 - (double)al);
    for (size_t i = 0; i < n; i++) {
      s[0][i] = al * s[0][i] + oma * d[i] * d[i];
      float a2 = s[0][i];
      if (hp->centered != 0) {
        s[2][i] += oma * (d[i] - s[2][i]);
        a2 = s[0][i] - s[2][i] * s[2][i];
      }
      const float avg = sqrtf(a2) + eps;
      if (mom != 0) {
        s[1][i] = mom * s[1][i] + d[i] / avg;
        p[i] -= lr * s[1][i];
      } else {
        p[i] -= lr * (d[i] / avg);
      }
    }
    break;
  }
  default:
    gg_die("rule %s has no plain float32 evaluation in golden/gen/plain.c",
           (unsigned)a < GG_ALGO_COUNT ? gg_algos[a].name : "?");
  }
}

void gg_plain_step(gg_algo a, const gg_hp *hp, int64_t t, size_t n, float *p, const float *g_in,
                   float *const s[GG_MAX_STATES]) {
  const float lr = hp->lr, mom = hp->momentum, eps = hp->eps;
  float *s0 = s[0], *s1 = s[1];
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
  default: torch_step(a, hp, t, n, p, g, s); break;
  }
  free(g);
}
