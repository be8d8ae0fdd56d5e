/* golden_adapters - the checker's table of ops, expanded from the two lists:
 * every rule of optbench_algos.def runs through adapt_rule (ob_step_states,
 * or the run's outside kernel: gc_options.kernel, kernel_states), every layer kernel of
 * optbench_ops.def through its adapt_<name> (a kernel without one does not
 * compile). An adapter reads the step's records by name (golden_check.h)
 * and calls the public API.
 */
#include "golden_check.h"
#include "golden_rule.h"

static const char *init_name(int k) { return ob_init_name((ob_init)k); }
static const char *dropout_name(int k) { return ob_dropout_name((ob_dropout_kind)k); }

static ob_status adapt_rand_uniform(gc_run *R, int id) {
  (void)id;
  uint64_t seed = gc_int(R, "seed"), stream = gc_int(R, "stream");
  size_t n = (size_t)gc_int(R, "n");
  float *u = gc_out(R, "u", n);
  return ob_rand_uniform(gc_variant(R), seed, stream, u, n);
}

static ob_status adapt_rand_normal(gc_run *R, int id) {
  (void)id;
  uint64_t seed = gc_int(R, "seed"), stream = gc_int(R, "stream");
  size_t n = (size_t)gc_int(R, "n");
  float stddev = gc_float(R, "stddev");
  float *x = gc_out(R, "x", n);
  return ob_rand_normal(gc_variant(R), seed, stream, stddev, x, n);
}

/* The file's sigma is the float32 standard deviation of the kind
 * (FORMAT.md); ob_init_stddev must give the same bits. */
static ob_status adapt_init(gc_run *R, int id) {
  (void)id;
  ob_init kind = (ob_init)gc_word_index(R, "kind", init_name, OB_INIT_COUNT);
  float stddev = gc_float(R, "stddev"), sigma = gc_float(R, "sigma"), got = 0;
  size_t fan_in = (size_t)gc_int(R, "fan_in"), n = (size_t)gc_int(R, "n");
  uint64_t seed = gc_int(R, "seed"), stream = gc_int(R, "stream");
  ob_status rc = ob_init_stddev(kind, stddev, fan_in, &got);
  if (rc == OB_OK && got != sigma)
    gc_fail(R, "ob_init_stddev(%s, %a, %zu) gives %a, the file's sigma is %a", init_name(kind),
            (double)stddev, fan_in, (double)got, (double)sigma);
  float *w = gc_out(R, "w", n);
  return ob_init_weights(gc_variant(R), kind, stddev, fan_in, seed, stream, w, n);
}

static ob_status adapt_dropout_train(gc_run *R, int id) {
  (void)id;
  ob_dropout_kind kind = (ob_dropout_kind)gc_word_index(R, "kind", dropout_name, OB_DROPOUT_COUNT);
  float ratio = gc_float(R, "ratio");
  uint64_t seed = gc_int(R, "seed"), stream = gc_int(R, "stream");
  size_t n = gc_in_count(R, "x");
  const float *x = gc_in(R, "x", n);
  float *y = gc_out(R, "y", n);
  uint8_t *mask = gc_mask_out(R, "mask", n);
  return ob_dropout_forward_train(gc_variant(R), kind, ratio, seed, stream, x, y, mask, n);
}

static ob_status adapt_dropout_test(gc_run *R, int id) {
  (void)id;
  ob_dropout_kind kind = (ob_dropout_kind)gc_word_index(R, "kind", dropout_name, OB_DROPOUT_COUNT);
  float ratio = gc_float(R, "ratio");
  size_t n = gc_in_count(R, "x");
  const float *x = gc_in(R, "x", n);
  float *y = gc_out(R, "y", n);
  return ob_dropout_forward_test(gc_variant(R), kind, ratio, x, y, n);
}

static ob_status adapt_dropout_backward(gc_run *R, int id) {
  (void)id;
  ob_dropout_kind kind = (ob_dropout_kind)gc_word_index(R, "kind", dropout_name, OB_DROPOUT_COUNT);
  float ratio = gc_float(R, "ratio");
  size_t n = gc_in_count(R, "dout");
  const uint8_t *mask = gc_mask_in(R, "mask", n);
  const float *dout = gc_in(R, "dout", n);
  float *dx = gc_out(R, "dx", n);
  return ob_dropout_backward(gc_variant(R), kind, ratio, mask, dout, dx, n);
}

static ob_status adapt_batchnorm_train(gc_run *R, int id) {
  (void)id;
  size_t N = (size_t)gc_int(R, "batch"), F = (size_t)gc_int(R, "features");
  const size_t NF = gc_mul(R, N, F, "batch x features");
  float eps = gc_float(R, "eps"), momentum = gc_float(R, "momentum");
  const float *x = gc_in(R, "x", NF), *gamma = gc_in(R, "gamma", F), *beta = gc_in(R, "beta", F);
  float *rm = gc_inout(R, "running_mean", F), *rv = gc_inout(R, "running_var", F);
  float *y = gc_out(R, "y", NF), *mean = gc_out(R, "mean", F), *sd = gc_out(R, "std", F);
  return ob_batchnorm_forward_train(gc_variant(R), N, F, x, gamma, beta, momentum, eps, rm, rv, y,
                                    mean, sd);
}

static ob_status adapt_batchnorm_test(gc_run *R, int id) {
  (void)id;
  size_t N = (size_t)gc_int(R, "batch"), F = (size_t)gc_int(R, "features");
  const size_t NF = gc_mul(R, N, F, "batch x features");
  float eps = gc_float(R, "eps");
  const float *x = gc_in(R, "x", NF), *gamma = gc_in(R, "gamma", F), *beta = gc_in(R, "beta", F),
              *rm = gc_in(R, "running_mean", F), *rv = gc_in(R, "running_var", F);
  float *y = gc_out(R, "y", NF);
  return ob_batchnorm_forward_test(gc_variant(R), N, F, x, gamma, beta, eps, rm, rv, y);
}

static ob_status adapt_batchnorm_backward(gc_run *R, int id) {
  (void)id;
  size_t N = (size_t)gc_int(R, "batch"), F = (size_t)gc_int(R, "features");
  const size_t NF = gc_mul(R, N, F, "batch x features");
  const float *x = gc_in(R, "x", NF), *gamma = gc_in(R, "gamma", F), *mean = gc_in(R, "mean", F),
              *sd = gc_in(R, "std", F), *dout = gc_in(R, "dout", NF);
  float *dx = gc_out(R, "dx", NF), *dgamma = gc_out(R, "dgamma", F), *dbeta = gc_out(R, "dbeta", F);
  return ob_batchnorm_backward(gc_variant(R), N, F, x, gamma, mean, sd, dout, dx, dgamma, dbeta);
}

/* The rule's step through the library: ob_step_states fresh, and on its
 * own state ob_step_list_states with one tensor (the same bits, the list's
 * NULL for an unused state's list), so that both entry points meet every
 * trajectory. */
static ob_status library_step(gc_run *R, ob_algo a, const ob_hparams *hp, int64_t t, float *p,
                              const float *g, float *const s[OB_MAX_STATES], size_t n) {
  if (!gc_own_state(R))
    return ob_step_states(gc_variant(R), a, hp, t, p, g, s, n);
  float *const *lists[OB_MAX_STATES];
  for (int k = 0; k < OB_MAX_STATES; k++)
    lists[k] = s[k] ? &s[k] : NULL;
  return ob_step_list_states(gc_variant(R), a, hp, t, 1, &p, &g, lists, &n);
}

/* An outside kernel's step (optbench.h, "Outside kernels"): the pair form
 * takes two states, so a step that uses a third is not called and fails. */
static ob_status kernel_step(gc_run *R, ob_algo a, const ob_hparams *hp, int64_t t, float *p,
                             const float *g, float *const s[OB_MAX_STATES], size_t n) {
  const ob_step_states_fn states = gc_kernel_states(R);
  if (states)
    return states(a, hp, t, p, g, s, n);
  for (int k = 2; k < ob_state_count(a); k++)
    if (ob_state_used(a, hp, k) != 0) {
      const char *on = ob_state_condition(a, k);
      double value = 0;
      if (on)
        ob_hparams_get(hp, on, &value);
      gc_not_called(R,
                    "not run: the kernel has the pair form (" OB_KERNEL_SYMBOL
                    "'s signature), and this step uses state %d '%s' (%s = %g), which only the "
                    "states form (" OB_KERNEL_STATES_SYMBOL ") can take",
                    k, ob_state_name(a, k), on ? on : "always", value);
      return OB_OK;
    }
  return gc_kernel(R)(a, hp, t, p, g, s[0], s[1], n);
}

/* A rule's step (FORMAT.md, "Update rules"): the hyperparameters the rule
 * reads by name, 0 where absent (one it does not read, or one the checker
 * does not know, stays unread, which fails the case), t, p and the states
 * in place (a state the hyperparameters leave unused: gc_unused), g read
 * only. */
static ob_status adapt_rule(gc_run *R, int id) {
  const ob_algo a = (ob_algo)id;
  ob_hparams hp = OB_HPARAMS_INIT;
  const unsigned reads = ob_hparams_used(a);
  for (int k = 0; k < ob_hparam_count(); k++) {
    const char *name = ob_hparam_name(k);
    if ((reads >> k & 1u) && ob_hparams_set(&hp, name, (double)gc_float_or_0(R, name)) != OB_OK)
      gc_fail(R, "ob_hparams_set(%s) refused the file's value", name);
  }
  const uint64_t t = gc_int(R, "t");
  if (t > INT64_MAX)
    gc_fail(R, "t = %llu is past 2^63 - 1", (unsigned long long)t);
  const size_t n = gc_in_count(R, "p");
  float *p = gc_inout(R, "p", n), *s[OB_MAX_STATES] = {NULL, NULL, NULL};
  const float *g = gc_in(R, "g", n);
  for (int k = 0; k < ob_state_count(a); k++) {
    const char *name = ob_state_name(a, k);
    s[k] = ob_state_used(a, &hp, k) != 0 ? gc_inout(R, name, n) : gc_unused(R, name, n);
  }
  /* a step whose bound has an allowance (weight decay) counts apart */
  const double b = ob_step_error_bound(a, &hp, gc_variant(R));
  gc_set_step_bound(R, b, b > ob_error_bound(a, gc_variant(R)));
  const int64_t step = (int64_t)(t > INT64_MAX ? 0 : t);
  return gc_kernel(R) || gc_kernel_states(R) ? kernel_step(R, a, &hp, step, p, g, s, n)
                                             : library_step(R, a, &hp, step, p, g, s, n);
}

static const gc_entry entries[GD_OP_COUNT] = {
#define OB_ALGO(ID, ...) [OB_##ID] = {adapt_rule, OB_##ID},
#include "optbench_algos.def"
#undef OB_ALGO
#define OB_OP(ID, name, ...) [OB_ALGO_COUNT + OB_OP_##ID] = {adapt_##name, OB_OP_##ID},
#include "optbench_ops.def"
#undef OB_OP
};

gc_entry gc_entry_of(gd_op op) {
  const gc_entry none = {NULL, -1};
  return op >= 0 && op < GD_OP_COUNT ? entries[op] : none;
}
