/* The book's optimizer object: hyperparameters, a step counter and, per
 * parameter array, the state the rule needs - zeroed on the first update,
 * as the book's classes do with np.zeros_like. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ob_optimizer {
  ob_algo algo;
  ob_hparams hp;
  const ob_variant *variant;
  int64_t steps;
  size_t count; /* parameter arrays; fixed by the first update */
  size_t *sizes;
  float **state[2]; /* state[k][i]: state array k of parameter array i */
};

ob_optimizer *ob_optimizer_new(ob_algo algo, const ob_hparams *hp, const ob_variant *v,
                               ob_status *status) {
  ob_status st = ob_algo_valid(algo) && hp ? OB_OK : OB_EINVAL;
  if (st == OB_OK)
    st = ob_resolve_variant(&v);
  if (st == OB_OK)
    st = ob_hparams_check(algo, hp);
  ob_optimizer *o = NULL;
  if (st == OB_OK && !(o = calloc(1, sizeof *o)))
    st = OB_ENOMEM;
  if (o) {
    o->algo = algo;
    o->hp = *hp;
    o->variant = v;
  }
  if (status)
    *status = st;
  return o;
}

static void free_state(ob_optimizer *o) {
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; o->state[k] && i < o->count; i++)
      free(o->state[k][i]);
    free(o->state[k]);
    o->state[k] = NULL;
  }
  free(o->sizes);
  o->sizes = NULL;
  o->count = 0;
}

void ob_optimizer_free(ob_optimizer *o) {
  if (!o)
    return;
  free_state(o);
  free(o);
}

/* Zeroed, 64-byte aligned state for every array; all or nothing. */
static ob_status alloc_state(ob_optimizer *o, size_t count, const size_t sizes[]) {
  const int states = ob_state_count(o->algo);
  o->count = count;
  o->sizes = malloc((count ? count : 1) * sizeof *o->sizes);
  if (!o->sizes)
    goto fail;
  if (count)
    memcpy(o->sizes, sizes, count * sizeof *sizes);
  for (int k = 0; k < states; k++) {
    if (!(o->state[k] = calloc(count ? count : 1, sizeof *o->state[k])))
      goto fail;
    for (size_t i = 0; i < count; i++) {
      const size_t bytes = (sizes[i] * sizeof(float) + 63) / 64 * 64;
      if (bytes && !(o->state[k][i] = aligned_alloc(64, bytes)))
        goto fail;
      if (bytes)
        memset(o->state[k][i], 0, bytes);
    }
  }
  return OB_OK;
fail:
  free_state(o);
  return OB_ENOMEM;
}

static ob_status check_update(const ob_optimizer *o, size_t count, float *const params[],
                              const float *const grads[], const size_t sizes[]) {
  if (count && (!params || !grads || !sizes))
    return OB_EINVAL;
  if (o->sizes &&
      (count != o->count || (count && memcmp(sizes, o->sizes, count * sizeof *sizes) != 0)))
    return OB_ESHAPE;
  for (size_t i = 0; i < count; i++) {
    /* state arrays are the optimizer's own: check p and g, standing in for them */
    const ob_status st = ob_check_arrays(OB_SGD, params[i], grads[i], NULL, NULL, sizes[i]);
    if (st != OB_OK)
      return st;
  }
  /* a parameter array written before another array is read must not share it */
  for (size_t i = 0; i < count; i++)
    for (size_t j = 0; j < count; j++) {
      const size_t bi = sizes[i] * sizeof(float), bj = sizes[j] * sizeof(float);
      if ((i < j && ob_ranges_overlap(params[i], bi, params[j], bj)) ||
          (i != j && ob_ranges_overlap(params[i], bi, grads[j], bj)))
        return OB_EOVERLAP;
    }
  return OB_OK;
}

ob_status ob_optimizer_update(ob_optimizer *o, size_t count, float *const params[],
                              const float *const grads[], const size_t sizes[]) {
  if (!o)
    return OB_EINVAL;
  ob_coeffs c;
  ob_status st = check_update(o, count, params, grads, sizes);
  if (st == OB_OK) /* before the state exists: a refused update fixes no shape */
    st = ob_coeffs_make(o->algo, &o->hp, o->steps + 1, &c);
  if (st == OB_OK && !o->sizes && count) /* an empty update fixes no shape */
    st = alloc_state(o, count, sizes);
  if (st != OB_OK)
    return st;
  for (size_t i = 0; i < count; i++) {
    float *s0 = o->state[0] ? o->state[0][i] : NULL, *s1 = o->state[1] ? o->state[1][i] : NULL;
    if (sizes[i])
      ob_run(o->variant, o->algo, &c, params[i], grads[i], s0, s1, sizes[i]);
  }
  o->steps++;
  return OB_OK;
}

ob_status ob_optimizer_set_hparams(ob_optimizer *o, const ob_hparams *hp) {
  if (!o || !hp)
    return OB_EINVAL;
  const ob_status st = ob_hparams_check(o->algo, hp);
  if (st == OB_OK)
    o->hp = *hp;
  return st;
}

int64_t ob_optimizer_steps(const ob_optimizer *o) { return o ? o->steps : 0; }

const float *ob_optimizer_state(const ob_optimizer *o, size_t i, int which) {
  if (!o || i >= o->count || which < 0 || which >= ob_state_count(o->algo))
    return NULL;
  return o->state[which][i];
}
