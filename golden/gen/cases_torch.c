/* golden_gen - the families of the torch.optim rules' options.
 *
 * The generic families (cases.c) run each torch rule on torch's defaults,
 * where every option is off. Here each option gets its own: single steps
 * over vector bodies and tails, special values in the states the option
 * switches on, and trajectories on the rule's own state (12 steps, t = 1 ..
 * 12, one with a learning-rate change), as FORMAT.md's "Trajectories" asks.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "case_build.h"

enum { STEPS = 12 };

/* a single step of x's rule with hp at step number t */
static gg_case *single(ctx *x, const char *id, size_t n, gg_hp hp, int64_t t, const pat *pats,
                       size_t np, const char *note) {
  gg_case *c = gg_new_case(x, id, n, 1, "%s", note);
  gg_set_hp(x, c, hp);
  c->t[0] = t;
  gg_fill(x, c, pats, np);
  return c;
}

/* The option's form over every vector width's body and tail (the long
 * lengths are the generic families' business). */
static void lengths(ctx *x, const char *prefix, gg_hp hp, int64_t t, const pat *pats, size_t np,
                    const char *what) {
  static const size_t lens[] = {1, 15, 33, 100};
  for (size_t k = 0; k < COUNT(lens); k++) {
    char id[40], note[300];
    snprintf(id, sizeof id, "%s_len_%zu", prefix, lens[k]);
    snprintf(note, sizeof note, "%s; length %zu (vector bodies and tails), t = %lld", what, lens[k],
             (long long)t);
    single(x, id, lens[k], hp, t, pats, np, note);
  }
}

/* A trajectory of STEPS steps on descent data (cases.c), t = 1 .. STEPS, on
 * 17 elements (a 16-wide body and a tail); with
 * lr_change the rate is lr/10 (in float32) from step 6 on; with maximize p
 * starts on the gradient's side, so that the ascent makes |p| grow. */
static gg_case *traj(ctx *x, const char *id, gg_hp hp, int lr_change, const char *what) {
  char lrs[80] = "";
  if (lr_change)
    snprintf(lrs, sizeof lrs, "; lr = %g for steps 1-5, %gf/10 in float32 from step 6 on",
             (double)hp.lr, (double)hp.lr);
  gg_case *c = gg_new_case(x, id, 17, STEPS,
                           "%d steps of %s, t = 1 .. %d, new random gradients every step (each "
                           "element keeps its sign, |g| in [0.5, 2)), p in [0.25, 4) moving away "
                           "from 0%s",
                           STEPS, what, STEPS, lrs);
  gg_set_hp(x, c, hp);
  if (lr_change) {
    gg_hp h2 = hp;
    h2.lr = hp.lr / 10.0f;
    for (int j = 5; j < STEPS; j++)
      c->hp[j] = gg_hp_mask(x->a, h2);
  }
  gg_fill_descent(x, c);
  if (hp.maximize != 0)
    for (size_t i = 0; i < c->n; i++)
      c->init[0][i] = -c->init[0][i];
  return c;
}

static const pat typical5[] = {{{TYP, TYP, TYP, TYP, TYP}}};

/* NaN, +inf, -inf in state k (0 .. 2) with g around 1 or +0, p around 1 */
static gg_case *state_specials(ctx *x, const char *id, gg_hp hp, int64_t t, int k,
                               const char *what) {
  static const dist sp[] = {QNAN, PINF, NINF, PZ, NZ};
  pat pats[2 * COUNT(sp)];
  for (size_t i = 0; i < COUNT(pats); i++) {
    pats[i] = typical5[0];
    pats[i].d[AG] = i < COUNT(sp) ? (dist)TYP : (dist)PZ;
    pats[i].d[AS0 + k] = sp[i % COUNT(sp)];
  }
  char note[300];
  snprintf(note, sizeof note,
           "%s with NaN, +inf, -inf, +0, -0 in %s, g around 1 or +0, p around 1, t = %lld", what,
           gg_algos[x->a].state[k], (long long)t);
  return single(x, id, 2 * COUNT(pats), hp, t, pats, COUNT(pats), note);
}

/* maximize on the rule's defaults (`what`: the note), then with the L2 term:
 * torch negates g before it adds weight_decay*p, so d = -g + weight_decay*p,
 * not -(g + weight_decay*p) */
static void maximize_cases(ctx *x, int64_t t, const char *what) {
  gg_hp h = gg_algos[x->a].defaults;
  h.maximize = 1;
  lengths(x, "maximize", h, t, typical5, 1, what);
  h.weight_decay = 0.1f;
  char note[200];
  snprintf(note, sizeof note,
           "maximize with weight_decay = 0.1: d = -g + 0.1*p (maximize negates g before the L2 "
           "term); random data around 1, t = %lld",
           (long long)t);
  single(x, "maximize_wd", 40, h, t, typical5, 1, note);
  traj(x, "traj_maximize_wd", h, 0, "maximize with weight_decay = 0.1");
}

/* ---- SGD: momentum, dampening, nesterov, maximize, the first step ---------- */

static void sgd(ctx *x) {
  const gg_hp def = gg_algos[x->a].defaults;
  gg_hp m = def, h;
  m.momentum = 0.9f;
  lengths(x, "momentum", m, 3, typical5, 1,
          "momentum = 0.9: momentum_buffer = 0.9*buf + d, p -= lr*buf (lr 0.001)");
  h = m, h.dampening = 0.3f;
  lengths(x, "dampening", h, 3, typical5, 1,
          "momentum = 0.9, dampening = 0.3: buf = 0.9*buf + 0.7*d");
  h = m, h.nesterov = 1;
  lengths(x, "nesterov", h, 3, typical5, 1, "momentum = 0.9, nesterov: p -= lr*(d + 0.9*buf')");
  maximize_cases(x, 3, "maximize without momentum: p += lr*g");
  h = m, h.maximize = 1, h.nesterov = 1;
  single(x, "maximize_nesterov", 40, h, 3, typical5, 1,
         "maximize, momentum = 0.9, nesterov: d = -g; random data around 1, t = 3");
  h = m, h.nesterov = 1, h.dampening = 0.5f;
  single(x, "nesterov_dampening", 40, h, 3, typical5, 1,
         "nesterov with dampening = 0.5 (torch's constructor refuses it; the formula is defined): "
         "buf = 0.9*buf + 0.5*d, p -= lr*(d + 0.9*buf'); t = 3");
  h = m, h.dampening = 1.0f - 0x1p-24f;
  single(x, "dampening_near_1", 40, h, 3, typical5, 1,
         "dampening = 1 - 2^-24 (the largest below 1; the rates' domain is [0, 1)): buf = "
         "0.9*buf + 2^-24*d; random data around 1, t = 3");
  h = m, h.momentum = 0.5f, h.lr = 0.1f;
  single(x, "momentum_other", 40, h, 3, typical5, 1,
         "momentum = 0.5, lr = 0.1; random data around 1, t = 3");

  /* the first step: buf = d, whatever the input buffer holds (torch creates
   * it then); NaN and inf there must not reach the result */
  static const pat first[] = {{{TYP, TYP, TYP}},  {{TYP, TYP, QNAN}}, {{TYP, TYP, PINF}},
                              {{TYP, TYP, NINF}}, {{TYP, PZ, QNAN}},  {{TYP, NZ, TYP}}};
  single(x, "first_step", 48, m, 1, first, COUNT(first),
         "t = 1, momentum = 0.9: momentum_buffer = d whatever its input (random, NaN, +-inf), "
         "p -= lr*d");
  h = m, h.dampening = 0.5f;
  single(x, "first_step_dampening", 48, h, 1, first, COUNT(first),
         "t = 1, momentum = 0.9, dampening = 0.5: the first buffer is d, not 0.5*d; input "
         "buffer random, NaN, +-inf");
  h = m, h.nesterov = 1;
  single(x, "first_step_nesterov", 48, h, 1, first, COUNT(first),
         "t = 1, momentum = 0.9, nesterov: buf = d, p -= lr*(d + 0.9*d); input buffer random, "
         "NaN, +-inf");
  single(x, "later_step", 48, m, 2, first, COUNT(first),
         "t = 2, momentum = 0.9, the same data as first_step: the input buffer is read (NaN and "
         "inf reach the result)");

  state_specials(x, "momentum_special", m, 3, 0, "momentum = 0.9");
  static const dist z[] = {PZ, NZ, TYP_POS, TYP_NEG};
  pat zp[64];
  for (size_t i = 0; i < 64; i++)
    zp[i] = (pat){{z[i % 4], z[i / 4 % 4], z[i / 16]}};
  h = m, h.nesterov = 1;
  single(x, "nesterov_signed_zero", 64, h, 3, zp, 64,
         "momentum = 0.9, nesterov: every combination of +0, -0, +x, -x in p, g and "
         "momentum_buffer (x around 1), t = 3");
  static const pat sub[] = {
      {{SUB, SUB, SUB}}, {{TYP, SUB, SUB}}, {{SUB, TYP, SUB}}, {{SUB, SUB, TYP}}};
  single(x, "momentum_subnormal", 32, m, 3, sub, COUNT(sub),
         "momentum = 0.9: subnormal p, g and momentum_buffer, alone and together, t = 3");
  static const pat mag[] = {{{RND(-100, 60), RND(-100, 60), RND(-100, 60)}}};
  single(x, "momentum_mag_mixed", 128, m, 3, mag, 1,
         "momentum = 0.9: each value of p, g and momentum_buffer of its own magnitude, 2^-100 .. "
         "2^61, random signs, t = 3");
  /* d + momentum*buf' stays below FLT_MAX (past it is outside: FORMAT.md) */
  static const pat big[] = {{{TOP, RND(100, 125), RND(100, 125)}}, {{TOP, TYP, TYP}}};
  h = m, h.nesterov = 1;
  single(x, "nesterov_near_overflow", 32, h, 3, big, COUNT(big),
         "momentum = 0.9, nesterov: p in the top binade (up to FLT_MAX) with g and "
         "momentum_buffer up to 2^126 or around 1, t = 3");
  h = m, h.weight_decay = 0.1f;
  single(x, "momentum_wd", 40, h, 3, typical5, 1,
         "momentum = 0.9, weight_decay = 0.1 (torch's L2: d = g + 0.1*p), t = 3");

  /* the edge of Nesterov's step d + momentum*buf' past FLT_MAX, where
   * p - lr*step is finite (FORMAT.md, "Domains") */
  for (int out = 0; out < 2; out++) {
    const float g = out ? 1.5e38f : 1e38f;
    const elem e[] = {{3.4e38f, g, 1.5e38f, 0}, {-3.4e38f, -g, -1.5e38f, 0}};
    h = m, h.nesterov = 1;
    gg_edge_case(x, out ? "edge_lrg_over_nesterov" : "edge_lrg_in_nesterov",
                 out ? GG_UNBOUNDED : GG_INSIDE, h, 3, e, COUNT(e),
                 out ? "outside: momentum = 0.9, nesterov, p = +-3.4e38, buf = +-1.5e38, g = "
                       "+-1.5e38, t = 3: buf' = 2.85e38, d + 0.9*buf' = 4.07e38 overflows float32 "
                       "where p - lr*step = 3.396e38 does not"
                     : "momentum = 0.9, nesterov, p = +-3.4e38, buf = +-1.5e38, g = +-1e38, t = 3: "
                       "buf' = 2.35e38, d + 0.9*buf' = 3.1e38 is finite");
  }

  traj(x, "traj_momentum", m, 0, "momentum = 0.9 (the first step ignores the zero buffer)");
  traj(x, "traj_momentum_lr_change", m, 1, "momentum = 0.9");
  h = m, h.dampening = 0.3f;
  traj(x, "traj_dampening", h, 0, "momentum = 0.9, dampening = 0.3");
  h = m, h.nesterov = 1;
  traj(x, "traj_nesterov", h, 0, "momentum = 0.9, nesterov");
  traj(x, "traj_nesterov_lr_change", h, 1, "momentum = 0.9, nesterov");
  h = m, h.maximize = 1;
  traj(x, "traj_maximize", h, 0, "maximize, momentum = 0.9");
  h = m, h.weight_decay = 0.1f;
  traj(x, "traj_momentum_wd", h, 0, "momentum = 0.9, weight_decay = 0.1");
}

/* ---- Adam, AdamW: amsgrad, maximize, the betas -------------------------- */

static void adam(ctx *x) {
  const gg_hp def = gg_algos[x->a].defaults;
  const int w = x->a == GG_TORCH_ADAMW;
  gg_hp am = def, h;
  am.amsgrad = 1;
  lengths(x, "amsgrad", am, 3, typical5, 1,
          "amsgrad: max_exp_avg_sq' = max(max_exp_avg_sq, exp_avg_sq'), random on both sides of "
          "it");
  static const pat above[] = {{{TYP, TYP, TYP, TYP, POS(2, 4)}}};
  single(x, "amsgrad_max_above", 40, am, 3, above, 1,
         "amsgrad with max_exp_avg_sq in [4, 32), above exp_avg_sq' (< 1.01): the old max "
         "divides, t = 3");
  static const pat below[] = {{{TYP, TYP, TYP, TYP, POS(-40, -30)}}};
  single(x, "amsgrad_max_below", 40, am, 3, below, 1,
         "amsgrad with max_exp_avg_sq below 2^-29, under exp_avg_sq': the new exp_avg_sq "
         "divides, t = 3");
  /* a tie: beta2 = 0 makes exp_avg_sq' = d*d, exact in float32 for a d of 12
   * bits, and max_exp_avg_sq that same value */
  h = am, h.beta2 = 0;
  gg_case *c = gg_new_case(x, "amsgrad_tie", 16, 1,
                           "amsgrad, beta2 = 0: exp_avg_sq' = g*g equals max_exp_avg_sq exactly "
                           "(g of 12 bits), the tie keeps the old value; some max_exp_avg_sq one "
                           "ulp above or below; t = 3");
  gg_set_hp(x, c, h);
  for (size_t i = 0; i < c->n; i++) {
    const float g = (1.0f + (float)(i * 37 % 2048) * 0x1p-11f) * ((i & 1) ? -0.5f : 1.0f);
    const float v = g * g;
    c->g[0][i] = g;
    c->init[0][i] = 0.5f + (float)i * 0.125f;
    c->init[1][i] = g * 0.5f;
    c->init[2][i] = 0.25f;
    c->init[3][i] = i % 4 == 1 ? nextafterf(v, INFINITY) : i % 4 == 2 ? nextafterf(v, 0) : v;
  }
  state_specials(x, "amsgrad_special", am, 3, 2, "amsgrad");
  static const pat vnan[] = {{{TYP, TYP, TYP, QNAN, TYP}},
                             {{TYP, TYP, TYP, PINF, TYP}},
                             {{TYP, QNAN, TYP, TYP, PZ}},
                             {{TYP, PINF, TYP, TYP, PINF}}};
  single(x, "amsgrad_special_v", 16, am, 3, vnan, COUNT(vnan),
         "amsgrad with NaN or +inf in exp_avg_sq or g: torch.maximum propagates NaN, t = 3");
  static const pat zs[] = {{{TYP, PZ, PZ, PZ, PZ}},
                           {{TYP, NZ, PZ, NZ, NZ}},
                           {{TYP, PZ, TYP, PZ, NZ}},
                           {{NZ, NZ, NZ, NZ, PZ}}};
  single(x, "amsgrad_signed_zero", 16, am, 3, zs, COUNT(zs),
         "amsgrad with +0 and -0 in g, exp_avg_sq and max_exp_avg_sq (max(+0, -0) and max(-0, "
         "+0) keep the first; 0/eps), t = 3");
  maximize_cases(x, 3, "maximize: d = -g");
  h = am, h.maximize = 1;
  single(x, "maximize_amsgrad", 40, h, 3, typical5, 1,
         "maximize and amsgrad; random data around 1, t = 3");
  h = def, h.beta1 = 0, h.beta2 = 0;
  single(x, "beta_zero", 40, h, 3, typical5, 1,
         "beta1 = beta2 = 0: exp_avg = d, exp_avg_sq = d*d, step lr; random data around 1, t = 3");
  h = am, h.beta1 = 0.999f, h.beta2 = 0.9999f;
  single(x, "amsgrad_betas_near_1", 40, h, 3, typical5, 1,
         "amsgrad with beta1 = 0.999, beta2 = 0.9999 at t = 3: 1 - beta^t cancels, the "
         "bias corrections are large");
  h = am;
  if (w)
    h.decoupled_decay = 0.1f;
  else
    h.weight_decay = 0.1f;
  single(x, "amsgrad_wd", 40, h, 3, typical5, 1,
         w ? "amsgrad with decoupled_decay (AdamW's weight_decay) = 0.1, t = 3"
           : "amsgrad with torch's L2 weight_decay = 0.1 (d = g + 0.1*p), t = 3");

  traj(x, "traj_amsgrad", am, 0, "amsgrad (max_exp_avg_sq starting at 0)");
  traj(x, "traj_amsgrad_lr_change", am, 1, "amsgrad");
  /* gradients shrinking by 2 every step: exp_avg_sq' falls below the max it
   * set at step 1, which then divides */
  c = traj(x, "traj_amsgrad_shrinking", am, 0,
           "amsgrad with |g| halving every step (g_j in [0.5, 2)*2^(1-j)), so that "
           "max_exp_avg_sq stays above exp_avg_sq");
  for (int j = 1; j < c->steps; j++)
    for (size_t i = 0; i < c->n; i++)
      c->g[j][i] = ldexpf(c->g[j][i], -j);
  h = def, h.maximize = 1;
  traj(x, "traj_maximize", h, 0, "maximize");
  h = am, h.maximize = 1;
  traj(x, "traj_maximize_amsgrad", h, 0, "maximize and amsgrad");
  h = def, h.beta1 = 0.999f, h.beta2 = 0.9999f;
  traj(x, "traj_betas_near_1", h, 0, "beta1 = 0.999, beta2 = 0.9999");
  h = def;
  if (w)
    h.decoupled_decay = 0.1f;
  else
    h.weight_decay = 0.01f;
  traj(x, "traj_wd", h, 0,
       w ? "decoupled_decay (AdamW's weight_decay) = 0.1" : "torch's L2 weight_decay = 0.01");
}

/* ---- Adagrad: lr_decay, initial_accumulator_value, maximize -------------- */

static void adagrad(ctx *x) {
  const gg_hp def = gg_algos[x->a].defaults;
  gg_hp h;
  static const int64_t ts[] = {2, 10, 1000, 1000000};
  for (size_t k = 0; k < COUNT(ts); k++) {
    char id[40], note[200];
    snprintf(id, sizeof id, "lr_decay_t_%lld", (long long)ts[k]);
    snprintf(note, sizeof note,
             "lr_decay = 0.01 at t = %lld: clr = lr/(1 + (t-1)*lr_decay); random data around 1",
             (long long)ts[k]);
    h = def, h.lr_decay = 0.01f;
    single(x, id, 40, h, ts[k], typical5, 1, note);
  }
  h = def, h.lr_decay = 0.1f;
  lengths(x, "lr_decay", h, 5, typical5, 1, "lr_decay = 0.1: clr = lr/1.4");
  h = def, h.lr_decay = 0.5f;
  single(x, "lr_decay_t_1", 40, h, 1, typical5, 1,
         "lr_decay = 0.5 at t = 1: clr = lr (the decay starts at step 2)");
  h = def, h.initial_accumulator_value = 0.1f;
  single(x, "initial_accumulator", 40, h, 3, typical5, 1,
         "initial_accumulator_value = 0.1 in a single step: the field only starts the state "
         "(trajectories), a step reads sum as given; random data around 1, t = 3");
  maximize_cases(x, 3, "maximize: d = -g");
  h = def, h.maximize = 1, h.lr_decay = 0.1f;
  single(x, "maximize_lr_decay", 40, h, 4, typical5, 1,
         "maximize with lr_decay = 0.1 at t = 4; random data around 1");

  h = def, h.lr_decay = 0.05f;
  traj(x, "traj_lr_decay", h, 0, "lr_decay = 0.05 (clr = lr/(1 + 0.05*(t-1)))");
  traj(x, "traj_lr_decay_lr_change", h, 1, "lr_decay = 0.05");
  h = def, h.initial_accumulator_value = 0.1f;
  traj(x, "traj_initial_accumulator", h, 0,
       "initial_accumulator_value = 0.1 (sum starts at 0.1, as torch's state)");
  h = def, h.initial_accumulator_value = 2.5f, h.lr_decay = 0.01f;
  traj(x, "traj_initial_accumulator_lr_decay", h, 0,
       "initial_accumulator_value = 2.5 (sum starts there) and lr_decay = 0.01");
  h = def, h.maximize = 1;
  traj(x, "traj_maximize", h, 0, "maximize");

  /* clr = lr/(1+(t-1)*lr_decay) subnormal: refused (FORMAT.md, "Domains") */
  static const elem zero_g[] = {{1.0f, 0.0f, 0.0f, 0.0f}, {-2.0f, 0.0f, 0.0f, 0.0f}};
  h = def, h.lr_decay = 1e30f;
  gg_edge_case(
      x, "edge_clr_in", GG_INSIDE, h, 3, zero_g, COUNT(zero_g),
      "lr = 0.01, lr_decay = 1e30, t = 3: clr = 5e-33 is normal; p = 1, -2 with g and sum 0");
  h.lr_decay = 1e36f;
  gg_edge_case(
      x, "edge_clr_sub", GG_REFUSED, h, 3, zero_g, COUNT(zero_g),
      "outside: lr = 0.01, lr_decay = 1e36, t = 3: clr = 5e-39 is subnormal in float32, the "
      "step is refused");
}

/* ---- RMSprop: momentum, centered, both, maximize ------------------------- */

/* grad_avg (state 2) within centered RMSprop's domain: its drawn value scaled
 * to at most sqrt(square_avg)/4 with the drawn sign (special values kept),
 * so that square_avg' >= 2*grad_avg'^2 at alpha >= 0.9 with g around 1 */
static void centered_data(gg_case *c) {
  for (size_t i = 0; i < c->n; i++) {
    const float ga = c->init[3][i], sq = c->init[1][i];
    if (!isfinite(ga) || ga == 0 || !isfinite(sq))
      continue;
    int e;
    c->init[3][i] = 0.25f * sqrtf(sq) * frexpf(ga, &e);
  }
}

static void rmsprop(ctx *x) {
  const gg_hp def = gg_algos[x->a].defaults;
  gg_hp m = def, ce = def, cm, h;
  m.momentum = 0.9f;
  ce.centered = 1;
  cm = ce, cm.momentum = 0.9f;
  lengths(x, "momentum", m, 1, typical5, 1,
          "momentum = 0.9: momentum_buffer = 0.9*buf + d/avg, p -= lr*buf");
  static const size_t lens[] = {1, 15, 33, 100};
  for (int both = 0; both < 2; both++)
    for (size_t k = 0; k < COUNT(lens); k++) {
      char id[40], note[300];
      snprintf(id, sizeof id, "%s_len_%zu", both ? "centered_momentum" : "centered", lens[k]);
      snprintf(note, sizeof note,
               "centered%s: avg = sqrt(square_avg' - grad_avg'^2) + eps, |grad_avg| <= "
               "sqrt(square_avg)/4 (the domain); length %zu (vector bodies and tails), t = 1",
               both ? " and momentum = 0.9" : "", lens[k]);
      centered_data(single(x, id, lens[k], both ? cm : ce, 1, typical5, 1, note));
    }
  maximize_cases(x, 1, "maximize: d = -g");
  h = cm, h.maximize = 1;
  centered_data(single(x, "maximize_centered_momentum", 40, h, 1, typical5, 1,
                       "maximize, centered and momentum = 0.9 (all three states); random data "
                       "around 1 in the centered domain, t = 1"));
  h = cm, h.decay_rate = 0.9f, h.lr = 0.001f, h.momentum = 0.5f;
  centered_data(single(x, "centered_momentum_other", 40, h, 1, typical5, 1,
                       "centered with alpha (decay_rate) = 0.9, momentum = 0.5, lr = 0.001; "
                       "random data around 1 in the centered domain, t = 1"));
  h = def, h.decay_rate = 0, h.momentum = 0.9f;
  single(x, "alpha_zero_momentum", 40, h, 1, typical5, 1,
         "alpha (decay_rate) = 0: square_avg' = d*d, avg = |d| + eps; momentum = 0.9, t = 1");

  state_specials(x, "momentum_special", m, 1, 1, "momentum = 0.9");
  centered_data(state_specials(x, "centered_special", cm, 1, 2, "centered and momentum = 0.9"));
  static const pat zs[] = {{{TYP, PZ, PZ, PZ, PZ}},
                           {{TYP, NZ, PZ, NZ, NZ}},
                           {{NZ, PZ, TYP, PZ, NZ}},
                           {{PZ, NZ, NZ, TYP, PZ}}};
  single(x, "centered_momentum_signed_zero", 16, cm, 1, zs, COUNT(zs),
         "centered and momentum = 0.9 with +0 and -0 in p, g and every state (0/eps), t = 1");
  static const pat sub[] = {{{SUB, SUB, POS(0, 4), SUB, SUB}}, {{TYP, SUB, SUBP, SUB, SUB}}};
  single(x, "centered_momentum_subnormal", 16, cm, 1, sub, COUNT(sub),
         "centered and momentum = 0.9: subnormal p, g, momentum_buffer and grad_avg with "
         "square_avg in [1, 32) or subnormal, t = 1");

  traj(x, "traj_momentum", m, 0, "momentum = 0.9");
  traj(x, "traj_centered", ce, 0, "centered (grad_avg starting at 0)");
  traj(x, "traj_centered_momentum", cm, 0, "centered and momentum = 0.9");
  traj(x, "traj_centered_momentum_lr_change", cm, 1, "centered and momentum = 0.9");
  h = cm, h.maximize = 1;
  traj(x, "traj_maximize_centered_momentum", h, 0, "maximize, centered and momentum = 0.9");

  /* the centered domain's edge: grad_avg = g (12 bits, g*g exact) keeps
   * grad_avg' = g; square_avg = 3*g*g leaves square_avg' = 2.98*grad_avg'^2,
   * square_avg = (1 + 2^-10)*g*g leaves square_avg' - grad_avg'^2 =
   * 0.99*2^-10*g*g, of which float32's rounding of square_avg' (2^-24*g*g)
   * is 2^-14 */
  static const float ge[] = {0x1.5a2p0f, -0x1.3c6p0f,  0x1.e18p-1f, -0x1.0f4p0f,
                             0x1.9b2p0f, -0x1.6ecp-1f, 0x1.2d8p0f,  -0x1.c42p0f};
  for (int out = 0; out < 2; out++) {
    gg_case *e =
        gg_new_case(x, out ? "edge_centered_cancel" : "edge_centered_in", COUNT(ge), 1, "%s",
                    out ? "outside: centered, grad_avg = g, square_avg = (1 + 2^-10)*g*g (g of 12 "
                          "bits, |g| in [0.7, 1.8)): square_avg' - grad_avg'^2 = 0.00097*g*g "
                          "cancels, float32's rounding of square_avg' is 2^-14 of it"
                        : "centered, grad_avg = g, square_avg = 3*g*g (g of 12 bits, |g| in "
                          "[0.7, 1.8)): square_avg' = 2.98*grad_avg'^2, inside the margin 2");
    e->domain = out ? GG_UNBOUNDED : GG_INSIDE;
    gg_set_hp(x, e, ce);
    for (size_t i = 0; i < COUNT(ge); i++) {
      e->init[0][i] = 1.0f;
      e->g[0][i] = ge[i];
      e->init[1][i] = (out ? 1.0f + 0x1p-10f : 3.0f) * ge[i] * ge[i];
      e->init[3][i] = ge[i];
    }
  }
}

void gg_torch_cases(ctx *x) {
  switch (x->a) {
  case GG_TORCH_SGD: sgd(x); break;
  case GG_TORCH_ADAM:
  case GG_TORCH_ADAMW: adam(x); break;
  case GG_TORCH_ADAGRAD: adagrad(x); break;
  case GG_TORCH_RMSPROP: rmsprop(x); break;
  default:
    gg_die("rule '%s' of convention torch has no options' families in golden/gen/cases_torch.c",
           gg_algos[x->a].name);
  }
}

/* The edges of Adam's domain in torch's form (FORMAT.md, "Domains"): the
 * coefficient lr/(1-beta1^t) subnormal or infinite, the numerator
 * step_size*exp_avg' past FLT_MAX, a subnormal exp_avg' divided by less than
 * 1; and L2 decay cancelling in d. */
void gg_torch_moment_edges(ctx *x) {
  const gg_hp def = gg_algos[x->a].defaults;
  gg_hp h = def;
  static const elem ins[] = {{0.0f, 1e-30f, 0.0f, 0.0f}, {0.0f, -1e-30f, 0.0f, 0.0f}};
  static const elem outs[] = {{0.0f, 1e-39f, 0.0f, 0.0f}, {0.0f, -1e-39f, 0.0f, 0.0f}};
  gg_edge_case(x, "edge_sub_in", GG_INSIDE, h, 3, ins, 2,
               "p = 0, exp_avg = exp_avg_sq = 0, g = +-1e-30: exp_avg' and step_size*exp_avg' are "
               "normal, t = 3");
  gg_edge_case(x, "edge_sub_under", GG_UNBOUNDED, h, 3, outs, 2,
               "outside: p = 0, exp_avg = exp_avg_sq = 0, g = +-1e-39: exp_avg' = (1-beta1)*g is "
               "subnormal, and the step divides it by denom < 1, t = 3");
  static const elem big[] = {{1.0f, 1e10f, 0.0f, 0.0f}, {1.0f, -1e10f, 0.0f, 0.0f}};
  h = def, h.lr = 1e28f;
  gg_edge_case(
      x, "edge_lrg_in", GG_INSIDE, h, 3, big, 2,
      "lr = 1e28, p = 1, g = +-1e10, exp_avg = exp_avg_sq = 0, t = 3: step_size*exp_avg' = "
      "lr/0.271*1e9 = 3.7e37 is finite");
  h.lr = 1e31f;
  gg_edge_case(x, "edge_lrg_over", GG_UNBOUNDED, h, 3, big, 2,
               "outside: lr = 1e31, p = 1, g = +-1e10, exp_avg = exp_avg_sq = 0, t = 3: "
               "step_size*exp_avg' = 3.7e40 overflows float32 where the step does not");
  static const elem m_big[] = {{1.0f, 1.0f, 1e20f, 1.0f}, {1.0f, -1.0f, -1e20f, 1.0f}};
  h = def, h.lr = 1e-35f;
  gg_edge_case(
      x, "edge_step_in", GG_INSIDE, h, 3, m_big, 2,
      "lr = 1e-35, t = 3: step_size = lr/(1-beta1^3) = 3.7e-35 is normal; exp_avg = +-1e20");
  h.lr = 1e-44f;
  gg_edge_case(x, "edge_step_sub", GG_REFUSED, h, 3, m_big, 2,
               "outside: lr = 1e-44, t = 3: step_size = lr/(1-beta1^3) is subnormal, the step is "
               "refused");
  static const elem zero_g[] = {{1.0f, 0.0f, 0.0f, 0.0f}, {-2.0f, 0.0f, 0.0f, 0.0f}};
  h = def, h.beta1 = 1.0f - 0x1p-24f, h.lr = 1e31f;
  gg_edge_case(x, "edge_step_in_big", GG_INSIDE, h, 1, zero_g, 2,
               "lr = 1e31, beta1 = 1 - 2^-24, t = 1: step_size = lr*2^24 = 1.7e38 is finite; g and "
               "states 0");
  h.lr = 1e32f;
  gg_edge_case(
      x, "edge_step_over", GG_REFUSED, h, 1, zero_g, 2,
      "outside: lr = 1e32, beta1 = 1 - 2^-24, t = 1: step_size = 1.7e39 overflows float32, "
      "the step is refused");
  static const elem b2e[] = {
      {0.0f, 1e-4f, 0.0f, 1.0f}, {1.0f, -2e-3f, 0.01f, 4.0f}, {0.0f, 1e-4f, 1e-3f, 1.0f}};
  h = def, h.beta2 = 0.0f;
  gg_edge_case(x, "edge_beta2_0", GG_INSIDE, h, 1, b2e, COUNT(b2e),
               "beta2 = 0, t = 1: exp_avg_sq' = g*g far below exp_avg_sq (1, 4); torch's form "
               "beta2*v + (1-beta2)*d*d does not cancel");
  static const elem cond[] = {{0.7725f, -0.003223f, 0.002017f, 2.4e-12f}};
  h = (gg_hp){
      .lr = 0.0018f, .beta1 = 0.893f, .beta2 = 0.964f, .eps = 1e-8f, .weight_decay = 0.00415f};
  gg_edge_case(
      x, "edge_wd_cond", GG_INSIDE, h, 3, cond, COUNT(cond),
      "weight_decay = 0.00415 cancels g = -0.003223 to d = -2e-5 (p = 0.7725), exp_avg_sq = "
      "2.4e-12: d's rounding reaches p through sqrt(exp_avg_sq'); lr 0.0018, beta1 0.893, "
      "beta2 0.964, eps 1e-8, t = 3");
}
