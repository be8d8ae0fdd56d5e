/* The scalar reference as an outside kernel (optbench.h, "Outside
 * kernels"): impl/scalar/optim.c's rules and impl/coeffs.c's coefficients
 * compiled in as they are - no copy of a formula - behind the checks ob_step
 * makes, so that mutants/run.sh can build a mutated copy of either file the
 * same way and run it through `optbench verify --kernel`. The build puts the
 * folders of the two files (the originals or a mutant's copies) first on the
 * include path; the hyperparameter checks come from the library
 * (liboptbench.so), which no mutant touches. */
#include "coeffs.c"
#include "optim.c"

#define OB_EXPORT __attribute__((visibility("default")))

/* The states form (ob_step_states_fn): every rule, three states included. */
OB_EXPORT ob_status optbench_step_states(ob_algo algo, const ob_hparams *hp, int64_t t, float *p,
                                         const float *g, float *const states[], size_t n);
ob_status optbench_step_states(ob_algo algo, const ob_hparams *hp, int64_t t, float *p,
                               const float *g, float *const states[], size_t n) {
  const int count = ob_state_count(algo);
  if (count < 0)
    return OB_EINVAL;
  ob_status st = ob_hparams_check(algo, hp);
  if (st != OB_OK)
    return st;
  if (ob_algo_reads_step(algo) && t < 1)
    return OB_ESTEP;
  ob_coeffs c;
  st = ob_coeffs_make(algo, hp, t, &c);
  if (st != OB_OK || n == 0)
    return st;
  float *s[OB_MAX_STATES] = {NULL};
  for (int k = 0; k < count; k++) {
    const int used = ob_state_used(algo, hp, k);
    if (used && (!states || !states[k]))
      return OB_EINVAL;
    s[k] = used ? states[k] : NULL;
  }
  if (!p || !g)
    return OB_EINVAL;
  OB_KERNEL_TABLE_NAME(OB_ISA)[algo](&c, p, g, s[0], s[1], s[2], n);
  return OB_OK;
}

/* The pair form (ob_step_fn), for the rules with at most two states. */
OB_EXPORT ob_status optbench_step(ob_algo algo, const ob_hparams *hp, int64_t t, float *p,
                                  const float *g, float *s0, float *s1, size_t n);
ob_status optbench_step(ob_algo algo, const ob_hparams *hp, int64_t t, float *p, const float *g,
                        float *s0, float *s1, size_t n) {
  float *const states[OB_MAX_STATES] = {s0, s1, NULL};
  return optbench_step_states(algo, hp, t, p, g, states, n);
}
