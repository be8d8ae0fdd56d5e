/* 32-bit integer and mask helpers for SSE2 (4 lanes, one Philox block),
 * used by the random-number and dropout kernels. */
#include <emmintrin.h>

typedef __m128i vu;

static OB_INLINE vu vu_set1(uint32_t x) { return _mm_set1_epi32((int)x); }
static OB_INLINE vu vu_set4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return _mm_setr_epi32((int)a, (int)b, (int)c, (int)d);
}
static OB_INLINE vu vu_load(const uint32_t *p) { return _mm_loadu_si128((const __m128i *)p); }
static OB_INLINE vu vu_add(vu a, vu b) { return _mm_add_epi32(a, b); }
static OB_INLINE vu vu_sub(vu a, vu b) { return _mm_sub_epi32(a, b); }
static OB_INLINE vu vu_and(vu a, vu b) { return _mm_and_si128(a, b); }
static OB_INLINE vu vu_or(vu a, vu b) { return _mm_or_si128(a, b); }
static OB_INLINE vu vu_xor(vu a, vu b) { return _mm_xor_si128(a, b); }
/* 32x32 -> 64-bit products of the even words of each 64-bit lane */
static OB_INLINE vu vu_mul_even(vu a, vu b) { return _mm_mul_epu32(a, b); }
/* all ones where a > b (signed) */
static OB_INLINE vu vu_gt(vu a, vu b) { return _mm_cmpgt_epi32(a, b); }
#define vu_srl(x, k)      _mm_srli_epi32((x), (k))
#define vu_sll(x, k)      _mm_slli_epi32((x), (k))
#define vu_shuffle(x, im) _mm_shuffle_epi32((x), (im))
static OB_INLINE vf vu_to_float(vu x) { return _mm_cvtepi32_ps(x); } /* exact below 2^24 */
static OB_INLINE vu vf_bits(vf x) { return _mm_castps_si128(x); }
static OB_INLINE vf vu_as_float(vu x) { return _mm_castsi128_ps(x); }

/* bit k set where lane k of a > b (ordered) */
static OB_INLINE unsigned vgt_bits(vf a, vf b) {
  return (unsigned)_mm_movemask_ps(_mm_cmpgt_ps(a, b));
}
/* lane k: x where bit k of bits is set, else 0.0f */
static OB_INLINE vf vbits_select(unsigned bits, vf x) {
  const __m128i lane_bit = _mm_setr_epi32(1, 2, 4, 8);
  const __m128i b = _mm_and_si128(_mm_set1_epi32((int)bits), lane_bit);
  return _mm_and_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(b, lane_bit)), x);
}
