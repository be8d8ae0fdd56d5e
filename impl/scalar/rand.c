/* The reference random-number kernels: Random123's Philox4x32-10 and the
 * transforms of impl/rand_math.h, one element at a time. Built as `scalar`
 * and, recompiled, as `autovec`. */
#include <math.h>

#include "scalar/philox.h"

static void OB_ISA_FN(uniform)(const ob_rand_coeffs *c, uint64_t i0, float *out, size_t n) {
  for (size_t i = 0; i < n; i += 4) { /* i0 is a multiple of 4: whole blocks */
    const philox4x32_ctr_t w = ob_block(&c->rng, (i0 + i) / 4);
    for (size_t k = 0; k < 4 && i + k < n; k++)
      out[i + k] = ob_uniform(w.v[k]);
  }
}

static void OB_ISA_FN(normal)(const ob_rand_coeffs *c, uint64_t i0, float *out, size_t n) {
  for (size_t i = 0; i < n; i += 4) {
    const philox4x32_ctr_t w = ob_block(&c->rng, (i0 + i) / 4);
    for (unsigned k = 0; k < 4 && i + k < n; k++)
      out[i + k] = ob_normal(&w, k, c->stddev);
  }
}

const ob_rand_kernels OB_PASTE(ob_rand_, OB_ISA) = {OB_ISA_FN(uniform), OB_ISA_FN(normal)};
