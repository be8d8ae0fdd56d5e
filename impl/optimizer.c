/* The book's optimizer object: hyperparameters, a step counter and, per
 * parameter array, the state the rule needs - zeroed on the first update,
 * as the book's classes do with np.zeros_like (a state with an initial
 * value, torch Adagrad's sum, filled with it as torch's torch.full_like). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ob_optimizer {
  ob_algo algo;
  ob_hparams hp; /* at the library's size (ob_hparams_load) */
  const ob_variant *variant;
  int64_t steps;
  size_t count; /* parameter arrays; fixed by the first update */
  size_t *sizes;
  size_t *prefix;               /* count + 1 running sums of sizes: the parallel split */
  float **state[OB_MAX_STATES]; /* state[k][i]: state array k of parameter array i */
  float *block[OB_MAX_STATES];  /* one allocation holds every array of state k */
  /* the arrays of the last update that passed the checks: the same again
   * passes them again (overlap is a matter of addresses and sizes alone) */
  float **checked_p;
  const float **checked_g;
};

ob_optimizer *ob_optimizer_new(ob_algo algo, const ob_hparams *hp, const ob_variant *v,
                               ob_status *status) {
  ob_status st = ob_algo_valid(algo) && hp ? OB_OK : OB_EINVAL;
  ob_hparams h;
  if (st == OB_OK)
    st = ob_resolve_variant(&v);
  if (st == OB_OK)
    st = ob_hparams_load(hp, &h);
  if (st == OB_OK)
    st = ob_hparams_valid(algo, &h);
  ob_optimizer *o = NULL;
  if (st == OB_OK && !(o = calloc(1, sizeof *o)))
    st = OB_ENOMEM;
  if (o) {
    o->algo = algo;
    o->hp = h;
    o->variant = v;
  }
  if (status)
    *status = st;
  return o;
}

static void free_state(ob_optimizer *o) {
  for (int k = 0; k < OB_MAX_STATES; k++) {
    free(o->block[k]);
    free(o->state[k]);
    o->block[k] = NULL;
    o->state[k] = NULL;
  }
  free(o->sizes);
  free(o->prefix);
  free(o->checked_p);
  free(o->checked_g);
  o->sizes = o->prefix = NULL;
  o->checked_p = NULL;
  o->checked_g = NULL;
  o->count = 0;
}

void ob_optimizer_free(ob_optimizer *o) {
  if (!o)
    return;
  free_state(o);
  free(o);
}

#define LINE 64 /* each state array starts on a cache line: no line shared by two */

/* Bytes of one state array of n floats: rounded up to whole lines. */
static size_t array_bytes(size_t n) { return (n * sizeof(float) + LINE - 1) / LINE * LINE; }

/* Bytes of one state block: every array rounded up to whole lines; SIZE_MAX
 * (which no allocation gives) if that overflows. */
static size_t block_bytes(size_t count, const size_t sizes[]) {
  size_t total = 0;
  for (size_t i = 0; i < count; i++) {
    const size_t b = array_bytes(sizes[i]);
    if (b > SIZE_MAX - total)
      return SIZE_MAX;
    total += b;
  }
  return total;
}

/* 64-byte aligned state for every array, one block per state (one
 * allocation per state, not per array), each at its initial value (0 or
 * the hyperparameter ob_state_initial names); all or nothing. */
static ob_status alloc_state(ob_optimizer *o, size_t count, const size_t sizes[]) {
  const int states = ob_state_count(o->algo);
  o->count = count;
  o->sizes = malloc((count ? count : 1) * sizeof *o->sizes);
  o->prefix = malloc((count + 1) * sizeof *o->prefix);
  o->checked_p = malloc((count ? count : 1) * sizeof *o->checked_p);
  o->checked_g = malloc((count ? count : 1) * sizeof *o->checked_g);
  if (!o->sizes || !o->prefix || !o->checked_p || !o->checked_g)
    goto fail;
  if (count)
    memcpy(o->sizes, sizes, count * sizeof *sizes);
  const ob_list l = ob_list_make(count, NULL, NULL, NULL, sizes, 0);
  ob_list_total(&l, o->prefix);
  const size_t total = block_bytes(count, sizes);
  for (int k = 0; k < states; k++) {
    if (!(o->state[k] = calloc(count ? count : 1, sizeof *o->state[k])))
      goto fail;
    if (total && !(o->block[k] = aligned_alloc(LINE, total)))
      goto fail;
    const int init = ob_algo_rows[o->algo].state[k].initial;
    const float x0 = init < 0 ? 0.0f : ob_hparam_value(&o->hp, init);
    if (total)
      memset(o->block[k], 0, total);
    for (size_t f = 0; x0 != 0.0f && f < total / sizeof(float); f++)
      o->block[k][f] = x0;
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
      const size_t bytes = array_bytes(sizes[i]);
      o->state[k][i] = bytes ? o->block[k] + at / sizeof(float) : NULL;
      at += bytes;
    }
  }
  return OB_OK;
fail:
  free_state(o);
  return OB_ENOMEM;
}

/* The same arrays as the last update that ran: nothing to check again. */
static int checked_before(const ob_optimizer *o, size_t count, float *const params[],
                          const float *const grads[]) {
  return o->sizes && count && memcmp(o->checked_p, params, count * sizeof *params) == 0 &&
         memcmp(o->checked_g, grads, count * sizeof *grads) == 0;
}

static ob_status check_update(const ob_optimizer *o, size_t count, float *const params[],
                              const float *const grads[], const size_t sizes[]) {
  if (count && (!params || !grads || !sizes))
    return OB_EINVAL;
  if (o->sizes &&
      (count != o->count || (count && memcmp(sizes, o->sizes, count * sizeof *sizes) != 0)))
    return OB_ESHAPE;
  if (checked_before(o, count, params, grads))
    return OB_OK;
  /* state arrays are the optimizer's own: params and grads are what to check */
  const ob_list l = ob_list_make(count, params, grads, NULL, sizes, 0);
  return ob_list_check(o->algo, &l, 1);
}

ob_status ob_optimizer_update(ob_optimizer *o, size_t count, float *const params[],
                              const float *const grads[], const size_t sizes[]) {
  if (!o)
    return OB_EINVAL;
  ob_coeffs c;
  const ob_variant *v = o->variant;
  ob_status st = check_update(o, count, params, grads, sizes);
  if (st == OB_OK) /* before the state exists: a refused update fixes no shape */
    st = ob_prepare(&v, o->algo, &o->hp, o->steps + 1, &c);
  if (st == OB_OK && !o->sizes && count) /* an empty update fixes no shape */
    st = alloc_state(o, count, sizes);
  if (st != OB_OK)
    return st;
  if (count) {
    memcpy(o->checked_p, params, count * sizeof *params);
    memcpy(o->checked_g, grads, count * sizeof *grads);
    float *const *const states[OB_MAX_STATES] = {o->state[0], o->state[1], o->state[2]};
    const ob_list l =
        ob_list_make(count, params, grads, states, sizes, (1u << ob_state_count(o->algo)) - 1);
    ob_list_run(v, o->algo, &c, &l, o->prefix);
  }
  o->steps++;
  return OB_OK;
}

ob_status ob_optimizer_set_hparams(ob_optimizer *o, const ob_hparams *hp) {
  ob_hparams h;
  ob_status st = o ? ob_hparams_load(hp, &h) : OB_EINVAL;
  if (st == OB_OK)
    st = ob_hparams_valid(o->algo, &h);
  if (st == OB_OK)
    o->hp = h;
  return st;
}

int64_t ob_optimizer_steps(const ob_optimizer *o) { return o ? o->steps : 0; }

const float *ob_optimizer_state(const ob_optimizer *o, size_t i, int which) {
  if (!o || i >= o->count || which < 0 || which >= ob_state_count(o->algo))
    return NULL;
  return o->state[which][i];
}
