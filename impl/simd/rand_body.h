/* The random-number kernels written once against the vector helpers of one
 * instruction set (vec.h, vecu.h) and the vector generator (philox.h).
 * As in optim_body.h, each transform has one compiled copy: the tail is
 * generated whole into a buffer and its first n % OB_VL elements copied. */
#include <string.h>

#include "simd/philox.h"

#define OB_VECTORS __attribute__((noinline, noclone))

/* nvec whole vectors of elements from block b on */
static OB_VECTORS void uniform_vectors(const ob_rand_coeffs *c, uint64_t b, float *out,
                                       size_t nvec) {
  vu ctr = ob_counters(&c->rng, b);
  for (size_t v = 0; v < nvec; v++) {
    vstore(out + v * OB_VL, ob_vuniform(ob_philox10(&c->rng, ctr)));
    b += OB_BLOCKS_PER_VEC;
    ctr = next_counters(&c->rng, ctr, b);
  }
}

static OB_VECTORS void normal_vectors(const ob_rand_coeffs *c, uint64_t b, float *out,
                                      size_t nvec) {
  const vf stddev = vset1(c->stddev);
  vu ctr = ob_counters(&c->rng, b);
  for (size_t v = 0; v < nvec; v++) {
    vstore(out + v * OB_VL, ob_vnormal(ob_philox10(&c->rng, ctr), stddev));
    b += OB_BLOCKS_PER_VEC;
    ctr = next_counters(&c->rng, ctr, b);
  }
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

static void uniform_kernel(const ob_rand_coeffs *c, uint64_t i0, float *out, size_t n) {
  run_fill(uniform_vectors, c, i0, out, n);
}
static void normal_kernel(const ob_rand_coeffs *c, uint64_t i0, float *out, size_t n) {
  run_fill(normal_vectors, c, i0, out, n);
}

const ob_rand_kernels OB_PASTE(ob_rand_, OB_ISA) = {uniform_kernel, normal_kernel};
