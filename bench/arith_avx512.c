/* The arithmetic ceiling: the instructions a rule with a square root cannot
 * avoid, on registers only. Built with -mavx512f; called only when the CPU
 * and OS support it (ob_variant_supported(ob_variant_find("avx512"))). */
#include "roofline.h"

#include <immintrin.h>
#include <omp.h>

#define CHAINS 8 /* independent vectors in flight: hides sqrt/div latency */

/* Per vector: the state updates (one FMA each; loop-carried, 4-cycle
 * chains), q = x / (sqrt(v) + eps) off the chains, p -= lr q (one FMA).
 * sqrt and div are the exactly rounded vsqrtps/vdivps the kernels use. */
static float run(int states, int64_t vectors) {
  const __m512 b = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(1e-7f);
  const __m512 eps = _mm512_set1_ps(1e-7f), lr = _mm512_set1_ps(1e-3f);
  __m512 v[CHAINS], m[CHAINS], p[CHAINS];
  for (int k = 0; k < CHAINS; k++) {
    v[k] = _mm512_set1_ps(1e-4f * (float)(k + 1));
    m[k] = _mm512_set1_ps(0.01f);
    p[k] = _mm512_set1_ps(1.0f);
  }
  for (int64_t i = 0; i < vectors; i += CHAINS) {
    for (int k = 0; k < CHAINS; k++) {
      v[k] = _mm512_fmadd_ps(v[k], b, c); /* v = b v + (1-b) g^2 */
      __m512 num = m[k];
      if (states > 1)
        m[k] = num = _mm512_fmadd_ps(m[k], b, c); /* m = b1 m + (1-b1) g */
      const __m512 q = _mm512_div_ps(num, _mm512_add_ps(_mm512_sqrt_ps(v[k]), eps));
      p[k] = _mm512_fnmadd_ps(lr, q, p[k]); /* p -= lr q */
    }
  }
  __m512 s = p[0];
  for (int k = 1; k < CHAINS; k++)
    s = _mm512_add_ps(s, p[k]);
  return _mm512_reduce_add_ps(s);
}

static volatile float sink; /* keeps the results alive */

void ob_arith_avx512(int states, int64_t elems, int threads) {
  const int64_t vectors = elems / 16;
#pragma omp parallel num_threads(threads)
  {
    const int64_t parts = omp_get_num_threads();
    const float r = run(states, (vectors + parts - 1) / parts);
    if (omp_get_thread_num() == 0)
      sink = r;
  }
}
