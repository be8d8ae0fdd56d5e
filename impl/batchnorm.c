/* The batch-normalisation entry points: check every argument, gather the
 * kernel's arguments, run the variant's kernel over the features. Checks run
 * in the order of ob_step's (variant, hyperparameters, shape, arrays) and
 * all of them before any memory is touched: a refused call changes nothing. */
#include <stdint.h>

#include "internal.h"

/* The +omp variants split the features into chunks of whole 64-byte lines of
 * a row (16 columns): a feature's result depends on its column alone, so
 * any split gives the same bits. */
#define BN_ALIGN 16

typedef struct {
  ob_bn_fn fn;
  const ob_bn_args *args;
} bn_job;

static void run_job(void *ctx, size_t lo, size_t hi) {
  const bn_job *j = ctx;
  j->fn(j->args, lo, hi);
}

/* ob_op_omp_threshold counts elements (batch*features), the split is over
 * features: threads from ceil(threshold/batch) features on, so the work per
 * call where threads start is the measured element count whatever the
 * shape. Never below BN_ALIGN + 1 features: with fewer there is only one
 * chunk to hand out, and waking a team would buy nothing. */
static void run(const ob_variant *v, ob_op op, ob_bn_fn fn, const ob_bn_args *a) {
  const size_t elements = ob_op_omp_threshold(op);
  size_t features = elements / a->rows + (elements % a->rows != 0);
  if (features < BN_ALIGN + 1)
    features = BN_ALIGN + 1;
  bn_job job = {fn, a};
  ob_run_chunks(v, a->cols, features, BN_ALIGN, run_job, &job);
}

/* Every array of batch norm is a float array (at most 8 a call). */
static const size_t float_align[8] = {_Alignof(float), _Alignof(float), _Alignof(float),
                                      _Alignof(float), _Alignof(float), _Alignof(float),
                                      _Alignof(float), _Alignof(float)};

/* batch, features >= 1 and batch*features floats addressable in size_t */
static ob_status check_shape(size_t batch, size_t features) {
  if (batch == 0 || features == 0)
    return OB_ERANGE;
  return batch > SIZE_MAX / sizeof(float) / features ? OB_EINVAL : OB_OK;
}

static int momentum_ok(float m) { return m >= 0.0f && m <= 1.0f; } /* false for NaN */

ob_status ob_batchnorm_forward_train(const ob_variant *v, size_t batch, size_t features,
                                     const float *x, const float *gamma, const float *beta,
                                     float momentum, float eps, float *running_mean,
                                     float *running_var, float *y, float *mean, float *std) {
  ob_status st = ob_resolve_variant(&v);
  if (st == OB_OK && !(ob_nonneg(eps) && momentum_ok(momentum)))
    st = OB_EHPARAM;
  if (st == OB_OK)
    st = check_shape(batch, features);
  if (st != OB_OK)
    return st;
  const size_t data = batch * features * sizeof(float), vec = features * sizeof(float);
  const void *const ptr[] = {x, gamma, beta, running_mean, running_var, y, mean, std};
  const size_t bytes[] = {data, vec, vec, vec, vec, data, vec, vec};
  st = ob_check_buffers(sizeof ptr / sizeof ptr[0], ptr, bytes, float_align);
  if (st != OB_OK)
    return st;
  const ob_bn_args a = {
      .rows = batch,
      .cols = features,
      .x = x,
      .gamma = gamma,
      .beta = beta,
      .y = y,
      .mean = mean,
      .std = std,
      .running_mean = running_mean,
      .running_var = running_var,
      .eps = eps,
      .momentum = momentum,
      .one_minus_momentum = (float)(1.0 - (double)momentum), /* rounded once */
  };
  run(v, OB_OP_BATCHNORM_TRAIN, v->bn->train, &a);
  return OB_OK;
}

ob_status ob_batchnorm_forward_test(const ob_variant *v, size_t batch, size_t features,
                                    const float *x, const float *gamma, const float *beta,
                                    float eps, const float *running_mean, const float *running_var,
                                    float *y) {
  ob_status st = ob_resolve_variant(&v);
  if (st == OB_OK && !ob_nonneg(eps))
    st = OB_EHPARAM;
  if (st == OB_OK)
    st = check_shape(batch, features);
  if (st != OB_OK)
    return st;
  const size_t data = batch * features * sizeof(float), vec = features * sizeof(float);
  const void *const ptr[] = {x, gamma, beta, running_mean, running_var, y};
  const size_t bytes[] = {data, vec, vec, vec, vec, data};
  st = ob_check_buffers(sizeof ptr / sizeof ptr[0], ptr, bytes, float_align);
  if (st != OB_OK)
    return st;
  const ob_bn_args a = {
      .rows = batch,
      .cols = features,
      .x = x,
      .gamma = gamma,
      .beta = beta,
      .y = y,
      /* the test kernel only reads them (kernel.h) */
      .running_mean = (float *)running_mean,
      .running_var = (float *)running_var,
      .eps = eps,
  };
  run(v, OB_OP_BATCHNORM_TEST, v->bn->test, &a);
  return OB_OK;
}

ob_status ob_batchnorm_backward(const ob_variant *v, size_t batch, size_t features, const float *x,
                                const float *gamma, const float *mean, const float *std,
                                const float *dout, float *dx, float *dgamma, float *dbeta) {
  ob_status st = ob_resolve_variant(&v);
  if (st == OB_OK)
    st = check_shape(batch, features);
  if (st != OB_OK)
    return st;
  const size_t data = batch * features * sizeof(float), vec = features * sizeof(float);
  const void *const ptr[] = {x, gamma, mean, std, dout, dx, dgamma, dbeta};
  const size_t bytes[] = {data, vec, vec, vec, data, data, vec, vec};
  st = ob_check_buffers(sizeof ptr / sizeof ptr[0], ptr, bytes, float_align);
  if (st != OB_OK)
    return st;
  /* mean and std are the forward's outputs, inputs here */
  const ob_bn_args a = {
      .rows = batch,
      .cols = features,
      .x = x,
      .gamma = gamma,
      .dout = dout,
      .mean = (float *)mean,
      .std = (float *)std,
      .dx = dx,
      .dgamma = dgamma,
      .dbeta = dbeta,
  };
  run(v, OB_OP_BATCHNORM_BACKWARD, v->bn->backward, &a);
  return OB_OK;
}
