/* golden_gen - the rules' formulas in exact arithmetic: the textbook's and
 * torch.optim's documented algorithms.
 *
 * Every operation is MPFR at 256 bits, round to nearest, on the float32 inputs
 * and float32 hyperparameters; the derived coefficients (momentum^2,
 * (1+momentum)*lr, 1-decay_rate, 1-beta1, 1-beta2, lr_t, and torch's
 * 1-dampening, lr/(1-beta1^t), 1/sqrt(1-beta2^t), lr/(1+(t-1)*lr_decay)) are
 * exact too. The statements keep the book's order (common/optimizer.py), or
 * torch's (torch/optim/<rule>.py), because the order decides the sign of a
 * zero result. MPFR follows IEEE 754 for NaN, infinities
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
/* torch.optim's: 1-dampening, lr/(1-beta1^t), 1/sqrt(1-beta2^t), lr/(1+(t-1)*lr_decay) */
static mpfr_t omdamp, step_size, inv_bc2, clr;
/* The options of the current step (torch rules): nonzero flags, and t == 1 */
static int opt_nesterov, opt_amsgrad, opt_centered, opt_momentum, opt_first;
/* decoupled_decay != 0: the term applies even where lr*decoupled_decay is 0
 * (p - 0*p turns -0 into +0, inf into NaN: FORMAT.md, "Weight decay") */
static int decoupled_on;
/* Elements of the current step outside the rule's data domain (FORMAT.md,
 * "Domains": centered RMSprop's margin) */
static size_t domain_misses;
/* Inputs, outputs and scales of the current element. P and G are the p and g
 * the rule sees (after weight decay), SP and SG their scales. Intermediates
 * are each function's own temporaries (tmp_init). */
static mpfr_t P, G, S0, S1, S2, SP, SG, np, ns0, ns1, ns2, sp, ss0, ss1, ss2, one;

/* Local temporaries of the working precision, NULL-terminated lists. */
#define tmp_init(...)  mpfr_inits2(PREC, __VA_ARGS__, (mpfr_ptr)0)
#define tmp_clear(...) mpfr_clears(__VA_ARGS__, (mpfr_ptr)0)

void gg_formulas_init(void) {
  mpfr_set_emin(mpfr_get_emin_min());
  mpfr_set_emax(mpfr_get_emax_max());
  tmp_init(lr, mom, dec, b1, b2, eps, mom2, nest_c, omd, omb1, omb2, lr_t, wd, lrdd, omdamp,
           step_size, inv_bc2, clr, P, G, S0, S1, S2, SP, SG, np, ns0, ns1, ns2, sp, ss0, ss1, ss2,
           one);
  mpfr_set_ui(one, 1, RN);
}

void gg_formulas_free(void) {
  tmp_clear(lr, mom, dec, b1, b2, eps, mom2, nest_c, omd, omb1, omb2, lr_t, wd, lrdd, omdamp,
            step_size, inv_bc2, clr, P, G, S0, S1, S2, SP, SG, np, ns0, ns1, ns2, sp, ss0, ss1, ss2,
            one);
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
  mpfr_t a, b, bc2;
  tmp_init(a, b, bc2);
  mpfr_pow_ui(bc2, b2, (unsigned long)t, RN);
  mpfr_ui_sub(bc2, 1, bc2, RN);
  mpfr_sqrt(a, bc2, RN);
  mpfr_mul(a, lr, a, RN);
  mpfr_pow_ui(b, b1, (unsigned long)t, RN);
  mpfr_ui_sub(b, 1, b, RN);
  mpfr_div(lr_t, a, b, RN);
  /* torch.optim's coefficients, each exact */
  mpfr_set_flt(omdamp, hp->dampening, RN);
  mpfr_ui_sub(omdamp, 1, omdamp, RN);
  mpfr_div(step_size, lr, b, RN);  /* lr/(1-beta1^t) */
  mpfr_rec_sqrt(inv_bc2, bc2, RN); /* 1/sqrt(1-beta2^t); +inf at beta2 = 1, t = any */
  mpfr_set_flt(a, hp->lr_decay, RN);
  mpfr_mul_ui(a, a, (unsigned long)(t - 1), RN);
  mpfr_add_ui(a, a, 1, RN);
  mpfr_div(clr, lr, a, RN); /* lr/(1+(t-1)*lr_decay) */
  opt_nesterov = hp->nesterov != 0;
  opt_amsgrad = hp->amsgrad != 0;
  opt_centered = hp->centered != 0;
  opt_momentum = hp->momentum != 0;
  opt_first = t == 1;
  decoupled_on = hp->decoupled_decay != 0;
  tmp_clear(a, b, bc2);
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
  if (decoupled_on) {
    mpfr_mul(a, lrdd, P, RN);
    mpfr_sub(P, P, a, RN);
    scale_term(SP, a);
  }
  scale_end_mid(SP);
  tmp_clear(a);
}

/* In the rules a term |g| or |p| of the textbook formula is scale(g') or
 * scale(p') (FORMAT.md): without decay they are the same numbers. The
 * statements the rules share are the helpers below, each in the order of
 * both its users. */

/* p -= c*step for a step of scale sstep (SGD, torch SGD, torch RMSprop) */
static void p_minus(mpfr_srcptr c, mpfr_srcptr step, mpfr_srcptr sstep) {
  mpfr_t a;
  tmp_init(a);
  mpfr_mul(a, c, step, RN);
  mpfr_sub(np, P, a, RN);
  scale_begin(sp);
  scale_term(sp, SP);
  scale_term_mul(sp, c, sstep);
  scale_end(sp, np);
  tmp_clear(a);
}

/* p -= (c*num)/denom; the scale's terms |p'| and c*scale(num)/denom, left
 * open for a term the caller adds (Adam's L2 term). */
static void p_minus_ratio(mpfr_srcptr c, mpfr_srcptr num, mpfr_srcptr snum, mpfr_srcptr denom) {
  mpfr_t a;
  tmp_init(a);
  mpfr_mul(a, c, num, RN);
  mpfr_div(a, a, denom, RN);
  mpfr_sub(np, P, a, RN);
  scale_begin(sp);
  scale_term(sp, SP);
  mpfr_mul(a, c, snum, RN);
  mpfr_div(a, a, denom, RN);
  scale_term(sp, a);
  tmp_clear(a);
}

/* The book's velocity v = momentum*v - lr*g (Momentum, Nesterov) */
static void book_velocity(void) {
  mpfr_t a, b;
  tmp_init(a, b);
  mpfr_mul(a, mom, S0, RN);
  mpfr_mul(b, lr, G, RN);
  mpfr_sub(ns0, a, b, RN);
  scale_begin(ss0);
  scale_term(ss0, a);
  scale_term_mul(ss0, lr, SG);
  scale_end(ss0, ns0);
  tmp_clear(a, b);
}

/* out = in + w*(x - in) for an x of scale sx: Adam's moments (the book's
 * both, torch's exp_avg: lerp) and torch RMSprop's grad_avg. */
static void lerp_state(mpfr_ptr out, mpfr_ptr sout, mpfr_srcptr in, mpfr_srcptr w, mpfr_srcptr x,
                       mpfr_srcptr sx) {
  mpfr_t a;
  tmp_init(a);
  mpfr_sub(a, x, in, RN);
  mpfr_mul(a, w, a, RN);
  mpfr_add(out, in, a, RN);
  scale_begin(sout);
  scale_term(sout, in);
  scale_term_mul(sout, w, sx);
  scale_term_mul(sout, w, in);
  scale_end(sout, out);
  tmp_clear(a);
}

/* out = k*in + (1-k)*g*g, omk = 1-k: RMSProp's h, torch's square_avg and
 * exp_avg_sq */
static void decay_squares(mpfr_ptr out, mpfr_ptr sout, mpfr_srcptr in, mpfr_srcptr k,
                          mpfr_srcptr omk) {
  mpfr_t a, b;
  tmp_init(a, b);
  mpfr_mul(a, k, in, RN);
  mpfr_mul(b, omk, G, RN);
  mpfr_mul(b, b, G, RN);
  mpfr_add(out, a, b, RN);
  scale_begin(sout);
  scale_term(sout, a);
  scale_term_sq(sout, omk, SG);
  scale_end(sout, out);
  tmp_clear(a, b);
}

/* h += g*g (AdaGrad's h, torch Adagrad's sum) */
static void sum_squares(void) {
  mpfr_t a;
  tmp_init(a);
  mpfr_mul(a, G, G, RN);
  mpfr_add(ns0, S0, a, RN);
  scale_begin(ss0);
  scale_term(ss0, S0);
  scale_term_sq(ss0, one, SG);
  scale_end(ss0, ns0);
  tmp_clear(a);
}

/* p -= c*g / (sqrt(h) + eps), h the new state (AdaGrad and RMSProp with c =
 * lr, torch Adagrad with its decayed rate). */
static void adaptive_p(mpfr_srcptr c, mpfr_srcptr h) {
  mpfr_t b;
  tmp_init(b);
  mpfr_sqrt(b, h, RN);
  mpfr_add(b, b, eps, RN);
  p_minus_ratio(c, G, SG, b);
  scale_end(sp, np);
  tmp_clear(b);
}

/* Adam's p -= c*m'/denom, denom = k*sqrt(v) + eps (the book: c = lr_t, k =
 * 1; torch: c = lr/(1-beta1^t), k = 1/sqrt(1-beta2^t)). With L2 decay and
 * `l2` (v is v', not an older max) g' is rounded, to scale(g'), and its error
 * reaches p through sqrt(v') too, where no term of the expanded formula
 * carries it: the term |dp/dg' through v'| * scale(g') =
 * c*|m'|*(1-beta2)*|g'|*scale(g')*k / (denom^2 * sqrt(v')) (FORMAT.md,
 * "Error metric"); none at v' = 0. */
static void adam_p(mpfr_srcptr c, mpfr_srcptr k, mpfr_srcptr v, int l2) {
  mpfr_t b, t, d;
  tmp_init(b, t, d);
  mpfr_sqrt(b, v, RN);
  mpfr_mul(b, b, k, RN);
  mpfr_add(b, b, eps, RN);
  p_minus_ratio(c, ns0, ss0, b);
  if (l2 && !mpfr_zero_p(wd) && mpfr_regular_p(v) && mpfr_sgn(v) > 0 && mpfr_number_p(SG)) {
    mpfr_mul(t, c, ns0, RN);
    mpfr_mul(t, t, omb2, RN);
    mpfr_mul(t, t, G, RN);
    mpfr_mul(t, t, SG, RN);
    mpfr_mul(t, t, k, RN);
    mpfr_abs(t, t, RN);
    mpfr_sqr(d, b, RN);
    mpfr_div(t, t, d, RN);
    mpfr_sqrt(d, v, RN);
    mpfr_div(t, t, d, RN);
    scale_term(sp, t);
  }
  scale_end(sp, np);
  tmp_clear(b, t, d);
}

static void sgd(void) { p_minus(lr, G, SG); }

static void momentum(void) {
  book_velocity();
  mpfr_add(np, P, ns0, RN); /* p += v */
  scale_begin(sp);
  scale_term(sp, SP);
  scale_term(sp, ss0);
  scale_end(sp, np);
}

static void nesterov(void) {
  mpfr_t c, d;
  tmp_init(c, d);
  book_velocity();
  mpfr_mul(c, mom2, ns0, RN); /* p += momentum*momentum*v */
  mpfr_add(c, P, c, RN);
  mpfr_mul(d, nest_c, G, RN); /* p -= (1+momentum)*lr*g */
  mpfr_sub(np, c, d, RN);
  scale_begin(sp);
  scale_term(sp, SP);
  scale_term_mul(sp, mom2, ss0);
  scale_term_mul(sp, nest_c, SG);
  scale_end(sp, np);
  tmp_clear(c, d);
}

static void adagrad(void) {
  sum_squares();
  adaptive_p(lr, ns0);
}

static void rmsprop(void) {
  decay_squares(ns0, ss0, S0, dec, omd); /* h = decay_rate*h + (1-decay_rate)*g*g */
  adaptive_p(lr, ns0);
}

static void adam(void) {
  mpfr_t gg, sgg;
  tmp_init(gg, sgg);
  lerp_state(ns0, ss0, S0, omb1, G, SG); /* m += (1-beta1)*(g-m) */
  mpfr_mul(gg, G, G, RN);                /* v += (1-beta2)*(g*g-v) */
  mpfr_sqr(sgg, SG, RN);
  lerp_state(ns1, ss1, S1, omb2, gg, sgg);
  adam_p(lr_t, one, ns1, 1); /* p -= lr_t*m / (sqrt(v) + eps) */
  tmp_clear(gg, sgg);
}

/* ---- the torch.optim rules (torch 2.x, foreach=False) ---------------------
 * P and G are p' and d = (maximize ? -g : g) + weight_decay*p (weight_decay()
 * after maximize's exact negation); the statements are torch's documented
 * algorithm in its order, each term of a scale as the book rules'. */

static void torch_sgd(void) {
  if (!opt_momentum) {
    p_minus(lr, G, SG);
    return;
  }
  mpfr_t a, b, st, sst;
  tmp_init(a, b, st, sst);
  if (opt_first) { /* buf = d at t == 1, whatever the input buffer holds */
    mpfr_set(ns0, G, RN);
    scale_begin(ss0);
    scale_term(ss0, SG);
    scale_end(ss0, ns0);
  } else { /* buf = momentum*buf + (1-dampening)*d */
    mpfr_mul(a, mom, S0, RN);
    mpfr_mul(b, omdamp, G, RN);
    mpfr_add(ns0, a, b, RN);
    scale_begin(ss0);
    scale_term(ss0, a);
    scale_term_mul(ss0, omdamp, SG);
    scale_end(ss0, ns0);
  }
  if (opt_nesterov) { /* d + momentum*buf */
    mpfr_mul(a, mom, ns0, RN);
    mpfr_add(st, G, a, RN);
    scale_begin(sst);
    scale_term(sst, SG);
    scale_term_mul(sst, mom, ss0);
    scale_end_mid(sst);
  } else {
    mpfr_set(st, ns0, RN);
    mpfr_set(sst, ss0, RN);
  }
  p_minus(lr, st, sst);
  tmp_clear(a, b, st, sst);
}

static void torch_adam(void) {
  lerp_state(ns0, ss0, S0, omb1, G, SG); /* exp_avg += (1-beta1)*(d - exp_avg) (lerp) */
  /* exp_avg_sq = beta2*exp_avg_sq + (1-beta2)*d*d */
  decay_squares(ns1, ss1, S1, b2, omb2);
  mpfr_srcptr vh = ns1; /* the denominator's state: exp_avg_sq', or the max */
  if (opt_amsgrad) {
    /* torch.maximum(max_exp_avg_sq, exp_avg_sq) as torch's vectorised CPU
     * kernel (maxps): NaN if either is, the new exp_avg_sq' on a tie (+0 and
     * -0 included); its scale has both terms, for an evaluation whose v'
     * rounds to the other side of the old max */
    if (mpfr_nan_p(S2) || mpfr_nan_p(ns1))
      mpfr_set_nan(ns2);
    else
      mpfr_set(ns2, mpfr_cmp(S2, ns1) > 0 ? S2 : ns1, RN);
    if (mpfr_nan_p(ns2) || mpfr_cmp(S2, ns1) > 0)
      vh = ns2;
    scale_begin(ss2);
    scale_term(ss2, S2);
    scale_term(ss2, ss1);
    scale_end(ss2, ns2);
  }
  /* denom = sqrt(vh)/sqrt(1-beta2^t) + eps; p -= lr/(1-beta1^t)*exp_avg/denom;
   * L2 decay's term through sqrt(exp_avg_sq') only where vh is exp_avg_sq' */
  adam_p(step_size, inv_bc2, vh, vh == ns1);
}

static void torch_adagrad(void) {
  sum_squares();        /* sum += d*d */
  adaptive_p(clr, ns0); /* p -= clr*d/(sqrt(sum) + eps) */
}

static void torch_rmsprop(void) {
  mpfr_t a, avg, q, sq;
  tmp_init(a, avg, q, sq);
  /* square_avg = alpha*square_avg + (1-alpha)*d*d */
  decay_squares(ns0, ss0, S0, dec, omd);
  mpfr_set(avg, ns0, RN);
  if (opt_centered) {
    lerp_state(ns2, ss2, S2, omd, G, SG); /* grad_avg += (1-alpha)*(d - grad_avg) (lerp) */
    mpfr_sqr(a, ns2, RN);                 /* square_avg - grad_avg^2 */
    mpfr_sub(avg, ns0, a, RN);
    /* the domain: square_avg' >= 2*grad_avg'^2, so that the difference keeps
     * half of square_avg' (FORMAT.md, "Domains") */
    mpfr_mul_2ui(a, a, 1, RN);
    if (mpfr_number_p(ns0) && mpfr_number_p(a) && mpfr_cmp(ns0, a) < 0)
      domain_misses++;
  }
  mpfr_sqrt(avg, avg, RN); /* avg = sqrt(...) + eps */
  mpfr_add(avg, avg, eps, RN);
  mpfr_div(q, G, avg, RN); /* d/avg, of scale scale(d)/avg */
  mpfr_div(sq, SG, avg, RN);
  if (opt_momentum) { /* buf = momentum*buf + d/avg; p -= lr*buf */
    mpfr_mul(a, mom, S1, RN);
    mpfr_add(ns1, a, q, RN);
    scale_begin(ss1);
    scale_term(ss1, a);
    scale_term(ss1, sq);
    scale_end(ss1, ns1);
    p_minus(lr, ns1, ss1);
  } else { /* p -= lr*d/avg */
    p_minus(lr, q, sq);
  }
  tmp_clear(a, avg, q, sq);
}

/* A derived coefficient whose exact value rounded to float32 is infinite, or
 * nonzero and below 2^-126 (FORMAT.md, "Domains": the step is refused). */
static int coeff_bad(mpfr_srcptr x) {
  const float r = mpfr_get_flt(x, RN);
  return !isfinite(r) || (!mpfr_zero_p(x) && fabsf(r) < FLT_MIN);
}

/* The generator's own formula of each rule and the derived coefficients it
 * forms (FORMAT.md, "Domains"); a rule of the list without one stops the
 * generator, naming it. */
enum {
  C_MOM2 = 1u << 0,
  C_NEST = 1u << 1,
  C_LRT = 1u << 2,
  C_STEP = 1u << 3, /* lr/(1-beta1^t) and 1/sqrt(1-beta2^t) */
  C_CLR = 1u << 4   /* lr/(1+(t-1)*lr_decay) */
};
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
    [GG_TORCH_SGD] = {torch_sgd, 0},
    [GG_TORCH_ADAM] = {torch_adam, C_STEP},
    [GG_TORCH_ADAMW] = {torch_adam, C_STEP},
    [GG_TORCH_ADAGRAD] = {torch_adagrad, C_CLR},
    [GG_TORCH_RMSPROP] = {torch_rmsprop, 0},
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
  if ((formula[alg].coeffs & C_STEP) && coeff_bad(step_size))
    return "lr/(1-beta1^t)";
  if ((formula[alg].coeffs & C_STEP) && coeff_bad(inv_bc2))
    return "1/sqrt(1-beta2^t)";
  if ((formula[alg].coeffs & C_CLR) && coeff_bad(clr))
    return "lr/(1+(t-1)*lr_decay)";
  return NULL;
}

const char *gg_exact_step(gg_algo alg, const gg_hp *hp, int64_t t, size_t n, const float *p,
                          const float *g, const float *const s[GG_MAX_STATES],
                          gg_elem *out[1 + GG_MAX_STATES], size_t *misses) {
  if (!formula[alg].step)
    return "no exact formula in golden/gen/formulas.c";
  const int states = gg_algos[alg].states;
  mpfr_ptr in[GG_MAX_STATES] = {S0, S1, S2}, res[GG_MAX_STATES] = {ns0, ns1, ns2},
           sc[GG_MAX_STATES] = {ss0, ss1, ss2};
  int used[GG_MAX_STATES];
  const char *err;
  if (t < 1)
    return "step number t < 1";
  coefficients(hp, t);
  domain_misses = 0;
  for (int k = 0; k < GG_MAX_STATES; k++)
    used[k] = gg_state_used(alg, hp, k);
  for (size_t i = 0; i < n; i++) {
    mpfr_set_flt(P, p[i], RN);
    mpfr_set_flt(G, g[i], RN);
    if (hp->maximize != 0) /* torch's maximize: d = -g, exact */
      mpfr_neg(G, G, RN);
    for (int k = 0; k < states; k++)
      if (used[k])
        mpfr_set_flt(in[k], s[k][i], RN);
    weight_decay();
    formula[alg].step();
    if ((err = gg_mp_to_elem(&out[0][i], np, sp, "p", i)))
      return err;
    for (int k = 0; k < states; k++)
      if (used[k] &&
          (err = gg_mp_to_elem(&out[k + 1][i], res[k], sc[k], gg_algos[alg].state[k], i)))
        return err;
  }
  *misses = domain_misses;
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
