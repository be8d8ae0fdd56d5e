/* Vector helpers for AVX-512F with FMA: 16 floats. The tail uses an opmask,
 * so masked-out lanes are neither read nor written (and cannot fault). */
#include <immintrin.h>

#include "kernel.h" /* OB_INLINE */

#define OB_VL 16
typedef __m512 vf;

static OB_INLINE __mmask16 lanes_below(size_t w) { return (__mmask16)((1u << w) - 1u); }
static OB_INLINE vf vset1(float x) { return _mm512_set1_ps(x); }
static OB_INLINE vf vload(const float *p) { return _mm512_loadu_ps(p); }
static OB_INLINE void vstore(float *p, vf x) { _mm512_storeu_ps(p, x); }
/* the first w < OB_VL lanes, zeros after */
static OB_INLINE vf vload_part(const float *p, size_t w) {
  return _mm512_maskz_loadu_ps(lanes_below(w), p);
}
static OB_INLINE void vstore_part(float *p, vf x, size_t w) {
  _mm512_mask_storeu_ps(p, lanes_below(w), x);
}
static OB_INLINE vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
static OB_INLINE vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static OB_INLINE vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static OB_INLINE vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
static OB_INLINE vf vsqrt(vf a) { return _mm512_sqrt_ps(a); }
static OB_INLINE vf vfmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }   /* a*b + c */
static OB_INLINE vf vfnmadd(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); } /* c - a*b */
static OB_INLINE vf vfmsub(vf a, vf b, vf c) { return _mm512_fmsub_ps(a, b, c); }   /* a*b - c */
/* -a: the sign bit flipped (NaN included), as C's unary minus */
static OB_INLINE vf vneg(vf a) {
  return _mm512_castsi512_ps(
      _mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32((int)0x80000000u)));
}
/* torch.maximum(a, b): a + b where either is NaN, else a if a > b, else b
 * (vmaxps(a, b) returns b unless a > b: on a tie the second, as torch's
 * vectorised kernel) */
static OB_INLINE vf vmax_nan(vf a, vf b) {
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q), _mm512_max_ps(a, b),
                              _mm512_add_ps(a, b));
}
