/* The chapter-6 net of experiments/figures (MultiLayerNetExtend on optbench's
 * kernels) without any data set:
 *   - the backward pass against central differences of the loss, for every
 *     activation, with and without batch normalisation and dropout, with
 *     weight decay (the numerical gradient of W includes lambda*W, which the
 *     net leaves to the optimizer: the check adds it);
 *   - the optimizer pair decays the weight matrices only (the book's rule),
 *     and the loss carries 0.5*lambda*sum(W^2);
 *   - each layer's weights have the scale of its own fan-in (He, Xavier);
 *   - test-mode dropout scales by 1 - ratio (the book's kind);
 *   - seeds reproduce, and a short training run on separable synthetic data
 *     learns (batch norm and dropout on).
 *
 * Central differences in float: h = 1e-2 on parameters of size ~1 keeps the
 * rounding noise of the float forward pass (~1e-7 / h) and the truncation
 * error (~h^2) near 1e-5; tolerance 1e-3 + 1e-2 |g|. Where a ReLU input
 * changes sign between p - h and p + h the difference is not a derivative:
 * such components are skipped (and counted: at most a fifth). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "test_util.h"
#include "train.h"

#define H 1e-2f

enum { IN = 5, OUT = 3, B = 6 };

static void fill(tu_rng *r, float *x, size_t n, double scale) {
  for (size_t i = 0; i < n; i++)
    x[i] = (float)(scale * (2.0 * tu_unit(r) - 1.0));
}

static fig_net_config small(fig_act act, int bn, int dropout, float lambda) {
  fig_net_config c = {.inputs = IN,
                      .outputs = OUT,
                      .hidden_layers = 2,
                      .hidden = {7, 4},
                      .act = act,
                      .init = OB_INIT_STD,
                      .init_std = 0.8f,
                      .use_batchnorm = bn,
                      .use_dropout = dropout,
                      .dropout_ratio = 0.3f,
                      .weight_decay = lambda,
                      .cap = 16,
                      .init_seed = 12345,
                      .dropout_seed = 777};
  return c;
}

/* the sign pattern of every hidden activation (ReLU kinks), as bytes */
static void pattern(const fig_net *net, uint8_t *pat, size_t *len) {
  size_t k = 0;
  for (int l = 0; l < net->cfg.hidden_layers; l++)
    for (size_t i = 0; i < B * net->dims[l + 1]; i++)
      pat[k++] = net->h[l][i] > 0.0f;
  *len = k;
}

/* the training loss with the same dropout masks every time */
static double loss_fixed(fig_net *net, const float *X, const uint8_t *y) {
  net->forwards = 0;
  return fig_net_loss(net, X, y, B, 1);
}

static void check_param(fig_net *net, const float *X, const uint8_t *y, float *p, const float *g,
                        size_t n, float decay, const char *what, size_t *checked, size_t *skipped) {
  uint8_t pa[256], pb[256];
  size_t la, lb;
  for (size_t i = 0; i < n; i++) {
    const float keep = p[i];
    p[i] = keep + H;
    const float up = p[i];
    const double lp = loss_fixed(net, X, y);
    pattern(net, pa, &la);
    p[i] = keep - H;
    const float down = p[i];
    const double lm = loss_fixed(net, X, y);
    pattern(net, pb, &lb);
    p[i] = keep;
    if (net->cfg.act == FIG_RELU && (la != lb || memcmp(pa, pb, la) != 0)) {
      (*skipped)++;
      continue;
    }
    const double num = (lp - lm) / ((double)up - (double)down);
    const double ana = (double)g[i] + (double)decay * keep;
    (*checked)++;
    CHECK(fabs(ana - num) <= 1e-3 + 1e-2 * fabs(num),
          "%s act %s bn %d dropout %d [%zu]: %.6g vs %.6g", what, fig_act_name(net->cfg.act),
          net->cfg.use_batchnorm, net->cfg.use_dropout, i, ana, num);
  }
}

static void test_gradients(void) {
  tu_rng r = {42};
  float X[B * IN];
  uint8_t y[B];
  for (int a = 0; a < FIG_ACT_COUNT; a++)
    for (int bn = 0; bn < 2; bn++)
      for (int dr = 0; dr < 2; dr++) {
        fill(&r, X, B * IN, 1.5);
        for (int i = 0; i < B; i++)
          y[i] = (uint8_t)(tu_next(&r) % OUT);
        const fig_net_config c = small((fig_act)a, bn, dr, 0.3f);
        fig_net net;
        char err[256];
        CHECK(fig_net_init(&net, &c, err, sizeof err) == 0, "%s", err);
        if (bn) /* gamma and beta away from 1 and 0 */
          for (int l = 0; l < c.hidden_layers; l++) {
            fill(&r, net.beta[l], c.hidden[l], 0.5);
            for (size_t i = 0; i < c.hidden[l]; i++)
              net.gamma[l][i] = 1.0f + 0.5f * (float)(2.0 * tu_unit(&r) - 1.0);
          }
        for (size_t l = 0; l < (size_t)net.L; l++) /* biases nonzero */
          fill(&r, net.b[l], net.dims[l + 1], 0.3);
        net.forwards = 0;
        fig_net_gradient(&net, X, y, B);
        CHECK(net.status == OB_OK, "gradient: %s: %s", net.failed_call ? net.failed_call : "",
              ob_strerror(net.status));
        /* copies: the checks run forward passes, which the gradients must not see */
        size_t checked = 0, skipped = 0;
        for (size_t k = 0; k < net.n_w; k++) {
          float *g = malloc(net.w_size[k] * sizeof *g);
          memcpy(g, net.dw[k], net.w_size[k] * sizeof *g);
          check_param(&net, X, y, net.w[k], g, net.w_size[k], c.weight_decay, "W", &checked,
                      &skipped);
          free(g);
        }
        for (size_t k = 0; k < net.n_other; k++) {
          float *g = malloc(net.other_size[k] * sizeof *g);
          memcpy(g, net.dother[k], net.other_size[k] * sizeof *g);
          check_param(&net, X, y, net.other[k], g, net.other_size[k], 0.0f, "b/gamma/beta",
                      &checked, &skipped);
          free(g);
        }
        CHECK(skipped * 5 <= checked + skipped, "%zu of %zu components at a ReLU kink", skipped,
              checked + skipped);
        CHECK(net.status == OB_OK, "%s", ob_strerror(net.status));
        fig_net_free(&net);
      }
}

/* The loss adds 0.5*lambda*sum(W^2) over the weight matrices; the
 * optimizer pair applies lambda to W and nothing to b, gamma, beta. */
static void test_weight_decay(void) {
  fig_net_config c = small(FIG_RELU, 1, 0, 0.5f);
  fig_net net;
  char err[256];
  CHECK(fig_net_init(&net, &c, err, sizeof err) == 0, "%s", err);
  double sq = 0;
  for (size_t k = 0; k < net.n_w; k++)
    for (size_t i = 0; i < net.w_size[k]; i++)
      sq += (double)net.w[k][i] * net.w[k][i];
  CHECK(fabs(fig_net_decay_loss(&net) - 0.25 * sq) <= 1e-12 * sq, "decay term %.17g vs %.17g",
        fig_net_decay_loss(&net), 0.25 * sq);
  fig_opt opt;
  CHECK(fig_opt_init(&opt, &net, OB_SGD, 0.1f, err, sizeof err) == 0, "%s", err);
  for (size_t k = 0; k < net.n_other; k++)
    for (size_t i = 0; i < net.other_size[k]; i++)
      net.other[k][i] = 1.0f; /* biases and beta 1, so decay would show */
  float *w0 = malloc(net.w_size[0] * sizeof *w0);
  memcpy(w0, net.w[0], net.w_size[0] * sizeof *w0);
  for (size_t k = 0; k < net.n_w; k++)
    memset(net.dw[k], 0, net.w_size[k] * sizeof(float));
  for (size_t k = 0; k < net.n_other; k++)
    memset(net.dother[k], 0, net.other_size[k] * sizeof(float));
  CHECK(fig_opt_update(&opt, &net) == OB_OK, "update");
  int w_ok = 1, other_ok = 1;
  for (size_t i = 0; i < net.w_size[0]; i++) /* p - lr*(0 + lambda*p) = 0.95 p */
    w_ok &= fabsf(net.w[0][i] - 0.95f * w0[i]) <= 2e-7f * fabsf(w0[i]);
  for (size_t k = 0; k < net.n_other; k++)
    for (size_t i = 0; i < net.other_size[k]; i++)
      other_ok &= net.other[k][i] == 1.0f;
  CHECK(w_ok, "the weights shrink by lr*lambda");
  CHECK(other_ok, "biases, gamma and beta are not decayed");
  free(w0);
  fig_opt_free(&opt);
  fig_net_free(&net);
}

/* He and Xavier read each layer's own fan-in; the same seeds give the same
 * weights, another stream others. */
static void test_init(void) {
  fig_net_config c = {.inputs = 784,
                      .outputs = 10,
                      .hidden_layers = 2,
                      .hidden = {200, 50},
                      .init = OB_INIT_HE,
                      .cap = 4,
                      .init_seed = 99};
  for (int kind = 0; kind < 2; kind++) {
    c.init = kind ? OB_INIT_XAVIER : OB_INIT_HE;
    fig_net a, b;
    char err[256];
    CHECK(fig_net_init(&a, &c, err, sizeof err) == 0, "%s", err);
    CHECK(fig_net_init(&b, &c, err, sizeof err) == 0, "%s", err);
    for (int l = 0; l < a.L; l++) {
      double s = 0;
      for (size_t i = 0; i < a.w_size[l]; i++)
        s += (double)a.w[l][i] * a.w[l][i];
      const double got = sqrt(s / (double)a.w_size[l]);
      const double want = sqrt((kind ? 1.0 : 2.0) / (double)a.dims[l]);
      CHECK(fabs(got / want - 1.0) < 0.06, "%s layer %d: std %.5f, want %.5f",
            kind ? "xavier" : "he", l + 1, got, want);
      CHECK(memcmp(a.w[l], b.w[l], a.w_size[l] * sizeof(float)) == 0, "same seed, same weights");
    }
    fig_net_config c2 = c;
    c2.init_stream = 16;
    fig_net d;
    CHECK(fig_net_init(&d, &c2, err, sizeof err) == 0, "%s", err);
    CHECK(memcmp(a.w[0], d.w[0], a.w_size[0] * sizeof(float)) != 0, "another stream differs");
    fig_net_free(&a);
    fig_net_free(&b);
    fig_net_free(&d);
  }
}

/* Test mode: the book's dropout multiplies by 1 - ratio; training mode
 * drops about `ratio` of the units, with new masks every pass. */
static void test_dropout_modes(void) {
  fig_net_config c = small(FIG_SIGMOID, 0, 1, 0.0f);
  c.hidden[0] = 100;
  c.cap = 16;
  fig_net net;
  char err[256];
  CHECK(fig_net_init(&net, &c, err, sizeof err) == 0, "%s", err);
  tu_rng r = {5};
  float X[16 * IN];
  fill(&r, X, 16 * IN, 1.0);
  fig_net_forward(&net, X, 16, 0);
  int scaled = 1;
  for (size_t i = 0; i < 16 * 100; i++)
    scaled &= fabsf(net.d[0][i] - net.h[0][i] * 0.7f) <= 1e-7f;
  CHECK(scaled, "test mode: y = x*(1 - ratio)");
  fig_net_forward(&net, X, 16, 1);
  size_t dropped = 0;
  for (size_t i = 0; i < 16 * 100; i++)
    dropped += net.d[0][i] == 0.0f;
  CHECK(dropped > 400 && dropped < 560, "%zu of 1600 dropped at ratio 0.3", dropped);
  float first[16 * 100];
  memcpy(first, net.d[0], sizeof first);
  fig_net_forward(&net, X, 16, 1);
  CHECK(memcmp(first, net.d[0], sizeof first) != 0, "a new mask every training pass");
  CHECK(net.forwards == 2, "two training passes counted, %llu", (unsigned long long)net.forwards);
  fig_net_free(&net);
}

/* Two well separated classes: a short training run with batch norm and
 * dropout learns them; the epoch bookkeeping matches the book's loops. */
static void test_training(void) {
  CHECK(fig_epochs_to_iters(201, 300, 100) == 601, "201 epochs of 300/100");
  CHECK(fig_epoch_iters(400, 100) == 4 && fig_epoch_iters(50, 100) == 1, "iterations per epoch");
  enum { N = 200, D = 784 };
  float *x = malloc(N * D * sizeof *x);
  uint8_t y[N];
  tu_rng r = {8};
  for (int i = 0; i < N; i++) {
    y[i] = (uint8_t)(i % 2);
    for (int j = 0; j < D; j++)
      x[i * D + j] = (float)(0.5 * tu_unit(&r) + ((j < D / 2) == y[i] ? 0.5 : 0.0));
  }
  fig_net_config c = {.inputs = D,
                      .outputs = 10,
                      .hidden_layers = 3,
                      .hidden = {50, 50, 50},
                      .act = FIG_RELU,
                      .init = OB_INIT_HE,
                      .use_batchnorm = 1,
                      .use_dropout = 1,
                      .dropout_ratio = 0.2f,
                      .weight_decay = 1e-3f,
                      .cap = 100,
                      .init_seed = 3,
                      .dropout_seed = 4};
  fig_net net;
  fig_opt opt;
  char err[256];
  CHECK(fig_net_init(&net, &c, err, sizeof err) == 0, "%s", err);
  CHECK(fig_opt_init(&opt, &net, OB_SGD, 0.05f, err, sizeof err) == 0, "%s", err);
  const fig_set s = {x, y, N};
  const fig_train_spec sp = {.train = s,
                             .batch = 50,
                             .iters = fig_epochs_to_iters(30, N, 50),
                             .eval_every = fig_epoch_iters(N, 50),
                             .n_eval = 1,
                             .eval = {s},
                             .record_loss = 1,
                             .batch_seed = 6};
  fig_curves cv;
  CHECK(fig_train(&net, &opt, &sp, &cv, err, sizeof err) == 0, "%s", err);
  CHECK(cv.points == 30, "%zu measurements, want 30", cv.points);
  CHECK(cv.points && cv.acc[0][cv.points - 1] > 0.95, "accuracy %.3f after 30 epochs",
        cv.points ? cv.acc[0][cv.points - 1] : 0.0);
  CHECK(cv.loss && cv.loss[sp.iters - 1] < cv.loss[0], "loss %.4f -> %.4f",
        cv.loss ? cv.loss[0] : 0.0, cv.loss ? cv.loss[sp.iters - 1] : 0.0);
  fig_curves_free(&cv);
  fig_opt_free(&opt);
  fig_net_free(&net);
  free(x);
}

int main(void) {
  test_gradients();
  test_weight_decay();
  test_init();
  test_dropout_modes();
  test_training();
  return ob_test_done("test_fig_net");
}
