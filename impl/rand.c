/* Random numbers and weight initialisation: argument checks, the Philox key
 * from (seed, stream), and the fill kernels over chunks of whole blocks. */
#include <math.h>

#include "internal.h"

typedef struct {
  ob_fill_fn f;
  const ob_rand_coeffs *c;
  float *out;
} fill_job;

static void fill_chunk(void *ctx, size_t lo, size_t hi) {
  const fill_job *j = ctx;
  j->f(j->c, lo, j->out + lo, hi - lo);
}

static ob_status fill(const ob_variant *v, ob_op op, int normal, const ob_rand_coeffs *c,
                      float *out, size_t n) {
  ob_status st = ob_resolve_variant(&v);
  if (st == OB_OK && n &&
      (!out || !ob_aligned(out, _Alignof(float)) || !ob_fits(out, n, sizeof(float))))
    st = OB_EINVAL;
  if (st != OB_OK || n == 0)
    return st;
  fill_job j = {normal ? v->rand->normal : v->rand->uniform, c, out};
  ob_run_chunks(v, n, ob_op_omp_threshold(op), OB_RAND_ALIGN, fill_chunk, &j);
  return OB_OK;
}

ob_status ob_rand_uniform(const ob_variant *v, uint64_t seed, uint64_t stream, float *u, size_t n) {
  const ob_rand_coeffs c = {.rng = ob_philox_of(seed, stream)};
  return fill(v, OB_OP_RAND_UNIFORM, 0, &c, u, n);
}

ob_status ob_rand_normal(const ob_variant *v, uint64_t seed, uint64_t stream, float stddev,
                         float *x, size_t n) {
  if (!ob_nonneg(stddev))
    return OB_EHPARAM;
  const ob_rand_coeffs c = {.rng = ob_philox_of(seed, stream), .stddev = stddev};
  return fill(v, OB_OP_RAND_NORMAL, 1, &c, x, n);
}

static const char *const init_names[OB_INIT_COUNT] = {"std", "xavier", "he"};

const char *ob_init_name(ob_init kind) {
  return (unsigned)kind < OB_INIT_COUNT ? init_names[kind] : NULL;
}

ob_status ob_init_stddev(ob_init kind, float stddev, size_t fan_in, float *out) {
  if ((unsigned)kind >= OB_INIT_COUNT)
    return OB_ERANGE;
  if (!out)
    return OB_EINVAL;
  float s;
  switch (kind) {
  case OB_INIT_STD:
    if (!ob_nonneg(stddev))
      return OB_EHPARAM;
    s = stddev;
    break;
  case OB_INIT_XAVIER: /* the book: np.sqrt(1.0 / fan_in) */
    if (fan_in == 0)
      return OB_ERANGE;
    s = (float)sqrt(1.0 / (double)fan_in);
    break;
  default: /* OB_INIT_HE: np.sqrt(2.0 / fan_in) */
    if (fan_in == 0)
      return OB_ERANGE;
    s = (float)sqrt(2.0 / (double)fan_in);
    break;
  }
  *out = s;
  return OB_OK;
}

ob_status ob_init_weights(const ob_variant *v, ob_init kind, float stddev, size_t fan_in,
                          uint64_t seed, uint64_t stream, float *w, size_t n) {
  float s;
  const ob_status st = ob_init_stddev(kind, stddev, fan_in, &s);
  if (st != OB_OK)
    return st;
  const ob_rand_coeffs c = {.rng = ob_philox_of(seed, stream), .stddev = s};
  return fill(v, OB_OP_INIT, 1, &c, w, n);
}
