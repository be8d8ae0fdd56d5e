/* golden_ops_adapters - one adapter per line of optbench_ops.def: reads the
 * case's records by name (golden_ops_check.h) and calls the public API.
 *
 * The table at the end expands optbench_ops.def: an op without an adapter
 * named adapt_<name> here does not compile.
 */
#include "golden_ops_check.h"

static const char *init_name(int k) { return ob_init_name((ob_init)k); }
static const char *dropout_name(int k) { return ob_dropout_name((ob_dropout_kind)k); }

static ob_status adapt_rand_uniform(goc_run *R) {
  uint64_t seed = goc_int(R, "seed"), stream = goc_int(R, "stream");
  size_t n = (size_t)goc_int(R, "n");
  float *u = goc_out(R, "u", n);
  return ob_rand_uniform(goc_variant(R), seed, stream, u, n);
}

static ob_status adapt_rand_normal(goc_run *R) {
  uint64_t seed = goc_int(R, "seed"), stream = goc_int(R, "stream");
  size_t n = (size_t)goc_int(R, "n");
  float stddev = goc_float(R, "stddev");
  float *x = goc_out(R, "x", n);
  return ob_rand_normal(goc_variant(R), seed, stream, stddev, x, n);
}

/* The file's sigma is the float32 standard deviation of the kind
 * (FORMAT.md); ob_init_stddev must give the same bits. */
static ob_status adapt_init(goc_run *R) {
  ob_init kind = (ob_init)goc_word_index(R, "kind", init_name, OB_INIT_COUNT);
  float stddev = goc_float(R, "stddev"), sigma = goc_float(R, "sigma"), got = 0;
  size_t fan_in = (size_t)goc_int(R, "fan_in"), n = (size_t)goc_int(R, "n");
  uint64_t seed = goc_int(R, "seed"), stream = goc_int(R, "stream");
  ob_status rc = ob_init_stddev(kind, stddev, fan_in, &got);
  if (rc == OB_OK && got != sigma)
    goc_fail(R, "ob_init_stddev(%s, %a, %zu) gives %a, the file's sigma is %a", init_name(kind),
             (double)stddev, fan_in, (double)got, (double)sigma);
  float *w = goc_out(R, "w", n);
  return ob_init_weights(goc_variant(R), kind, stddev, fan_in, seed, stream, w, n);
}

static ob_status adapt_dropout_train(goc_run *R) {
  ob_dropout_kind kind = (ob_dropout_kind)goc_word_index(R, "kind", dropout_name, OB_DROPOUT_COUNT);
  float ratio = goc_float(R, "ratio");
  uint64_t seed = goc_int(R, "seed"), stream = goc_int(R, "stream");
  size_t n = goc_in_count(R, "x");
  const float *x = goc_in(R, "x", n);
  float *y = goc_out(R, "y", n);
  uint8_t *mask = goc_mask_out(R, "mask", n);
  return ob_dropout_forward_train(goc_variant(R), kind, ratio, seed, stream, x, y, mask, n);
}

static ob_status adapt_dropout_test(goc_run *R) {
  ob_dropout_kind kind = (ob_dropout_kind)goc_word_index(R, "kind", dropout_name, OB_DROPOUT_COUNT);
  float ratio = goc_float(R, "ratio");
  size_t n = goc_in_count(R, "x");
  const float *x = goc_in(R, "x", n);
  float *y = goc_out(R, "y", n);
  return ob_dropout_forward_test(goc_variant(R), kind, ratio, x, y, n);
}

static ob_status adapt_dropout_backward(goc_run *R) {
  ob_dropout_kind kind = (ob_dropout_kind)goc_word_index(R, "kind", dropout_name, OB_DROPOUT_COUNT);
  float ratio = goc_float(R, "ratio");
  size_t n = goc_in_count(R, "dout");
  const uint8_t *mask = goc_mask_in(R, "mask", n);
  const float *dout = goc_in(R, "dout", n);
  float *dx = goc_out(R, "dx", n);
  return ob_dropout_backward(goc_variant(R), kind, ratio, mask, dout, dx, n);
}

static ob_status adapt_batchnorm_train(goc_run *R) {
  size_t N = (size_t)goc_int(R, "batch"), F = (size_t)goc_int(R, "features");
  const size_t NF = goc_mul(R, N, F, "batch x features");
  float eps = goc_float(R, "eps"), momentum = goc_float(R, "momentum");
  const float *x = goc_in(R, "x", NF), *gamma = goc_in(R, "gamma", F), *beta = goc_in(R, "beta", F);
  float *rm = goc_inout(R, "running_mean", F), *rv = goc_inout(R, "running_var", F);
  float *y = goc_out(R, "y", NF), *mean = goc_out(R, "mean", F), *sd = goc_out(R, "std", F);
  return ob_batchnorm_forward_train(goc_variant(R), N, F, x, gamma, beta, momentum, eps, rm, rv, y,
                                    mean, sd);
}

static ob_status adapt_batchnorm_test(goc_run *R) {
  size_t N = (size_t)goc_int(R, "batch"), F = (size_t)goc_int(R, "features");
  const size_t NF = goc_mul(R, N, F, "batch x features");
  float eps = goc_float(R, "eps");
  const float *x = goc_in(R, "x", NF), *gamma = goc_in(R, "gamma", F), *beta = goc_in(R, "beta", F),
              *rm = goc_in(R, "running_mean", F), *rv = goc_in(R, "running_var", F);
  float *y = goc_out(R, "y", NF);
  return ob_batchnorm_forward_test(goc_variant(R), N, F, x, gamma, beta, eps, rm, rv, y);
}

static ob_status adapt_batchnorm_backward(goc_run *R) {
  size_t N = (size_t)goc_int(R, "batch"), F = (size_t)goc_int(R, "features");
  const size_t NF = goc_mul(R, N, F, "batch x features");
  const float *x = goc_in(R, "x", NF), *gamma = goc_in(R, "gamma", F), *mean = goc_in(R, "mean", F),
              *sd = goc_in(R, "std", F), *dout = goc_in(R, "dout", NF);
  float *dx = goc_out(R, "dx", NF), *dgamma = goc_out(R, "dgamma", F),
        *dbeta = goc_out(R, "dbeta", F);
  return ob_batchnorm_backward(goc_variant(R), N, F, x, gamma, mean, sd, dout, dx, dgamma, dbeta);
}

static const goc_adapter adapters[OB_OP_COUNT] = {
#define OB_OP(ID, name, ...) [OB_OP_##ID] = adapt_##name,
#include "optbench_ops.def"
#undef OB_OP
};

goc_adapter goc_adapter_of(ob_op op) { return adapters[op]; }
