/* exp_overfit.c - figures 6-20 to 6-23, the book's
 * ch06/overfit_weight_decay.py and ch06/overfit_dropout.py: the first 300
 * training images, six hidden ReLU layers of 100 (He), SGD lr 0.01,
 * batches of 100; the accuracy on those 300 and on the 10,000 test images
 * after the update of every 3rd iteration (an epoch).
 *   weight_decay  201 epochs without and with lambda = 0.1 (figures 6-20, 6-21)
 *   dropout       301 epochs without and with dropout 0.2 (figures 6-22, 6-23)
 * Both runs of a pair start from the same weights and see the same batches.
 *
 * Writes <experiment>_0.dat (without) and <experiment>_1.dat (with), each
 * `epoch train_accuracy test_accuracy`, and <experiment>.json. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"
#include "train.h"

typedef struct {
  const char *who, *figures[2], *what[2];
  unsigned figure; /* seeds */
  size_t epochs;
  float lambda[2], dropout[2];
  const fig_opts *o;
  fig_set train, test;
  size_t iters;
  uint64_t s_w, s_b, s_d;
  fig_curves c[2];
} overfit_ctx;

static int run(void *vctx, size_t k) {
  overfit_ctx *x = vctx;
  char err[512], tag[96];
  fig_net_config cfg = {.inputs = 784,
                        .outputs = 10,
                        .hidden_layers = 6,
                        .hidden = {100, 100, 100, 100, 100, 100},
                        .act = FIG_RELU,
                        .init = OB_INIT_HE,
                        .use_dropout = x->dropout[k] > 0.0f,
                        .dropout_ratio = x->dropout[k],
                        .weight_decay = x->lambda[k],
                        .cap = 500,
                        .init_seed = x->s_w,
                        .dropout_seed = x->s_d,
                        .variant = x->o->variant};
  const size_t every = fig_epoch_iters(x->train.n, 100);
  snprintf(tag, sizeof tag, "%s: %-20s", x->who, x->what[k]);
  const fig_train_spec sp = {.train = x->train,
                             .batch = 100,
                             .iters = x->iters,
                             .eval_every = every,
                             .n_eval = 2,
                             .eval = {x->train, x->test},
                             .batch_seed = x->s_b,
                             .tag = tag,
                             .progress_every = every * (x->o->quick ? 5 : 50)};
  const int rc = fig_train_new(&cfg, 0.01f, &sp, &x->c[k], err, sizeof err);
  if (rc != 0)
    fprintf(stderr, "%s: %s: %s\n", x->who, x->what[k], err);
  return rc;
}

/* mean of the last m of n values */
static double tail_mean(const double *v, size_t n, size_t m) {
  m = m < n ? m : n;
  double s = 0;
  for (size_t i = n - m; i < n; i++)
    s += v[i];
  return m ? s / (double)m : 0.0;
}

/* first epoch (0-based) with accuracy 1, or -1 */
static long first_full(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (v[i] >= 1.0)
      return (long)i;
  return -1;
}

static int write_results(overfit_ctx *x) {
  const fig_opts *o = x->o;
  for (int k = 0; k < 2; k++) {
    char name[64];
    conv_out f;
    snprintf(name, sizeof name, "%s_%d.dat", x->who, k);
    if (fig_open(&f, o, name, x->who) != 0)
      return -1;
    fprintf(f.f,
            "# figure %s: %s; %zu training images, 784-(100 x 6)-10 ReLU, He, SGD lr 0.01, "
            "batch 100\n# seeds: weights 0x%016" PRIx64 ", batches 0x%016" PRIx64
            ", dropout 0x%016" PRIx64 "\n# epoch train_accuracy test_accuracy\n",
            x->figures[k], x->what[k], x->train.n, x->s_w, x->s_b, x->s_d);
    for (size_t e = 0; e < x->c[k].points; e++)
      fprintf(f.f, "%zu %.6g %.6g\n", e, x->c[k].acc[0][e], x->c[k].acc[1][e]);
    if (fig_commit(&f, x->who) != 0)
      return -1;
  }
  char name[64];
  conv_out f;
  snprintf(name, sizeof name, "%s.json", x->who);
  if (fig_open(&f, o, name, x->who) != 0)
    return -1;
  fprintf(f.f,
          "{\"experiment\": \"%s\", \"train_size\": %zu, \"test_size\": %zu, \"epochs\": %zu, "
          "\"iterations\": %zu, \"batch\": 100, \"lr\": 0.01,\n \"seeds\": {\"weights\": "
          "\"0x%016" PRIx64 "\", \"batches\": \"0x%016" PRIx64 "\", \"dropout\": \"0x%016" PRIx64
          "\"},\n \"runs\": [",
          x->who, x->train.n, x->test.n, x->epochs, x->iters, x->s_w, x->s_b, x->s_d);
  for (int k = 0; k < 2; k++) {
    const fig_curves *c = &x->c[k];
    const size_t n = c->points;
    const double tr = tail_mean(c->acc[0], n, 10), te = tail_mean(c->acc[1], n, 10);
    fprintf(f.f,
            "%s\n  {\"figure\": \"%s\", \"label\": \"%s\", \"lambda\": %.6g, \"dropout\": %.6g, "
            "\"final_train\": %.6g, \"final_test\": %.6g, \"last10_train\": %.6g, "
            "\"last10_test\": %.6g, \"gap\": %.6g, \"full_train_epoch\": %ld, \"seconds\": %.3f}",
            k ? "," : "", x->figures[k], x->what[k], (double)x->lambda[k], (double)x->dropout[k],
            c->acc[0][n - 1], c->acc[1][n - 1], tr, te, tr - te, first_full(c->acc[0], n),
            c->seconds);
    printf("%s: %-20s after %zu epochs: train %.3f, test %.3f (last 10 epochs: %.3f, %.3f, gap "
           "%.3f)\n",
           x->who, x->what[k], n, c->acc[0][n - 1], c->acc[1][n - 1], tr, te, tr - te);
  }
  fprintf(f.f, "\n ]}\n");
  return fig_commit(&f, x->who);
}

static int overfit(const fig_opts *o, overfit_ctx *x) {
  fig_data d;
  int rc = fig_data_load(o, &d, x->who);
  if (rc)
    return rc;
  const size_t n = o->quick ? 100 : 300;
  x->o = o;
  x->train = (fig_set){d.train.x.pixels, d.train.y.labels, n};
  x->test = (fig_set){d.test.x.pixels, d.test.y.labels, o->quick ? 1000 : d.test.x.n};
  x->epochs = o->quick ? 11 : x->epochs;
  x->iters = fig_epochs_to_iters(x->epochs, n, 100);
  x->s_w = fig_seed(o, x->figure, FIG_SEED_WEIGHTS);
  x->s_b = fig_seed(o, x->figure, FIG_SEED_BATCHES);
  x->s_d = fig_seed(o, x->figure, FIG_SEED_DROPOUT);
  printf("%s: figures %s and %s: %zu training images, %zu test images, 784-(100 x 6)-10 ReLU, He, "
         "SGD lr 0.01, batch 100, %zu epochs (%zu iterations): %s / %s\n"
         "%s: seeds: weights 0x%016" PRIx64 " (stream = layer - 1), batches 0x%016" PRIx64
         ", dropout 0x%016" PRIx64 " (stream = 8 * forward pass + layer - 1)\n",
         x->who, x->figures[0], x->figures[1], n, x->test.n, x->epochs, x->iters, x->what[0],
         x->what[1], x->who, x->s_w, x->s_b, x->s_d);
  fflush(stdout);
  const double t0 = conv_now();
  rc = fig_parallel(2, run, x) ? 1 : 0;
  if (rc == 0 && write_results(x) != 0)
    rc = 1;
  printf("%s: %s in %.1f s\n", x->who, rc ? "FAILED" : "done", conv_now() - t0);
  fig_curves_free(&x->c[0]);
  fig_curves_free(&x->c[1]);
  fig_data_free(&d);
  return rc;
}

int fig_weight_decay(const fig_opts *o) {
  overfit_ctx x = {.who = "weight_decay",
                   .figures = {"6-20", "6-21"},
                   .what = {"no weight decay", "weight decay 0.1"},
                   .figure = 20,
                   .epochs = 201,
                   .lambda = {0.0f, 0.1f}};
  return overfit(o, &x);
}

int fig_dropout(const fig_opts *o) {
  overfit_ctx x = {.who = "dropout",
                   .figures = {"6-22", "6-23"},
                   .what = {"no dropout", "dropout 0.2"},
                   .figure = 22,
                   .epochs = 301,
                   .dropout = {0.0f, 0.2f}};
  return overfit(o, &x);
}
