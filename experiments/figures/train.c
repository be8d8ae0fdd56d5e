/* train.c - see train.h. */
#define _POSIX_C_SOURCE 200809L
#include "train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "mlp.h"

int fig_opt_init(fig_opt *opt, const fig_net *net, ob_algo algo, float lr, char *err,
                 size_t errlen) {
  memset(opt, 0, sizeof *opt);
  ob_hparams hp = ob_defaults(algo);
  hp.lr = lr;
  hp.weight_decay = net->cfg.weight_decay;
  ob_status st = OB_OK;
  opt->w = ob_optimizer_new(algo, &hp, net->cfg.variant, &st);
  if (opt->w) {
    hp.weight_decay = 0.0f;
    opt->other = ob_optimizer_new(algo, &hp, net->cfg.variant, &st);
  }
  if (!opt->w || !opt->other) {
    snprintf(err, errlen, "ob_optimizer_new(%s, lr %g, weight decay %g): %s",
             ob_algo_name(algo) ? ob_algo_name(algo) : "?", (double)lr,
             (double)net->cfg.weight_decay, ob_strerror(st));
    fig_opt_free(opt);
    return -1;
  }
  return 0;
}

ob_status fig_opt_update(fig_opt *opt, fig_net *net) {
  ob_status st =
      ob_optimizer_update(opt->w, net->n_w, net->w, (const float *const *)net->dw, net->w_size);
  if (st == OB_OK)
    st = ob_optimizer_update(opt->other, net->n_other, net->other,
                             (const float *const *)net->dother, net->other_size);
  return st;
}

void fig_opt_free(fig_opt *opt) {
  ob_optimizer_free(opt->w);
  ob_optimizer_free(opt->other);
  memset(opt, 0, sizeof *opt);
}

size_t fig_epoch_iters(size_t n, size_t batch) { return batch && n / batch > 1 ? n / batch : 1; }

size_t fig_epochs_to_iters(size_t epochs, size_t n, size_t batch) {
  return epochs ? (epochs - 1) * fig_epoch_iters(n, batch) + 1 : 0;
}

void fig_curves_free(fig_curves *c) {
  for (int k = 0; k < FIG_MAX_EVAL; k++)
    free(c->acc[k]);
  free(c->loss);
  memset(c, 0, sizeof *c);
}

static double accuracy(fig_net *net, const fig_set *s) {
  return s->n ? (double)fig_net_correct(net, s->x, s->y, s->n) / (double)s->n : 0.0;
}

int fig_train(fig_net *net, fig_opt *opt, const fig_train_spec *sp, fig_curves *out, char *err,
              size_t errlen) {
  memset(out, 0, sizeof *out);
  const size_t in = net->cfg.inputs, B = sp->batch;
  if (B == 0 || B > net->cfg.cap || sp->train.n == 0 || sp->n_eval < 0 ||
      sp->n_eval > FIG_MAX_EVAL) {
    snprintf(err, errlen, "train: batch %zu (capacity %zu), %zu training rows, %d sets", B,
             net->cfg.cap, sp->train.n, sp->n_eval);
    return -1;
  }
  const size_t points = sp->eval_every ? (sp->iters + sp->eval_every - 1) / sp->eval_every : 0;
  float *xb = malloc(B * in * sizeof *xb);
  uint8_t *yb = malloc(B);
  int ok = xb && yb;
  for (int k = 0; k < sp->n_eval && ok; k++)
    ok = (out->acc[k] = calloc(points ? points : 1, sizeof(double))) != NULL;
  if (ok && sp->record_loss)
    ok = (out->loss = calloc(sp->iters ? sp->iters : 1, sizeof(double))) != NULL;
  if (!ok) {
    free(xb);
    free(yb);
    fig_curves_free(out);
    snprintf(err, errlen, "train: out of memory");
    return -1;
  }
  mlp_rng r;
  mlp_rng_seed(&r, sp->batch_seed);
  int rc = 0;
  const double t0 = conv_now();
  for (size_t it = 0; it < sp->iters; it++) {
    for (size_t i = 0; i < B; i++) {
      const size_t k = mlp_rng_below(&r, sp->train.n);
      memcpy(xb + i * in, sp->train.x + k * in, in * sizeof *xb);
      yb[i] = sp->train.y[k];
    }
    fig_net_gradient(net, xb, yb, B);
    const ob_status st = fig_opt_update(opt, net);
    if (st != OB_OK || net->status != OB_OK) {
      snprintf(err, errlen, "train: iteration %zu: %s: %s", it + 1,
               st != OB_OK ? "ob_optimizer_update" : net->failed_call,
               ob_strerror(st != OB_OK ? st : net->status));
      rc = -1;
      break;
    }
    if (sp->record_loss)
      out->loss[it] = fig_net_loss(net, xb, yb, B, 0);
    if (sp->eval_every && it % sp->eval_every == 0) {
      for (int k = 0; k < sp->n_eval; k++)
        out->acc[k][out->points] = accuracy(net, &sp->eval[k]);
      out->points++;
    }
    if (sp->tag && sp->progress_every &&
        ((it + 1) % sp->progress_every == 0 || it + 1 == sp->iters)) {
      char line[256];
      int len = snprintf(line, sizeof line, "%s: iteration %zu/%zu", sp->tag, it + 1, sp->iters);
      if (sp->record_loss)
        len += snprintf(line + len, sizeof line - (size_t)len, "  loss %.4f", out->loss[it]);
      for (int k = 0; k < sp->n_eval && out->points; k++)
        len += snprintf(line + len, sizeof line - (size_t)len, "  acc%d %.4f", k + 1,
                        out->acc[k][out->points - 1]);
      printf("%s  %.1f s\n", line, conv_now() - t0);
      fflush(stdout);
    }
  }
  if (rc == 0 && net->status != OB_OK) {
    snprintf(err, errlen, "train: %s: %s", net->failed_call, ob_strerror(net->status));
    rc = -1;
  }
  out->seconds = conv_now() - t0;
  free(xb);
  free(yb);
  return rc;
}

int fig_train_new(const fig_net_config *cfg, float lr, const fig_train_spec *spec, fig_curves *out,
                  char *err, size_t errlen) {
  fig_net net;
  fig_opt opt;
  if (fig_net_init(&net, cfg, err, errlen) != 0)
    return -1;
  if (fig_opt_init(&opt, &net, OB_SGD, lr, err, errlen) != 0) {
    fig_net_free(&net);
    return -1;
  }
  const int rc = fig_train(&net, &opt, spec, out, err, errlen);
  fig_opt_free(&opt);
  fig_net_free(&net);
  return rc;
}
