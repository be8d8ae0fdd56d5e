/* Double-precision helpers for SSE2, beside vec.h: the batch-norm
 * reductions accumulate in double. One vf (4 floats) widens to two vd
 * (2 doubles each): vd_lo holds lanes 0-1, vd_hi lanes 2-3. Float to double
 * is exact; double to float rounds once (to nearest). */
#include <emmintrin.h>

#define OB_VDL (OB_VL / 2)
typedef __m128d vd;

static OB_INLINE vd vd_set1(double x) { return _mm_set1_pd(x); }
static OB_INLINE vd vd_load(const double *p) { return _mm_loadu_pd(p); }
static OB_INLINE void vd_store(double *p, vd x) { _mm_storeu_pd(p, x); }
static OB_INLINE vd vd_add(vd a, vd b) { return _mm_add_pd(a, b); }
static OB_INLINE vd vd_sub(vd a, vd b) { return _mm_sub_pd(a, b); }
static OB_INLINE vd vd_mul(vd a, vd b) { return _mm_mul_pd(a, b); }
static OB_INLINE vd vd_div(vd a, vd b) { return _mm_div_pd(a, b); }
static OB_INLINE vd vd_sqrt(vd a) { return _mm_sqrt_pd(a); }
static OB_INLINE vd vd_lo(vf x) { return _mm_cvtps_pd(x); }
static OB_INLINE vd vd_hi(vf x) { return _mm_cvtps_pd(_mm_movehl_ps(x, x)); }
/* the float vector {lo, hi}, each lane rounded once */
static OB_INLINE vf vf_from_vd(vd lo, vd hi) {
  return _mm_movelh_ps(_mm_cvtpd_ps(lo), _mm_cvtpd_ps(hi));
}
