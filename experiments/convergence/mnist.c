/* mnist.c - figure 6-9: the book's ch06/optimizer_compare_mnist.py on
 * Fashion-MNIST. A 784-100-100-100-100-10 ReLU net (He init, softmax
 * cross-entropy), mini-batches of 128 drawn with replacement (as
 * np.random.choice), 2000 iterations; each optimizer through ob_optimizer.
 * As in the book the recorded loss of an iteration is the loss on its batch
 * after the update. Every optimizer starts from the same weights and sees
 * the same batches. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "idx.h"
#include "mlp.h"
#include "opts.h"

#define INIT_SEED  UINT64_C(0x6f70746265e0c001) /* weights */
#define BATCH_SEED UINT64_C(0x6f70746265e0c002) /* batch indices */

/* End-to-end agreement of --compare-variant: largest |loss_scalar -
 * loss_V| over the smoothed curves allowed. See RESULTS.md ("Convergence")
 * or the report for why. */
#define COMPARE_TOL 0.05

static const size_t DIMS[] = {784, 100, 100, 100, 100, 10};

typedef struct {
  double *loss, *smooth;
  double acc, ms_iter, ms_update, seconds;
} run_result;

static int train(const idx_set *tr, const idx_set *te, ob_algo a, float lr, const ob_variant *v,
                 size_t iters, size_t batch, const char *tag, run_result *r) {
  memset(r, 0, sizeof *r);
  const size_t in = DIMS[0];
  mlp net;
  if (mlp_init(&net, 5, DIMS, batch, INIT_SEED) != 0) {
    fprintf(stderr, "mnist: out of memory building the net\n");
    return -1;
  }
  ob_hparams hp = ob_defaults(a);
  hp.lr = lr;
  ob_status st;
  ob_optimizer *opt = ob_optimizer_new(a, &hp, v, &st);
  float *xb = malloc(batch * in * sizeof *xb);
  uint8_t *yb = malloc(batch);
  r->loss = malloc(iters * sizeof *r->loss);
  r->smooth = malloc(iters * sizeof *r->smooth);
  if (!opt || !xb || !yb || !r->loss || !r->smooth) {
    fprintf(stderr, "mnist: %s: %s\n", ob_algo_name(a), opt ? "out of memory" : ob_strerror(st));
    ob_optimizer_free(opt);
    free(xb);
    free(yb);
    mlp_free(&net);
    return -1;
  }
  mlp_rng br;
  mlp_rng_seed(&br, BATCH_SEED);
  double t_update = 0.0;
  const double t0 = conv_now();
  for (size_t it = 0; it < iters; it++) {
    for (size_t i = 0; i < batch; i++) {
      const size_t k = mlp_rng_below(&br, tr->x.n);
      memcpy(xb + i * in, tr->x.pixels + k * in, in * sizeof *xb);
      yb[i] = tr->y.labels[k];
    }
    mlp_loss_grad(&net, xb, yb, batch);
    const double u0 = conv_now();
    st =
        ob_optimizer_update(opt, net.count, net.params, (const float *const *)net.grads, net.sizes);
    t_update += conv_now() - u0;
    if (st != OB_OK) {
      fprintf(stderr, "mnist: %s: update %zu: %s\n", ob_algo_name(a), it + 1, ob_strerror(st));
      break;
    }
    r->loss[it] = mlp_loss(&net, xb, yb, batch);
    if ((it + 1) % 100 == 0 || it + 1 == iters) {
      printf("mnist: %-9s %-10s iteration %5zu/%zu  loss %.4f  %.2f ms/iteration\n",
             ob_algo_name(a), tag, it + 1, iters, r->loss[it],
             1e3 * (conv_now() - t0) / (double)(it + 1));
      fflush(stdout);
    }
  }
  r->seconds = conv_now() - t0;
  r->ms_iter = 1e3 * r->seconds / (double)iters;
  r->ms_update = 1e3 * t_update / (double)iters;
  conv_smooth(r->loss, r->smooth, iters);
  r->acc = (double)mlp_correct(&net, te->x.pixels, te->y.labels, te->x.n) / (double)te->x.n;
  ob_optimizer_free(opt);
  free(xb);
  free(yb);
  mlp_free(&net);
  return st == OB_OK ? 0 : -1;
}

static void free_result(run_result *r) {
  free(r->loss);
  free(r->smooth);
  memset(r, 0, sizeof *r);
}

static int write_loss(const char *out, const char *name, ob_algo a, const char *vname, size_t iters,
                      const run_result *r, const run_result *cmp, const char *cmpname) {
  char fname[128], err[4096];
  snprintf(fname, sizeof fname, "%s_%s.dat", name, ob_algo_name(a));
  conv_out o;
  if (conv_out_open(&o, out, fname, err, sizeof err) != 0) {
    fprintf(stderr, "mnist: %s\n", err);
    return -1;
  }
  fprintf(o.f,
          "# figure 6-9: %s on Fashion-MNIST, 784-100-100-100-100-10, variant %s\n"
          "# init seed 0x%016" PRIx64 ", batch seed 0x%016" PRIx64 "\n",
          ob_algo_name(a), vname, INIT_SEED, BATCH_SEED);
  if (cmp) {
    fprintf(o.f, "# iteration loss_scalar loss_%s absdiff smoothed_scalar smoothed_%s absdiff\n",
            cmpname, cmpname);
    for (size_t i = 0; i < iters; i++)
      fprintf(o.f, "%zu %.9g %.9g %.3g %.9g %.9g %.3g\n", i + 1, r->loss[i], cmp->loss[i],
              fabs(r->loss[i] - cmp->loss[i]), r->smooth[i], cmp->smooth[i],
              fabs(r->smooth[i] - cmp->smooth[i]));
  } else {
    fprintf(o.f, "# iteration loss smoothed\n");
    for (size_t i = 0; i < iters; i++)
      fprintf(o.f, "%zu %.9g %.9g\n", i + 1, r->loss[i], r->smooth[i]);
  }
  if (conv_out_commit(&o, err, sizeof err) != 0) {
    fprintf(stderr, "mnist: %s\n", err);
    return -1;
  }
  return 0;
}

/* --algos a,b,...: marks each named rule in the int[OB_ALGO_COUNT] target;
 * an unknown or empty name is bad usage. */
static int take_algos(void *target, const char *name, const char *value, char *err, size_t errlen) {
  int *use = target;
  for (const char *p = value;;) {
    const size_t len = strcspn(p, ",");
    char rule[64];
    int a = -1;
    if (len > 0 && len < sizeof rule) {
      memcpy(rule, p, len);
      rule[len] = '\0';
      a = ob_algo_from_name(rule);
    }
    if (a < 0) {
      snprintf(err, errlen, "%s: unknown algorithm '%.*s'", name, (int)len, p);
      return OB_OPTS_BAD;
    }
    use[a] = 1;
    if (p[len] == '\0')
      return OB_OPTS_OK;
    p += len + 1;
  }
}

int conv_mnist_main(int argc, char **argv) {
  const char *data = CONV_FASHION_DATA, *out = "convergence", *vname = NULL, *cname = NULL;
  int use[OB_ALGO_COUNT] = {0};
  int n_iters = 2000, n_batch = 128;
  const ob_opt opts[] = {
      {"--data", NULL, OB_OPT_STR, &data, 0, 0, 0, NULL, "DIR", "Fashion-MNIST's IDX files"},
      {"--out", NULL, OB_OPT_STR, &out, 0, 0, 0, NULL, "DIR",
       "the loss curves' folder (default convergence)"},
      /* 10^7 iterations is hours here, past any experiment */
      {"--iters", NULL, OB_OPT_INT, &n_iters, 1, 10000000, 0, NULL, "N",
       "training iterations (default 2000)"},
      /* 2^16: above the 60000 training images, so no real batch is refused */
      {"--batch", NULL, OB_OPT_INT, &n_batch, 1, 65536, 0, NULL, "N", "batch size (default 128)"},
      {"--variant", NULL, OB_OPT_STR, &vname, 0, 0, 0, NULL, "V",
       "the library's variant (default the best)"},
      {"--compare-variant", NULL, OB_OPT_STR, &cname, 0, 0, 0, NULL, "V",
       "train with scalar and V (or best) and compare the curves"},
      {"--algos", NULL, OB_OPT_FN, use, 0, 0, 0, take_algos, "a,b,...",
       "only these rules (default the book's convention's; a torch rule at its book rate)"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  const int done = ob_opts_parse_main("optbench_convergence mnist", "[options]", opts,
                                      sizeof opts / sizeof *opts, NULL, &argc, argv);
  if (done >= 0)
    return done;
  const long iters = n_iters, batch = n_batch;
  const ob_variant *v = vname ? ob_variant_find(vname) : ob_variant_best();
  const ob_variant *cv = !cname                   ? NULL
                         : !strcmp(cname, "best") ? ob_variant_best()
                                                  : ob_variant_find(cname);
  const ob_variant *scalar = ob_variant_find("scalar");
  if ((vname && !v) || (cname && !cv)) {
    fprintf(stderr, "mnist: unknown variant '%s'\n", vname && !v ? vname : cname);
    return 2;
  }
  if (!ob_variant_supported(v) || (cv && !ob_variant_supported(cv))) {
    fprintf(stderr, "mnist: variant %s is not supported on this CPU\n",
            ob_variant_name(!ob_variant_supported(v) ? v : cv));
    return 2;
  }
  int any = 0; /* no --algos: every rule of the book's convention */
  for (int k = 0; k < OB_ALGO_COUNT; k++)
    any |= use[k];
  for (int k = 0; k < OB_ALGO_COUNT; k++)
    use[k] |= !any && conv_book_rule((ob_algo)k);
  idx_set tr, te;
  const int loaded = conv_load_fashion(data, &tr, &te, "mnist");
  if (loaded != 0)
    return loaded;
  char err[4096];
  if (conv_mkdir_p(out, err, sizeof err) != 0) {
    fprintf(stderr, "mnist: %s\n", err);
    idx_free_set(&tr);
    idx_free_set(&te);
    return 1;
  }
  printf("mnist: net 784-100-100-100-100-10 (ReLU, He init, softmax cross-entropy), batch %ld, "
         "%ld iterations\n",
         batch, iters);
  printf("mnist: seeds: init 0x%016" PRIx64 ", batches 0x%016" PRIx64 "; variant %s%s%s\n",
         INIT_SEED, BATCH_SEED, ob_variant_name(cv ? scalar : v), cv ? " vs " : "",
         cv ? ob_variant_name(cv) : "");
  fflush(stdout);

  int rc = 0;
  double sum_max = 0, sum_smax = 0;
  char table[OB_ALGO_COUNT][256];
  int rows = 0;
  const double t_all = conv_now();
  for (int k = 0; k < OB_ALGO_COUNT && rc == 0; k++) {
    if (!use[k])
      continue;
    const ob_algo a = (ob_algo)k;
    const float lr = ob_algo_book_lr(a, OB_BOOK_MNIST); /* the book's, optbench_algos.def */
    run_result r, c;
    memset(&c, 0, sizeof c);
    if (train(&tr, &te, a, lr, cv ? scalar : v, (size_t)iters, (size_t)batch,
              cv ? "scalar" : ob_variant_name(v), &r) != 0 ||
        (cv &&
         train(&tr, &te, a, lr, cv, (size_t)iters, (size_t)batch, ob_variant_name(cv), &c) != 0)) {
      rc = 1;
    } else if (cv) {
      double mx = 0, smx = 0;
      size_t at = 0;
      for (long i = 0; i < iters; i++) {
        const double d = fabs(r.loss[i] - c.loss[i]), sd = fabs(r.smooth[i] - c.smooth[i]);
        if (!(d <= mx))
          mx = d, at = (size_t)i + 1;
        if (!(sd <= smx))
          smx = sd;
      }
      sum_max = sum_max > mx ? sum_max : mx;
      sum_smax = sum_smax > smx ? sum_smax : smx;
      snprintf(table[rows++], sizeof table[0],
               "| %-9s | %.3g (iteration %zu) | %.3g | %.4f | %.4f | %.2f%% / %.2f%% |",
               ob_algo_name(a), mx, at, smx, r.smooth[iters - 1], c.smooth[iters - 1], 100 * r.acc,
               100 * c.acc);
      if (write_loss(out, "mnist_compare", a, ob_variant_name(cv), (size_t)iters, &r, &c,
                     ob_variant_name(cv)) != 0)
        rc = 1;
    } else {
      snprintf(table[rows++], sizeof table[0], "| %-9s | %-6g | %.4f | %.2f%% | %.3f | %.3f |",
               ob_algo_name(a), (double)lr, r.smooth[iters - 1], 100 * r.acc, r.ms_iter,
               r.ms_update);
      if (write_loss(out, "mnist_loss", a, ob_variant_name(v), (size_t)iters, &r, NULL, NULL) != 0)
        rc = 1;
    }
    free_result(&r);
    free_result(&c);
  }
  idx_free_set(&tr);
  idx_free_set(&te);
  if (rc)
    return rc;

  conv_out o;
  if (conv_out_open(&o, out, cv ? "mnist_compare.md" : "mnist_summary.md", err, sizeof err) != 0) {
    fprintf(stderr, "mnist: %s\n", err);
    return 1;
  }
  if (cv) {
    fprintf(o.f,
            "| optimizer | max abs diff, loss | max abs diff, smoothed | final smoothed scalar "
            "| final smoothed %s | accuracy scalar / %s |\n|---|---|---|---|---|---|\n",
            ob_variant_name(cv), ob_variant_name(cv));
  } else {
    fprintf(o.f, "| optimizer | lr | final smoothed loss | test accuracy | ms/iteration | "
                 "ms/update |\n|---|---|---|---|---|---|\n");
  }
  for (int i = 0; i < rows; i++)
    fprintf(o.f, "%s\n", table[i]);
  if (cv)
    fprintf(o.f,
            "\nscalar vs %s over %ld iterations: max |diff| of the loss %.3g, of the smoothed "
            "loss %.3g (tolerance %.3g on the smoothed loss): %s\n",
            ob_variant_name(cv), iters, sum_max, sum_smax, COMPARE_TOL,
            sum_smax <= COMPARE_TOL ? "agree" : "DISAGREE");
  else
    fprintf(o.f, "\nvariant %s, %ld iterations, batch %ld, %.1f s in all\n", ob_variant_name(v),
            iters, batch, conv_now() - t_all);
  rewind(o.f);
  char line[512];
  while (fgets(line, sizeof line, o.f))
    fputs(line, stdout);
  fseek(o.f, 0, SEEK_END);
  if (conv_out_commit(&o, err, sizeof err) != 0) {
    fprintf(stderr, "mnist: %s\n", err);
    return 1;
  }
  if (cv && !(sum_smax <= COMPARE_TOL)) {
    fprintf(stderr, "mnist: scalar and %s disagree: %.3g > %.3g\n", ob_variant_name(cv), sum_smax,
            COMPARE_TOL);
    return 1;
  }
  return 0;
}
