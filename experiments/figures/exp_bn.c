/* exp_bn.c - figure 6-18, the book's ch06/batch_norm_test.py: the first
 * 1000 training images, five hidden ReLU layers of 100, SGD lr 0.01,
 * batches of 100, 20 epochs (the training accuracy after the update of
 * every 10th iteration), for 16 initial weight scales log-spaced from 1 to
 * 1e-4, with and without batch normalisation. At each scale both nets start
 * from the same weights and see the same batches (the book draws them
 * separately); all scales use the same normal numbers, scaled.
 *
 * Writes bn_<k>.dat (k = 1..16: epoch accuracy_bn accuracy_plain) and
 * bn.json. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"
#include "train.h"

#define WHO     "batchnorm"
#define NSCALES 16

typedef struct {
  const fig_opts *o;
  fig_set train;
  size_t epochs, iters;
  uint64_t s_w, s_b;
  float scale[NSCALES];
  fig_curves c[NSCALES][2]; /* [k][0] with batch norm, [k][1] without */
} bn_ctx;

static int run(void *vctx, size_t i) {
  bn_ctx *x = vctx;
  const size_t k = i / 2;
  const int bn = i % 2 == 0;
  char err[512];
  fig_net_config cfg = {.inputs = 784,
                        .outputs = 10,
                        .hidden_layers = 5,
                        .hidden = {100, 100, 100, 100, 100},
                        .act = FIG_RELU,
                        .init = OB_INIT_STD,
                        .init_std = x->scale[k],
                        .use_batchnorm = bn,
                        .cap = 500,
                        .init_seed = x->s_w,
                        .variant = x->o->variant};
  const fig_train_spec sp = {.train = x->train,
                             .batch = 100,
                             .iters = x->iters,
                             .eval_every = fig_epoch_iters(x->train.n, 100),
                             .n_eval = 1,
                             .eval = {x->train},
                             .batch_seed = x->s_b};
  const int rc = fig_train_new(&cfg, 0.01f, &sp, &x->c[k][bn ? 0 : 1], err, sizeof err);
  if (rc != 0)
    fprintf(stderr, WHO ": scale %g, %s: %s\n", (double)x->scale[k], bn ? "batch norm" : "plain",
            err);
  else
    printf(WHO ": scale %-10.4g %-10s accuracy after %zu epochs %.3f  (%.1f s)\n",
           (double)x->scale[k], bn ? "batch norm" : "plain", x->epochs,
           x->c[k][bn ? 0 : 1].acc[0][x->epochs - 1], x->c[k][bn ? 0 : 1].seconds);
  fflush(stdout);
  return rc;
}

int fig_batchnorm(const fig_opts *o) {
  fig_data d;
  int rc = fig_data_load(o, &d, WHO);
  if (rc)
    return rc;
  const size_t n = o->quick ? 200 : 1000;
  bn_ctx x = {.o = o,
              .train = {d.train.x.pixels, d.train.y.labels, n},
              .epochs = o->quick ? 3 : 20,
              .s_w = fig_seed(o, 18, FIG_SEED_WEIGHTS),
              .s_b = fig_seed(o, 18, FIG_SEED_BATCHES)};
  x.iters = fig_epochs_to_iters(x.epochs, n, 100);
  for (int k = 0; k < NSCALES; k++) /* np.logspace(0, -4, num=16) */
    x.scale[k] = (float)pow(10.0, -4.0 * k / (NSCALES - 1));
  printf(WHO ": figure 6-18: %zu training images, 784-(100 x 5)-10 ReLU, SGD lr 0.01, batch 100, "
             "%zu epochs (%zu iterations), %d scales from 1 to 1e-4, with and without batch "
             "norm\n" WHO ": seeds: weights 0x%016" PRIx64 " (stream = layer - 1), batches "
             "0x%016" PRIx64 "\n",
         n, x.epochs, x.iters, NSCALES, x.s_w, x.s_b);
  fflush(stdout);
  const double t0 = conv_now();
  rc = fig_parallel(2 * NSCALES, run, &x) ? 1 : 0;
  int bn_better = 0, bn_ahead5 = 0;
  double sum_bn = 0, sum_plain = 0;
  const size_t e5 = x.epochs > 5 ? 4 : x.epochs - 1; /* after 5 epochs */
  for (int k = 0; k < NSCALES && rc == 0; k++) {
    char name[64];
    conv_out f;
    snprintf(name, sizeof name, "bn_%d.dat", k + 1);
    if (fig_open(&f, o, name, WHO) != 0) {
      rc = 1;
      break;
    }
    fprintf(f.f,
            "# figure 6-18: weight scale %.6g, %zu training images, SGD lr 0.01, batch 100\n"
            "# seeds: weights 0x%016" PRIx64 ", batches 0x%016" PRIx64 "\n"
            "# epoch train_accuracy_batchnorm train_accuracy_plain\n",
            (double)x.scale[k], n, x.s_w, x.s_b);
    for (size_t e = 0; e < x.epochs; e++)
      fprintf(f.f, "%zu %.6g %.6g\n", e, x.c[k][0].acc[0][e], x.c[k][1].acc[0][e]);
    rc = fig_commit(&f, WHO) != 0;
    const double fb = x.c[k][0].acc[0][x.epochs - 1], fp = x.c[k][1].acc[0][x.epochs - 1];
    bn_better += fb > fp;
    bn_ahead5 += x.c[k][0].acc[0][e5] > x.c[k][1].acc[0][e5];
    sum_bn += fb;
    sum_plain += fp;
  }
  conv_out f;
  if (rc == 0 && fig_open(&f, o, "bn.json", WHO) == 0) {
    fprintf(f.f,
            "{\"experiment\": \"batchnorm\", \"train_size\": %zu, \"epochs\": %zu, \"iterations\": "
            "%zu, \"batch\": 100, \"lr\": 0.01,\n \"seeds\": {\"weights\": \"0x%016" PRIx64
            "\", \"batches\": \"0x%016" PRIx64 "\"},\n \"bn_better_final\": %d, "
            "\"bn_ahead_epoch\": %zu, \"bn_ahead\": %d, \"mean_final_bn\": %.6g, "
            "\"mean_final_plain\": %.6g,\n \"scales\": [",
            n, x.epochs, x.iters, x.s_w, x.s_b, bn_better, e5 + 1, bn_ahead5, sum_bn / NSCALES,
            sum_plain / NSCALES);
    for (int k = 0; k < NSCALES; k++)
      fprintf(f.f, "%s\n  {\"scale\": %.6g, \"final_bn\": %.6g, \"final_plain\": %.6g}",
              k ? "," : "", (double)x.scale[k], x.c[k][0].acc[0][x.epochs - 1],
              x.c[k][1].acc[0][x.epochs - 1]);
    fprintf(f.f, "\n ], \"seconds\": %.3f}\n", conv_now() - t0);
    rc = fig_commit(&f, WHO) != 0;
  } else if (rc == 0) {
    rc = 1;
  }
  if (rc == 0)
    printf(WHO ": batch norm ends higher at %d of %d scales; mean final training accuracy %.3f "
               "with, %.3f without\n",
           bn_better, NSCALES, sum_bn / NSCALES, sum_plain / NSCALES);
  printf(WHO ": %s in %.1f s\n", rc ? "FAILED" : "done", conv_now() - t0);
  for (int k = 0; k < NSCALES; k++) {
    fig_curves_free(&x.c[k][0]);
    fig_curves_free(&x.c[k][1]);
  }
  fig_data_free(&d);
  return rc;
}
