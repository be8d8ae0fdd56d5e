/* The random-number kernels written once against the vector helpers of one
 * instruction set (vec.h, vecu.h) and the vector generator (philox.h).
 * The tail is generated whole into a buffer and its first n % OB_VL
 * elements copied. The interleaved and the single-vector loops are two
 * compiled copies of one transform; that costs no bits here (as it would
 * in optim_body.h): integer steps are exact, and the float steps meet no
 * NaN, the only operand whose order an IEEE operation can show. */
#include <string.h>

#include "simd/philox.h"

/* The element values of Philox output w: uniform in [0, 1), or normal
 * with standard deviation stddev. normal is a constant in each copy. */
static OB_INLINE vf transform(int normal, vu w, vf stddev) {
  return normal ? ob_vnormal(w, stddev) : ob_vuniform(w);
}

/* Fills nvec whole vectors of elements from block b on, OB_PHILOX_INTERLEAVE
 * vectors at a time, then one at a time. */
static OB_INLINE void fill_vectors(int normal, const ob_rand_coeffs *c, uint64_t b, float *out,
                                   size_t nvec) {
  const vf stddev = vset1(c->stddev);
  vu ctr = ob_counters(&c->rng, b);
  size_t v = 0;
  for (; v + OB_PHILOX_INTERLEAVE <= nvec; v += OB_PHILOX_INTERLEAVE) {
    vu w[OB_PHILOX_INTERLEAVE];
    for (int j = 0; j < OB_PHILOX_INTERLEAVE; j++) {
      w[j] = ctr;
      b += OB_BLOCKS_PER_VEC;
      ctr = next_counters(&c->rng, ctr, b);
    }
    ob_philox10_k(&c->rng, w, OB_PHILOX_INTERLEAVE);
    for (int j = 0; j < OB_PHILOX_INTERLEAVE; j++)
      vstore(out + (v + (size_t)j) * OB_VL, transform(normal, w[j], stddev));
  }
  for (; v < nvec; v++) {
    vu w = ctr;
    ob_philox10_k(&c->rng, &w, 1);
    vstore(out + v * OB_VL, transform(normal, w, stddev));
    b += OB_BLOCKS_PER_VEC;
    ctr = next_counters(&c->rng, ctr, b);
  }
}

/* One out-of-line copy per distribution, uniform_<isa>_vectors and
 * normal_<isa>_vectors. */
static OB_VECTORS void OB_ISA_FN_MODE(uniform, vectors)(const ob_rand_coeffs *c, uint64_t b,
                                                        float *out, size_t nvec) {
  fill_vectors(0, c, b, out, nvec);
}
static OB_VECTORS void OB_ISA_FN_MODE(normal, vectors)(const ob_rand_coeffs *c, uint64_t b,
                                                       float *out, size_t nvec) {
  fill_vectors(1, c, b, out, nvec);
}

typedef void (*fill_vectors_fn)(const ob_rand_coeffs *, uint64_t, float *, size_t);

/* i0 is a multiple of OB_RAND_ALIGN, so of OB_VL: vectors start on blocks */
static void run_fill(fill_vectors_fn f, const ob_rand_coeffs *c, uint64_t i0, float *out,
                     size_t n) {
  const size_t nvec = n / OB_VL, body = nvec * OB_VL;
  f(c, i0 / 4, out, nvec);
  if (body < n) {
    _Alignas(64) float buf[OB_VL];
    f(c, (i0 + body) / 4, buf, 1);
    memcpy(out + body, buf, (n - body) * sizeof(float));
  }
}

static void OB_ISA_FN(uniform)(const ob_rand_coeffs *c, uint64_t i0, float *out, size_t n) {
  run_fill(OB_ISA_FN_MODE(uniform, vectors), c, i0, out, n);
}
static void OB_ISA_FN(normal)(const ob_rand_coeffs *c, uint64_t i0, float *out, size_t n) {
  run_fill(OB_ISA_FN_MODE(normal, vectors), c, i0, out, n);
}

const ob_rand_kernels OB_PASTE(ob_rand_, OB_ISA) = {OB_ISA_FN(uniform), OB_ISA_FN(normal)};
