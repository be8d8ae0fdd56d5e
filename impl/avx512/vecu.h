/* 32-bit integer and mask helpers for AVX-512 (16 lanes, 4 Philox blocks:
 * one per 128-bit lane), used by the random-number and dropout kernels. */
#include <immintrin.h>

typedef __m512i vu;

static OB_INLINE vu vu_set1(uint32_t x) { return _mm512_set1_epi32((int)x); }
/* the same four words (a, b, c, d) in every 128-bit lane */
static OB_INLINE vu vu_set4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return _mm512_set4_epi32((int)d, (int)c, (int)b, (int)a);
}
static OB_INLINE vu vu_load(const uint32_t *p) { return _mm512_loadu_si512(p); }
static OB_INLINE vu vu_add(vu a, vu b) { return _mm512_add_epi32(a, b); }
static OB_INLINE vu vu_sub(vu a, vu b) { return _mm512_sub_epi32(a, b); }
static OB_INLINE vu vu_and(vu a, vu b) { return _mm512_and_si512(a, b); }
static OB_INLINE vu vu_or(vu a, vu b) { return _mm512_or_si512(a, b); }
static OB_INLINE vu vu_xor(vu a, vu b) { return _mm512_xor_si512(a, b); }
/* 32x32 -> 64-bit products of the even words of each 64-bit lane */
static OB_INLINE vu vu_mul_even(vu a, vu b) { return _mm512_mul_epu32(a, b); }
/* all ones where a > b (signed) */
static OB_INLINE vu vu_gt(vu a, vu b) { return _mm512_movm_epi32(_mm512_cmpgt_epi32_mask(a, b)); }
#define vu_srl(x, k) _mm512_srli_epi32((x), (k))
#define vu_sll(x, k) _mm512_slli_epi32((x), (k))
#define vu_shuffle(x, im)                                                                          \
  _mm512_shuffle_epi32((x), (_MM_PERM_ENUM)(im))                        /* within 128-bit lanes    \
                                                                         */
static OB_INLINE vf vu_to_float(vu x) { return _mm512_cvtepi32_ps(x); } /* exact below 2^24 */
static OB_INLINE vu vf_bits(vf x) { return _mm512_castps_si512(x); }
static OB_INLINE vf vu_as_float(vu x) { return _mm512_castsi512_ps(x); }

/* bit k set where lane k of a > b (ordered) */
static OB_INLINE unsigned vgt_bits(vf a, vf b) {
  return (unsigned)_mm512_cmp_ps_mask(a, b, _CMP_GT_OQ);
}
/* lane k: x where bit k of bits is set, else 0.0f */
static OB_INLINE vf vbits_select(unsigned bits, vf x) {
  return _mm512_maskz_mov_ps((__mmask16)bits, x);
}
