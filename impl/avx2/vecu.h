/* 32-bit integer and mask helpers for AVX2 (8 lanes, 2 Philox blocks: one
 * per 128-bit lane), used by the random-number and dropout kernels. */
#include <immintrin.h>

typedef __m256i vu;

static OB_INLINE vu vu_set1(uint32_t x) { return _mm256_set1_epi32((int)x); }
/* the same four words (a, b, c, d) in every 128-bit lane */
static OB_INLINE vu vu_set4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return _mm256_setr_epi32((int)a, (int)b, (int)c, (int)d, (int)a, (int)b, (int)c, (int)d);
}
static OB_INLINE vu vu_load(const uint32_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
static OB_INLINE vu vu_add(vu a, vu b) { return _mm256_add_epi32(a, b); }
static OB_INLINE vu vu_sub(vu a, vu b) { return _mm256_sub_epi32(a, b); }
static OB_INLINE vu vu_and(vu a, vu b) { return _mm256_and_si256(a, b); }
static OB_INLINE vu vu_or(vu a, vu b) { return _mm256_or_si256(a, b); }
static OB_INLINE vu vu_xor(vu a, vu b) { return _mm256_xor_si256(a, b); }
/* 32x32 -> 64-bit products of the even words of each 64-bit lane */
static OB_INLINE vu vu_mul_even(vu a, vu b) { return _mm256_mul_epu32(a, b); }
/* all ones where a > b (signed) */
static OB_INLINE vu vu_gt(vu a, vu b) { return _mm256_cmpgt_epi32(a, b); }
#define vu_srl(x, k)      _mm256_srli_epi32((x), (k))
#define vu_sll(x, k)      _mm256_slli_epi32((x), (k))
#define vu_shuffle(x, im) _mm256_shuffle_epi32((x), (im))               /* within 128-bit lanes */
static OB_INLINE vf vu_to_float(vu x) { return _mm256_cvtepi32_ps(x); } /* exact below 2^24 */
static OB_INLINE vu vf_bits(vf x) { return _mm256_castps_si256(x); }
static OB_INLINE vf vu_as_float(vu x) { return _mm256_castsi256_ps(x); }

/* bit k set where lane k of a > b (ordered) */
static OB_INLINE unsigned vgt_bits(vf a, vf b) {
  return (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(a, b, _CMP_GT_OQ));
}
/* lane k: x where bit k of bits is set, else 0.0f */
static OB_INLINE vf vbits_select(unsigned bits, vf x) {
  const __m256i lane_bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  const __m256i b = _mm256_and_si256(_mm256_set1_epi32((int)bits), lane_bit);
  return _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(b, lane_bit)), x);
}
