/* The arithmetic ceilings: per rule, the instructions its row of the list
 * says it cannot avoid (OB_COST: square roots and divisions), on registers
 * only. Built with -mavx512f; called only when the CPU and OS support it
 * (ob_variant_supported(ob_variant_find("avx512"))). */
#include "roofline.h"

#include <immintrin.h>
#include <omp.h>

#define CHAINS 8 /* independent vectors in flight: hides sqrt/div latency */

/* Per vector: one FMA per state (loop-carried, 4-cycle chains); then, off
 * the chains, q = x / (sqrt(v_0) + eps) / ... with `sqrts` roots of
 * independent operands v_j + j*eps, the first `divs` of them divisors and
 * the rest factors (divisions past the roots divide by v + eps); p -= lr q
 * (one FMA). sqrt and div are the exactly rounded vsqrtps/vdivps the kernels
 * use. Each step runs over all chains, so the counts cost one loop per
 * CHAINS vectors. */
static float run(int states, int sqrts, int divs, int64_t vectors) {
  const __m512 b = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(1e-7f);
  const __m512 eps = _mm512_set1_ps(1e-7f), lr = _mm512_set1_ps(1e-3f);
  __m512 v[CHAINS], m[CHAINS], p[CHAINS], q[CHAINS];
  for (int k = 0; k < CHAINS; k++) {
    v[k] = _mm512_set1_ps(1e-4f * (float)(k + 1));
    m[k] = _mm512_set1_ps(0.01f);
    p[k] = _mm512_set1_ps(1.0f);
  }
  for (int64_t i = 0; i < vectors; i += CHAINS) {
    for (int k = 0; k < CHAINS; k++) {
      if (states > 0)
        v[k] = _mm512_fmadd_ps(v[k], b, c); /* v = b v + (1-b) g^2 */
      if (states > 1)
        m[k] = _mm512_fmadd_ps(m[k], b, c); /* m = b1 m + (1-b1) g */
      q[k] = m[k];
    }
    __m512 e = eps;
    for (int j = 0; j < sqrts; j++, e = _mm512_add_ps(e, eps))
      for (int k = 0; k < CHAINS; k++) {
        const __m512 r = _mm512_sqrt_ps(_mm512_add_ps(v[k], e));
        q[k] = j < divs ? _mm512_div_ps(q[k], r) : _mm512_mul_ps(q[k], r);
      }
    for (int j = sqrts; j < divs; j++)
      for (int k = 0; k < CHAINS; k++)
        q[k] = _mm512_div_ps(q[k], _mm512_add_ps(v[k], eps));
    for (int k = 0; k < CHAINS; k++)
      p[k] = _mm512_fnmadd_ps(lr, q[k], p[k]); /* p -= lr q */
  }
  __m512 s = p[0];
  for (int k = 1; k < CHAINS; k++)
    s = _mm512_add_ps(s, p[k]);
  return _mm512_reduce_add_ps(s);
}

static volatile float sink; /* keeps the results alive */

int ob_arith_has_ceiling(ob_algo a) {
  int sqrts = 0, divs = 0;
  return ob_algo_cost(a, &sqrts, &divs) == OB_OK && sqrts + divs > 0;
}

void ob_arith_avx512(ob_algo a, int64_t elems, int threads) {
  int sqrts = 0, divs = 0;
  if (ob_algo_cost(a, &sqrts, &divs) != OB_OK)
    return;
  const int states = ob_state_count(a);
  const int64_t vectors = elems / 16;
#pragma omp parallel num_threads(threads)
  {
    const int64_t parts = omp_get_num_threads();
    const float r = run(states, sqrts, divs, (vectors + parts - 1) / parts);
    if (omp_get_thread_num() == 0)
      sink = r;
  }
}

/* The random-number ceiling: Philox4x32-10 (Random123's constants, as the
 * library draws them) on register counters, 16 words per vector, nothing
 * stored. Each round is the library's lane-local form: one 32x32->64 multiply
 * of the even words, two shuffles, an and, two xors; the key bump is shared.
 * It is what any kernel that draws a number per element must pay before it
 * converts, compares or stores anything. */
static uint32_t philox_run(int64_t vectors, uint32_t seed) {
  const __m512i mul = _mm512_set4_epi32(0, (int)0xCD9E8D57u, 0, (int)0xD2511F53u);
  const __m512i bump = _mm512_set4_epi32(0, (int)0xBB67AE85u, 0, (int)0x9E3779B9u);
  const __m512i odd_mask = _mm512_set4_epi32(0, -1, 0, -1);
  const __m512i key0 = _mm512_set4_epi32(0, (int)(seed ^ 0x5bd1e995u), 0, (int)seed);
  const __m512i step = _mm512_set4_epi32(0, 0, 0, CHAINS * 4);
  __m512i ctr[CHAINS], acc = _mm512_setzero_si512();
  for (int k = 0; k < CHAINS; k++)
    ctr[k] = _mm512_add_epi32(_mm512_set_epi32(0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0),
                              _mm512_set4_epi32(0, 0, 0, 4 * k));
  for (int64_t i = 0; i < vectors; i += CHAINS) {
    __m512i x[CHAINS];
    for (int k = 0; k < CHAINS; k++)
      x[k] = ctr[k];
    __m512i key = key0;
    for (int r = 0; r < 10; r++) {
      if (r)
        key = _mm512_add_epi32(key, bump);
      for (int k = 0; k < CHAINS; k++) {
        const __m512i prod = _mm512_mul_epu32(x[k], mul);
        const __m512i sw = _mm512_shuffle_epi32(prod, (_MM_PERM_ENUM)0x1B);
        const __m512i odd =
            _mm512_and_si512(_mm512_shuffle_epi32(x[k], (_MM_PERM_ENUM)0xF5), odd_mask);
        x[k] = _mm512_xor_si512(_mm512_xor_si512(sw, odd), key);
      }
    }
    for (int k = 0; k < CHAINS; k++) {
      acc = _mm512_xor_si512(acc, x[k]);
      ctr[k] = _mm512_add_epi32(ctr[k], step);
    }
  }
  return (uint32_t)_mm512_reduce_or_epi32(acc);
}

static volatile uint32_t philox_sink;

void ob_arith_philox_avx512(int64_t elems, int threads) {
  const int64_t vectors = elems / 16;
#pragma omp parallel num_threads(threads)
  {
    const int64_t parts = omp_get_num_threads();
    const uint32_t r = philox_run((vectors + parts - 1) / parts, (uint32_t)omp_get_thread_num());
    if (omp_get_thread_num() == 0)
      philox_sink = r;
  }
}
