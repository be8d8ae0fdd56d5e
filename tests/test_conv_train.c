/* A short training run lowers the loss: the convergence net on a synthetic
 * 10-class problem (Gaussian clusters in 20 dimensions), 50 iterations of
 * batches of 32, every rule of the list through ob_optimizer at its book
 * learning rate scaled up for the short run. The mean loss of the last 5
 * iterations must be below 70% of the first 5's. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>

#include "mlp.h"
#include "test_util.h"

enum { DIM = 20, K = 10, N = 2000, B = 32, ITERS = 50 };
/* Every rule at 3x its figure 6-9 rate (the list's): a short run on an easy
 * problem takes a larger step. A rule of thumb for any rule, not a tuning
 * per rule: every rule passes from 2x to 10x here. */
#define SHORT_RUN 3.0f

int main(void) {
  const uint64_t seed = tu_seed("test_conv_train", 0x747261696eu);
  mlp_rng r;
  mlp_rng_seed(&r, seed);
  static float centres[K][DIM], X[N * DIM], xb[B * DIM];
  static uint8_t Y[N], yb[B];
  for (int k = 0; k < K; k++)
    for (int d = 0; d < DIM; d++)
      centres[k][d] = (float)mlp_rng_normal(&r);
  for (size_t i = 0; i < N; i++) {
    Y[i] = (uint8_t)(i % K);
    for (int d = 0; d < DIM; d++)
      X[i * DIM + d] = centres[Y[i]][d] + 0.5f * (float)mlp_rng_normal(&r);
  }
  const size_t dims[] = {DIM, 32, 32, K};
  for (int o = 0; o < OB_ALGO_COUNT; o++) {
    const ob_algo a = (ob_algo)o;
    const char *name = ob_algo_name(a);
    const float lr = SHORT_RUN * ob_algo_book_lr(a, OB_BOOK_MNIST);
    mlp net;
    CHECK(mlp_init(&net, 3, dims, B, seed) == 0, "mlp_init");
    ob_hparams hp = ob_defaults(a);
    hp.lr = lr;
    ob_status st;
    ob_optimizer *opt = ob_optimizer_new(a, &hp, NULL, &st);
    CHECK(opt, "ob_optimizer_new(%s): %s", name, ob_strerror(st));
    if (!opt) {
      mlp_free(&net);
      continue;
    }
    mlp_rng br;
    mlp_rng_seed(&br, seed + 1);
    double first = 0, last = 0;
    for (int it = 0; it < ITERS; it++) {
      for (size_t i = 0; i < B; i++) {
        const size_t k = mlp_rng_below(&br, N);
        memcpy(xb + i * DIM, X + k * DIM, sizeof(float) * DIM);
        yb[i] = Y[k];
      }
      const double loss = mlp_loss_grad(&net, xb, yb, B);
      st = ob_optimizer_update(opt, net.count, net.params, (const float *const *)net.grads,
                               net.sizes);
      CHECK(st == OB_OK, "%s update %d: %s", name, it, ob_strerror(st));
      if (it < 5)
        first += loss / 5;
      if (it >= ITERS - 5)
        last += loss / 5;
    }
    const size_t correct = mlp_correct(&net, X, Y, N);
    printf("test_conv_train: %-9s lr %-6g loss %.4f -> %.4f, training accuracy %.1f%%\n", name,
           (double)lr, first, last, 100.0 * (double)correct / N);
    CHECK(isfinite(last) && last < 0.7 * first, "%s: loss %.4f -> %.4f", name, first, last);
    ob_optimizer_free(opt);
    mlp_free(&net);
  }
  return ob_test_done("test_conv_train");
}
