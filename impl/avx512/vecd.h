/* Double-precision helpers for AVX-512, beside vec.h: the batch-norm
 * reductions accumulate in double. One vf (16 floats) widens to two vd
 * (8 doubles each): vd_lo holds lanes 0-7, vd_hi lanes 8-15. Float to double
 * is exact; double to float rounds once (to nearest). The 256-bit halves
 * move with AVX512DQ's 32x8 extract and insert. */
#include <immintrin.h>

#define OB_VDL (OB_VL / 2)
typedef __m512d vd;

static OB_INLINE vd vd_set1(double x) { return _mm512_set1_pd(x); }
static OB_INLINE vd vd_load(const double *p) { return _mm512_loadu_pd(p); }
static OB_INLINE void vd_store(double *p, vd x) { _mm512_storeu_pd(p, x); }
static OB_INLINE vd vd_add(vd a, vd b) { return _mm512_add_pd(a, b); }
static OB_INLINE vd vd_sub(vd a, vd b) { return _mm512_sub_pd(a, b); }
static OB_INLINE vd vd_mul(vd a, vd b) { return _mm512_mul_pd(a, b); }
static OB_INLINE vd vd_div(vd a, vd b) { return _mm512_div_pd(a, b); }
static OB_INLINE vd vd_sqrt(vd a) { return _mm512_sqrt_pd(a); }
static OB_INLINE vd vd_lo(vf x) { return _mm512_cvtps_pd(_mm512_castps512_ps256(x)); }
static OB_INLINE vd vd_hi(vf x) { return _mm512_cvtps_pd(_mm512_extractf32x8_ps(x, 1)); }
/* the float vector {lo, hi}, each lane rounded once */
static OB_INLINE vf vf_from_vd(vd lo, vd hi) {
  return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
}
