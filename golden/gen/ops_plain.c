/* golden_gen - a plain float32 evaluation of the layer kernels.
 *
 * It only guards the case design, as plain.c does for the update rules:
 * every stored case must be one a straightforward float32 implementation of
 * the header's description can meet. Built with -ffp-contract=off; libm's
 * logf, sinf and cosf; batch norm's reductions in double, in row order.
 */
#include <math.h>
#include <string.h>

#include "ops.h"
#include "philox.h"

static float uniform_f(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }

static void normal(go_case *c, float stddev, go_out *o) {
  uint64_t seed = go_get_int(c, "seed"), stream = go_get_int(c, "stream");
  for (size_t i = 0; i < o->n; i++) {
    uint32_t w[4];
    gg_philox_block(seed, stream, i / 4, w);
    unsigned pair = (unsigned)(i % 4) / 2;
    float u1 = (float)((w[2 * pair] >> 8) + 1u) * 0x1p-24f;
    float u2 = (float)(w[2 * pair + 1] >> 8) * 0x1p-24f;
    float r = sqrtf(-2.0f * logf(u1));
    float theta = 6.28318530717958647692f * u2;
    o->plain[i] = stddev * r * (i % 2 ? sinf(theta) : cosf(theta));
  }
}

static int inverted(const go_case *c) { return !strcmp(go_get_word(c, "kind"), "inverted"); }

static float keep_factor(const go_case *c) {
  return inverted(c) ? (float)(1.0 / (1.0 - (double)go_get_float(c, "ratio"))) : 1.0f;
}

static void batchnorm(go_case *c) {
  size_t N = go_get_int(c, "batch"), F = go_get_int(c, "features");
  const float *x = go_get_in(c, "x")->v, *gamma = go_get_in(c, "gamma")->v;
  if (c->op == GO_BATCHNORM_BACKWARD) {
    const float *mn = go_get_in(c, "mean")->v, *st = go_get_in(c, "std")->v,
                *dout = go_get_in(c, "dout")->v;
    go_out *dx = go_get_out(c, "dx"), *dg = go_get_out(c, "dgamma"), *db = go_get_out(c, "dbeta");
    for (size_t j = 0; j < F; j++) {
      double sb = 0, sg = 0;
      for (size_t i = 0; i < N; i++) {
        float xn = (x[i * F + j] - mn[j]) / st[j];
        sb += (double)dout[i * F + j];
        sg += (double)xn * (double)dout[i * F + j];
      }
      float dbeta = (float)sb, dgamma = (float)sg, n = (float)N;
      db->plain[j] = dbeta;
      dg->plain[j] = dgamma;
      float k = gamma[j] / st[j];
      for (size_t i = 0; i < N; i++) {
        float xn = (x[i * F + j] - mn[j]) / st[j];
        dx->plain[i * F + j] = k * (dout[i * F + j] - dbeta / n - xn * dgamma / n);
      }
    }
    return;
  }
  const float *beta = go_get_in(c, "beta")->v, *rm = go_get_in(c, "running_mean")->v,
              *rv = go_get_in(c, "running_var")->v;
  float eps = go_get_float(c, "eps");
  go_out *y = go_get_out(c, "y");
  for (size_t j = 0; j < F; j++) {
    float mean, sd;
    if (c->op == GO_BATCHNORM_TRAIN) {
      double s = 0, v = 0;
      for (size_t i = 0; i < N; i++)
        s += (double)x[i * F + j];
      mean = (float)(s / (double)N);
      for (size_t i = 0; i < N; i++) {
        double d = (double)(x[i * F + j] - mean);
        v += d * d;
      }
      /* std and the running share from the double variance: in float it
       * overflows or flushes to zero where std is an ordinary float */
      double var = v / (double)N;
      sd = (float)sqrt(var + (double)eps);
      float m = go_get_float(c, "momentum"), om = (float)(1.0 - (double)m);
      go_get_out(c, "mean")->plain[j] = mean;
      go_get_out(c, "std")->plain[j] = sd;
      go_get_out(c, "running_mean")->plain[j] = m * rm[j] + om * mean;
      go_get_out(c, "running_var")->plain[j] = m * rv[j] + (float)((double)om * var);
    } else {
      mean = rm[j];
      sd = (float)sqrt((double)rv[j] + (double)eps); /* rv + eps may overflow float */
    }
    for (size_t i = 0; i < N; i++)
      y->plain[i * F + j] = gamma[j] * ((x[i * F + j] - mean) / sd) + beta[j];
  }
}

void go_plain(go_case *c) {
  switch (c->op) {
  case GO_RAND_UNIFORM: {
    go_out *o = go_get_out(c, "u");
    for (size_t i = 0; i < o->n; i++)
      o->plain[i] = uniform_f(gg_philox_word(go_get_int(c, "seed"), go_get_int(c, "stream"), i));
    break;
  }
  case GO_RAND_NORMAL: normal(c, go_get_float(c, "stddev"), go_get_out(c, "x")); break;
  case GO_INIT: normal(c, go_get_float(c, "sigma"), go_get_out(c, "w")); break;
  case GO_DROPOUT_TRAIN: {
    const go_array *x = go_get_in(c, "x");
    go_out *y = go_get_out(c, "y");
    float ratio = go_get_float(c, "ratio"), f = keep_factor(c);
    for (size_t i = 0; i < x->n; i++) {
      int bit =
          uniform_f(gg_philox_word(go_get_int(c, "seed"), go_get_int(c, "stream"), i)) > ratio;
      if (bit)
        c->plain_mask[i / 8] |= (uint8_t)(1u << (i % 8));
      y->plain[i] = x->v[i] * (bit ? f : 0.0f);
    }
    break;
  }
  case GO_DROPOUT_TEST: {
    const go_array *x = go_get_in(c, "x");
    go_out *y = go_get_out(c, "y");
    float f = inverted(c) ? 1.0f : (float)(1.0 - (double)go_get_float(c, "ratio"));
    for (size_t i = 0; i < x->n; i++)
      y->plain[i] = inverted(c) ? x->v[i] : x->v[i] * f;
    break;
  }
  case GO_DROPOUT_BACKWARD: {
    const go_array *d = go_get_in(c, "dout");
    go_out *dx = go_get_out(c, "dx");
    float f = keep_factor(c);
    for (size_t i = 0; i < d->n; i++)
      dx->plain[i] = d->v[i] * ((c->mask_in.b[i / 8] >> (i % 8)) & 1 ? f : 0.0f);
    break;
  }
  case GO_BATCHNORM_TRAIN:
  case GO_BATCHNORM_TEST:
  case GO_BATCHNORM_BACKWARD: batchnorm(c); break;
  default:
    gg_die("op %s has no float32 evaluation in golden/gen/ops_plain.c",
           (unsigned)c->op < GO_OP_COUNT ? go_ops[c->op].name : "?");
  }
}
