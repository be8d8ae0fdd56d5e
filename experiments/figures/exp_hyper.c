/* exp_hyper.c - figure 6-24, the book's ch06/hyperparameter_optimization.py:
 * the first 500 training images, shuffled, 20 % (100) held out for
 * validation; six hidden ReLU layers of 100 (He), SGD, batches of 100, 50
 * epochs of 4 iterations; 100 trials of weight decay = 10^U(-8, -4) and lr
 * = 10^U(-6, -2) (drawn in that order, as the book), run in parallel on
 * OpenMP threads. The trials' hyperparameters are drawn before any runs, so
 * the results do not depend on the number of threads; trial i's weights
 * are streams 16 i + layer - 1 of the weight seed, its batches a seed of
 * its own.
 *
 * Writes hyper_trials.dat (every trial: rank trial lr weight_decay
 * final_val final_train), hyper_best_<r>.dat (r = 1..20: epoch val_accuracy
 * train_accuracy) and hyper.json (the ranges of the best trials). */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"
#include "mlp.h"
#include "train.h"

#define WHO  "hyper"
#define BEST 20

typedef struct {
  const fig_opts *o;
  fig_set train, val;
  size_t trials, epochs, iters;
  uint64_t s_w, s_b;
  double *lr, *wd;
  fig_curves *c;
  size_t done;
} hyper_ctx;

static int run(void *vctx, size_t t) {
  hyper_ctx *x = vctx;
  char err[512];
  fig_net_config cfg = {.inputs = 784,
                        .outputs = 10,
                        .hidden_layers = 6,
                        .hidden = {100, 100, 100, 100, 100, 100},
                        .act = FIG_RELU,
                        .init = OB_INIT_HE,
                        .weight_decay = (float)x->wd[t],
                        .cap = 500,
                        .init_seed = x->s_w,
                        .init_stream = 16 * (uint64_t)t,
                        .variant = x->o->variant};
  const fig_train_spec sp = {.train = x->train,
                             .batch = 100,
                             .iters = x->iters,
                             .eval_every = fig_epoch_iters(x->train.n, 100),
                             .n_eval = 2,
                             .eval = {x->val, x->train},
                             .batch_seed = x->s_b + (uint64_t)t};
  const int rc = fig_train_new(&cfg, (float)x->lr[t], &sp, &x->c[t], err, sizeof err);
  size_t done;
#pragma omp atomic capture
  done = ++x->done;
  if (rc != 0)
    fprintf(stderr, WHO ": trial %zu: %s\n", t + 1, err);
  else if (done % 10 == 0 || done == x->trials) {
    const fig_curves *c = &x->c[t];
    printf(WHO ": %3zu/%zu trials done (trial %3zu: lr %.3g, weight decay %.3g: validation "
               "accuracy %.2f)\n",
           done, x->trials, t + 1, x->lr[t], x->wd[t], c->acc[0][c->points - 1]);
    fflush(stdout);
  }
  return rc;
}

static const hyper_ctx *sort_ctx; /* qsort has no context argument */

static double final_val(size_t t) {
  const fig_curves *c = &sort_ctx->c[t];
  return c->points ? c->acc[0][c->points - 1] : -1.0;
}

/* by final validation accuracy, highest first; ties by trial number */
static int by_val(const void *a, const void *b) {
  const size_t i = *(const size_t *)a, j = *(const size_t *)b;
  const double vi = final_val(i), vj = final_val(j);
  return vi > vj ? -1 : vi < vj ? 1 : (i > j) - (i < j);
}

static void range(const double *v, const size_t *order, size_t n, double *lo, double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t r = 0; r < n; r++) {
    *lo = fmin(*lo, v[order[r]]);
    *hi = fmax(*hi, v[order[r]]);
  }
}

static int write_results(hyper_ctx *x, const size_t *order, double seconds) {
  const fig_opts *o = x->o;
  conv_out f;
  if (fig_open(&f, o, "hyper_trials.dat", WHO) != 0)
    return -1;
  fprintf(f.f,
          "# figure 6-24: %zu trials, lr = 10^U(-6,-2), weight decay = 10^U(-8,-4), %zu epochs\n"
          "# rank trial lr weight_decay final_val final_train\n",
          x->trials, x->epochs);
  for (size_t r = 0; r < x->trials; r++) {
    const size_t t = order[r];
    const fig_curves *c = &x->c[t];
    fprintf(f.f, "%zu %zu %.6g %.6g %.6g %.6g\n", r + 1, t + 1, x->lr[t], x->wd[t],
            c->acc[0][c->points - 1], c->acc[1][c->points - 1]);
  }
  if (fig_commit(&f, WHO) != 0)
    return -1;
  const size_t nbest = x->trials < BEST ? x->trials : BEST;
  for (size_t r = 0; r < nbest; r++) {
    const size_t t = order[r];
    const fig_curves *c = &x->c[t];
    char name[64];
    snprintf(name, sizeof name, "hyper_best_%zu.dat", r + 1);
    if (fig_open(&f, o, name, WHO) != 0)
      return -1;
    fprintf(f.f,
            "# figure 6-24: Best-%zu: trial %zu, lr %.6g, weight decay %.6g\n"
            "# epoch val_accuracy train_accuracy\n",
            r + 1, t + 1, x->lr[t], x->wd[t]);
    for (size_t e = 0; e < c->points; e++)
      fprintf(f.f, "%zu %.6g %.6g\n", e, c->acc[0][e], c->acc[1][e]);
    if (fig_commit(&f, WHO) != 0)
      return -1;
  }
  if (fig_open(&f, o, "hyper.json", WHO) != 0)
    return -1;
  fprintf(f.f,
          "{\"experiment\": \"hyper\", \"train_size\": %zu, \"val_size\": %zu, \"trials\": %zu, "
          "\"epochs\": %zu, \"iterations\": %zu, \"batch\": 100,\n \"seeds\": {\"weights\": "
          "\"0x%016" PRIx64 "\", \"batches\": \"0x%016" PRIx64 "\", \"search\": \"0x%016" PRIx64
          "\", \"shuffle\": \"0x%016" PRIx64 "\"},\n \"best\": [",
          x->train.n, x->val.n, x->trials, x->epochs, x->iters, x->s_w, x->s_b,
          fig_seed(o, 24, FIG_SEED_SEARCH), fig_seed(o, 24, FIG_SEED_SHUFFLE));
  for (size_t r = 0; r < nbest; r++) {
    const size_t t = order[r];
    const fig_curves *c = &x->c[t];
    fprintf(f.f,
            "%s\n  {\"rank\": %zu, \"trial\": %zu, \"lr\": %.6g, \"weight_decay\": %.6g, "
            "\"val\": %.6g, \"train\": %.6g}",
            r ? "," : "", r + 1, t + 1, x->lr[t], x->wd[t], c->acc[0][c->points - 1],
            c->acc[1][c->points - 1]);
  }
  fprintf(f.f, "\n ], \"ranges\": [");
  const size_t tops[] = {5, 10, 20};
  for (size_t i = 0; i < 3 && (i == 0 || tops[i - 1] < x->trials); i++) {
    const size_t m = tops[i] < x->trials ? tops[i] : x->trials;
    double lr0, lr1, wd0, wd1, v0, v1;
    range(x->lr, order, m, &lr0, &lr1);
    range(x->wd, order, m, &wd0, &wd1);
    v0 = final_val(order[m - 1]);
    v1 = final_val(order[0]);
    fprintf(f.f,
            "%s\n  {\"top\": %zu, \"lr\": [%.6g, %.6g], \"weight_decay\": [%.6g, %.6g], "
            "\"val\": [%.6g, %.6g]}",
            i ? "," : "", m, lr0, lr1, wd0, wd1, v0, v1);
    printf(WHO ": best %2zu (validation accuracy %.2f .. %.2f): lr %.3g .. %.3g, weight decay "
               "%.3g .. %.3g\n",
           m, v0, v1, lr0, lr1, wd0, wd1);
  }
  size_t below = 0;
  for (size_t t = 0; t < x->trials; t++)
    below += x->lr[t] < 1e-4;
  double worst_small = 0; /* best validation accuracy of a trial with lr < 1e-4 */
  for (size_t t = 0; t < x->trials; t++)
    if (x->lr[t] < 1e-4)
      worst_small = fmax(worst_small, final_val(t));
  fprintf(f.f,
          "\n ], \"trials_lr_below_1e-4\": %zu, \"best_val_lr_below_1e-4\": %.6g, \"seconds\": "
          "%.3f}\n",
          below, worst_small, seconds);
  return fig_commit(&f, WHO);
}

int fig_hyper(const fig_opts *o) {
  fig_data d;
  int rc = fig_data_load(o, &d, WHO);
  if (rc)
    return rc;
  hyper_ctx x = {.o = o,
                 .trials = o->quick ? 6 : 100,
                 .epochs = o->quick ? 5 : 50,
                 .s_w = fig_seed(o, 24, FIG_SEED_WEIGHTS),
                 .s_b = fig_seed(o, 24, FIG_SEED_BATCHES)};
  const size_t total = o->quick ? 250 : 500, nval = total / 5, ntrain = total - nval;
  /* shuffle_dataset: a permutation of the first `total` images */
  float *px = malloc(total * 784 * sizeof *px);
  uint8_t *lab = malloc(total);
  size_t *perm = malloc(total * sizeof *perm), *order = malloc(x.trials * sizeof *order);
  x.lr = malloc(x.trials * sizeof *x.lr);
  x.wd = malloc(x.trials * sizeof *x.wd);
  x.c = calloc(x.trials, sizeof *x.c);
  if (!px || !lab || !perm || !order || !x.lr || !x.wd || !x.c) {
    fprintf(stderr, WHO ": out of memory\n");
    rc = 1;
    goto done;
  }
  mlp_rng r;
  mlp_rng_seed(&r, fig_seed(o, 24, FIG_SEED_SHUFFLE));
  for (size_t i = 0; i < total; i++)
    perm[i] = i;
  for (size_t i = total - 1; i > 0; i--) { /* Fisher-Yates */
    const size_t j = mlp_rng_below(&r, i + 1), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  for (size_t i = 0; i < total; i++) {
    memcpy(px + i * 784, d.train.x.pixels + perm[i] * 784, 784 * sizeof *px);
    lab[i] = d.train.y.labels[perm[i]];
  }
  x.val = (fig_set){px, lab, nval};
  x.train = (fig_set){px + nval * 784, lab + nval, ntrain};
  x.iters = x.epochs * fig_epoch_iters(ntrain, 100); /* the Trainer's max_iter */
  mlp_rng_seed(&r, fig_seed(o, 24, FIG_SEED_SEARCH));
  for (size_t t = 0; t < x.trials; t++) {
    x.wd[t] = pow(10.0, -8.0 + 4.0 * mlp_rng_unit(&r));
    x.lr[t] = pow(10.0, -6.0 + 4.0 * mlp_rng_unit(&r));
  }
  printf(WHO ": figure 6-24: %zu training and %zu validation images (first %zu, shuffled), "
             "784-(100 x 6)-10 ReLU, He, SGD, batch 100, %zu epochs (%zu iterations), %zu "
             "trials of lr = 10^U(-6,-2), weight decay = 10^U(-8,-4)\n" WHO
             ": seeds: search 0x%016" PRIx64 ", shuffle 0x%016" PRIx64 ", weights 0x%016" PRIx64
             " (stream = 16 trial + layer - 1), batches 0x%016" PRIx64 " + trial\n",
         ntrain, nval, total, x.epochs, x.iters, x.trials, fig_seed(o, 24, FIG_SEED_SEARCH),
         fig_seed(o, 24, FIG_SEED_SHUFFLE), x.s_w, x.s_b);
  fflush(stdout);
  const double t0 = conv_now();
  rc = fig_parallel(x.trials, run, &x) ? 1 : 0;
  if (rc == 0) {
    for (size_t t = 0; t < x.trials; t++)
      order[t] = t;
    sort_ctx = &x;
    qsort(order, x.trials, sizeof *order, by_val);
    const size_t show = x.trials < 5 ? x.trials : 5;
    for (size_t k = 0; k < show; k++) {
      const size_t t = order[k];
      printf(WHO ": Best-%zu (val acc: %.2f) | lr: %.4g, weight decay: %.4g\n", k + 1, final_val(t),
             x.lr[t], x.wd[t]);
    }
    if (write_results(&x, order, conv_now() - t0) != 0)
      rc = 1;
  }
  printf(WHO ": %s in %.1f s\n", rc ? "FAILED" : "done", conv_now() - t0);
done:
  for (size_t t = 0; x.c && t < x.trials; t++)
    fig_curves_free(&x.c[t]);
  free(x.c);
  free(x.lr);
  free(x.wd);
  free(px);
  free(lab);
  free(perm);
  free(order);
  fig_data_free(&d);
  return rc;
}
