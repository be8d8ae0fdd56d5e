/* exp_init.c - figure 6-15, the book's ch06/weight_init_compare.py: the
 * 784-100-100-100-100-10 ReLU net trained with SGD (lr 0.01, batches of
 * 128 drawn with replacement, 2000 iterations) from weights of stddev
 * 0.01, Xavier and He. The three nets see the same batches and the same
 * normal numbers for their weights (only the scale differs); the recorded
 * loss is that of each batch after its update, as the book's.
 *
 * Writes init_<name>.dat (iteration loss smoothed) and init.json. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"
#include "train.h"

#define WHO "init"

static const struct {
  const char *name, *label;
  ob_init init;
  float std;
} INITS[] = {{"std0.01", "std=0.01", OB_INIT_STD, 0.01f},
             {"xavier", "Xavier", OB_INIT_XAVIER, 0.0f},
             {"he", "He", OB_INIT_HE, 0.0f}};
enum { NINIT = sizeof INITS / sizeof INITS[0] };

typedef struct {
  const fig_opts *o;
  const fig_data *d;
  size_t iters;
  uint64_t s_w, s_b;
  double *smooth[NINIT];
  fig_curves c[NINIT];
  double test_acc[NINIT];
} init_ctx;

static int run(void *vctx, size_t k) {
  init_ctx *x = vctx;
  char err[512], tag[64];
  fig_net_config cfg = {.inputs = 784,
                        .outputs = 10,
                        .hidden_layers = 4,
                        .hidden = {100, 100, 100, 100},
                        .act = FIG_RELU,
                        .init = INITS[k].init,
                        .init_std = INITS[k].std,
                        .cap = 500,
                        .init_seed = x->s_w,
                        .variant = x->o->variant};
  fig_net net;
  fig_opt opt;
  if (fig_net_init(&net, &cfg, err, sizeof err) != 0) {
    fprintf(stderr, WHO ": %s: %s\n", INITS[k].name, err);
    return -1;
  }
  if (fig_opt_init(&opt, &net, OB_SGD, 0.01f, err, sizeof err) != 0) {
    fprintf(stderr, WHO ": %s: %s\n", INITS[k].name, err);
    fig_net_free(&net);
    return -1;
  }
  snprintf(tag, sizeof tag, WHO ": %-8s", INITS[k].name);
  const fig_train_spec sp = {.train = {x->d->train.x.pixels, x->d->train.y.labels, x->d->train.x.n},
                             .batch = 128,
                             .iters = x->iters,
                             .record_loss = 1,
                             .batch_seed = x->s_b,
                             .tag = tag,
                             .progress_every = x->o->quick ? 20 : 500};
  int rc = fig_train(&net, &opt, &sp, &x->c[k], err, sizeof err);
  if (rc != 0)
    fprintf(stderr, WHO ": %s: %s\n", INITS[k].name, err);
  else {
    x->smooth[k] = malloc(x->iters * sizeof(double));
    if (!x->smooth[k])
      rc = -1;
    else
      conv_smooth(x->c[k].loss, x->smooth[k], x->iters);
    const idx_set *te = &x->d->test;
    x->test_acc[k] =
        (double)fig_net_correct(&net, te->x.pixels, te->y.labels, te->x.n) / (double)te->x.n;
  }
  fig_opt_free(&opt);
  fig_net_free(&net);
  return rc;
}

/* first iteration whose smoothed loss is below `level`, 0 if none */
static size_t first_below(const double *s, size_t n, double level) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < level)
      return i + 1;
  return 0;
}

int fig_init(const fig_opts *o) {
  fig_data d;
  int rc = fig_data_load(o, &d, WHO);
  if (rc)
    return rc;
  init_ctx x = {.o = o,
                .d = &d,
                .iters = o->quick ? 60 : 2000,
                .s_w = fig_seed(o, 15, FIG_SEED_WEIGHTS),
                .s_b = fig_seed(o, 15, FIG_SEED_BATCHES)};
  printf(WHO ": figure 6-15: 784-100-100-100-100-10 ReLU, SGD lr 0.01, batch 128, %zu "
             "iterations, weights std 0.01 / Xavier / He\n" WHO ": seeds: weights 0x%016" PRIx64
             " (stream = layer - 1), batches 0x%016" PRIx64 "\n",
         x.iters, x.s_w, x.s_b);
  fflush(stdout);
  const double t0 = conv_now();
  rc = fig_parallel(NINIT, run, &x) ? 1 : 0;
  for (int k = 0; k < NINIT && rc == 0; k++) {
    char name[64];
    conv_out f;
    snprintf(name, sizeof name, "init_%s.dat", INITS[k].name);
    if (fig_open(&f, o, name, WHO) != 0) {
      rc = 1;
      break;
    }
    fprintf(f.f,
            "# figure 6-15: %s, 784-100-100-100-100-10 ReLU, SGD lr 0.01, batch 128\n"
            "# seeds: weights 0x%016" PRIx64 ", batches 0x%016" PRIx64 "\n"
            "# iteration loss smoothed\n",
            INITS[k].label, x.s_w, x.s_b);
    for (size_t i = 0; i < x.iters; i++)
      fprintf(f.f, "%zu %.6g %.6g\n", i + 1, x.c[k].loss[i], x.smooth[k][i]);
    rc = fig_commit(&f, WHO) != 0;
  }
  conv_out f;
  if (rc == 0 && fig_open(&f, o, "init.json", WHO) == 0) {
    fprintf(f.f,
            "{\"experiment\": \"init\", \"iterations\": %zu, \"batch\": 128, \"lr\": 0.01,\n"
            " \"seeds\": {\"weights\": \"0x%016" PRIx64 "\", \"batches\": \"0x%016" PRIx64
            "\"},\n \"runs\": [",
            x.iters, x.s_w, x.s_b);
    for (int k = 0; k < NINIT; k++) {
      const double *s = x.smooth[k];
      fprintf(f.f,
              "%s\n  {\"name\": \"%s\", \"label\": \"%s\", \"first_loss\": %.6g, "
              "\"final_smoothed\": %.6g, \"below_1_at\": %zu, \"below_0.5_at\": %zu, "
              "\"test_accuracy\": %.6g, \"seconds\": %.3f}",
              k ? "," : "", INITS[k].name, INITS[k].label, x.c[k].loss[0], s[x.iters - 1],
              first_below(s, x.iters, 1.0), first_below(s, x.iters, 0.5), x.test_acc[k],
              x.c[k].seconds);
    }
    fprintf(f.f, "\n ], \"seconds\": %.3f}\n", conv_now() - t0);
    rc = fig_commit(&f, WHO) != 0;
  } else if (rc == 0) {
    rc = 1;
  }
  for (int k = 0; k < NINIT && rc == 0; k++)
    printf(WHO ": %-8s final smoothed loss %.4f, test accuracy %.2f%%\n", INITS[k].name,
           x.smooth[k][x.iters - 1], 100 * x.test_acc[k]);
  printf(WHO ": %s in %.1f s\n", rc ? "FAILED" : "done", conv_now() - t0);
  for (int k = 0; k < NINIT; k++) {
    free(x.smooth[k]);
    fig_curves_free(&x.c[k]);
  }
  fig_data_free(&d);
  return rc;
}
