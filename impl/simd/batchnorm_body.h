/* Batch normalisation written once against the vector helpers of one
 * instruction set: vec.h (vf, OB_VL, vset1, vload, vstore, vadd, vsub, vmul,
 * vdiv, vfmadd, vfnmadd) and vecd.h (vd, OB_VDL, vd_*: double lanes).
 * The numerics are impl/scalar/batchnorm.c's, vectorised across features:
 *
 *   - Columns go in panels of BN_W = 128 (eight 64-byte lines of a row,
 *     BN_K vectors); each pass over the rows streams 512 contiguous bytes a
 *     row. (Panels of one line, 16 columns, ran 1.1-2.6x slower from L2 up:
 *     one line per 1 KiB row defeats the prefetchers.) Rows run in
 *     order, so every feature's sums are the reference's sequential sums.
 *   - std = sqrt(var + eps) in double from the double var (and the test's
 *     sqrt(running_var + eps) from exact conversions), rounded to float
 *     once: a float var overflows or flushes to zero for columns whose std
 *     is an ordinary float; the running variance's (1-momentum)*var is
 *     likewise a double product, rounded once.
 *   - Sums accumulate in double, from exactly converted floats, with the
 *     reference's operations (x - m, its square, (x - mean)*dout: double
 *     multiplies and adds, never fused: the files build with
 *     -ffp-contract=off and vecd.h has no FMA). Means, variances, std,
 *     dbeta and dgamma are the same bits in every variant.
 *   - Per-feature values (mean, std, the backward's gamma/std, dbeta/N,
 *     dgamma/N) are computed once per panel in vectors and held in memory.
 *   - Element-wise: y = vfmadd(gamma, (x - mean)/std, beta) and
 *     dx = (gamma/std) * vfnmadd(xn, dgamma/N, dout - dbeta/N); the running
 *     averages vfmadd(momentum, r, (1-momentum)*stat). sse2's vfmadd is a
 *     multiply then an add, the reference's order, so sse2 equals scalar
 *     bitwise; avx2 and avx512 fuse (ops.def's fma column), alike.
 *
 * Each pass over the rows exists in exactly one compiled copy (OB_VECTORS)
 * that handles ONE vector of the panel, its index k a run-time argument: a
 * compiler that unrolls a loop over the panel's vectors may order the
 * operands of an add differently in each copy, and x86 keeps the first
 * operand's NaN, so payloads would depend on the column's place in the
 * panel. A panel of BN_W whole columns runs the passes in place, BN_ROWS
 * rows per call; a narrower one (the tail of a chunk) is staged BN_STAGE
 * rows at a time through BN_W-wide buffers whose unused lanes hold 0, and
 * runs the same functions. So a feature gives the same bits wherever it
 * falls, and nothing past the arrays is touched. The unused lanes'
 * per-feature values are reset to harmless ones (mean 0, std 1, factors 0)
 * before an element-wise pass: no 0/0 raises a flag the data would not. */
#include <string.h>

#define BN_W     128            /* columns per panel: eight 64-byte lines of floats */
#define BN_K     (BN_W / OB_VL) /* vectors per row of a panel */
#define BN_ROWS  16             /* rows of a whole panel per pass call: 8 KiB an array */
#define BN_STAGE 16             /* rows of a narrow panel staged at a time */

/* One panel's sums and per-feature values, BN_W lanes each. A panel's
 * vectors are independent: the passes take them one at a time, BN_ROWS rows
 * per call, so the rows' lines stay in L1 while each vector takes its turn. */
typedef struct {
  /* train: sum x (then the double mean m), sum (x - m)^2; backward: sum dout, (x - mean)*dout */
  _Alignas(64) double s0[BN_W], s1[BN_W];
  _Alignas(64) float mean[BN_W], std[BN_W];
  _Alignas(64) float gamma[BN_W], beta[BN_W]; /* backward: gamma/std, unused */
  _Alignas(64) float a[BN_W], b[BN_W];        /* backward: dbeta/N, dgamma/N */
} panel;

/* ---- Passes over the rows: one compiled copy each ---------------------- */

/* A pass over `rows` rows of vector k of a panel (columns k*OB_VL ..): x
 * (and d) read, out written, all three pointing at the panel's column 0,
 * each row `ld` floats after the previous one. The sums carry over between
 * calls in the panel (exactly: they are stored as doubles). */
typedef void (*rows_fn)(panel *p, size_t k, const float *x, const float *d, float *out, size_t ld,
                        size_t rows);

/* s0 += x */
static OB_VECTORS void OB_ISA_FN_MODE(bn, sum_x)(panel *p, size_t k, const float *x, const float *d,
                                                 float *out, size_t ld, size_t rows) {
  (void)d, (void)out;
  const size_t o = k * OB_VL;
  vd lo = vd_load(p->s0 + o), hi = vd_load(p->s0 + o + OB_VDL);
  for (size_t r = 0; r < rows; r++) {
    const vf v = vload(x + r * ld + o);
    lo = vd_add(lo, vd_lo(v));
    hi = vd_add(hi, vd_hi(v));
  }
  vd_store(p->s0 + o, lo), vd_store(p->s0 + o + OB_VDL, hi);
}

/* s1 += xc*xc, xc = x - m in double, m the double mean (in s0) */
static OB_VECTORS void OB_ISA_FN_MODE(bn, sum_xc2)(panel *p, size_t k, const float *x,
                                                   const float *d, float *out, size_t ld,
                                                   size_t rows) {
  (void)d, (void)out;
  const size_t o = k * OB_VL;
  const vd mlo = vd_load(p->s0 + o), mhi = vd_load(p->s0 + o + OB_VDL);
  vd lo = vd_load(p->s1 + o), hi = vd_load(p->s1 + o + OB_VDL);
  for (size_t r = 0; r < rows; r++) {
    const vf v = vload(x + r * ld + o);
    const vd xl = vd_sub(vd_lo(v), mlo), xh = vd_sub(vd_hi(v), mhi);
    lo = vd_add(lo, vd_mul(xl, xl));
    hi = vd_add(hi, vd_mul(xh, xh));
  }
  vd_store(p->s1 + o, lo), vd_store(p->s1 + o + OB_VDL, hi);
}

/* out = gamma*((x - mean)/std) + beta: the training and the test forward */
static OB_VECTORS void OB_ISA_FN_MODE(bn, normalise)(panel *p, size_t k, const float *x,
                                                     const float *d, float *out, size_t ld,
                                                     size_t rows) {
  (void)d;
  const size_t o = k * OB_VL;
  const vf mean = vload(p->mean + o), std = vload(p->std + o);
  const vf gamma = vload(p->gamma + o), beta = vload(p->beta + o);
  for (size_t r = 0; r < rows; r++) {
    const vf xn = vdiv(vsub(vload(x + r * ld + o), mean), std);
    vstore(out + r * ld + o, vfmadd(gamma, xn, beta));
  }
}

/* s0 += dout, s1 += (x - mean)*dout in double (x - mean exact): dgamma*std */
static OB_VECTORS void OB_ISA_FN_MODE(bn, sum_dout)(panel *p, size_t k, const float *x,
                                                    const float *d, float *out, size_t ld,
                                                    size_t rows) {
  (void)out;
  const size_t o = k * OB_VL;
  const vf mean = vload(p->mean + o);
  const vd mlo = vd_lo(mean), mhi = vd_hi(mean);
  vd slo = vd_load(p->s0 + o), shi = vd_load(p->s0 + o + OB_VDL);
  vd tlo = vd_load(p->s1 + o), thi = vd_load(p->s1 + o + OB_VDL);
  for (size_t r = 0; r < rows; r++) {
    const vf xv = vload(x + r * ld + o), dv = vload(d + r * ld + o);
    const vd dlo = vd_lo(dv), dhi = vd_hi(dv);
    slo = vd_add(slo, dlo);
    shi = vd_add(shi, dhi);
    tlo = vd_add(tlo, vd_mul(vd_sub(vd_lo(xv), mlo), dlo));
    thi = vd_add(thi, vd_mul(vd_sub(vd_hi(xv), mhi), dhi));
  }
  vd_store(p->s0 + o, slo), vd_store(p->s0 + o + OB_VDL, shi);
  vd_store(p->s1 + o, tlo), vd_store(p->s1 + o + OB_VDL, thi);
}

/* out = (gamma/std)*((dout - dbeta/N) - xn*(dgamma/N)) */
static OB_VECTORS void OB_ISA_FN_MODE(bn, input_grad)(panel *p, size_t k, const float *x,
                                                      const float *d, float *out, size_t ld,
                                                      size_t rows) {
  const size_t o = k * OB_VL;
  const vf mean = vload(p->mean + o), std = vload(p->std + o), gs = vload(p->gamma + o);
  const vf am = vload(p->a + o), bm = vload(p->b + o);
  for (size_t r = 0; r < rows; r++) {
    const vf xn = vdiv(vsub(vload(x + r * ld + o), mean), std);
    const vf bracket = vfnmadd(xn, bm, vsub(vload(d + r * ld + o), am));
    vstore(out + r * ld + o, vmul(gs, bracket));
  }
}

/* ---- Panels ------------------------------------------------------------ */

/* Runs f over every row of the panel at column c, w columns wide, BN_ROWS
 * rows at a time so that the lines of a block stay in L1 while each vector
 * of the panel takes its turn. A whole panel runs in place; a narrower one
 * through BN_W-wide buffers (unused lanes 0). */
static void run_rows(rows_fn f, panel *p, const ob_bn_args *a, const float *x, const float *d,
                     float *out, size_t c, size_t w) {
  const size_t cols = a->cols;
  if (w == BN_W) {
    for (size_t r0 = 0; r0 < a->rows; r0 += BN_ROWS) {
      const size_t n = a->rows - r0 < BN_ROWS ? a->rows - r0 : BN_ROWS, at = r0 * cols + c;
      for (size_t k = 0; k < BN_K; k++)
        f(p, k, x + at, d ? d + at : NULL, out ? out + at : NULL, cols, n);
    }
    return;
  }
  _Alignas(64) float bx[BN_STAGE][BN_W], bd[BN_STAGE][BN_W], bo[BN_STAGE][BN_W];
  memset(bx, 0, sizeof bx);
  memset(bd, 0, sizeof bd);
  for (size_t r0 = 0; r0 < a->rows; r0 += BN_STAGE) {
    const size_t n = a->rows - r0 < BN_STAGE ? a->rows - r0 : BN_STAGE;
    for (size_t r = 0; r < n; r++) {
      memcpy(bx[r], x + (r0 + r) * cols + c, w * sizeof(float));
      if (d)
        memcpy(bd[r], d + (r0 + r) * cols + c, w * sizeof(float));
    }
    for (size_t k = 0; k < BN_K; k++)
      f(p, k, bx[0], d ? bd[0] : NULL, out ? bo[0] : NULL, BN_W, n);
    if (out)
      for (size_t r = 0; r < n; r++)
        memcpy(out + (r0 + r) * cols + c, bo[r], w * sizeof(float));
  }
}

/* dst = src[0..w), then `fill` up to BN_W */
static void load_lanes(float *dst, const float *src, size_t w, float fill) {
  memcpy(dst, src, w * sizeof(float));
  for (size_t k = w; k < BN_W; k++)
    dst[k] = fill;
}

/* Lanes past w of the per-feature values: harmless (0 - 0)/1*0 + 0. */
static void pad_lanes(panel *p, size_t w) {
  for (size_t k = w; k < BN_W; k++)
    p->mean[k] = 0.0f, p->std[k] = 1.0f, p->gamma[k] = p->beta[k] = p->a[k] = p->b[k] = 0.0f;
}

/* (float)(s / n) and (float)s for lanes o .. o+OB_VL of the double sums s */
static inline vf mean_of(const double *s, size_t o, vd n) {
  return vf_from_vd(vd_div(vd_load(s + o), n), vd_div(vd_load(s + o + OB_VDL), n));
}
static inline vf round_sum(const double *s, size_t o) {
  return vf_from_vd(vd_load(s + o), vd_load(s + o + OB_VDL));
}

/* The per-feature steps, vector k of the panel at a time, each in one
 * compiled copy like the passes (two NaNs can meet in the running
 * averages: the operand order must not depend on k). */
/* m = sum(x)/N in double, kept in s0 for the variance; mean = (float)m */
static OB_VECTORS void OB_ISA_FN_MODE(bn, train_mean)(panel *p, size_t k, const ob_bn_args *a) {
  const size_t o = k * OB_VL;
  const vd n = vd_set1((double)a->rows);
  const vd lo = vd_div(vd_load(p->s0 + o), n), hi = vd_div(vd_load(p->s0 + o + OB_VDL), n);
  vd_store(p->s0 + o, lo), vd_store(p->s0 + o + OB_VDL, hi);
  vstore(p->mean + o, vf_from_vd(lo, hi));
}

static OB_VECTORS void OB_ISA_FN_MODE(bn, train_std)(panel *p, size_t k, const ob_bn_args *a,
                                                     float *rm, float *rv) {
  const size_t o = k * OB_VL;
  const vf mom = vset1(a->momentum), omm = vset1(a->one_minus_momentum);
  const vd n = vd_set1((double)a->rows), eps = vd_set1((double)a->eps);
  const vd vlo = vd_div(vd_load(p->s1 + o), n), vhi = vd_div(vd_load(p->s1 + o + OB_VDL), n);
  /* std = sqrt(var + eps) in double from the double var, rounded to float once */
  vstore(p->std + o, vf_from_vd(vd_sqrt(vd_add(vlo, eps)), vd_sqrt(vd_add(vhi, eps))));
  vstore(rm + o, vfmadd(mom, vload(rm + o), vmul(omm, vload(p->mean + o))));
  /* (1-momentum)*var from the double var: var may overflow float where this does not */
  const vd omm_d = vd_set1((double)a->one_minus_momentum);
  const vf ommv = vf_from_vd(vd_mul(omm_d, vlo), vd_mul(omm_d, vhi));
  vstore(rv + o, vfmadd(mom, vload(rv + o), ommv));
}

static OB_VECTORS void OB_ISA_FN_MODE(bn, test_std)(panel *p, size_t k, const ob_bn_args *a) {
  const size_t o = k * OB_VL; /* std holds running_var: sqrt(running_var + eps) in double */
  const vf rv = vload(p->std + o);
  const vd eps = vd_set1((double)a->eps);
  vstore(p->std + o, vf_from_vd(vd_sqrt(vd_add(vd_lo(rv), eps)), vd_sqrt(vd_add(vd_hi(rv), eps))));
}

static OB_VECTORS void OB_ISA_FN_MODE(bn, backward_coeffs)(panel *p, size_t k, const ob_bn_args *a,
                                                           float *dbeta, float *dgamma) {
  const size_t o = k * OB_VL;
  const vd n = vd_set1((double)a->rows);
  const vf std = vload(p->std + o);
  /* sum(xn*dout) = sum((x - mean)*dout)/std, in double */
  const vd glo = vd_div(vd_load(p->s1 + o), vd_lo(std));
  const vd ghi = vd_div(vd_load(p->s1 + o + OB_VDL), vd_hi(std));
  vstore(dbeta + o, round_sum(p->s0, o));                       /* sum(dout) */
  vstore(dgamma + o, vf_from_vd(glo, ghi));                     /* sum(xn*dout) */
  vstore(p->a + o, mean_of(p->s0, o, n));                       /* dbeta/N */
  vstore(p->b + o, vf_from_vd(vd_div(glo, n), vd_div(ghi, n))); /* dgamma/N */
  vstore(p->gamma + o, vdiv(vload(p->gamma + o), std));         /* gamma/std */
}

static void train_panel(const ob_bn_args *a, size_t c, size_t w) {
  panel p = {0};
  load_lanes(p.gamma, a->gamma + c, w, 0.0f);
  load_lanes(p.beta, a->beta + c, w, 0.0f);
  _Alignas(64) float rm[BN_W], rv[BN_W];
  load_lanes(rm, a->running_mean + c, w, 0.0f);
  load_lanes(rv, a->running_var + c, w, 0.0f);
  run_rows(OB_ISA_FN_MODE(bn, sum_x), &p, a, a->x, NULL, NULL, c, w);
  for (size_t k = 0; k < BN_K; k++)
    OB_ISA_FN_MODE(bn, train_mean)(&p, k, a);
  run_rows(OB_ISA_FN_MODE(bn, sum_xc2), &p, a, a->x, NULL, NULL, c, w);
  for (size_t k = 0; k < BN_K; k++)
    OB_ISA_FN_MODE(bn, train_std)(&p, k, a, rm, rv);
  memcpy(a->mean + c, p.mean, w * sizeof(float));
  memcpy(a->std + c, p.std, w * sizeof(float));
  memcpy(a->running_mean + c, rm, w * sizeof(float));
  memcpy(a->running_var + c, rv, w * sizeof(float));
  pad_lanes(&p, w);
  run_rows(OB_ISA_FN_MODE(bn, normalise), &p, a, a->x, NULL, a->y, c, w);
}

static void test_panel(const ob_bn_args *a, size_t c, size_t w) {
  panel p;
  load_lanes(p.mean, a->running_mean + c, w, 0.0f);
  load_lanes(p.std, a->running_var + c, w, 0.0f);
  load_lanes(p.gamma, a->gamma + c, w, 0.0f);
  load_lanes(p.beta, a->beta + c, w, 0.0f);
  for (size_t k = 0; k < BN_K; k++)
    OB_ISA_FN_MODE(bn, test_std)(&p, k, a);
  pad_lanes(&p, w);
  run_rows(OB_ISA_FN_MODE(bn, normalise), &p, a, a->x, NULL, a->y, c, w);
}

static void backward_panel(const ob_bn_args *a, size_t c, size_t w) {
  panel p = {0};
  load_lanes(p.mean, a->mean + c, w, 0.0f);
  load_lanes(p.std, a->std + c, w, 1.0f);
  load_lanes(p.gamma, a->gamma + c, w, 0.0f);
  run_rows(OB_ISA_FN_MODE(bn, sum_dout), &p, a, a->x, a->dout, NULL, c, w);
  _Alignas(64) float dbeta[BN_W], dgamma[BN_W];
  for (size_t k = 0; k < BN_K; k++)
    OB_ISA_FN_MODE(bn, backward_coeffs)(&p, k, a, dbeta, dgamma);
  memcpy(a->dbeta + c, dbeta, w * sizeof(float));
  memcpy(a->dgamma + c, dgamma, w * sizeof(float));
  pad_lanes(&p, w);
  run_rows(OB_ISA_FN_MODE(bn, input_grad), &p, a, a->x, a->dout, a->dx, c, w);
}

/* ---- The kernels: columns [c0, c1) panel by panel ---------------------- */

typedef void (*panel_fn)(const ob_bn_args *a, size_t c, size_t w);

static void run_panels(panel_fn f, const ob_bn_args *a, size_t c0, size_t c1) {
  for (size_t c = c0; c < c1; c += BN_W)
    f(a, c, c1 - c < BN_W ? c1 - c : BN_W);
}

static void OB_ISA_FN(bn_train)(const ob_bn_args *a, size_t c0, size_t c1) {
  run_panels(train_panel, a, c0, c1);
}
static void OB_ISA_FN(bn_test)(const ob_bn_args *a, size_t c0, size_t c1) {
  run_panels(test_panel, a, c0, c1);
}
static void OB_ISA_FN(bn_backward)(const ob_bn_args *a, size_t c0, size_t c1) {
  run_panels(backward_panel, a, c0, c1);
}

const ob_bn_kernels OB_PASTE(ob_bn_, OB_ISA) = {OB_ISA_FN(bn_train), OB_ISA_FN(bn_test),
                                                OB_ISA_FN(bn_backward)};
