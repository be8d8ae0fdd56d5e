/* The scalar generator: Random123's Philox4x32-10 itself, and the float32
 * transforms of impl/rand_math.h one element at a time. Shared by the
 * scalar (and autovec) random-number and dropout kernels. */
#ifndef OB_SCALAR_PHILOX_H
#define OB_SCALAR_PHILOX_H

#include <Random123/philox.h>
#include <math.h>
#include <string.h>

#include "kernel.h"
#include "rand_math.h"

/* The four words of block b. */
static inline philox4x32_ctr_t ob_block(const ob_philox *r, uint64_t b) {
  const philox4x32_ctr_t ctr = {{(uint32_t)b, (uint32_t)(b >> 32), r->stream[0], r->stream[1]}};
  const philox4x32_key_t key = {{r->key[0], r->key[1]}};
  return philox4x32(ctr, key);
}

static inline float ob_uniform(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }

static inline uint32_t ob_float_bits(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}
static inline float ob_bits_float(uint32_t u) {
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

/* ln(k * 2^-24) for k in [1, 2^24] */
static inline float ob_log_u(uint32_t k) {
  const uint32_t bits = ob_float_bits((float)k); /* exact */
  int32_t e = (int32_t)(bits >> 23) - 127;
  uint32_t mbits = (bits & 0x7fffffu) | 0x3f800000u; /* m in [1, 2) */
  if (mbits > OB_SQRT2_BITS) {                       /* m in [sqrt(1/2), sqrt(2)] */
    mbits -= 0x00800000u;
    e += 1;
  }
  const float f = ob_bits_float(mbits) - 1.0f; /* exact */
  const float s = f / (2.0f + f);
  const float z = s * s;
  float p = OB_LN_C9;
  p = p * z + OB_LN_C7;
  p = p * z + OB_LN_C5;
  p = p * z + OB_LN_C3;
  const float lnm = (s + s) + s * (z * p);
  const float ee = (float)(e - 24);
  return ee * OB_LN2_HI + (ee * OB_LN2_LO + lnm);
}

/* cos(2*pi * t * 2^-24) for t in [0, 2^24) */
static inline float ob_cos_turn(uint32_t t) {
  const uint32_t shifted = t + OB_QUARTER / 2;
  const uint32_t j = (shifted >> 22) & 3u;
  const int32_t rest = (int32_t)(shifted & (OB_QUARTER - 1u)) - (int32_t)(OB_QUARTER / 2);
  const float a = (float)rest * OB_TURN; /* [-pi/4, pi/4) */
  const float a2 = a * a;
  float sp = OB_SIN_S9;
  sp = sp * a2 + OB_SIN_S7;
  sp = sp * a2 + OB_SIN_S5;
  sp = sp * a2 + OB_SIN_S3;
  const float sin_a = a + a * (a2 * sp);
  float cp = OB_COS_C10;
  cp = cp * a2 + OB_COS_C8;
  cp = cp * a2 + OB_COS_C6;
  cp = cp * a2 + OB_COS_C4;
  cp = cp * a2 + OB_COS_C2;
  const float cos_a = 1.0f + a2 * cp;
  const float v = (j & 1u) ? sin_a : cos_a;
  /* quarter turns 1 and 2 are negative: -sin, -cos */
  return ob_bits_float(ob_float_bits(v) ^ ((((j + 1u) >> 1) & 1u) << 31));
}

/* Element `k` (0..3) of a block's Box-Muller pair transform: words (0, 1)
 * give elements 0 (cos) and 1 (sin), words (2, 3) elements 2 and 3. */
static inline float ob_normal(const philox4x32_ctr_t *w, unsigned k, float stddev) {
  const uint32_t u1 = (w->v[k & 2u] >> 8) + 1u, t = w->v[(k & 2u) + 1u] >> 8;
  const float r = sqrtf(-2.0f * ob_log_u(u1));
  const uint32_t tt = (k & 1u) ? (t - OB_QUARTER) & OB_T_MASK : t;
  return stddev * (r * ob_cos_turn(tt));
}

#endif
