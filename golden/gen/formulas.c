/* golden_gen - the textbook formulas in exact arithmetic.
 *
 * Every operation is MPFR at 256 bits, round to nearest, on the float32 inputs
 * and float32 hyperparameters; the derived coefficients (momentum^2,
 * (1+momentum)*lr, 1-decay_rate, 1-beta1, 1-beta2, lr_t) are exact too. The
 * statements keep the book's order (common/optimizer.py) because the order
 * decides the sign of a zero result. MPFR follows IEEE 754 for NaN, infinities
 * and signed zeros (Inf-Inf = NaN, 0/0 = NaN, x/Inf = 0, -0 + +0 = +0).
 *
 * Each output also gets its error scale (golden/FORMAT.md, "Error metric"):
 * the largest magnitude among the terms of the expanded formula, NaN and
 * infinite terms left out; with no term left, |exact| if finite, else 0.
 */
#include "formulas.h"
#include "mp.h"

#include <float.h>
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <string.h>

enum { PREC = 256 };
#define RN MPFR_RNDN

/* Hyperparameters and derived coefficients of the current step. */
static mpfr_t lr, mom, dec, b1, b2, eps, mom2, nest_c, omd, omb1, omb2, lr_t, wd, lrdd;
/* Inputs, outputs and scales of the current element. P and G are the p and g
 * the rule sees (after weight decay), SP and SG their scales. Intermediates
 * are each function's own temporaries (tmp_init). */
static mpfr_t P, G, S0, S1, SP, SG, np, ns0, ns1, sp, ss0, ss1, one;

/* Local temporaries of the working precision, NULL-terminated lists. */
#define tmp_init(...)  mpfr_inits2(PREC, __VA_ARGS__, (mpfr_ptr)0)
#define tmp_clear(...) mpfr_clears(__VA_ARGS__, (mpfr_ptr)0)

void gg_formulas_init(void) {
  mpfr_set_emin(mpfr_get_emin_min());
  mpfr_set_emax(mpfr_get_emax_max());
  tmp_init(lr, mom, dec, b1, b2, eps, mom2, nest_c, omd, omb1, omb2, lr_t, wd, lrdd, P, G, S0, S1,
           SP, SG, np, ns0, ns1, sp, ss0, ss1, one);
  mpfr_set_ui(one, 1, RN);
}

void gg_formulas_free(void) {
  tmp_clear(lr, mom, dec, b1, b2, eps, mom2, nest_c, omd, omb1, omb2, lr_t, wd, lrdd, P, G, S0, S1,
            SP, SG, np, ns0, ns1, sp, ss0, ss1, one);
  mpfr_free_cache();
}

static void coefficients(const gg_hp *hp, int64_t t) {
  mpfr_set_flt(lr, hp->lr, RN);
  mpfr_set_flt(mom, hp->momentum, RN);
  mpfr_set_flt(dec, hp->decay_rate, RN);
  mpfr_set_flt(b1, hp->beta1, RN);
  mpfr_set_flt(b2, hp->beta2, RN);
  mpfr_set_flt(eps, hp->eps, RN);
  mpfr_set_flt(wd, hp->weight_decay, RN);
  mpfr_set_flt(lrdd, hp->decoupled_decay, RN); /* lr*decoupled_decay, exact */
  mpfr_mul(lrdd, lrdd, lr, RN);
  mpfr_mul(mom2, mom, mom, RN);    /* momentum*momentum */
  mpfr_add_ui(nest_c, mom, 1, RN); /* (1+momentum)*lr */
  mpfr_mul(nest_c, nest_c, lr, RN);
  mpfr_ui_sub(omd, 1, dec, RN); /* 1-decay_rate */
  mpfr_ui_sub(omb1, 1, b1, RN); /* 1-beta1 */
  mpfr_ui_sub(omb2, 1, b2, RN); /* 1-beta2 */
  /* lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t) */
  mpfr_t a, b;
  tmp_init(a, b);
  mpfr_pow_ui(a, b2, (unsigned long)t, RN);
  mpfr_ui_sub(a, 1, a, RN);
  mpfr_sqrt(a, a, RN);
  mpfr_mul(a, lr, a, RN);
  mpfr_pow_ui(b, b1, (unsigned long)t, RN);
  mpfr_ui_sub(b, 1, b, RN);
  mpfr_div(lr_t, a, b, RN);
  tmp_clear(a, b);
}

/* ---- error scale: max |term| over the finite terms ---------------------- */

static int scale_any;

static void scale_begin(mpfr_ptr s) {
  mpfr_set_zero(s, 1);
  scale_any = 0;
}

static void scale_term(mpfr_ptr s, mpfr_srcptr x) {
  if (!mpfr_number_p(x))
    return; /* NaN and infinite terms are left out */
  if (!scale_any || mpfr_cmpabs(x, s) > 0)
    mpfr_abs(s, x, RN);
  scale_any = 1;
}

/* The term |k| * x for a coefficient k (FORMAT.md: |c|*scale(X)). */
static void scale_term_mul(mpfr_ptr s, mpfr_srcptr k, mpfr_srcptr x) {
  mpfr_t w;
  tmp_init(w);
  mpfr_mul(w, k, x, RN);
  scale_term(s, w);
  tmp_clear(w);
}

/* The term k * X*X of an intermediate X of scale sx: k * sx^2. */
static void scale_term_sq(mpfr_ptr s, mpfr_srcptr k, mpfr_srcptr sx) {
  mpfr_t w;
  tmp_init(w);
  mpfr_sqr(w, sx, RN);
  mpfr_mul(w, k, w, RN);
  scale_term(s, w);
  tmp_clear(w);
}

/* The scale of an intermediate: max of its finite terms, NaN if none (a
 * NaN scale is left out wherever it is used as a term). */
static void scale_end_mid(mpfr_ptr s) {
  if (!scale_any)
    mpfr_set_nan(s);
}

static void scale_end(mpfr_ptr s, mpfr_srcptr exact) {
  if (scale_any)
    return;
  if (mpfr_number_p(exact))
    mpfr_abs(s, exact, RN);
  else
    mpfr_set_zero(s, 1);
}

/* ---- conversion to the file's element ------------------------------------ */

static char msg[256];

/* The rounding check on v's magnitude w against the float32 |r| = ar. */
static int nearest(mpfr_srcptr w, float ar) {
  mpfr_t r_val, r_lo, r_hi, r_d0, r_d1;
  tmp_init(r_val, r_lo, r_hi, r_d0, r_d1);
  int ok = 1;
  uint32_t bits;
  float lo, hi;
  if (isinf(ar)) {
    mpfr_set_ui_2exp(r_val, 1, 128, RN); /* infinity stands for 2^128 */
    lo = FLT_MAX;
    hi = 0; /* unused */
    bits = 0;
  } else {
    mpfr_set_flt(r_val, ar, RN);
    lo = ar == 0 ? 0 : nextafterf(ar, 0);
    hi = nextafterf(ar, INFINITY);
    memcpy(&bits, &ar, sizeof bits);
  }
  mpfr_sub(r_d0, w, r_val, RN);
  mpfr_abs(r_d0, r_d0, RN);
  if (ar != 0) {
    mpfr_set_flt(r_lo, lo, RN);
    mpfr_sub(r_d1, w, r_lo, RN);
    mpfr_abs(r_d1, r_d1, RN);
    int cmp = mpfr_cmp(r_d0, r_d1);
    if (cmp > 0 || (cmp == 0 && (bits & 1)))
      ok = 0;
  }
  if (ok && !isinf(ar)) {
    if (isinf(hi))
      mpfr_set_ui_2exp(r_hi, 1, 128, RN);
    else
      mpfr_set_flt(r_hi, hi, RN);
    mpfr_sub(r_d1, w, r_hi, RN);
    mpfr_abs(r_d1, r_d1, RN);
    int cmp = mpfr_cmp(r_d0, r_d1);
    if (cmp > 0 || (cmp == 0 && (bits & 1)))
      ok = 0;
  }
  tmp_clear(r_val, r_lo, r_hi, r_d0, r_d1);
  return ok;
}

/* Is r the float32 nearest to v, ties to even (an independent check of
 * mpfr_get_flt, subnormals and overflow included)? */
static int rounding_ok(mpfr_srcptr v, float r) {
  if (mpfr_nan_p(v))
    return isnan(r);
  if (isnan(r))
    return 0;
  if (mpfr_inf_p(v))
    return isinf(r) && (r < 0) == (mpfr_sgn(v) < 0);
  if (mpfr_zero_p(v))
    return r == 0 && !signbit(r) == !mpfr_signbit(v);
  if (!signbit(r) != !mpfr_signbit(v))
    return 0; /* a zero result keeps v's sign */
  mpfr_t w;
  tmp_init(w);
  mpfr_abs(w, v, RN);
  const int ok = nearest(w, fabsf(r));
  tmp_clear(w);
  return ok;
}

const char *gg_mp_to_elem(gg_elem *e, mpfr_srcptr v, mpfr_srcptr s, const char *array, size_t i) {
  e->exact = mpfr_get_d(v, RN);
  e->rounded = mpfr_get_flt(v, RN);
  e->scale = mpfr_get_d(s, RN);
  const char *why = NULL;
  if (mpfr_regular_p(v) && (e->exact == 0 || isinf(e->exact)))
    why = "the exact value is outside the double range";
  else if (!rounding_ok(v, e->rounded))
    why = "mpfr_get_flt did not round to nearest float32";
  else if (!isfinite(e->scale) || e->scale < 0)
    why = "the scale is not a finite non-negative double";
  if (!why)
    return NULL;
  mpfr_snprintf(msg, sizeof msg, "out %s[%zu]: %s (exact %.20Rg)", array, i, why, v);
  return msg;
}

/* ---- the rules, one element each ------------------------------------------ */

/* Weight decay, from the step's input p (in P, the gradient in G): decoupled
 * p' = p - (lr*decoupled_decay)*p, L2 g' = g + weight_decay*p, each only where
 * its hyperparameter is nonzero. Leaves p' in P, g' in G and their scales
 * max(|p|, |lr*decoupled_decay*p|), max(|g|, |weight_decay*p|) in SP, SG. */
static void weight_decay(void) {
  mpfr_t a;
  tmp_init(a);
  scale_begin(SG);
  scale_term(SG, G);
  if (!mpfr_zero_p(wd)) {
    mpfr_mul(a, wd, P, RN);
    mpfr_add(G, G, a, RN);
    scale_term(SG, a);
  }
  scale_end_mid(SG);
  scale_begin(SP);
  scale_term(SP, P);
  if (!mpfr_zero_p(lrdd)) {
    mpfr_mul(a, lrdd, P, RN);
    mpfr_sub(P, P, a, RN);
    scale_term(SP, a);
  }
  scale_end_mid(SP);
  tmp_clear(a);
}

/* In the rules a term |g| or |p| of the textbook formula is scale(g') or
 * scale(p') (FORMAT.md): without decay they are the same numbers. */

static void sgd(void) {
  mpfr_t a;
  tmp_init(a);
  mpfr_mul(a, lr, G, RN); /* p -= lr*g */
  mpfr_sub(np, P, a, RN);
  scale_begin(sp);
  scale_term(sp, SP);
  scale_term_mul(sp, lr, SG);
  scale_end(sp, np);
  tmp_clear(a);
}

static void momentum(void) {
  mpfr_t a, b;
  tmp_init(a, b);
  mpfr_mul(a, mom, S0, RN); /* v = momentum*v - lr*g */
  mpfr_mul(b, lr, G, RN);
  mpfr_sub(ns0, a, b, RN);
  scale_begin(ss0);
  scale_term(ss0, a);
  scale_term_mul(ss0, lr, SG);
  scale_end(ss0, ns0);
  mpfr_add(np, P, ns0, RN); /* p += v */
  scale_begin(sp);
  scale_term(sp, SP);
  scale_term(sp, ss0);
  scale_end(sp, np);
  tmp_clear(a, b);
}

static void nesterov(void) {
  mpfr_t a, b, c, d;
  tmp_init(a, b, c, d);
  mpfr_mul(a, mom, S0, RN); /* v *= momentum */
  mpfr_mul(b, lr, G, RN);   /* v -= lr*g */
  mpfr_sub(ns0, a, b, RN);
  scale_begin(ss0);
  scale_term(ss0, a);
  scale_term_mul(ss0, lr, SG);
  scale_end(ss0, ns0);
  mpfr_mul(c, mom2, ns0, RN); /* p += momentum*momentum*v */
  mpfr_add(c, P, c, RN);
  mpfr_mul(d, nest_c, G, RN); /* p -= (1+momentum)*lr*g */
  mpfr_sub(np, c, d, RN);
  scale_begin(sp);
  scale_term(sp, SP);
  scale_term_mul(sp, mom2, ss0);
  scale_term_mul(sp, nest_c, SG);
  scale_end(sp, np);
  tmp_clear(a, b, c, d);
}

/* p -= lr*g / (sqrt(h) + eps), h the new state (AdaGrad, RMSProp). */
static void adaptive_p(mpfr_srcptr h) {
  mpfr_t a, b, c, d;
  tmp_init(a, b, c, d);
  mpfr_mul(a, lr, G, RN);
  mpfr_sqrt(b, h, RN);
  mpfr_add(b, b, eps, RN);
  mpfr_div(c, a, b, RN);
  mpfr_sub(np, P, c, RN);
  scale_begin(sp);
  scale_term(sp, SP);
  mpfr_mul(d, lr, SG, RN); /* lr*scale(g') / (sqrt(h') + eps) */
  mpfr_div(d, d, b, RN);
  scale_term(sp, d);
  scale_end(sp, np);
  tmp_clear(a, b, c, d);
}

static void adagrad(void) {
  mpfr_t a;
  tmp_init(a);
  mpfr_mul(a, G, G, RN); /* h += g*g */
  mpfr_add(ns0, S0, a, RN);
  scale_begin(ss0);
  scale_term(ss0, S0);
  scale_term_sq(ss0, one, SG);
  scale_end(ss0, ns0);
  adaptive_p(ns0);
  tmp_clear(a);
}

static void rmsprop(void) {
  mpfr_t a, b;
  tmp_init(a, b);
  mpfr_mul(a, S0, dec, RN); /* h *= decay_rate */
  mpfr_mul(b, omd, G, RN);  /* h += (1-decay_rate)*g*g */
  mpfr_mul(b, b, G, RN);
  mpfr_add(ns0, a, b, RN);
  scale_begin(ss0);
  scale_term(ss0, a);
  scale_term_sq(ss0, omd, SG);
  scale_end(ss0, ns0);
  adaptive_p(ns0);
  tmp_clear(a, b);
}

static void adam(void) {
  mpfr_t a, b, c, d, cterm;
  tmp_init(a, b, c, d, cterm);
  mpfr_sub(a, G, S0, RN); /* m += (1-beta1)*(g-m) */
  mpfr_mul(a, omb1, a, RN);
  mpfr_add(ns0, S0, a, RN);
  scale_begin(ss0);
  scale_term(ss0, S0);
  scale_term_mul(ss0, omb1, SG);
  scale_term_mul(ss0, omb1, S0);
  scale_end(ss0, ns0);
  mpfr_mul(b, G, G, RN); /* v += (1-beta2)*(g*g-v) */
  mpfr_sub(a, b, S1, RN);
  mpfr_mul(a, omb2, a, RN);
  mpfr_add(ns1, S1, a, RN);
  scale_begin(ss1);
  scale_term(ss1, S1);
  scale_term_sq(ss1, omb2, SG);
  scale_term_mul(ss1, omb2, S1);
  scale_end(ss1, ns1);
  mpfr_mul(a, lr_t, ns0, RN); /* p -= lr_t*m / (sqrt(v) + eps) */
  mpfr_sqrt(b, ns1, RN);
  mpfr_add(b, b, eps, RN);
  mpfr_div(c, a, b, RN);
  mpfr_sub(np, P, c, RN);
  scale_begin(sp);
  scale_term(sp, SP);
  mpfr_mul(d, lr_t, ss0, RN); /* lr_t*scale(m') / (sqrt(v') + eps) */
  mpfr_div(d, d, b, RN);
  scale_term(sp, d);
  /* With L2 decay g' is rounded, to scale(g'), and its error reaches p through
   * sqrt(v') too, where no term of the expanded formula carries it: the term
   * |dp/dg' through v'| * scale(g') = lr_t*|m'|*(1-beta2)*|g'|*scale(g') /
   * ((sqrt(v') + eps)^2 * sqrt(v')) (FORMAT.md, "Error metric"); none at v' = 0 */
  if (!mpfr_zero_p(wd) && mpfr_regular_p(ns1) && mpfr_sgn(ns1) > 0 && mpfr_number_p(SG)) {
    mpfr_mul(cterm, lr_t, ns0, RN);
    mpfr_mul(cterm, cterm, omb2, RN);
    mpfr_mul(cterm, cterm, G, RN);
    mpfr_mul(cterm, cterm, SG, RN);
    mpfr_abs(cterm, cterm, RN);
    mpfr_sqr(d, b, RN);
    mpfr_div(cterm, cterm, d, RN);
    mpfr_sqrt(d, ns1, RN);
    mpfr_div(cterm, cterm, d, RN);
    scale_term(sp, cterm);
  }
  scale_end(sp, np);
  tmp_clear(a, b, c, d, cterm);
}

/* A derived coefficient whose exact value rounded to float32 is infinite, or
 * nonzero and below 2^-126 (FORMAT.md, "Domains": the step is refused). */
static int coeff_bad(mpfr_srcptr x) {
  const float r = mpfr_get_flt(x, RN);
  return isinf(r) || (!mpfr_zero_p(x) && fabsf(r) < FLT_MIN);
}

/* The generator's own formula of each rule and the derived coefficients it
 * forms (FORMAT.md, "Domains"); a rule of the list without one stops the
 * generator, naming it. */
enum { C_MOM2 = 1u << 0, C_NEST = 1u << 1, C_LRT = 1u << 2 };
static const struct {
  void (*step)(void);
  unsigned coeffs;
} formula[GG_ALGO_COUNT] = {
    [GG_SGD] = {sgd, 0},
    [GG_MOMENTUM] = {momentum, 0},
    [GG_NESTEROV] = {nesterov, C_MOM2 | C_NEST},
    [GG_ADAGRAD] = {adagrad, 0},
    [GG_RMSPROP] = {rmsprop, 0},
    [GG_ADAM] = {adam, C_LRT},
};

int gg_has_formula(gg_algo alg) { return formula[alg].step != NULL; }

const char *gg_coeff_outside(gg_algo alg, const gg_hp *hp, int64_t t) {
  coefficients(hp, t);
  if (hp->decoupled_decay != 0 && coeff_bad(lrdd))
    return "lr*decoupled_decay";
  if ((formula[alg].coeffs & C_MOM2) && coeff_bad(mom2))
    return "momentum^2";
  if ((formula[alg].coeffs & C_NEST) && coeff_bad(nest_c))
    return "(1+momentum)*lr";
  if ((formula[alg].coeffs & C_LRT) && coeff_bad(lr_t))
    return "lr_t";
  return NULL;
}

const char *gg_exact_step(gg_algo alg, const gg_hp *hp, int64_t t, size_t n, const float *p,
                          const float *g, const float *s0, const float *s1, gg_elem *out[3]) {
  if (!formula[alg].step)
    return "no exact formula in golden/gen/formulas.c";
  int states = gg_algos[alg].states;
  const char *err;
  if (t < 1)
    return "step number t < 1";
  coefficients(hp, t);
  for (size_t i = 0; i < n; i++) {
    mpfr_set_flt(P, p[i], RN);
    mpfr_set_flt(G, g[i], RN);
    if (states >= 1)
      mpfr_set_flt(S0, s0[i], RN);
    if (states >= 2)
      mpfr_set_flt(S1, s1[i], RN);
    weight_decay();
    formula[alg].step();
    if ((err = gg_mp_to_elem(&out[0][i], np, sp, "p", i)))
      return err;
    if (states >= 1 && (err = gg_mp_to_elem(&out[1][i], ns0, ss0, gg_algos[alg].state[0], i)))
      return err;
    if (states >= 2 && (err = gg_mp_to_elem(&out[2][i], ns1, ss1, gg_algos[alg].state[1], i)))
      return err;
  }
  return NULL;
}

float gg_quadratic_grad(int which, float v) {
  mpfr_t a;
  tmp_init(a);
  mpfr_set_flt(a, v, RN);
  if (which == 0)
    mpfr_div_ui(a, a, 10, RN); /* x/10 */
  else
    mpfr_mul_ui(a, a, 2, RN); /* 2*y */
  const float r = mpfr_get_flt(a, RN);
  tmp_clear(a);
  return r;
}
