/* Double-precision helpers for AVX2, beside vec.h: the batch-norm
 * reductions accumulate in double. One vf (8 floats) widens to two vd
 * (4 doubles each): vd_lo holds lanes 0-3, vd_hi lanes 4-7. Float to double
 * is exact; double to float rounds once (to nearest). */
#include <immintrin.h>

#define OB_VDL (OB_VL / 2)
typedef __m256d vd;

static OB_INLINE vd vd_set1(double x) { return _mm256_set1_pd(x); }
static OB_INLINE vd vd_load(const double *p) { return _mm256_loadu_pd(p); }
static OB_INLINE void vd_store(double *p, vd x) { _mm256_storeu_pd(p, x); }
static OB_INLINE vd vd_add(vd a, vd b) { return _mm256_add_pd(a, b); }
static OB_INLINE vd vd_sub(vd a, vd b) { return _mm256_sub_pd(a, b); }
static OB_INLINE vd vd_mul(vd a, vd b) { return _mm256_mul_pd(a, b); }
static OB_INLINE vd vd_div(vd a, vd b) { return _mm256_div_pd(a, b); }
static OB_INLINE vd vd_sqrt(vd a) { return _mm256_sqrt_pd(a); }
static OB_INLINE vd vd_lo(vf x) { return _mm256_cvtps_pd(_mm256_castps256_ps128(x)); }
static OB_INLINE vd vd_hi(vf x) { return _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1)); }
/* the float vector {lo, hi}, each lane rounded once */
static OB_INLINE vf vf_from_vd(vd lo, vd hi) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)), _mm256_cvtpd_ps(hi), 1);
}
