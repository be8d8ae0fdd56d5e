/* ob_step_list: one step of a rule over a whole list of tensors - the
 * functional form frameworks call (PyTorch's _fused_adam_) - checked and run
 * as one: O(N log N) checks (or none for the list this thread last passed),
 * the coefficients once, one parallel region. */
#include "internal.h"

ob_status ob_step_list_states(const ob_variant *v, ob_algo algo, const ob_hparams *hp, int64_t t,
                              size_t count, float *const params[], const float *const grads[],
                              float *const *const states[], const size_t sizes[]) {
  ob_coeffs c;
  ob_status st = ob_prepare(&v, algo, hp, t, &c);
  if (st != OB_OK)
    return st;
  const unsigned need = c.states_used;
  if (need && count && !states)
    return OB_EINVAL;
  /* lists of states the step does not use are not ours to read */
  const ob_list l = ob_list_make(count, params, grads, states, sizes, need);
  if (!ob_list_seen(algo, &l)) {
    st = ob_list_check(algo, &l, 0);
    if (st != OB_OK)
      return st;
    ob_list_remember(algo, &l);
  }
  ob_list_run(v, algo, &c, &l, NULL);
  return OB_OK;
}

ob_status ob_step_list(const ob_variant *v, ob_algo algo, const ob_hparams *hp, int64_t t,
                       size_t count, float *const params[], const float *const grads[],
                       float *const s0[], float *const s1[], const size_t sizes[]) {
  float *const *const states[OB_MAX_STATES] = {s0, s1, NULL};
  return ob_step_list_states(v, algo, hp, t, count, params, grads, states, sizes);
}
