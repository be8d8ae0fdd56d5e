/* The kernels `optbench tune` times: every rule of optbench_algos.def and
 * every layer op of optbench_ops.def, through the public API, on arrays
 * whose values stay inside every kernel's domain however often it runs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tune.h"

#define SEED 0x74756e65u /* any seed: the timing does not depend on it */

struct tune_bufs {
  float *x, *y, *s0, *s1; /* n each: p, g, states; x, y, dout, dx */
  float *bx;              /* n: batch norm's input, whose columns vary */
  uint8_t *mask;
  float *gamma, *beta, *rmean, *rvar, *mean, *std, *dgamma, *dbeta; /* TUNE_FEATURES each */
};

static float *floats(size_t n, float value) {
  float *p = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
  for (size_t i = 0; p && i < n; i++)
    p[i] = value;
  return p;
}

tune_bufs *tune_bufs_new(size_t n) {
  tune_bufs *b = calloc(1, sizeof *b);
  if (!b)
    return NULL;
  /* rules: p 1, g 1e-3, states >= 0 (AdaGrad's and Adam's v must be);
   * p moves by 1e-5 a step at most, far from any edge in the timed calls */
  b->x = floats(n, 1.0f);
  b->y = floats(n, 1e-3f);
  b->s0 = floats(n, 0.5f);
  b->s1 = floats(n, 0.25f);
  /* batch norm's x must not be constant: a zero variance sends the running
   * variance towards subnormal numbers, whose arithmetic is not what is timed */
  b->bx = floats(n, 0.0f);
  for (size_t i = 0; b->bx && i < n; i++)
    b->bx[i] = (float)(i % 7);
  b->mask = calloc(ob_dropout_mask_bytes(n), 1);
  b->gamma = floats(TUNE_FEATURES, 1.0f);
  b->beta = floats(TUNE_FEATURES, 0.0f);
  b->rmean = floats(TUNE_FEATURES, 0.0f);
  b->rvar = floats(TUNE_FEATURES, 1.0f);
  b->mean = floats(TUNE_FEATURES, 0.0f);
  b->std = floats(TUNE_FEATURES, 1.0f);
  b->dgamma = floats(TUNE_FEATURES, 0.0f);
  b->dbeta = floats(TUNE_FEATURES, 0.0f);
  if (!b->x || !b->y || !b->s0 || !b->s1 || !b->bx || !b->mask || !b->gamma || !b->beta ||
      !b->rmean || !b->rvar || !b->mean || !b->std || !b->dgamma || !b->dbeta) {
    tune_bufs_free(b);
    return NULL;
  }
  return b;
}

void tune_bufs_free(tune_bufs *b) {
  if (!b)
    return;
  float *all[] = {b->x,     b->y,    b->s0,   b->s1,  b->bx,     b->gamma, b->beta,
                  b->rmean, b->rvar, b->mean, b->std, b->dgamma, b->dbeta};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    free(all[i]);
  free(b->mask);
  free(b);
}

/* One runner per op of the list: a missing one is a compile error. The
 * batch-norm runners see n elements as n / TUNE_FEATURES rows. The outputs
 * go to y or s0, never to an input, so repeated calls see the same data. */
typedef ob_status (*op_fn)(const ob_variant *, tune_bufs *, size_t n);

static ob_status run_RAND_UNIFORM(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_rand_uniform(v, SEED, 1, b->s0, n);
}
static ob_status run_RAND_NORMAL(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_rand_normal(v, SEED, 1, 1.0f, b->s0, n);
}
static ob_status run_INIT(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_init_weights(v, OB_INIT_HE, 0.0f, TUNE_FEATURES, SEED, 1, b->s0, n);
}
static ob_status run_DROPOUT_TRAIN(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_dropout_forward_train(v, OB_DROPOUT_BOOK, 0.5f, SEED, 1, b->x, b->s0, b->mask, n);
}
static ob_status run_DROPOUT_TEST(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_dropout_forward_test(v, OB_DROPOUT_BOOK, 0.5f, b->x, b->s0, n);
}
static ob_status run_DROPOUT_BACKWARD(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_dropout_backward(v, OB_DROPOUT_BOOK, 0.5f, b->mask, b->y, b->s0, n);
}
static ob_status run_BATCHNORM_TRAIN(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_batchnorm_forward_train(v, n / TUNE_FEATURES, TUNE_FEATURES, b->bx, b->gamma, b->beta,
                                    OB_BATCHNORM_MOMENTUM, OB_BATCHNORM_EPS, b->rmean, b->rvar,
                                    b->s0, b->mean, b->std);
}
static ob_status run_BATCHNORM_TEST(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_batchnorm_forward_test(v, n / TUNE_FEATURES, TUNE_FEATURES, b->bx, b->gamma, b->beta,
                                   OB_BATCHNORM_EPS, b->rmean, b->rvar, b->s0);
}
static ob_status run_BATCHNORM_BACKWARD(const ob_variant *v, tune_bufs *b, size_t n) {
  return ob_batchnorm_backward(v, n / TUNE_FEATURES, TUNE_FEATURES, b->bx, b->gamma, b->mean,
                               b->std, b->y, b->s0, b->dgamma, b->dbeta);
}

static const op_fn op_runners[OB_OP_COUNT] = {
#define OB_OP(ID, ...) [OB_OP_##ID] = run_##ID,
#include "optbench_ops.def"
#undef OB_OP
};

const char *tune_kernel_name(int k) {
  return k < OB_ALGO_COUNT ? ob_algo_name((ob_algo)k) : ob_op_name((ob_op)(k - OB_ALGO_COUNT));
}

size_t tune_kernel_threshold(int k) {
  return k < OB_ALGO_COUNT ? ob_omp_threshold((ob_algo)k)
                           : ob_op_omp_threshold((ob_op)(k - OB_ALGO_COUNT));
}

ob_status tune_kernel_run(int k, const ob_variant *v, tune_bufs *b, size_t n) {
  if (k >= OB_ALGO_COUNT)
    return op_runners[k - OB_ALGO_COUNT](v, b, n);
  const ob_algo a = (ob_algo)k;
  const ob_hparams hp = ob_defaults(a);
  const int states = ob_state_count(a);
  return ob_step(v, a, &hp, 1, b->x, b->y, states > 0 ? b->s0 : NULL, states > 1 ? b->s1 : NULL, n);
}
