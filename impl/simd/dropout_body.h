/* The dropout kernels written once against the vector helpers of one
 * instruction set (vec.h, vecu.h) and the vector generator (philox.h).
 * Work goes in groups of 64 elements: 16 Philox blocks, one 64-bit word of
 * mask. A partial group is staged through buffers (inputs padded with 1.0f,
 * so it raises no floating-point flag the data would not). The training
 * forward has two compiled copies of its step (Philox interleaved and
 * single): its one float operation, x*0 or x*keep, gives the same bits in
 * either, since only x can be a NaN. */
#include <string.h>

#include "simd/philox.h"

#define GROUP       64
#define VEC_PER_GRP (GROUP / OB_VL)
#define LANE_BITS   ((1u << OB_VL) - 1u)

/* Vector v of a run of groups: its mask bits join the group's word, which
 * is stored when its last vector is done. */
static OB_INLINE void train_vector(vu w, vf ratio, vf keep, const float *x, float *y, uint8_t *mask,
                                   size_t v, uint64_t *bits) {
  const unsigned m = vgt_bits(ob_vuniform(w), ratio); /* the book's rand > ratio */
  vstore(y + v * OB_VL, vmul(vload(x + v * OB_VL), vbits_select(m, keep)));
  *bits |= (uint64_t)m << (v % VEC_PER_GRP * OB_VL);
  if (v % VEC_PER_GRP == VEC_PER_GRP - 1) {
    memcpy(mask + v / VEC_PER_GRP * 8, bits, 8); /* little-endian: bit i % 8 of byte i / 8 */
    *bits = 0;
  }
}

/* Groups from block b on; mask receives 8 bytes per group. Philox runs
 * OB_PHILOX_INTERLEAVE vectors in lockstep, then one at a time. */
static OB_VECTORS void OB_ISA_FN_MODE(dropout_train, groups)(const ob_rand_coeffs *c, uint64_t b,
                                                             const float *x, float *y,
                                                             uint8_t *mask, size_t ngroups) {
  const vf ratio = vset1(c->ratio), keep = vset1(c->keep);
  const size_t nvec = ngroups * VEC_PER_GRP;
  vu ctr = ob_counters(&c->rng, b);
  uint64_t bits = 0;
  size_t v = 0;
  for (; v + OB_PHILOX_INTERLEAVE <= nvec; v += OB_PHILOX_INTERLEAVE) {
    vu w[OB_PHILOX_INTERLEAVE];
    for (int j = 0; j < OB_PHILOX_INTERLEAVE; j++) {
      w[j] = ctr;
      b += OB_BLOCKS_PER_VEC;
      ctr = next_counters(&c->rng, ctr, b);
    }
    ob_philox10_k(&c->rng, w, OB_PHILOX_INTERLEAVE);
    for (int j = 0; j < OB_PHILOX_INTERLEAVE; j++)
      train_vector(w[j], ratio, keep, x, y, mask, v + (size_t)j, &bits);
  }
  for (; v < nvec; v++) {
    vu w = ctr;
    ob_philox10_k(&c->rng, &w, 1);
    train_vector(w, ratio, keep, x, y, mask, v, &bits);
    b += OB_BLOCKS_PER_VEC;
    ctr = next_counters(&c->rng, ctr, b);
  }
}

static OB_VECTORS void OB_ISA_FN_MODE(dropout_backward, groups)(float keep_f, const uint8_t *mask,
                                                                const float *dout, float *dx,
                                                                size_t ngroups) {
  const vf keep = vset1(keep_f);
  for (size_t g = 0; g < ngroups; g++) {
    uint64_t bits;
    memcpy(&bits, mask + g * 8, 8);
    for (int v = 0; v < VEC_PER_GRP; v++) {
      const size_t i = g * GROUP + (size_t)v * OB_VL;
      const unsigned m = (unsigned)(bits >> (v * OB_VL)) & LANE_BITS;
      vstore(dx + i, vmul(vload(dout + i), vbits_select(m, keep)));
    }
  }
}

static OB_VECTORS void OB_ISA_FN_MODE(dropout_scale, vectors)(float f, const float *x, float *y,
                                                              size_t nvec) {
  const vf ff = vset1(f);
  for (size_t i = 0; i < nvec * OB_VL; i += OB_VL)
    vstore(y + i, vmul(vload(x + i), ff));
}

/* A partial group of w < GROUP elements: inputs padded with 1.0f */
static void stage(float *buf, const float *src, size_t w) {
  for (size_t i = 0; i < GROUP; i++)
    buf[i] = 1.0f;
  memcpy(buf, src, w * sizeof(float));
}

static void OB_ISA_FN(dropout_train)(const ob_rand_coeffs *c, uint64_t i0, const float *x, float *y,
                                     uint8_t *mask, size_t n) {
  const size_t ng = n / GROUP, body = ng * GROUP, w = n - body;
  OB_ISA_FN_MODE(dropout_train, groups)(c, i0 / 4, x, y, mask, ng);
  if (w == 0)
    return;
  _Alignas(64) float xb[GROUP], yb[GROUP];
  uint8_t mb[8];
  stage(xb, x + body, w);
  OB_ISA_FN_MODE(dropout_train, groups)(c, (i0 + body) / 4, xb, yb, mb, 1);
  memcpy(y + body, yb, w * sizeof(float));
  if (w % 8)
    mb[w / 8] &= (uint8_t)((1u << (w % 8)) - 1u); /* bits past n are 0 */
  memcpy(mask + ng * 8, mb, (w + 7) / 8);
}

static void OB_ISA_FN(dropout_backward)(float keep, const uint8_t *mask, const float *dout,
                                        float *dx, size_t n) {
  const size_t ng = n / GROUP, body = ng * GROUP, w = n - body;
  OB_ISA_FN_MODE(dropout_backward, groups)(keep, mask, dout, dx, ng);
  if (w == 0)
    return;
  _Alignas(64) float db[GROUP], xb[GROUP];
  uint8_t mb[8] = {0};
  stage(db, dout + body, w);
  memcpy(mb, mask + ng * 8, (w + 7) / 8);
  OB_ISA_FN_MODE(dropout_backward, groups)(keep, mb, db, xb, 1);
  memcpy(dx + body, xb, w * sizeof(float));
}

static void OB_ISA_FN(dropout_scale)(float f, const float *x, float *y, size_t n) {
  const size_t nvec = n / OB_VL, body = nvec * OB_VL;
  OB_ISA_FN_MODE(dropout_scale, vectors)(f, x, y, nvec);
  if (body < n) {
    _Alignas(64) float xb[OB_VL], yb[OB_VL];
    for (int i = 0; i < OB_VL; i++)
      xb[i] = 1.0f;
    memcpy(xb, x + body, (n - body) * sizeof(float));
    OB_ISA_FN_MODE(dropout_scale, vectors)(f, xb, yb, 1);
    memcpy(y + body, yb, (n - body) * sizeof(float));
  }
}

const ob_dropout_kernels OB_PASTE(ob_dropout_, OB_ISA) = {
    OB_ISA_FN(dropout_train), OB_ISA_FN(dropout_scale), OB_ISA_FN(dropout_backward)};
