/* Philox4x32-10 and the float32 transforms of impl/rand_math.h over vectors
 * (vec.h and vecu.h of one instruction set). A vector holds OB_VL/4 Philox
 * blocks, one per 128-bit lane, words in order - so its lanes are elements
 * 4b .. 4b + OB_VL - 1 directly, and every step is a lane-local integer or
 * IEEE float operation: the same bits as impl/scalar/philox.h. */
#include "rand_math.h"

#define OB_BLOCKS_PER_VEC (OB_VL / 4)

/* The counters of blocks b .. b + OB_BLOCKS_PER_VEC - 1. */
static inline vu ob_counters(const ob_philox *r, uint64_t b) {
  _Alignas(64) uint32_t w[OB_VL];
  for (int j = 0; j < OB_BLOCKS_PER_VEC; j++) {
    const uint64_t bj = b + (uint64_t)j;
    w[4 * j] = (uint32_t)bj;
    w[4 * j + 1] = (uint32_t)(bj >> 32);
    w[4 * j + 2] = r->stream[0];
    w[4 * j + 3] = r->stream[1];
  }
  return vu_load(w);
}

/* One Philox round on every block: with ctr = (c0, c1, c2, c3),
 * (hi0, lo0) = M0*c0 and (hi1, lo1) = M1*c2 give
 * (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0). */
static OB_INLINE vu ob_philox_round(vu ctr, vu key) {
  const vu prod = vu_mul_even(ctr, vu_set4(OB_PHILOX_M0, 0, OB_PHILOX_M1, 0)); /* lo0 hi0 lo1 hi1 */
  const vu swapped = vu_shuffle(prod, 0x1B);                                   /* hi1 lo1 hi0 lo0 */
  const vu odd = vu_and(vu_shuffle(ctr, 0xF5), vu_set4(~0u, 0, ~0u, 0));       /* c1 0 c3 0 */
  return vu_xor(vu_xor(swapped, odd), key);
}

/* The words of the blocks whose counters are ctr[0 .. k-1], k vectors in
 * lockstep: the ten rounds of one vector are a chain of dependent
 * multiplies, and k independent chains keep the multiplier busy (k is a
 * constant at every call, so the arrays live in registers). The key vector
 * is (k0, 0, k1, 0) per block, bumped between rounds. */
#define OB_PHILOX_INTERLEAVE 8
static OB_INLINE void ob_philox10_k(const ob_philox *r, vu *ctr, int k) {
  vu key = vu_set4(r->key[0], 0, r->key[1], 0);
  const vu bump = vu_set4(OB_PHILOX_W0, 0, OB_PHILOX_W1, 0);
  for (int round = 0; round < 10; round++) {
    if (round)
      key = vu_add(key, bump);
    for (int j = 0; j < k; j++)
      ctr[j] = ob_philox_round(ctr[j], key);
  }
}

/* Counters of the next vector: add OB_BLOCKS_PER_VEC to each block's low
 * word, or rebuild where a low word wraps into the high one. */
static OB_INLINE vu next_counters(const ob_philox *r, vu ctr, uint64_t b) {
  const uint32_t lo = (uint32_t)b;
  if (lo >= OB_BLOCKS_PER_VEC && lo <= UINT32_MAX - (OB_BLOCKS_PER_VEC - 1))
    return vu_add(ctr, vu_set4(OB_BLOCKS_PER_VEC, 0, 0, 0));
  return ob_counters(r, b);
}

/* The Philox words of the next k vectors (k <= OB_PHILOX_INTERLEAVE): from
 * the counters *ctr of block *b on, both advanced past them. k independent
 * vectors go through the rounds together, which hides their latency. */
static OB_INLINE void ob_philox_next(const ob_philox *r, vu *ctr, uint64_t *b, vu *w, int k) {
  for (int j = 0; j < k; j++) {
    w[j] = *ctr;
    *b += OB_BLOCKS_PER_VEC;
    *ctr = next_counters(r, *ctr, *b);
  }
  ob_philox10_k(r, w, k);
}

static OB_INLINE vf ob_vuniform(vu w) { return vmul(vu_to_float(vu_srl(w, 8)), vset1(0x1p-24f)); }

/* ln(k * 2^-24) for k in [1, 2^24]: ob_log_u of impl/scalar/philox.h */
static OB_INLINE vf ob_vlog_u(vu k) {
  const vu bits = vf_bits(vu_to_float(k));
  const vu big = vu_gt(vu_or(vu_and(bits, vu_set1(0x7fffffu)), vu_set1(0x3f800000u)),
                       vu_set1(OB_SQRT2_BITS)); /* all ones where m > sqrt(2) */
  const vu mbits = vu_sub(vu_or(vu_and(bits, vu_set1(0x7fffffu)), vu_set1(0x3f800000u)),
                          vu_and(big, vu_set1(0x00800000u)));
  /* e - 24 = (bits >> 23) - 127 - 24, plus one where m was halved (big = -1) */
  const vu e = vu_sub(vu_sub(vu_srl(bits, 23), vu_set1(151u)), big);
  const vf f = vsub(vu_as_float(mbits), vset1(1.0f));
  const vf s = vdiv(f, vadd(vset1(2.0f), f));
  const vf z = vmul(s, s);
  vf p = vset1(OB_LN_C9);
  p = vadd(vmul(p, z), vset1(OB_LN_C7));
  p = vadd(vmul(p, z), vset1(OB_LN_C5));
  p = vadd(vmul(p, z), vset1(OB_LN_C3));
  const vf lnm = vadd(vadd(s, s), vmul(s, vmul(z, p)));
  const vf ee = vu_to_float(e);
  return vadd(vmul(ee, vset1(OB_LN2_HI)), vadd(vmul(ee, vset1(OB_LN2_LO)), lnm));
}

/* cos(2*pi * t * 2^-24) for t in [0, 2^24): ob_cos_turn */
static OB_INLINE vf ob_vcos_turn(vu t) {
  const vu shifted = vu_add(t, vu_set1(OB_QUARTER / 2));
  const vu j = vu_and(vu_srl(shifted, 22), vu_set1(3u));
  const vu rest = vu_sub(vu_and(shifted, vu_set1(OB_QUARTER - 1u)), vu_set1(OB_QUARTER / 2));
  const vf a = vmul(vu_to_float(rest), vset1(OB_TURN));
  const vf a2 = vmul(a, a);
  vf sp = vset1(OB_SIN_S9);
  sp = vadd(vmul(sp, a2), vset1(OB_SIN_S7));
  sp = vadd(vmul(sp, a2), vset1(OB_SIN_S5));
  sp = vadd(vmul(sp, a2), vset1(OB_SIN_S3));
  const vf sin_a = vadd(a, vmul(a, vmul(a2, sp)));
  vf cp = vset1(OB_COS_C10);
  cp = vadd(vmul(cp, a2), vset1(OB_COS_C8));
  cp = vadd(vmul(cp, a2), vset1(OB_COS_C6));
  cp = vadd(vmul(cp, a2), vset1(OB_COS_C4));
  cp = vadd(vmul(cp, a2), vset1(OB_COS_C2));
  const vf cos_a = vadd(vset1(1.0f), vmul(a2, cp));
  const vu odd = vu_sub(vu_set1(0), vu_and(j, vu_set1(1u))); /* all ones for sin */
  const vu v =
      vu_or(vu_and(odd, vf_bits(sin_a)), vu_and(vu_xor(odd, vu_set1(~0u)), vf_bits(cos_a)));
  const vu sign = vu_sll(vu_and(vu_srl(vu_add(j, vu_set1(1u)), 1), vu_set1(1u)), 31);
  return vu_as_float(vu_xor(v, sign));
}

/* stddev * normal for the elements of the words w: ob_normal */
static OB_INLINE vf ob_vnormal(vu w, vf stddev) {
  const vu u1 = vu_add(vu_srl(vu_shuffle(w, 0xA0), 8), vu_set1(1u)); /* words 0 0 2 2 */
  const vu t = vu_srl(vu_shuffle(w, 0xF5), 8);                       /* words 1 1 3 3 */
  const vf r = vsqrt(vmul(vset1(-2.0f), ob_vlog_u(u1)));
  /* the sine elements (odd lanes) are a quarter turn back */
  const vu tt = vu_and(vu_sub(t, vu_set4(0, OB_QUARTER, 0, OB_QUARTER)), vu_set1(OB_T_MASK));
  return vmul(stddev, vmul(r, ob_vcos_turn(tt)));
}
