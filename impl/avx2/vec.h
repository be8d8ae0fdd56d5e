/* Vector helpers for AVX2 with FMA: 8 floats. The tail uses masked loads and
 * stores (vmaskmovps), which neither read nor write the masked-out lanes. */
#include <immintrin.h>

#include "kernel.h" /* OB_INLINE */

#define OB_VL 8
typedef __m256 vf;

static OB_INLINE __m256i lanes_below(size_t w) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)w), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static OB_INLINE vf vset1(float x) { return _mm256_set1_ps(x); }
static OB_INLINE vf vload(const float *p) { return _mm256_loadu_ps(p); }
static OB_INLINE void vstore(float *p, vf x) { _mm256_storeu_ps(p, x); }
/* the first w < OB_VL lanes, zeros after */
static OB_INLINE vf vload_part(const float *p, size_t w) {
  return _mm256_maskload_ps(p, lanes_below(w));
}
static OB_INLINE void vstore_part(float *p, vf x, size_t w) {
  _mm256_maskstore_ps(p, lanes_below(w), x);
}
static OB_INLINE vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
static OB_INLINE vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static OB_INLINE vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static OB_INLINE vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
static OB_INLINE vf vsqrt(vf a) { return _mm256_sqrt_ps(a); }
static OB_INLINE vf vfmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }   /* a*b + c */
static OB_INLINE vf vfnmadd(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); } /* c - a*b */
static OB_INLINE vf vfmsub(vf a, vf b, vf c) { return _mm256_fmsub_ps(a, b, c); }   /* a*b - c */
/* -a: the sign bit flipped (NaN included), as C's unary minus */
static OB_INLINE vf vneg(vf a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
/* torch.maximum(a, b): a + b where either is NaN, else a if a > b, else b
 * (vmaxps(a, b) returns b unless a > b: on a tie the second, as torch's
 * vectorised kernel) */
static OB_INLINE vf vmax_nan(vf a, vf b) {
  return _mm256_blendv_ps(_mm256_max_ps(a, b), _mm256_add_ps(a, b),
                          _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}
