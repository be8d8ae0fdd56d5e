/* The reference dropout kernels (common/layers.py's Dropout), one element at
 * a time: mask bit = uniform > ratio from impl/scalar/philox.h. Built as
 * `scalar` and, recompiled, as `autovec`. */
#include "scalar/philox.h"

/* x, y and mask start at element i0 (a multiple of 64: whole bytes). */
static void OB_ISA_FN(dropout_train)(const ob_rand_coeffs *c, uint64_t i0, const float *restrict x,
                                     float *restrict y, uint8_t *restrict mask, size_t n) {
  for (size_t i = 0; i < n; i += 8) { /* one mask byte: two Philox blocks */
    unsigned byte = 0;
    for (size_t h = 0; h < 8 && i + h < n; h += 4) {
      const philox4x32_ctr_t w = ob_block(&c->rng, (i0 + i + h) / 4);
      for (size_t k = 0; k < 4 && i + h + k < n; k++) {
        const int keep = ob_uniform(w.v[k]) > c->ratio; /* the book's rand > ratio */
        y[i + h + k] = x[i + h + k] * (keep ? c->keep : 0.0f);
        byte |= (unsigned)keep << (h + k);
      }
    }
    mask[i / 8] = (uint8_t)byte;
  }
}

static void OB_ISA_FN(dropout_scale)(float f, const float *restrict x, float *restrict y,
                                     size_t n) {
  for (size_t i = 0; i < n; i++)
    y[i] = x[i] * f;
}

static void OB_ISA_FN(dropout_backward)(float keep, const uint8_t *restrict mask,
                                        const float *restrict dout, float *restrict dx, size_t n) {
  for (size_t i = 0; i < n; i++)
    dx[i] = dout[i] * ((mask[i / 8] >> (i % 8)) & 1u ? keep : 0.0f);
}

const ob_dropout_kernels OB_PASTE(ob_dropout_, OB_ISA) = {
    OB_ISA_FN(dropout_train), OB_ISA_FN(dropout_scale), OB_ISA_FN(dropout_backward)};
