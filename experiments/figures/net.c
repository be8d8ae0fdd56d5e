/* net.c - see net.h. */
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"

static void *zalloc(size_t n, size_t size) { return calloc(n ? n : 1, size); }

static void note(fig_net *net, ob_status st, const char *call) {
  if (st != OB_OK && net->status == OB_OK) {
    net->status = st;
    net->failed_call = call;
  }
}

void fig_net_free(fig_net *net) {
  if (!net)
    return;
  for (int l = 0; l < FIG_MAX_AFFINE; l++) {
    free(net->w[l]);
    free(net->dw[l]);
    free(net->a[l]);
  }
  for (int k = 0; k < 3 * FIG_MAX_AFFINE; k++) {
    free(net->other[k]);
    free(net->dother[k]);
  }
  for (int l = 0; l < FIG_MAX_HIDDEN; l++) {
    free(net->run_mean[l]);
    free(net->run_var[l]);
    free(net->mean[l]);
    free(net->std[l]);
    free(net->bn[l]);
    free(net->h[l]);
    free(net->d[l]);
    free(net->mask[l]);
  }
  free(net->g0);
  free(net->g1);
  memset(net, 0, sizeof *net);
}

/* adds a zeroed array of n floats (and its gradient) to the other[] list */
static float *add_other(fig_net *net, size_t n, float **grad) {
  const size_t k = net->n_other++;
  net->other_size[k] = n;
  net->other[k] = zalloc(n, sizeof(float));
  net->dother[k] = zalloc(n, sizeof(float));
  *grad = net->dother[k];
  return net->other[k];
}

static int check_config(const fig_net_config *c, char *err, size_t errlen) {
  const char *why = NULL;
  if (c->hidden_layers < 0 || c->hidden_layers > FIG_MAX_HIDDEN)
    why = "hidden layer count outside 0..FIG_MAX_HIDDEN";
  else if (c->inputs == 0 || c->outputs == 0 || c->inputs > (1u << 20) || c->outputs > (1u << 16))
    why = "no inputs or outputs, or too many";
  else if (c->cap == 0 || c->cap > (1u << 20))
    why = "batch capacity outside 1..2^20";
  else if ((unsigned)c->act >= FIG_ACT_COUNT)
    why = "unknown activation";
  else if (!(c->weight_decay >= 0.0f) || isinf(c->weight_decay))
    why = "weight decay must be finite and >= 0";
  else if (c->use_dropout && !(c->dropout_ratio >= 0.0f && c->dropout_ratio < 1.0f))
    why = "dropout ratio outside [0, 1)";
  for (int l = 0; !why && l < c->hidden_layers; l++)
    if (c->hidden[l] == 0 || c->hidden[l] > (1u << 16))
      why = "a hidden layer of width 0 or over 2^16";
  if (why)
    snprintf(err, errlen, "net: %s", why);
  return why ? -1 : 0;
}

int fig_net_init(fig_net *net, const fig_net_config *cfg, char *err, size_t errlen) {
  if (!net || !cfg) {
    snprintf(err, errlen, "net: no net or configuration given");
    return -1;
  }
  memset(net, 0, sizeof *net);
  if (check_config(cfg, err, errlen) != 0)
    return -1;
  net->cfg = *cfg;
  const int H = cfg->hidden_layers, L = H + 1;
  const size_t cap = cfg->cap;
  net->L = L;
  net->dims[0] = cfg->inputs;
  for (int l = 0; l < H; l++)
    net->dims[l + 1] = cfg->hidden[l];
  net->dims[L] = cfg->outputs;
  size_t widest = 0;
  for (int l = 0; l <= L; l++)
    widest = net->dims[l] > widest ? net->dims[l] : widest;

  net->n_w = (size_t)L;
  int ok = 1;
  for (int l = 0; l < L; l++) {
    const size_t in = net->dims[l], out = net->dims[l + 1];
    net->w_size[l] = in * out;
    net->w[l] = zalloc(in * out, sizeof(float));
    net->dw[l] = zalloc(in * out, sizeof(float));
    net->b[l] = add_other(net, out, &net->db[l]);
    net->a[l] = zalloc(cap * out, sizeof(float));
    ok = ok && net->w[l] && net->dw[l] && net->b[l] && net->db[l] && net->a[l];
  }
  for (int l = 0; l < H && ok; l++) {
    const size_t n = net->dims[l + 1];
    if (cfg->use_batchnorm) {
      net->gamma[l] = add_other(net, n, &net->dgamma[l]);
      net->beta[l] = add_other(net, n, &net->dbeta[l]);
      net->run_mean[l] = zalloc(n, sizeof(float));
      net->run_var[l] = zalloc(n, sizeof(float));
      net->mean[l] = zalloc(n, sizeof(float));
      net->std[l] = zalloc(n, sizeof(float));
      net->bn[l] = zalloc(cap * n, sizeof(float));
      ok = net->gamma[l] && net->dgamma[l] && net->beta[l] && net->dbeta[l] && net->run_mean[l] &&
           net->run_var[l] && net->mean[l] && net->std[l] && net->bn[l];
      for (size_t i = 0; ok && i < n; i++)
        net->gamma[l][i] = 1.0f;
    }
    net->h[l] = zalloc(cap * n, sizeof(float));
    ok = ok && net->h[l];
    if (cfg->use_dropout) {
      net->d[l] = zalloc(cap * n, sizeof(float));
      net->mask[l] = zalloc(ob_dropout_mask_bytes(cap * n), 1);
      ok = ok && net->d[l] && net->mask[l];
    }
  }
  net->g0 = zalloc(cap * widest, sizeof(float));
  net->g1 = zalloc(cap * widest, sizeof(float));
  if (!ok || !net->g0 || !net->g1) {
    fig_net_free(net);
    snprintf(err, errlen, "net: out of memory");
    return -1;
  }
  for (int l = 0; l < L; l++) {
    const ob_status st =
        ob_init_weights(cfg->variant, cfg->init, cfg->init_std, net->dims[l], cfg->init_seed,
                        cfg->init_stream + (uint64_t)l, net->w[l], net->w_size[l]);
    if (st != OB_OK) {
      snprintf(err, errlen, "net: ob_init_weights (layer %d, %s, std %g): %s", l + 1,
               ob_init_name(cfg->init) ? ob_init_name(cfg->init) : "?", (double)cfg->init_std,
               ob_strerror(st));
      fig_net_free(net);
      return -1;
    }
  }
  return 0;
}

const float *fig_net_forward(fig_net *net, const float *X, size_t B, int train) {
  const fig_net_config *c = &net->cfg;
  const ob_variant *v = c->variant;
  const float *in = X;
  for (int l = 0; l < net->L - 1; l++) {
    const size_t F = net->dims[l + 1], n = B * F;
    mlp_affine_forward(in, net->w[l], net->b[l], net->a[l], B, net->dims[l], F);
    const float *x = net->a[l];
    if (c->use_batchnorm) {
      if (train)
        note(net,
             ob_batchnorm_forward_train(v, B, F, x, net->gamma[l], net->beta[l],
                                        OB_BATCHNORM_MOMENTUM, OB_BATCHNORM_EPS, net->run_mean[l],
                                        net->run_var[l], net->bn[l], net->mean[l], net->std[l]),
             "ob_batchnorm_forward_train");
      else
        note(net,
             ob_batchnorm_forward_test(v, B, F, x, net->gamma[l], net->beta[l], OB_BATCHNORM_EPS,
                                       net->run_mean[l], net->run_var[l], net->bn[l]),
             "ob_batchnorm_forward_test");
      x = net->bn[l];
    }
    fig_act_forward(c->act, x, net->h[l], n);
    x = net->h[l];
    if (c->use_dropout) {
      if (train)
        note(net,
             ob_dropout_forward_train(v, OB_DROPOUT_BOOK, c->dropout_ratio, c->dropout_seed,
                                      net->forwards * FIG_MAX_HIDDEN + (uint64_t)l, x, net->d[l],
                                      net->mask[l], n),
             "ob_dropout_forward_train");
      else
        note(net, ob_dropout_forward_test(v, OB_DROPOUT_BOOK, c->dropout_ratio, x, net->d[l], n),
             "ob_dropout_forward_test");
      x = net->d[l];
    }
    in = x;
  }
  const int o = net->L - 1;
  mlp_affine_forward(in, net->w[o], net->b[o], net->a[o], B, net->dims[o], net->dims[o + 1]);
  if (train)
    net->forwards++;
  return net->a[o];
}

double fig_net_decay_loss(const fig_net *net) {
  if (net->cfg.weight_decay == 0.0f)
    return 0.0;
  double sum = 0.0;
  for (size_t l = 0; l < net->n_w; l++)
    for (size_t i = 0; i < net->w_size[l]; i++)
      sum += (double)net->w[l][i] * (double)net->w[l][i];
  return 0.5 * (double)net->cfg.weight_decay * sum;
}

double fig_net_loss(fig_net *net, const float *X, const uint8_t *labels, size_t B, int train) {
  const float *s = fig_net_forward(net, X, B, train);
  return mlp_softmax_ce(s, labels, NULL, B, net->cfg.outputs) + fig_net_decay_loss(net);
}

/* the output of hidden layer l as the next layer sees it */
static const float *layer_out(const fig_net *net, int l) {
  return net->cfg.use_dropout ? net->d[l] : net->h[l];
}

double fig_net_gradient(fig_net *net, const float *X, const uint8_t *labels, size_t B) {
  const fig_net_config *c = &net->cfg;
  const ob_variant *v = c->variant;
  const float *s = fig_net_forward(net, X, B, 1);
  float *cur = net->g0, *spare = net->g1, *t;
  const double loss = mlp_softmax_ce(s, labels, cur, B, c->outputs) + fig_net_decay_loss(net);
  for (int l = net->L - 1; l >= 0; l--) {
    const float *in = l ? layer_out(net, l - 1) : X;
    mlp_affine_backward(in, net->w[l], cur, net->dw[l], net->db[l], l ? spare : NULL, B,
                        net->dims[l], net->dims[l + 1]);
    if (!l)
      break;
    t = cur, cur = spare, spare = t; /* cur: d(output of hidden layer k) */
    const int k = l - 1;
    const size_t F = net->dims[l], n = B * F;
    if (c->use_dropout) {
      note(net,
           ob_dropout_backward(v, OB_DROPOUT_BOOK, c->dropout_ratio, net->mask[k], cur, spare, n),
           "ob_dropout_backward");
      t = cur, cur = spare, spare = t;
    }
    fig_act_backward(c->act, net->h[k], cur, cur, n);
    if (c->use_batchnorm) {
      note(net,
           ob_batchnorm_backward(v, B, F, net->a[k], net->gamma[k], net->mean[k], net->std[k], cur,
                                 spare, net->dgamma[k], net->dbeta[k]),
           "ob_batchnorm_backward");
      t = cur, cur = spare, spare = t;
    }
  }
  return loss;
}

size_t fig_net_correct(fig_net *net, const float *X, const uint8_t *labels, size_t n) {
  const size_t in = net->cfg.inputs, k = net->cfg.outputs;
  size_t correct = 0;
  for (size_t at = 0; at < n; at += net->cfg.cap) {
    const size_t B = n - at < net->cfg.cap ? n - at : net->cfg.cap;
    correct += mlp_count_correct(fig_net_forward(net, X + at * in, B, 0), labels + at, B, k);
  }
  return correct;
}
