/* The float32 transforms of the random-number kernels, written once as
 * constants and steps that the scalar code (impl/scalar/rand.c) and the
 * vector code (impl/simd/philox.h) both follow operation for operation.
 * No step is fused and every operation is an IEEE one (add, mul, div, sqrt,
 * exact conversions), so every variant gives the same bits.
 *
 * uniform(w) = (w >> 8) * 2^-24                        exact
 * normal: u1 = k * 2^-24, k = (w_even >> 8) + 1 in [1, 2^24]
 *   ln(u1) = (e - 24)*ln2 + ln(m),  k = 2^e * m,  m in [sqrt(1/2), sqrt(2)]
 *   ln(m)  = 2s + s*z*(c3 + z*(c5 + z*(c7 + z*c9))),  s = f/(2+f), f = m-1
 *            (the atanh series; |s| <= 0.172, so the next term is below
 *            2^-28 of ln(m))
 *   r      = sqrt(-2 ln(u1))
 *   angle  = 2*pi * t * 2^-24, t = w_odd >> 8 (the sine element uses
 *            t - 2^22 mod 2^24: a quarter turn less, sin = cos(. - pi/2))
 *   cos    = reduced exactly in integers to a quarter turn j and a rest
 *            a in [-pi/4, pi/4): +-cos(a) or +-sin(a) by Taylor series
 *            (next terms below 2^-28)
 *   x      = stddev * (r * cos)
 */
#ifndef OB_RAND_MATH_H
#define OB_RAND_MATH_H

#define OB_SQRT2_BITS 0x3fb504f3u     /* float32 sqrt(2): m above it is halved */
#define OB_LN2_HI     0x1.62e4p-1f    /* 15 bits: (e-24)*OB_LN2_HI is exact */
#define OB_LN2_LO     0x1.7f7d1cp-20f /* ln 2 - OB_LN2_HI */
#define OB_LN_C3      0x1.555556p-1f  /* 2/3 */
#define OB_LN_C5      0x1.99999ap-2f  /* 2/5 */
#define OB_LN_C7      0x1.24924ap-2f  /* 2/7 */
#define OB_LN_C9      0x1.c71c72p-3f  /* 2/9 */
#define OB_TURN       0x1.921fb6p-22f /* 2*pi / 2^24: radians per step of t */
#define OB_SIN_S3     -0x1.555556p-3f /* -1/3! */
#define OB_SIN_S5     0x1.111112p-7f  /* 1/5! */
#define OB_SIN_S7     -0x1.a01a02p-13f
#define OB_SIN_S9     0x1.71de3ap-19f
#define OB_COS_C2     -0x1p-1f /* -1/2! */
#define OB_COS_C4     0x1.555556p-5f
#define OB_COS_C6     -0x1.6c16c2p-10f
#define OB_COS_C8     0x1.a01a02p-16f
#define OB_COS_C10    -0x1.27e4fcp-22f
#define OB_QUARTER    (1u << 22) /* a quarter turn in steps of t */
#define OB_T_MASK     0xffffffu

/* The Philox4x32 constants (Random123's philox.h). */
#define OB_PHILOX_M0 0xD2511F53u
#define OB_PHILOX_M1 0xCD9E8D57u
#define OB_PHILOX_W0 0x9E3779B9u
#define OB_PHILOX_W1 0xBB67AE85u

#endif
