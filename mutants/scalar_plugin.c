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

__attribute__((visibility("default"))) ob_status optbench_step(ob_algo algo, const ob_hparams *hp,
                                                               int64_t t, float *p, const float *g,
                                                               float *s0, float *s1, size_t n);
ob_status optbench_step(ob_algo algo, const ob_hparams *hp, int64_t t, float *p, const float *g,
                        float *s0, float *s1, size_t n) {
  const int states = ob_state_count(algo);
  if (states < 0)
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
  if (!p || !g || (states > 0 && !s0) || (states > 1 && !s1))
    return OB_EINVAL;
  OB_KERNEL_TABLE_NAME(OB_ISA)[algo](&c, p, g, s0, s1, n);
  return OB_OK;
}
