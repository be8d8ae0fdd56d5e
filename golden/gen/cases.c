/* golden_gen - the cases of every vector file.
 *
 * A case is built from a list of element patterns: element i draws its p, g
 * and state values from pattern i % count, so every pattern appears at several
 * positions (and so in vector bodies and in tails). A pattern gives one
 * distribution per array; "typical" is the algorithm's everyday data.
 *
 * Magnitudes are chosen so that a correct float32 evaluation of the textbook
 * formula can meet the exact result (main.c checks every element): e.g. an
 * update computed in the subnormal range is only divided by numbers >= 1, and
 * the rules that square g keep |g| <= 2^63 so that g*g stays finite. The
 * edges of that domain (FORMAT.md, "Domains") are cases of their own, one on
 * each side (domain_edges), those outside marked as such.
 */
#include "cases.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_build.h"
#include "rng.h"

/* Everyday data: p and g around 1; states of their usual size, h and v >= 0. */
static dist typical(gg_algo a, int array) {
  static const dist none = PZ, p_g = RND(-4, 1);
  const gg_algo_info *r = &gg_algos[a];
  if (array == AP || array == AG)
    return p_g;
  const int k = array - AS0;
  if (k >= r->states)
    return none;
  /* the row's range, the sign the list's domain allows */
  const dist d = {'r', (signed char)(r->state_domain[k] == GG_NONNEG), r->row->typical[k][0],
                  r->row->typical[k][1]};
  return d;
}

/* A pattern leaves a column zero (kind 0) where it was written for rules with
 * fewer states; a state the rule has draws its typical data there, so a rule
 * with more states than the patterns were written for needs no new column. A
 * state whose domain is NONNEG (OB_STATE) never draws a random sign. */
static dist for_array(dist d, gg_algo a, int array) {
  const int k = array - AS0;
  const int state = k >= 0 && k < gg_algos[a].states;
  if (d.kind == 0 && state)
    d = (dist)TYP;
  if (state && gg_algos[a].state_domain[k] == GG_NONNEG && d.sign == 0 &&
      (d.kind == 'r' || d.kind == 's'))
    d.sign = 1;
  return d;
}

static float draw(gg_rng *r, dist d, gg_algo a, const gg_case *c, int array) {
  d = for_array(d, a, array);
  if (d.kind == 't') {
    signed char sign = d.sign;
    d = typical(a, array);
    if (sign)
      d.sign = sign;
  }
  uint32_t sign = d.sign > 0 ? 0 : d.sign < 0 ? 1 : (uint32_t)(gg_rng_next(r) >> 63);
  switch (d.kind) {
  case 'r': {
    uint32_t e = (uint32_t)(d.lo + (int)gg_rng_below(r, (uint32_t)(d.hi - d.lo + 1)));
    return gg_float_make(sign, e + 127, (uint32_t)(gg_rng_next(r) >> 41));
  }
  case 's': { /* significand of 1..23 bits: from 2^-149 up to just below 2^-126 */
    uint32_t bits = 1 + gg_rng_below(r, 23);
    uint32_t mant = (uint32_t)(gg_rng_next(r) >> (64 - bits)) | (1u << (bits - 1));
    return gg_float_make(sign, 0, mant);
  }
  case 'z': return gg_float_make(sign, 0, 0);
  case 'i': return gg_float_make(sign, 255, 0);
  case 'n': return gg_float_bits(0x7fc00000u); /* the default quiet NaN */
  default:
    gg_die("%s case %s: array %d (p, g, then the states) has no distribution (kind %d) in its "
           "pattern (golden/gen/cases.c)",
           gg_algos[a].name, c->id, array, d.kind);
  }
}

/* ---- building cases ------------------------------------------------------- */

gg_case *gg_new_case(ctx *x, const char *id, size_t n, int steps, const char *note, ...) {
  gg_case_list *L = x->list;
  if (L->count == L->cap) {
    L->cap = L->cap ? 2 * L->cap : 64;
    L->v = realloc(L->v, L->cap * sizeof *L->v);
    if (!L->v)
      gg_die("%s case %s: out of memory", gg_algos[x->a].name, id);
  }
  gg_case *c = &L->v[L->count++];
  memset(c, 0, sizeof *c);
  if (strlen(id) >= sizeof c->id)
    gg_die("%s: case id '%s' is longer than %zu characters", gg_algos[x->a].name, id,
           sizeof c->id - 1);
  strcpy(c->id, id);
  va_list ap;
  va_start(ap, note);
  int len = vsnprintf(c->note, sizeof c->note, note, ap);
  va_end(ap);
  if (len < 0 || (size_t)len >= sizeof c->note)
    gg_die("%s case %s: the note is longer than %zu characters", gg_algos[x->a].name, id,
           sizeof c->note - 1);
  char key[64];
  snprintf(key, sizeof key, "%s/%s", gg_algos[x->a].name, id);
  c->seed = GG_BASE_SEED ^ gg_fnv1a64(key);
  c->n = n;
  c->steps = steps;
  c->grad = GG_GRAD_DATA;
  for (int k = 0; k <= GG_MAX_STATES; k++)
    c->init[k] = gg_alloc(n, sizeof(float));
  c->hp = gg_alloc((size_t)steps, sizeof *c->hp);
  c->t = gg_alloc((size_t)steps, sizeof *c->t);
  c->g = gg_alloc((size_t)steps, sizeof *c->g);
  for (int j = 0; j < steps; j++) {
    c->hp[j] = gg_hp_mask(x->a, gg_algos[x->a].defaults);
    /* single steps: t = 3 for a rule that reads it (Adam's bias correction still
     * active), others t = 1 */
    c->t[j] = steps == 1 && gg_algos[x->a].uses_t ? 3 : j + 1;
    c->g[j] = gg_alloc(n, sizeof(float));
  }
  return c;
}

void gg_set_hp(ctx *x, gg_case *c, gg_hp hp) {
  for (int j = 0; j < c->steps; j++)
    c->hp[j] = gg_hp_mask(x->a, hp);
}

void gg_fill(ctx *x, gg_case *c, const pat *pats, size_t npat) {
  gg_rng r = {c->seed};
  int states = gg_algos[x->a].states;
  for (size_t i = 0; i < c->n; i++) {
    const pat *q = &pats[i % npat];
    c->init[0][i] = draw(&r, q->d[AP], x->a, c, AP);
    for (int s = 0; s < states; s++)
      c->init[1 + s][i] = draw(&r, q->d[AS0 + s], x->a, c, AS0 + s);
    for (int j = 0; j < c->steps; j++)
      c->g[j][i] = draw(&r, q->d[AG], x->a, c, AG);
  }
}

static const pat typ_only[] = {{{TYP, TYP, TYP, TYP, TYP}}};

static gg_shape shape(gg_algo a) { return gg_algos[a].row->shape; }

/* Whose defaults a note names: the generic families run each rule on its
 * row's, the textbook's or torch.optim's. */
static const char *defaults_of(gg_algo a) {
  return gg_algos[a].convention == GG_TORCH ? "torch.optim's" : "textbook";
}

/* Divides by sqrt(state) + eps. */
static int adaptive(gg_algo a) {
  return shape(a) == GG_SHAPE_SQUARES || shape(a) == GG_SHAPE_MOMENTS;
}

int gg_uses(gg_algo a, int hp) { return (gg_algos[a].uses >> hp) & 1; }

/* The states a step with the rule's defaults uses: the first ones (an
 * OB_STATE_IF state is off by default and comes after them). The generic
 * families are written for these; the options' families (cases_torch.c)
 * switch the others on. */
static int live_states(gg_algo a) {
  int k = 0;
  while (gg_state_used(a, &gg_algos[a].defaults, k))
    k++;
  return k;
}

static int nonneg_state(gg_algo a, int k) {
  return k < gg_algos[a].states && gg_algos[a].state_domain[k] == GG_NONNEG;
}

/* A phrase for notes: the step number the single-step cases use. */
static const char *t_note(gg_algo a) { return gg_algos[a].uses_t ? ", t = 3" : ""; }

/* One family's patterns for a case and a phrase about them for its note. */
typedef struct {
  const pat *pats;
  size_t np;
  const char *how;
} family;

/* The family of rule a by the shape of its data (its row): SGD; Momentum and
 * Nesterov; AdaGrad and RMSProp; Adam. */
static family pick(gg_algo a, family sgd, family mom, family ada, family adam) {
  const family by_shape[GG_SHAPE_COUNT] = {sgd, mom, ada, adam};
  return by_shape[shape(a)];
}

/* ---- the cases ------------------------------------------------------------ */

static void lengths(ctx *x) {
  /* every vector width (4, 8, 16 floats) and its tails, 0 included */
  static const size_t lens[] = {0,  1,  2,  3,  7,  8,   9,   15,  16,   17,  31,
                                32, 33, 63, 64, 65, 127, 128, 129, 1000, 4099};
  for (size_t k = 0; k < COUNT(lens); k++) {
    char id[32];
    snprintf(id, sizeof id, "len_%zu", lens[k]);
    gg_case *c = gg_new_case(x, id, lens[k], 1,
                             "length %zu (vector bodies and tails); random data around 1, "
                             "valid states, %s defaults%s",
                             lens[k], defaults_of(x->a), t_note(x->a));
    gg_fill(x, c, typ_only, 1);
  }
}

static void magnitudes(ctx *x) {
  static const struct {
    const char *id, *about;
    int e; /* log2(about), rounded to the nearest integer */
  } mags[] = {
      {"mag_1em30", "1e-30", -100}, {"mag_1em10", "1e-10", -33},
      {"mag_1em3", "1e-3", -10},    {"mag_1", "1", 0},
      {"mag_1e3", "1e3", 10},       {"mag_1e10", "1e10", 33},
      {"mag_1e18", "1e18", 60},
  };
  for (size_t k = 0; k < COUNT(mags); k++) {
    int lo = mags[k].e - 2, hi = mags[k].e + 1;
    pat q = {{RND(lo, hi), RND(lo, hi), RND(lo, hi), POS(lo, hi)}};
    if (nonneg_state(x->a, 0))
      q.d[AS0] = (dist)POS(lo, hi);
    gg_case *c = gg_new_case(x, mags[k].id, 64, 1,
                             "p, g and state all of magnitude about %s (2^%d .. 2^%d), random "
                             "signs (h, v >= 0); %s defaults%s",
                             mags[k].about, lo, hi + 1, defaults_of(x->a), t_note(x->a));
    gg_fill(x, c, &q, 1);
  }
  pat q = {{RND(-100, 60), RND(-100, 60), RND(-100, 60), POS(-100, 60)}};
  if (nonneg_state(x->a, 0))
    q.d[AS0] = (dist)POS(-100, 60);
  gg_case *c = gg_new_case(x, "mag_mixed", 128, 1,
                           "each value of p, g and state of its own magnitude, 2^-100 .. 2^61, "
                           "random signs (h, v >= 0); %s defaults%s",
                           defaults_of(x->a), t_note(x->a));
  gg_fill(x, c, &q, 1);
}

static void subnormal(ctx *x) {
  /* (p, g, s0, s1). Updates that land in the subnormal range are divided by
   * numbers >= 1 only: float32 keeps them to 2^-149 absolutely, not relatively. */
  static const pat sgd[] = {
      {{SUB, SUB}}, {{SUB, RND(-126, -118)}}, {{TYP, SUB}}, {{SUB, TYP}}, {{RND(-126, -120), SUB}},
  };
  static const pat mom[] = {
      {{SUB, SUB, SUB}},
      {{SUB, RND(-126, -118), SUB}},
      {{SUB, SUB, RND(-126, -122)}},
      {{TYP, SUB, SUB}},
      {{SUB, TYP, TYP}},
      {{RND(-126, -120), SUB, SUB}},
  };
  static const pat ada[] = {
      {{SUB, SUB, POS(0, 4)}}, {{TYP, SUB, SUBP}},
      {{TYP, TYP, SUBP}},      {{SUB, RND(-126, -118), POS(20, 40)}},
      {{SUB, TYP, SUBP}},      {{RND(-126, -120), SUB, POS(0, 4)}},
  };
  static const pat adam[] = {
      {{SUB, SUB, SUB, POS(0, 4)}}, {{TYP, SUB, SUB, SUBP}},
      {{TYP, TYP, SUB, SUBP}},      {{SUB, RND(-126, -118), RND(-126, -118), POS(20, 40)}},
      {{SUB, TYP, TYP, SUBP}},      {{RND(-126, -120), SUB, SUB, POS(0, 4)}},
  };
  family f = pick(
      x->a,
      (family){sgd, COUNT(sgd),
               "subnormal p with subnormal or tiny g (update in the subnormal range), subnormal g "
               "with p around 1, subnormal p with g around 1"},
      (family){mom, COUNT(mom),
               "subnormal p, g and v together and with tiny normal g or v, subnormal g and v with "
               "p around 1, subnormal p with g and v around 1"},
      (family){ada, COUNT(ada),
               "subnormal p and g with h in [1, 32) (update in the subnormal range), subnormal g "
               "and h with p around 1, subnormal h, subnormal p with tiny g and large h"},
      (family){adam, COUNT(adam),
               "subnormal p, g, m with v in [1, 32) (update in the subnormal range), subnormal g, "
               "m, v with p around 1, subnormal p with g around 1, tiny g and m with large v"});
  gg_case *c = gg_new_case(x, "subnormal", 8 * f.np, 1, "subnormal values: %s; %s defaults%s",
                           f.how, defaults_of(x->a), t_note(x->a));
  gg_fill(x, c, f.pats, f.np);
}

static void near_overflow(ctx *x) {
  /* The rules that square g keep |g| < 2^64 (g*g < 2^128); states stay below
   * 2^128 so that no float32 intermediate overflows where the exact one does
   * not; some p + v overflow on purpose (then exact and float32 agree: inf). */
  static const pat sgd[] = {
      {{TOP, RND(100, 120)}},
      {{TOP, RND(120, 127)}},
      {{TYP, TOP}},
      {{RND(100, 126), RND(110, 127)}},
  };
  static const pat mom[] = {
      {{TOP, RND(100, 127), TOP}},
      {{TOP, TYP, RND(100, 126)}},
      {{TYP, TOP, TYP}},
      {{RND(120, 126), RND(120, 127), RND(120, 127)}},
  };
  static const pat ada[] = {
      {{TOP, RND(40, 63), POS(100, 126)}},
      {{TYP, RND(50, 63), POS(0, 10)}},
      {{TYP, RND(50, 63), POS(120, 126)}},
      {{TOP, TYP, TYP}},
  };
  /* a sum without decay (torch Adagrad) keeps h + g*g below FLT_MAX; the
   * book AdaGrad's seeds happened to stay below it with `ada` */
  static const pat sum[] = {
      {{TOP, RND(40, 62), POS(100, 125)}},
      {{TYP, RND(50, 63), POS(0, 10)}},
      {{TYP, RND(50, 62), POS(120, 125)}},
      {{TOP, TYP, TYP}},
  };
  const int plain_sum = gg_algos[x->a].convention == GG_TORCH && !gg_uses(x->a, GG_HPI_decay_rate);
  static const pat adam[] = {
      {{TOP, RND(40, 63), TOP, POS(120, 127)}},
      {{TYP, RND(55, 63), RND(55, 63), POS(110, 126)}},
      {{TOP, TYP, TYP, TYP}},
      {{TYP, RND(55, 63), TOP, POS(120, 127)}},
  };
  family f = pick(
      x->a,
      (family){sgd, COUNT(sgd),
               "p in the top binade (up to FLT_MAX) with lr*g up to 2^121 (some results overflow "
               "to inf), g up to FLT_MAX with p around 1"},
      (family){mom, COUNT(mom),
               "p and v in the top binade with |g| up to 2^128 (some p + v overflow to inf), g up "
               "to FLT_MAX with p and v around 1, p, g, v all above 2^120"},
      plain_sum ? (family){sum, COUNT(sum),
                           "p in the top binade with h up to 2^126, |g| < 2^63 so that h + g*g "
                           "stays finite; p around 1 with g up to 2^64 and small h, or up to "
                           "2^63 and huge h"}
                : (family){ada, COUNT(ada),
                           "p in the top binade with h up to 2^127, |g| < 2^64 so that g*g stays "
                           "finite; p around 1 with g up to 2^64 and small or huge h"},
      (family){adam, COUNT(adam),
               "p and m in the top binade, v above 2^120, |g| < 2^64 so that g*g stays finite; p "
               "around 1 with g and m up to 2^64"});
  gg_case *c = gg_new_case(x, "near_overflow", 8 * f.np, 1, "near overflow: %s; %s defaults%s",
                           f.how, defaults_of(x->a), t_note(x->a));
  gg_fill(x, c, f.pats, f.np);
}

static void signed_zero(ctx *x) {
  /* every combination of +0, -0, +x, -x in p, g and the states (a state
   * that is never negative: +0, -0, +x) */
  static const dist any[] = {PZ, NZ, TYP_POS, TYP_NEG};
  static const dist nonneg[] = {PZ, NZ, TYP_POS};
  const gg_algo_info *r = &gg_algos[x->a];
  size_t rad[4] = {4, 4, 1, 1};
  const dist *set[4] = {any, any, any, nonneg};
  char arrays[64] = "p", only[64] = "";
  for (int k = 0; k < live_states(x->a); k++) {
    rad[AS0 + k] = nonneg_state(x->a, k) ? 3 : 4;
    set[AS0 + k] = nonneg_state(x->a, k) ? nonneg : any;
    if (nonneg_state(x->a, k))
      snprintf(only + strlen(only), sizeof only - strlen(only), "; %s only +0, -0, +x",
               r->state[k]);
  }
  for (int k = -1; k < live_states(x->a); k++) /* "p, g, m and v" */
    snprintf(arrays + strlen(arrays), sizeof arrays - strlen(arrays), "%s%s",
             k == live_states(x->a) - 1 ? " and " : ", ", k < 0 ? "g" : r->state[k]);
  size_t np = rad[0] * rad[1] * rad[2] * rad[3];
  pat *pats = gg_alloc(np, sizeof *pats);
  for (size_t k = 0; k < np; k++) {
    size_t rr = k;
    for (int arr = 0; arr < 4; arr++) {
      pats[k].d[arr] = set[arr][rr % rad[arr]];
      rr /= rad[arr];
    }
  }
  gg_case *c =
      gg_new_case(x, "signed_zero", np, 1,
                  "signed zeros: every combination of +0, -0, +x, -x in %s (x around 1%s); "
                  "%s defaults%s",
                  arrays, only, defaults_of(x->a), t_note(x->a));
  gg_fill(x, c, pats, np);
  free(pats);
}

static void specials(ctx *x) {
  int states = live_states(x->a);
  static const pat grad[] = {
      {{TYP, QNAN, TYP, TYP}}, {{TYP, PINF, TYP, TYP}}, {{TYP, NINF, TYP, TYP}},
      {{TYP, QNAN, PZ, PZ}},   {{TYP, PINF, PZ, PZ}},   {{TYP, NINF, PZ, PZ}},
      {{PZ, QNAN, TYP, TYP}},  {{PZ, PINF, TYP, TYP}},  {{PZ, NINF, TYP, TYP}},
      {{PZ, QNAN, PZ, PZ}},    {{PZ, PINF, PZ, PZ}},    {{PZ, NINF, PZ, PZ}},
  };
  gg_case *c =
      gg_new_case(x, "nan_inf_grad", 2 * COUNT(grad), 1,
                  "NaN, +inf, -inf in g, with p around 1 or +0%s; %s defaults%s",
                  states ? " and state around 1 or +0" : "", defaults_of(x->a), t_note(x->a));
  gg_fill(x, c, grad, COUNT(grad));

  if (states >= 1) {
    static const pat st1[] = {
        {{TYP, TYP, QNAN}}, {{TYP, TYP, PINF}}, {{TYP, TYP, NINF}},
        {{TYP, PZ, QNAN}},  {{TYP, PZ, PINF}},  {{TYP, PZ, NINF}},
    };
    static const pat st2[] = {
        {{TYP, TYP, QNAN, TYP}},  {{TYP, TYP, PINF, TYP}},  {{TYP, TYP, NINF, TYP}},
        {{TYP, TYP, TYP, QNAN}},  {{TYP, TYP, TYP, PINF}},  {{TYP, TYP, TYP, NINF}},
        {{TYP, TYP, PINF, PINF}}, {{TYP, TYP, QNAN, QNAN}}, {{TYP, PZ, QNAN, TYP}},
        {{TYP, PZ, PINF, TYP}},   {{TYP, PZ, NINF, TYP}},   {{TYP, PZ, TYP, QNAN}},
        {{TYP, PZ, TYP, PINF}},   {{TYP, PZ, TYP, NINF}},   {{TYP, PZ, PINF, PINF}},
        {{TYP, PZ, QNAN, QNAN}},
    };
    const pat *pats = states == 2 ? st2 : st1;
    size_t np = states == 2 ? COUNT(st2) : COUNT(st1);
    char names[48] = "";
    if (states == 2)
      snprintf(names, sizeof names, " %s and %s", gg_algos[x->a].state[0], gg_algos[x->a].state[1]);
    c = gg_new_case(x, "nan_inf_state", 2 * np, 1,
                    "NaN, +inf, -inf in the state%s (one or both), with g around 1 or +0 and p "
                    "around 1; %s defaults%s",
                    names, defaults_of(x->a), t_note(x->a));
    gg_fill(x, c, pats, np);
  }

  static const pat par[] = {
      {{QNAN, TYP}}, {{QNAN, PZ}}, {{QNAN, PINF}}, {{QNAN, NINF}},
      {{PINF, TYP}}, {{PINF, PZ}}, {{PINF, PINF}}, {{PINF, NINF}},
      {{NINF, TYP}}, {{NINF, PZ}}, {{NINF, PINF}}, {{NINF, NINF}},
  };
  pat pp[COUNT(par)];
  for (size_t k = 0; k < COUNT(par); k++) {
    pp[k] = par[k];
    pp[k].d[AS0] = (dist)TYP;
    pp[k].d[AS1] = (dist)TYP;
  }
  c = gg_new_case(x, "nan_inf_param", 2 * COUNT(par), 1,
                  "NaN, +inf, -inf in p, with g around 1, +0, +inf or -inf%s; %s defaults%s",
                  states ? " and state around 1" : "", defaults_of(x->a), t_note(x->a));
  gg_fill(x, c, pp, COUNT(pp));
}

static void zero_grad(ctx *x) {
  static const pat pats[] = {
      {{TYP, PZ, TYP, TYP}},
      {{TYP, NZ, TYP, TYP}},
      {{TYP, PZ, PZ, PZ}},
      {{TYP, NZ, PZ, PZ}},
  };
  int states = live_states(x->a);
  gg_case *c = gg_new_case(
      x, "zero_grad", 33, 1, "zero gradient (+0 and -0) with p around 1%s; %s defaults%s",
      states ? " and state around 1 or +0" : "", defaults_of(x->a), t_note(x->a));
  gg_fill(x, c, pats, COUNT(pats));
}

static void hp_edges(ctx *x) {
  gg_algo a = x->a;
  gg_hp def = gg_algos[a].defaults, hp;
  gg_case *c;

  static const pat lr0[] = {
      {{TYP, TYP, TYP, TYP}},  {{TYP, TYP, TYP, TYP}},  {{TYP, TYP, TYP, TYP}},
      {{TYP, TYP, TYP, TYP}},  {{TYP, TYP, TYP, TYP}},  {{TYP, PINF, TYP, TYP}},
      {{TYP, NINF, TYP, TYP}}, {{TYP, QNAN, TYP, TYP}}, {{PZ, TYP, TYP, TYP}},
      {{NZ, TYP, TYP, TYP}},
  };
  hp = def;
  hp.lr = 0;
  c = gg_new_case(x, "lr_zero", 40, 1,
                  "lr = 0, other hyperparameters the defaults; random data around 1, some p = +-0, "
                  "some g = +-inf or NaN (0*inf is NaN)%s",
                  t_note(a));
  gg_set_hp(x, c, hp);
  gg_fill(x, c, lr0, COUNT(lr0));

  if (adaptive(a)) {
    static const pat e1[] = {
        {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}},
        {{TYP, PZ, PZ}},   {{TYP, TYP, PZ}},  {{TYP, PZ, TYP}},  {{TYP, NZ, NZ}},
    };
    static const pat e2[] = {
        {{TYP, TYP, TYP, TYP}}, {{TYP, TYP, TYP, TYP}}, {{TYP, TYP, TYP, TYP}},
        {{TYP, TYP, TYP, TYP}}, {{TYP, PZ, PZ, PZ}},    {{TYP, PZ, TYP, PZ}},
        {{TYP, TYP, TYP, PZ}},  {{TYP, TYP, PZ, PZ}},
    };
    hp = def;
    hp.eps = 0;
    c = gg_new_case(x, "eps_zero", 40, 1,
                    "eps = 0, other hyperparameters the defaults; random data around 1 and "
                    "zero states and gradients: %s%s",
                    shape(a) == GG_SHAPE_MOMENTS
                        ? "m = v = g = 0 gives 0/0 = NaN, v = g = 0 with m != 0 gives "
                          "+-inf, v = 0 with g != 0"
                        : "zero states with zero or nonzero g, zero g with nonzero states (0/0 "
                          "and x/0 where the step divides by a zero state)",
                    t_note(a));
    gg_set_hp(x, c, hp);
    if (shape(a) == GG_SHAPE_MOMENTS)
      gg_fill(x, c, e2, COUNT(e2));
    else
      gg_fill(x, c, e1, COUNT(e1));
  }

  /* these three name the textbook's defaults; a torch rule's defaults have
   * momentum 0 already, and its options' families (cases_torch.c) set the
   * rates to 0 with notes of their own */
  const int book = gg_algos[a].convention == GG_BOOK;
  if (book && gg_uses(a, GG_HPI_momentum)) {
    static const pat m0[] = {
        {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}},  {{TYP, TYP, TYP}},
        {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}}, {{TYP, TYP, PINF}}, {{TYP, TYP, QNAN}},
    };
    hp = def;
    hp.momentum = 0;
    c = gg_new_case(x, "momentum_zero", 40, 1,
                    "momentum = 0, lr = 0.01; random data around 1, some v = +inf or NaN "
                    "(0*inf is NaN)");
    gg_set_hp(x, c, hp);
    gg_fill(x, c, m0, COUNT(m0));
  }

  if (book && gg_uses(a, GG_HPI_decay_rate)) {
    static const pat d0[] = {
        {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}},  {{TYP, TYP, TYP}},
        {{TYP, TYP, TYP}}, {{TYP, TYP, TYP}}, {{TYP, TYP, PINF}},
    };
    hp = def;
    hp.decay_rate = 0;
    c = gg_new_case(x, "decay_zero", 35, 1,
                    "decay_rate = 0 (h = g*g), lr = 0.01, eps = 1e-7; random data around 1, some "
                    "h = +inf (0*inf is NaN)");
    gg_set_hp(x, c, hp);
    gg_fill(x, c, d0, COUNT(d0));
  }

  if (book && gg_uses(a, GG_HPI_beta1) && gg_uses(a, GG_HPI_beta2)) {
    hp = def;
    hp.beta1 = 0;
    hp.beta2 = 0;
    c = gg_new_case(x, "beta_zero", 40, 1,
                    "beta1 = beta2 = 0 (m = g, v = g*g, lr_t = lr), lr = 0.001, eps = 1e-7; random "
                    "data around 1, t = 3");
    gg_set_hp(x, c, hp);
    gg_fill(x, c, typ_only, 1);
  }

  /* Other values than the defaults, for implementations that hard-code them. */
  hp = (gg_hp){.lr = 0.1f,
               .momentum = 0.5f,
               .decay_rate = 0.9f,
               .beta1 = 0.8f,
               .beta2 = 0.99f,
               .eps = 1e-3f};
  c = gg_new_case(x, "hp_other", 40, 1,
                  "non-default hyperparameters (lr 0.1, momentum 0.5, decay_rate 0.9, beta1 0.8, "
                  "beta2 0.99, eps 1e-3, those the rule uses); random data around 1%s",
                  t_note(a));
  gg_set_hp(x, c, hp);
  gg_fill(x, c, typ_only, 1);
}

/* The step number of a rule that reads it (Adam's bias correction). */
static void t_steps(ctx *x) {
  static const int64_t ts[] = {1, 2, 10, 1000, 1000000};
  static const pat fresh[] = {{{TYP, TYP, PZ, PZ}}};
  gg_case *c = gg_new_case(x, "t_1_fresh", 40, 1,
                           "t = 1 from m = v = 0 (the first step of a new optimizer); g and p "
                           "around 1, %s defaults",
                           defaults_of(x->a));
  c->t[0] = 1;
  gg_fill(x, c, fresh, 1);
  for (size_t k = 0; k < COUNT(ts); k++) {
    char id[32];
    snprintf(id, sizeof id, "t_%lld", (long long)ts[k]);
    c = gg_new_case(x, id, 40, 1,
                    "step number t = %lld (bias correction lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t)); "
                    "random data around 1, %s defaults",
                    (long long)ts[k], defaults_of(x->a));
    c->t[0] = ts[k];
    gg_fill(x, c, typ_only, 1);
  }
  /* Betas near 1 at a small t: 1 - beta^t keeps few of beta^t's bits, so a
   * beta^t rounded to float32 (powf, or the float running product
   * DeepSpeed's CPU Adam keeps) moves lr_t by ~1e-5 relatively and p by
   * tens of scale-ULPs, where the defaults' (beta1 0.9) stay within the
   * bound: the mutant adam_powf_beta1 of mutants/mutants.txt survived every
   * other case. */
  static const int64_t slow[] = {2, 3, 7};
  for (size_t k = 0; k < COUNT(slow); k++) {
    char id[32];
    snprintf(id, sizeof id, "t_%lld_betas_near_1", (long long)slow[k]);
    c = gg_new_case(x, id, 40, 1,
                    "step number t = %lld with beta1 = 0.999, beta2 = 0.9999: 1 - beta^t cancels, "
                    "so beta^t must not be rounded to float32; random data around 1",
                    (long long)slow[k]);
    gg_hp hp = gg_algos[x->a].defaults;
    hp.beta1 = 0.999f;
    hp.beta2 = 0.9999f;
    gg_set_hp(x, c, hp);
    c->t[0] = slow[k];
    gg_fill(x, c, typ_only, 1);
  }
}

/* Trajectory data like a descent on a smooth loss: each element keeps the sign
 * of its gradient (a new magnitude in [0.5, 2) every step) and p starts on the
 * other side, so |p| and the states grow or settle instead of passing through
 * zero. That keeps FORMAT.md's allowance for a run on its own state (j times
 * the single-step bound at step j) meaningful: an error carried from earlier
 * steps is measured against a magnitude of the same size. Sign changes are the
 * single-step cases' business. The states start at 0, as the book's classes. */
void gg_fill_descent(ctx *x, gg_case *c) {
  gg_rng r = {c->seed};
  const gg_algo_info *ai = &gg_algos[x->a];
  for (int k = 0; k < ai->states; k++) /* OB_STATE_INIT: torch Adagrad's sum */
    for (size_t i = 0; i < c->n && ai->state_init[k] >= 0; i++)
      c->init[1 + k][i] = gg_hp_get(&c->hp[0], ai->state_init[k]);
  for (size_t i = 0; i < c->n; i++) {
    uint32_t sign = (uint32_t)(gg_rng_next(&r) >> 63);
    uint32_t e = 125 + gg_rng_below(&r, 4); /* |p| in [0.25, 4) */
    c->init[0][i] = gg_float_make(sign ^ 1, e, (uint32_t)(gg_rng_next(&r) >> 41));
    for (int j = 0; j < c->steps; j++) {
      e = 126 + gg_rng_below(&r, 2); /* |g| in [0.5, 2) */
      c->g[j][i] = gg_float_make(sign, e, (uint32_t)(gg_rng_next(&r) >> 41));
    }
  }
}

/* Weight decay (FORMAT.md): L2 only, decoupled (AdamW) only and both, at the
 * book's lambda = 0.1 (its weight-decay experiment) and at 1e-4, over lengths
 * with vector tails; special values in p with each decay on; a trajectory. */
typedef struct {
  const char *id, *what;
  float wd, dd;
} decay_mode;

static const decay_mode decay_modes[] = {
    {"l2", "L2 weight_decay = 0.1 (the book's lambda)", 0.1f, 0},
    {"decoupled", "decoupled_decay = 0.1", 0, 0.1f},
    {"both", "weight_decay = 0.1 and decoupled_decay = 0.01", 0.1f, 0.01f},
};

static void decay_hp(ctx *x, gg_case *c, const decay_mode *m, float scale) {
  gg_hp hp = gg_algos[x->a].defaults;
  hp.weight_decay = m->wd * scale;
  hp.decoupled_decay = m->dd * scale;
  gg_set_hp(x, c, hp);
}

static void weight_decay(ctx *x) {
  static const size_t lens[] = {1, 17, 33, 100};
  for (size_t m = 0; m < COUNT(decay_modes); m++) {
    const decay_mode *d = &decay_modes[m];
    for (size_t k = 0; k < COUNT(lens); k++) {
      /* the combined form also at a length past the AVX-512 grid */
      size_t n = m == 2 && k == COUNT(lens) - 1 ? 1000 : lens[k];
      char id[40];
      snprintf(id, sizeof id, "wd_%s_len_%zu", d->id, n);
      gg_case *c = gg_new_case(x, id, n, 1,
                               "%s, other hyperparameters the defaults; length %zu, random data "
                               "around 1%s",
                               d->what, n, t_note(x->a));
      decay_hp(x, c, d, 1.0f);
      gg_fill(x, c, typ_only, 1);
    }
    char id[40];
    snprintf(id, sizeof id, "wd_%s_1em4", d->id);
    gg_case *c = gg_new_case(x, id, 64, 1,
                             "%s scaled to 1e-4 (0.1f*1e-3f in float32), other hyperparameters the "
                             "defaults; random data around 1%s",
                             d->what, t_note(x->a));
    decay_hp(x, c, d, 1e-3f);
    gg_fill(x, c, typ_only, 1);
  }

  /* signed zeros, infinities and NaN in p (and in g) with each decay on */
  static const dist pv[] = {PZ, NZ, PINF, NINF, QNAN, TYP_POS, TYP_NEG};
  static const dist gv[] = {TYP, PZ, NZ, PINF, QNAN};
  pat pats[COUNT(pv) * COUNT(gv)];
  for (size_t i = 0; i < COUNT(pv); i++)
    for (size_t j = 0; j < COUNT(gv); j++)
      pats[i * COUNT(gv) + j] = (pat){{pv[i], gv[j], TYP, TYP}};
  for (size_t m = 0; m < COUNT(decay_modes); m++) {
    const decay_mode *d = &decay_modes[m];
    char id[40];
    snprintf(id, sizeof id, "wd_%s_special", d->id);
    gg_case *c = gg_new_case(x, id, 2 * COUNT(pats), 1,
                             "%s with p in {+0, -0, +inf, -inf, NaN, +x, -x} and g in {x, +0, -0, "
                             "+inf, NaN} (x around 1)%s%s; decoupled p - c*p turns p = -0 into "
                             "+0, inf into NaN",
                             d->what, live_states(x->a) ? ", state around 1" : "", t_note(x->a));
    decay_hp(x, c, d, 1.0f);
    gg_fill(x, c, pats, COUNT(pats));
  }
}

/* L2 decay that cancels: g = -weight_decay*p*(1 + r), |r| in [2^-16, 2^-4), so
 * g' = g + weight_decay*p keeps few of its bits; states small (v, h in
 * [2^-40, 2^-20)) so that sqrt(state') is of g''s size and carries its
 * rounding to p. Random lr, rates, eps and weight_decay per case. */
static void wd_cancel(ctx *x) {
  for (int k = 0; k < 8; k++) {
    char id[40];
    snprintf(id, sizeof id, "wd_cancel_%d", k);
    gg_case *c =
        gg_new_case(x, id, 64, 1,
                    "L2 weight decay cancelling: g = -weight_decay*p*(1 + r), |r| in "
                    "[2^-16, 2^-4), p in [0.25, 4), small states (h, v in [2^-40, 2^-20)); "
                    "random lr in [2^-12, 2^-6), weight_decay in [2^-10, 2^-4), momentum, "
                    "decay_rate, beta1, beta2 in [0.5, 1), eps 1e-7%s",
                    t_note(x->a));
    gg_rng r = {c->seed};
    const float u = (float)(gg_rng_below(&r, 1u << 20)) * 0x1p-20f; /* [0, 1) */
    gg_hp hp = gg_algos[x->a].defaults;
    hp.lr = gg_float_make(0, 127 - 12 + gg_rng_below(&r, 6), (uint32_t)(gg_rng_next(&r) >> 41));
    hp.weight_decay =
        gg_float_make(0, 127 - 10 + gg_rng_below(&r, 6), (uint32_t)(gg_rng_next(&r) >> 41));
    hp.momentum = hp.decay_rate = 0.5f + 0.5f * u;
    hp.beta1 = 0.5f + 0.5f * (float)(gg_rng_below(&r, 1u << 20)) * 0x1p-20f;
    hp.beta2 = 0.5f + 0.5f * (float)(gg_rng_below(&r, 1u << 20)) * 0x1p-20f;
    hp.eps = 1e-7f;
    gg_set_hp(x, c, hp);
    for (size_t i = 0; i < c->n; i++) {
      const uint32_t sign = (uint32_t)(gg_rng_next(&r) >> 63);
      const float p =
          gg_float_make(sign, 125 + gg_rng_below(&r, 4), (uint32_t)(gg_rng_next(&r) >> 41));
      const float rr =
          gg_float_make((uint32_t)(gg_rng_next(&r) >> 63), 127 - 16 + gg_rng_below(&r, 12),
                        (uint32_t)(gg_rng_next(&r) >> 41));
      c->init[0][i] = p;
      c->g[0][i] = -(hp.weight_decay * p) * (1.0f + rr);
      c->init[1][i] = shape(x->a) == GG_SHAPE_MOMENTS
                          ? -c->g[0][i] * 0.5f
                          : gg_float_make(0, 127 - 40 + gg_rng_below(&r, 20), 0);
      c->init[2][i] =
          gg_float_make(0, 127 - 40 + gg_rng_below(&r, 20), (uint32_t)(gg_rng_next(&r) >> 41));
      if (shape(x->a) == GG_SHAPE_VELOCITY)
        c->init[1][i] = c->g[0][i] * -hp.lr;
    }
  }
}

/* A float32 for a note as people write it: 6 digits, "1e-7" for 1e-07. */
static const char *short_num(char buf[32], float v) {
  snprintf(buf, 32, "%g", (double)v);
  char *e = strchr(buf, 'e');
  if (e && (e[1] == '-' || e[1] == '+')) {
    char *d = e + 2;
    while (d[0] == '0' && d[1])
      memmove(d, d + 1, strlen(d));
    if (e[1] == '+')
      memmove(e + 1, e + 2, strlen(e + 1));
  }
  return buf;
}

static void trajectories(ctx *x) {
  gg_algo a = x->a;
  const int steps = 12;
  const char *state = live_states(a) ? ", state starting at 0 (as the book's class)" : "";
  gg_case *c = gg_new_case(x, "traj_random", 33, steps,
                           "%d steps, new random gradients every step (each element keeps its "
                           "sign, |g| in [0.5, 2)), p in [0.25, 4) on the other side so that |p| "
                           "grows%s; %s defaults%s",
                           steps, state, defaults_of(a), gg_algos[a].uses_t ? ", t = 1 .. 12" : "");
  gg_fill_descent(x, c);

  gg_hp hp = gg_algos[a].defaults;
  float lr0 = hp.lr;
  hp.lr = lr0 / 10.0f;
  c = gg_new_case(x, "traj_lr_change", 33, steps,
                  "%d steps as traj_random with lr changed mid-way: lr = %g for steps 1-5, "
                  "lr = %gf/10 in float32 from step 6 on%s",
                  steps, (double)lr0, (double)lr0, gg_algos[a].uses_t ? "; t = 1 .. 12" : "");
  for (int j = 5; j < steps; j++)
    c->hp[j] = gg_hp_mask(a, hp);
  gg_fill_descent(x, c);

  hp = gg_algos[a].defaults;
  hp.weight_decay = 0.1f;
  hp.decoupled_decay = 0.01f;
  c = gg_new_case(x, "wd_traj", 33, steps,
                  "%d steps as traj_random with weight_decay = 0.1 and decoupled_decay = 0.01, "
                  "other hyperparameters the defaults%s",
                  steps, gg_algos[a].uses_t ? "; t = 1 .. 12" : "");
  gg_set_hp(x, c, hp);
  gg_fill_descent(x, c);

  /* The book's comparison (ch. 6, optimizer_compare_naive.py): f(x, y) = x^2/20 + y^2
   * from (-7, 2), 30 steps, at the list's figure 6-8 rate; the other
   * hyperparameters the rule reads are its defaults. */
  hp = gg_algos[a].defaults;
  hp.lr = gg_algos[a].book_lr;
  char book_hp[240], num[32];
  int at = snprintf(book_hp, sizeof book_hp, "lr = %s [%s]", short_num(num, hp.lr),
                    gg_algos[a].book_source);
  for (int k = 0; k < GG_HP_COUNT; k++)
    if (k != GG_HPI_lr && gg_uses(a, k) && at > 0 && (size_t)at < sizeof book_hp)
      at += snprintf(book_hp + at, sizeof book_hp - (size_t)at, ", %s = %s", gg_hp_names[k],
                     short_num(num, gg_hp_get(&hp, k)));
  if (gg_algos[a].uses_t && at > 0 && (size_t)at < sizeof book_hp)
    snprintf(book_hp + at, sizeof book_hp - (size_t)at, ", t = 1 .. 30");
  c = gg_new_case(x, "book_quadratic", 2, 30,
                  "the book's f(x, y) = x^2/20 + y^2 from (-7, 2), 30 steps, gradient (x/10, 2*y) "
                  "in float32 from each step's p%s; %s",
                  live_states(a) ? ", state starting at 0" : "", book_hp);
  gg_set_hp(x, c, hp);
  c->grad = GG_GRAD_QUADRATIC;
  c->init[0][0] = -7.0f;
  c->init[0][1] = 2.0f;
}

/* ---- the edges of the domains (FORMAT.md, "Domains") ------------------------ */

void gg_edge_case(ctx *x, const char *id, gg_domain dom, gg_hp hp, int64_t t, const elem *e,
                  size_t n, const char *note) {
  gg_case *c = gg_new_case(x, id, n, 1, "%s", note);
  c->domain = dom;
  c->t[0] = t;
  gg_set_hp(x, c, hp);
  for (size_t i = 0; i < n; i++) {
    c->init[0][i] = e[i].p;
    c->g[0][i] = e[i].g;
    c->init[1][i] = e[i].s0;
    c->init[2][i] = e[i].s1;
  }
}

/* Two elements (value, then its negation) on both sides of an edge that one
 * hyperparameter or one input value moves: `in_id` inside, `out_id` on side
 * `dom` outside. */
static void edge_pair(ctx *x, int64_t t, const char *in_id, gg_hp hp_in, const elem e_in[2],
                      const char *out_id, gg_domain dom, gg_hp hp_out, const elem e_out[2],
                      const char *note_in, const char *note_out) {
  gg_edge_case(x, in_id, GG_INSIDE, hp_in, t, e_in, 2, note_in);
  gg_edge_case(x, out_id, dom, hp_out, t, e_out, 2, note_out);
}

static void domain_edges(ctx *x) {
  const gg_algo a = x->a;
  const gg_hp def = gg_algos[a].defaults;
  const gg_rule_row *row = gg_algos[a].row;
  const int64_t t = gg_algos[a].uses_t ? 3 : 1;
  gg_hp hp = def, hp2;

  /* every rule: lr*decoupled_decay overflows (1e20 * 1e20) or not (1e20 * 1e18) */
  static const elem zero_g[] = {{1.0f, 0.0f, 0.0f, 0.0f}, {-2.0f, 0.0f, 0.0f, 0.0f}};
  hp.lr = 1e20f, hp.decoupled_decay = 1e18f;
  hp2 = hp, hp2.decoupled_decay = 1e20f;
  edge_pair(x, t, "edge_lrdd_in", hp, zero_g, "edge_lrdd_over", GG_REFUSED, hp2, zero_g,
            "lr = 1e20, decoupled_decay = 1e18: lr*decoupled_decay = 1e38 is finite; p = 1, -2 "
            "with g and state 0",
            "outside: lr = 1e20, decoupled_decay = 1e20: lr*decoupled_decay = 1e40 overflows "
            "float32, the step is refused (the kernel gave NaN)");

  if (shape(a) == GG_SHAPE_PLAIN || shape(a) == GG_SHAPE_VELOCITY) {
    /* g + weight_decay*p overflows with p = 2^110 (weight_decay*p = 2^130), not with 2^100 */
    static const elem in[] = {{0x1p100f, 0.0f, 0.0f, 0.0f}, {-0x1p100f, 0.0f, 0.0f, 0.0f}};
    static const elem out[] = {{0x1p110f, 0.0f, 0.0f, 0.0f}, {-0x1p110f, 0.0f, 0.0f, 0.0f}};
    hp = def, hp.lr = 0x1p-21f, hp.weight_decay = 0x1p20f;
    edge_pair(x, t, "edge_wdp_in", hp, in, "edge_wdp_over", GG_UNBOUNDED, hp, out,
              "lr = 2^-21, weight_decay = 2^20, p = +-2^100, g = 0: weight_decay*p = 2^120 is "
              "finite",
              "outside: lr = 2^-21, weight_decay = 2^20, p = +-2^110, g = 0: weight_decay*p = "
              "2^130 overflows float32 where the exact p' = +-2^109 does not; the result is "
              "infinite or NaN");
  }

  if (row->lrg.in != 0 && shape(a) == GG_SHAPE_PLAIN) {
    /* lr*g overflows float32 where p - lr*g does not */
    const float g_in = row->lrg.in, g_out = row->lrg.out;
    const elem in[] = {{3.4e38f, g_in, 0, 0}, {-3.4e38f, -g_in, 0, 0}};
    const elem out[] = {{3.4e38f, g_out, 0, 0}, {-3.4e38f, -g_out, 0, 0}};
    hp = def, hp.lr = 2.0f;
    edge_pair(x, t, "edge_lrg_in", hp, in, "edge_lrg_over", GG_UNBOUNDED, hp, out, row->lrg.note_in,
              row->lrg.note_out);
  }

  if (row->lrg.in != 0 && shape(a) == GG_SHAPE_VELOCITY) {
    /* lr*g (Nesterov: (1+momentum)*lr*g) overflows float32 where v' does not */
    const float g_in = row->lrg.in, g_out = row->lrg.out;
    const elem in[] = {{0.0f, g_in, 3.4e38f, 0}, {0.0f, -g_in, -3.4e38f, 0}};
    const elem out[] = {{0.0f, g_out, 3.4e38f, 0}, {0.0f, -g_out, -3.4e38f, 0}};
    hp = def, hp.lr = 2.0f;
    edge_pair(x, t, "edge_lrg_in", hp, in, "edge_lrg_over", GG_UNBOUNDED, hp, out, row->lrg.note_in,
              row->lrg.note_out);
  }

  if (row->coeff_lr.in != 0) {
    /* a derived coefficient of lr ((1+momentum)*lr) overflows */
    hp = def, hp.lr = row->coeff_lr.in;
    hp2 = def, hp2.lr = row->coeff_lr.out;
    edge_pair(x, t, "edge_lrmom_in", hp, zero_g, "edge_lrmom_over", GG_REFUSED, hp2, zero_g,
              row->coeff_lr.note_in, row->coeff_lr.note_out);
  }

  if (adaptive(a)) {
    /* the new state (g*g, (1-decay_rate)*g*g, (1-beta2)*g*g) overflows float32
     * at the row's |g| */
    const float g_in = row->state.in, g_out = row->state.out;
    const elem in[] = {{1.0f, g_in, 0.0f, 0.0f}, {1.0f, -g_in, 0.0f, 0.0f}};
    const elem out[] = {{1.0f, g_out, 0.0f, 0.0f}, {1.0f, -g_out, 0.0f, 0.0f}};
    hp = def;
    if (row->state.in == 0)
      gg_die("%s case edge_state_in: a rule whose step divides by its state needs the state edge "
             "of its row (golden/gen/rules.c, .state)",
             gg_algos[a].name);
    edge_pair(x, t, "edge_state_in", hp, in, "edge_state_over", GG_UNBOUNDED, hp, out,
              row->state.note_in,
              row->state.note_out ? row->state.note_out
                                  : "outside: p = 1, g above the edge, state 0: the new state "
                                    "overflows float32 (its rounded value is inf) and p is left "
                                    "unchanged where the exact p moves");

    /* eps = 0 and a zero state: g*g underflows to 0 for |g| = 1e-30 and the step
     * divides by it (what p becomes, inf or NaN, depends on the rule: the note
     * ends with float32's, main.c); at |g| = 1e-17 the state is normal */
    static const elem in0[] = {{1.0f, 1e-17f, 0.0f, 0.0f}, {1.0f, -1e-17f, 0.0f, 0.0f}};
    static const elem out0[] = {{1.0f, 1e-30f, 0.0f, 0.0f}, {1.0f, -1e-30f, 0.0f, 0.0f}};
    hp = def, hp.eps = 0.0f;
    edge_pair(x, t, "edge_eps0_in", hp, in0, "edge_eps0_under", GG_UNBOUNDED, hp, out0,
              "eps = 0, zero state, p = 1, g = +-1e-17: the new state is a normal float32",
              "outside: eps = 0, zero state, p = 1, g = +-1e-30: the new state underflows to 0 "
              "in float32 and the step divides by it");

    if (shape(a) == GG_SHAPE_MOMENTS && gg_algos[a].convention == GG_TORCH) {
      /* gg_torch_moment_edges, below: its notes name torch's coefficients */
    } else if (shape(a) == GG_SHAPE_MOMENTS) {
      /* a subnormal intermediate of m' ((1-beta1)*g) divided by sqrt(v') + eps
       * < 1: g = 1e-39 against 1e-30 */
      static const elem ins[] = {{0.0f, 1e-30f, 0.0f, 0.0f}, {0.0f, -1e-30f, 0.0f, 0.0f}};
      static const elem outs[] = {{0.0f, 1e-39f, 0.0f, 0.0f}, {0.0f, -1e-39f, 0.0f, 0.0f}};
      hp = def;
      edge_pair(x, t, "edge_sub_in", hp, ins, "edge_sub_under", GG_UNBOUNDED, hp, outs,
                "p = 0, m = v = 0, g = +-1e-30: m' and lr_t*m' are normal",
                "outside: p = 0, m = v = 0, g = +-1e-39: m' = (1-beta1)*g is subnormal, and the "
                "step divides it by sqrt(v') + eps = 1e-7");
      /* the numerator lr_t*m' overflows where the step does not: g = 1e10 */
      static const elem big[] = {{1.0f, 1e10f, 0.0f, 0.0f}, {1.0f, -1e10f, 0.0f, 0.0f}};
      hp = def, hp.lr = 1e28f;
      hp2 = def, hp2.lr = 1e31f;
      edge_pair(x, t, "edge_lrg_in", hp, big, "edge_lrg_over", GG_UNBOUNDED, hp2, big,
                "lr = 1e28, p = 1, g = +-1e10, m = v = 0: lr_t*m' = 2e36 is finite",
                "outside: lr = 1e31, p = 1, g = +-1e10, m = v = 0: lr_t*m' = 2e39 overflows "
                "float32 where the step lr_t*m'/(sqrt(v')+eps) does not; p is infinite or NaN");
    } else {
      /* AdaGrad, RMSProp: lr*(g/(sqrt(h')+eps)): the quotient is at most 1
       * (RMSProp 2^12), so lr*g neither turns subnormal nor overflows (both were
       * outside with lr*g/...): g = 1e-40 over eps = 1e-7, and lr = 1e30 with
       * g = 1e10. The notes say only what holds for any rule of this branch; main.c
       * proves each case on the side it is. */
      static const elem tiny[] = {{0.0f, 1e-40f, 0.0f, 0.0f}, {0.0f, -1e-40f, 0.0f, 0.0f}};
      static const elem big[] = {{1.0f, 1e10f, 0.0f, 0.0f}, {1.0f, -1e10f, 0.0f, 0.0f}};
      hp = def;
      gg_edge_case(
          x, "edge_sub_lrg", GG_INSIDE, hp, t, tiny, COUNT(tiny),
          "p = 0, zero state, g = +-1e-40: lr*g is subnormal, the step does not need it to be "
          "exact");
      hp.lr = 1e30f;
      gg_edge_case(x, "edge_lrg_big", GG_INSIDE, hp, t, big, COUNT(big),
                   "lr = 1e30, p = 1, g = +-1e10, zero state: lr*g = 1e40 overflows float32, the "
                   "step does not");
      /* the quotient itself subnormal (AdaGrad: h = 1e6, g = 1e-40), multiplied by
       * lr = 1 (its absolute error 2^-150 stays) or by lr = 2^20 (scaled up) */
      static const elem q[] = {{0.0f, 1e-40f, 1e6f, 0.0f}, {0.0f, -1e-40f, 1e6f, 0.0f}};
      hp = def, hp.lr = 1.0f;
      hp2 = def, hp2.lr = 0x1p20f;
      char in_note[160], out_note[200];
      snprintf(in_note, sizeof in_note,
               "lr = 1, p = 0, %s = 1e6, g = +-1e-40: the step before lr is subnormal or 0, "
               "lr <= 1",
               gg_algos[a].state[0]);
      snprintf(out_note, sizeof out_note,
               "outside: lr = 2^20, p = 0, %s = 1e6, g = +-1e-40: the step before lr is "
               "subnormal, and lr > 1 scales its absolute error 2^-150 up",
               gg_algos[a].state[0]);
      edge_pair(x, t, "edge_sub_in", hp, q, "edge_sub_under", GG_UNBOUNDED, hp2, q, in_note,
                out_note);
    }
  }

  if (shape(a) == GG_SHAPE_MOMENTS && gg_algos[a].convention == GG_TORCH)
    gg_torch_moment_edges(x);
  else if (shape(a) == GG_SHAPE_MOMENTS) {
    /* beta2 = 0 and 0.1: v' = beta2*v + (1-beta2)*g*g far below v, where the book's
     * v += (1-beta2)*(g*g - v) cancels (p became -1 for exact -0.000999) */
    static const elem b2e[] = {
        {0.0f, 1e-4f, 0.0f, 1.0f}, {1.0f, -2e-3f, 0.01f, 4.0f}, {0.0f, 1e-4f, 1e-3f, 1.0f}};
    hp = def, hp.beta2 = 0.0f;
    gg_edge_case(
        x, "edge_beta2_0", GG_INSIDE, hp, 1, b2e, COUNT(b2e),
        "beta2 = 0, t = 1: v' = g*g is far below v (1, 4), the book's form cancels; lr 1e-3, "
        "beta1 0.9, eps 1e-7");
    hp.beta2 = 0.1f;
    gg_edge_case(x, "edge_beta2_0p1", GG_INSIDE, hp, 1, b2e, COUNT(b2e),
                 "beta2 = 0.1, t = 1: v' = 0.1*v + 0.9*g*g, mostly the first term, below v");

    /* lr_t subnormal (lr = 1e-44) or normal (1e-35), defaults, t = 3 */
    static const elem m_big[] = {{1.0f, 1.0f, 1e20f, 1.0f}, {1.0f, -1.0f, -1e20f, 1.0f}};
    hp = def, hp.lr = 1e-35f;
    hp2 = def, hp2.lr = 1e-44f;
    edge_pair(x, t, "edge_lrt_in", hp, m_big, "edge_lrt_sub", GG_REFUSED, hp2, m_big,
              "lr = 1e-35, t = 3: lr_t = 7.5e-37 is normal; m = +-1e20",
              "outside: lr = 1e-44, t = 3: lr_t is subnormal, the step is refused (m = 1e20 "
              "scaled its error up 2.5e6 scale-ULPs)");

    /* lr_t overflows: beta1 = 1 - 2^-24 at t = 1, lr_t = lr*sqrt(1-beta2)*2^24 */
    hp = def, hp.beta1 = 1.0f - 0x1p-24f, hp.lr = 1e32f;
    hp2 = hp, hp2.lr = 1e33f;
    {
      const int64_t t1 = 1;
      gg_edge_case(x, "edge_lrt_in_big", GG_INSIDE, hp, t1, zero_g, COUNT(zero_g),
                   "lr = 1e32, beta1 = 1 - 2^-24, t = 1: lr_t = 5.3e37 is finite; g and state 0");
      gg_edge_case(
          x, "edge_lrt_over", GG_REFUSED, hp2, t1, zero_g, COUNT(zero_g),
          "outside: lr = 1e33, beta1 = 1 - 2^-24, t = 1: lr_t = 5.3e38 overflows float32, the "
          "step is refused (p became NaN)");
    }

    /* the same at random: see wd_cancel */
    /* L2 decay cancelling in g + weight_decay*p, its rounding amplified through
     * sqrt(v'): the conditioning term of p's scale (FORMAT.md, "Error metric") */
    static const elem cond[] = {{0.7725f, -0.003223f, 0.002017f, 2.4e-12f}};
    hp = (gg_hp){
        .lr = 0.0018f, .beta1 = 0.893f, .beta2 = 0.964f, .eps = 1e-7f, .weight_decay = 0.00415f};
    gg_edge_case(
        x, "edge_wd_cond", GG_INSIDE, hp, 3, cond, COUNT(cond),
        "weight_decay = 0.00415 cancels g = -0.003223 to g' = -2e-5 (p = 0.7725), v = 2.4e-12: "
        "g's rounding reaches p through sqrt(v'); lr 0.0018, beta1 0.893, beta2 0.964, t = 3");
  }
}

void gg_cases_build(gg_algo a, gg_case_list *out) {
  ctx x = {out, a};
  lengths(&x);
  magnitudes(&x);
  subnormal(&x);
  near_overflow(&x);
  signed_zero(&x);
  specials(&x);
  zero_grad(&x);
  hp_edges(&x);
  weight_decay(&x);
  if (gg_uses(a, GG_HPI_beta1)) /* the bias correction's t */
    t_steps(&x);
  trajectories(&x);
  domain_edges(&x);
  wd_cancel(&x);
  if (gg_algos[a].convention == GG_TORCH)
    gg_torch_cases(&x);

  for (size_t i = 0; i < out->count; i++) {
    const gg_case *c = &out->v[i];
    if (strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(c->id) || !c->id[0])
      gg_die("%s: case id '%s' is not [a-z0-9_]+", gg_algos[a].name, c->id);
    if (strchr(c->note, '\n') || c->note[strlen(c->note) - 1] == ' ')
      gg_die("%s case %s: the note must be one line without trailing space", gg_algos[a].name,
             c->id);
    for (size_t k = 0; k < i; k++)
      if (!strcmp(out->v[k].id, c->id))
        gg_die("%s: case id '%s' twice", gg_algos[a].name, c->id);
  }
}

void gg_cases_free(gg_case_list *list) {
  for (size_t i = 0; i < list->count; i++) {
    gg_case *c = &list->v[i];
    for (int k = 0; k <= GG_MAX_STATES; k++)
      free(c->init[k]);
    for (int j = 0; j < c->steps; j++)
      free(c->g[j]);
    free(c->g);
    free(c->hp);
    free(c->t);
  }
  free(list->v);
  list->v = NULL;
  list->count = list->cap = 0;
}
