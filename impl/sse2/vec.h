/* Vector helpers for SSE2: 4 floats, no FMA. Partial loads and stores go
 * through a small buffer, so nothing past n is read or written. */
#include <emmintrin.h>
#include <string.h>

#include "kernel.h" /* OB_INLINE */

#define OB_VL 4
typedef __m128 vf;

static OB_INLINE vf vset1(float x) { return _mm_set1_ps(x); }
static OB_INLINE vf vload(const float *p) { return _mm_loadu_ps(p); }
static OB_INLINE void vstore(float *p, vf x) { _mm_storeu_ps(p, x); }
/* the first w < OB_VL lanes, zeros after */
static OB_INLINE vf vload_part(const float *p, size_t w) {
  float buf[OB_VL] = {0};
  memcpy(buf, p, w * sizeof(float));
  return _mm_loadu_ps(buf);
}
static OB_INLINE void vstore_part(float *p, vf x, size_t w) {
  float buf[OB_VL];
  _mm_storeu_ps(buf, x);
  memcpy(p, buf, w * sizeof(float));
}
static OB_INLINE vf vadd(vf a, vf b) { return _mm_add_ps(a, b); }
static OB_INLINE vf vsub(vf a, vf b) { return _mm_sub_ps(a, b); }
static OB_INLINE vf vmul(vf a, vf b) { return _mm_mul_ps(a, b); }
static OB_INLINE vf vdiv(vf a, vf b) { return _mm_div_ps(a, b); }
static OB_INLINE vf vsqrt(vf a) { return _mm_sqrt_ps(a); }
/* a*b + c, c - a*b, a*b - c: two roundings each, the scalar order */
static OB_INLINE vf vfmadd(vf a, vf b, vf c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
static OB_INLINE vf vfnmadd(vf a, vf b, vf c) { return _mm_sub_ps(c, _mm_mul_ps(a, b)); }
static OB_INLINE vf vfmsub(vf a, vf b, vf c) { return _mm_sub_ps(_mm_mul_ps(a, b), c); }
/* -a: the sign bit flipped (NaN included), as C's unary minus */
static OB_INLINE vf vneg(vf a) { return _mm_xor_ps(a, _mm_set1_ps(-0.0f)); }
/* torch.maximum(a, b): a + b where either is NaN, else a if a > b, else b
 * (maxps(a, b) returns b unless a > b: on a tie the second, as torch's
 * vectorised kernel) */
static OB_INLINE vf vmax_nan(vf a, vf b) {
  const vf u = _mm_cmpunord_ps(a, b);
  return _mm_or_ps(_mm_and_ps(u, _mm_add_ps(a, b)), _mm_andnot_ps(u, _mm_max_ps(a, b)));
}
