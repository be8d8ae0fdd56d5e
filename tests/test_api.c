/* The public API's contract outside the arithmetic: every bad-input class of
 * ob_step returns its own status and changes no memory; the name, default
 * and variant queries say what DESIGN.md says; and, in child processes of
 * this program, the environment hooks (OPTBENCH_CPU_FEATURES_OFF,
 * OPTBENCH_VARIANT) make variants unsupported or pick the default. */
#define _POSIX_C_SOURCE 200809L

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

#define N      37                  /* > 16 and odd: full vectors of every width and a tail */
#define ARRAYS (2 + OB_MAX_STATES) /* p, g and every state */
#define BUF    ((ARRAYS + 2) * N)  /* the arrays sit at N, 2N, ... with room to shift by N-1 */
#define SEED   0x0a91f00du /* any fixed value; data only, the statuses do not depend on it */

static float master[BUF]; /* the data every call starts from */
static float buf[BUF];    /* what the call sees; compared with master after a refusal */
static float *const P = buf + N, *const G = buf + 2 * N;
static float *const S[OB_MAX_STATES] = {buf + 3 * N, buf + 4 * N, buf + 5 * N};

/* One call of ob_step_states on fresh data that must return `want`; if it
 * is a refusal, every byte of the buffer holding the arrays must be unchanged. */
static void expect(ob_status want, const char *what, const ob_variant *v, ob_algo a,
                   const ob_hparams *hp, int64_t t, float *p, const float *g,
                   float *const s[OB_MAX_STATES], size_t n) {
  memcpy(buf, master, sizeof buf);
  const ob_status got = ob_step_states(v, a, hp, t, p, g, s, n);
  CHECK(got == want, "%s/%s: %s: got %d (%s), want %d (%s)", tu_vname(v),
        ob_algo_name(a) ? ob_algo_name(a) : "?", what, (int)got, ob_strerror(got), (int)want,
        ob_strerror(want));
  if (want != OB_OK)
    CHECK(memcmp(buf, master, sizeof buf) == 0, "%s/%s: %s: a refused call changed memory",
          tu_vname(v), ob_algo_name(a) ? ob_algo_name(a) : "?", what);
}

/* The state arrays of the rule (all of them, used or not), NULL past its count. */
typedef struct {
  float *s[OB_MAX_STATES];
} state_set;
static state_set own(ob_algo a) {
  state_set x = {{NULL}};
  for (int k = 0; k < ob_state_count(a) && k < OB_MAX_STATES; k++)
    x.s[k] = S[k];
  return x;
}

/* Runs a valid call and keeps its result (the whole buffer) in out. */
static ob_status run_keep(const ob_variant *v, ob_algo a, const ob_hparams *hp, int64_t t,
                          float out[BUF]) {
  memcpy(buf, master, sizeof buf);
  const ob_status st = ob_step_states(v, a, hp, t, P, G, own(a).s, N);
  memcpy(out, buf, sizeof buf);
  return st;
}

/* ---- Hyperparameter domains --------------------------------------------- */

enum { NONNEG, RATE, FLAG }; /* [0, inf), [0, 1) and {0, 1} */

/* DESIGN.md's hyperparameters and their domains, written out here: the
 * specification. A hyperparameter added to the list is added here too. */
static const struct {
  unsigned bit;
  int domain;
  const char *name;
} fields[] = {
    {OB_HP_LR, NONNEG, "lr"},
    {OB_HP_MOMENTUM, RATE, "momentum"},
    {OB_HP_DECAY, RATE, "decay_rate"},
    {OB_HP_BETA1, RATE, "beta1"},
    {OB_HP_BETA2, RATE, "beta2"},
    {OB_HP_EPS, NONNEG, "eps"},
    {OB_HP_WEIGHT_DECAY, NONNEG, "weight_decay"},
    {OB_HP_DECOUPLED_DECAY, NONNEG, "decoupled_decay"},
    /* 0.3: torch.optim's options */
    {OB_HP_DAMPENING, RATE, "dampening"},
    {OB_HP_NESTEROV, FLAG, "nesterov"},
    {OB_HP_MAXIMIZE, FLAG, "maximize"},
    {OB_HP_AMSGRAD, FLAG, "amsgrad"},
    {OB_HP_LR_DECAY, NONNEG, "lr_decay"},
    {OB_HP_INITIAL_ACCUMULATOR_VALUE, NONNEG, "initial_accumulator_value"},
    {OB_HP_CENTERED, FLAG, "centered"},
};
#define FIELD_COUNT (sizeof fields / sizeof fields[0])
#define DECAYS      (OB_HP_WEIGHT_DECAY | OB_HP_DECOUPLED_DECAY) /* read by every rule */

static void set_field(ob_hparams *hp, size_t f, float x) {
  const ob_status st = ob_hparams_set(hp, fields[f].name, x);
  CHECK(st == OB_OK, "ob_hparams_set(%s, %g): %s", fields[f].name, (double)x, ob_strerror(st));
}

static float get_field(const ob_hparams *hp, size_t f) {
  double x = NAN;
  const ob_status st = ob_hparams_get(hp, fields[f].name, &x);
  CHECK(st == OB_OK, "ob_hparams_get(%s): %s", fields[f].name, ob_strerror(st));
  return (float)x;
}

/* Valid hyperparameters whose derived coefficient leaves the range the
 * kernels are verified for (DESIGN.md 6.1): a nonzero coefficient must
 * be a normal float, in double from the definitions, at t = 1. */
static int coeff_outside(double c) { return c != 0 && !(fabs(c) >= FLT_MIN && fabs(c) <= FLT_MAX); }
static ob_status derived_status(ob_algo a, const ob_hparams *hp) {
  const double lr = hp->lr, mom = hp->momentum, b1 = hp->beta1, b2 = hp->beta2;
  if (a == OB_NESTEROV && (coeff_outside(mom * mom) || coeff_outside((1 + mom) * lr)))
    return OB_EHPARAM;
  if (a == OB_ADAM && coeff_outside(lr * sqrt(1 - b2) / (1 - b1)))
    return OB_EHPARAM;
  /* torch's Adam at t = 1: the step size lr/(1-beta1) and 1/sqrt(1-beta2) */
  if ((a == OB_TORCH_ADAM || a == OB_TORCH_ADAMW) &&
      (coeff_outside(lr / (1 - b1)) || coeff_outside(1 / sqrt(1 - b2))))
    return OB_EHPARAM;
  /* torch's Adagrad at t = 1: lr/(1 + 0*lr_decay) = lr */
  if (a == OB_TORCH_ADAGRAD && coeff_outside(lr))
    return OB_EHPARAM;
  if (hp->decoupled_decay != 0 && coeff_outside(lr * hp->decoupled_decay))
    return OB_EHPARAM;
  return OB_OK;
}

/* The values outside and inside each domain. */
static const float bad_all[] = {NAN, -NAN, INFINITY, -INFINITY, -0.1f, -FLT_MIN, -FLT_TRUE_MIN};
static const float bad_rate[] = {1.0f, 1.5f, 1e30f}; /* [0, 1)'s upper edge and beyond */
static const float bad_flag[] = {FLT_TRUE_MIN, 0.5f, 0x1.fffffep-1f, 0x1.000002p0f, 2.0f, -1.0f};
/* 0 (lr = 0, eps = 0, momentum = 0 are golden cases), -0 (equal to 0) */
static const float good_all[] = {0.0f, -0.0f};
static const float good_nonneg[] = {FLT_TRUE_MIN, 0.5f, 1.0f, 1.5f, FLT_MAX};
static const float good_rate[] = {FLT_TRUE_MIN, 0.5f, 0x1.fffffep-1f}; /* the largest below 1 */
static const float good_flag[] = {1.0f};
#define COUNT_OF(x) (sizeof(x) / sizeof((x)[0]))

/* The values of `domain` outside it (bad) or inside it (good), besides bad_all and good_all. */
static size_t domain_values(int domain, int good, const float **out) {
  if (domain == NONNEG) {
    *out = good ? good_nonneg : NULL;
    return good ? COUNT_OF(good_nonneg) : 0;
  }
  if (domain == RATE) {
    *out = good ? good_rate : bad_rate;
    return good ? COUNT_OF(good_rate) : COUNT_OF(bad_rate);
  }
  *out = good ? good_flag : bad_flag;
  return good ? COUNT_OF(good_flag) : COUNT_OF(bad_flag);
}

static void check_hparams(const ob_variant *v, ob_algo a) {
  const ob_hparams def = ob_defaults(a);
  const unsigned used = ob_hparams_used(a);
  static float ref[BUF], out[BUF];
  CHECK(run_keep(v, a, &def, 1, ref) == OB_OK, "%s/%s: defaults refused", tu_vname(v),
        ob_algo_name(a));
  char what[96];
  for (size_t f = 0; f < FIELD_COUNT; f++) {
    ob_hparams hp = def;
    if (used & fields[f].bit) {
      for (size_t i = 0; i < COUNT_OF(bad_all); i++) {
        set_field(&hp, f, bad_all[i]);
        snprintf(what, sizeof what, "%s = %g", fields[f].name, (double)bad_all[i]);
        expect(OB_EHPARAM, what, v, a, &hp, 1, P, G, own(a).s, N);
        expect(OB_EHPARAM, what, v, a, &hp, 1, NULL, NULL, NULL, 0); /* even for n = 0 */
        CHECK(ob_hparams_check(a, &hp) == OB_EHPARAM, "%s: ob_hparams_check", what);
      }
      const float *x;
      for (size_t i = 0, m = domain_values(fields[f].domain, 0, &x); i < m; i++) {
        set_field(&hp, f, x[i]);
        snprintf(what, sizeof what, "%s = %a", fields[f].name, (double)x[i]);
        expect(OB_EHPARAM, what, v, a, &hp, 1, P, G, own(a).s, N);
        CHECK(ob_hparams_check(a, &hp) == OB_EHPARAM, "%s: ob_hparams_check", what);
      }
      for (size_t i = 0; i < COUNT_OF(good_all); i++) {
        set_field(&hp, f, good_all[i]);
        snprintf(what, sizeof what, "%s = %g", fields[f].name, (double)good_all[i]);
        expect(derived_status(a, &hp), what, v, a, &hp, 1, P, G, own(a).s, N);
      }
      for (size_t i = 0, m = domain_values(fields[f].domain, 1, &x); i < m; i++) {
        set_field(&hp, f, x[i]);
        snprintf(what, sizeof what, "%s = %a", fields[f].name, (double)x[i]);
        expect(derived_status(a, &hp), what, v, a, &hp, 1, P, G, own(a).s, N);
      }
    } else {
      /* an unused field is ignored: garbage in it is accepted and changes no bit */
      const float garbage[] = {NAN, INFINITY, -1.0f, 1.5f};
      for (size_t i = 0; i < COUNT_OF(garbage); i++) {
        set_field(&hp, f, garbage[i]);
        snprintf(what, sizeof what, "unused %s = %g", fields[f].name, (double)garbage[i]);
        CHECK(run_keep(v, a, &hp, 1, out) == OB_OK, "%s/%s: %s refused", tu_vname(v),
              ob_algo_name(a), what);
        CHECK(memcmp(out, ref, sizeof out) == 0, "%s/%s: %s changed the result", tu_vname(v),
              ob_algo_name(a), what);
        CHECK(ob_hparams_check(a, &hp) == OB_OK, "%s: ob_hparams_check", what);
      }
    }
  }
}

/* ---- Step number ------------------------------------------------------- */

static void check_step_number(const ob_variant *v, ob_algo a) {
  const ob_hparams hp = ob_defaults(a);
  const int64_t bad_t[] = {0, -5, INT64_MIN};
  static float ref[BUF], out[BUF];
  CHECK(run_keep(v, a, &hp, 1, ref) == OB_OK, "%s/%s: t = 1 refused", tu_vname(v), ob_algo_name(a));
  for (size_t i = 0; i < sizeof bad_t / sizeof bad_t[0]; i++) {
    char what[64];
    snprintf(what, sizeof what, "t = %" PRId64, bad_t[i]);
    if (ob_hparams_used(a) & OB_HP_STEP) {
      expect(OB_ESTEP, what, v, a, &hp, bad_t[i], P, G, own(a).s, N);
    } else {
      /* t is ignored: accepted, and the result is the t = 1 result */
      CHECK(run_keep(v, a, &hp, bad_t[i], out) == OB_OK, "%s/%s: %s refused", tu_vname(v),
            ob_algo_name(a), what);
      CHECK(memcmp(out, ref, sizeof out) == 0, "%s/%s: %s changed the result", tu_vname(v),
            ob_algo_name(a), what);
    }
  }
  /* the largest step number is a valid one (bias correction tends to 1) */
  expect(OB_OK, "t = INT64_MAX", v, a, &hp, INT64_MAX, P, G, own(a).s, N);
}

/* ---- Arrays: NULL, overlap, size --------------------------------------- */

static void check_arrays_hp(const ob_variant *v, ob_algo a, const ob_hparams *hp) {
  const int states = ob_state_count(a);
  float *const *s = own(a).s;
  int used[OB_MAX_STATES] = {0}; /* what the step reads and writes */
  for (int k = 0; k < states; k++)
    used[k] = ob_state_used(a, hp, k);

  expect(OB_OK, "adjacent arrays p|g|s0|s1|s2", v, a, hp, 1, P, G, s, N);
  /* the other order, still adjacent: s2|s1|s0|g|p */
  {
    float *rev[ARRAYS] = {S[2], S[1], S[0], G, P};
    float *const rs[OB_MAX_STATES] = {states > 0 ? rev[2] : NULL, states > 1 ? rev[3] : NULL,
                                      states > 2 ? rev[4] : NULL};
    expect(OB_OK, "adjacent arrays s2|s1|s0|g|p", v, a, hp, 1, rev[0], rev[1], rs, N);
  }

  expect(OB_EINVAL, "NULL p", v, a, hp, 1, NULL, G, s, N);
  expect(OB_EINVAL, "NULL g", v, a, hp, 1, P, NULL, s, N);
  /* NULL for a state: refused if the step uses it, else accepted (optbench.h) */
  for (int k = 0; k < OB_MAX_STATES; k++) {
    state_set x = own(a);
    x.s[k] = NULL;
    char what[64];
    snprintf(what, sizeof what, "NULL s%d (%s)", k, used[k] ? "used" : "unused");
    expect(used[k] ? OB_EINVAL : OB_OK, what, v, a, hp, 1, P, G, x.s, N);
  }
  /* a NULL list: only when no state is used */
  expect(used[0] || used[1] || used[2] ? OB_EINVAL : OB_OK, "NULL states", v, a, hp, 1, P, G, NULL,
         N);
  expect(OB_OK, "n = 0, NULL arrays", v, a, hp, 1, NULL, NULL, NULL, 0);
  {
    float *const same[OB_MAX_STATES] = {P, P, P};
    expect(OB_OK, "n = 0, p == g (empty ranges share nothing)", v, a, hp, 1, P, P, same, 0);
  }
  expect(OB_EINVAL, "NULL hp", v, a, NULL, 1, P, G, s, N);

  /* state arrays the step does not use are ignored, even aliasing p */
  for (int k = 0; k < OB_MAX_STATES; k++)
    if (!used[k]) {
      state_set x = own(a);
      x.s[k] = P;
      char what[64];
      snprintf(what, sizeof what, "unused s%d == p", k);
      expect(OB_OK, what, v, a, hp, 1, P, G, x.s, N);
    }

  /* every pair of used arrays, the second moved onto the first: the same
   * start, shifted by one element either way, sharing only the last or the
   * first element */
  static const char *const names[ARRAYS] = {"p", "g", "s0", "s1", "s2"};
  const ptrdiff_t shifts[] = {0, 1, -1, N - 1, -(N - 1)};
  int in_use[ARRAYS] = {1, 1};
  for (int k = 0; k < OB_MAX_STATES; k++)
    in_use[2 + k] = used[k];
  for (int i = 0; i < ARRAYS; i++)
    for (int j = i + 1; j < ARRAYS; j++)
      for (size_t k = 0; in_use[i] && in_use[j] && k < COUNT_OF(shifts); k++) {
        float *arr[ARRAYS] = {P, G, s[0], s[1], s[2]};
        arr[j] = arr[i] + shifts[k];
        const state_set x = {{arr[2], arr[3], arr[4]}};
        char what[64];
        snprintf(what, sizeof what, "%s = %s %+td", names[j], names[i], shifts[k]);
        expect(OB_EOVERLAP, what, v, a, hp, 1, arr[0], arr[1], x.s, N);
      }

  /* sizes that cannot fit in the address space (and, for the last two, whose
   * byte count wraps around): refused before any element is touched */
  const size_t huge[] = {SIZE_MAX / 2, SIZE_MAX, SIZE_MAX / sizeof(float) + 1,
                         (size_t)PTRDIFF_MAX / sizeof(float) + 1};
  for (size_t i = 0; i < COUNT_OF(huge); i++) {
    char what[64];
    snprintf(what, sizeof what, "n = %zu", huge[i]);
    expect(OB_EINVAL, what, v, a, hp, 1, P, G, s, huge[i]);
  }
}

/* With the defaults, and (a torch rule) with every option on: every state used. */
static void check_arrays(const ob_variant *v, ob_algo a) {
  const ob_hparams def = ob_defaults(a);
  check_arrays_hp(v, a, &def);
  if (tu_has_options(a)) {
    const ob_hparams on = tu_options_on(a);
    check_arrays_hp(v, a, &on);
  }
}

/* ---- Unknown algorithms and variants ---------------------------------- */

static void check_bad_algo_variant(const ob_variant *v) {
  const ob_hparams hp = ob_defaults(OB_SGD);
  expect(OB_EINVAL, "algo = OB_ALGO_COUNT", v, (ob_algo)OB_ALGO_COUNT, &hp, 1, P, G, S, N);
  expect(OB_EINVAL, "algo = -1", v, (ob_algo)-1, &hp, 1, P, G, S, N);
}

static void check_foreign_variants(void) {
  /* something that is not one of the registry's own entries */
  struct {
    const char *name;
    double junk[8];
  } fake = {"avx2", {0}};
  const ob_variant *bogus[] = {
      (const ob_variant *)&fake,
      (const ob_variant *)((const char *)ob_variant_at(0) + 1), /* inside the registry */
  };
  for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      const ob_hparams hp = ob_defaults((ob_algo)a);
      expect(OB_EINVAL, "foreign variant pointer", bogus[i], (ob_algo)a, &hp, 1, P, G,
             own((ob_algo)a).s, N);
      CHECK(ob_error_bound((ob_algo)a, bogus[i]) < 0, "foreign variant has an error bound");
    }
    CHECK(ob_variant_name(bogus[i]) == NULL && ob_variant_isa(bogus[i]) == NULL &&
              !ob_variant_is_parallel(bogus[i]) && !ob_variant_supported(bogus[i]),
          "foreign variant %zu answered as a variant", i);
  }
}

/* ---- The bad-input matrix --------------------------------------------- */

static void check_variant(const ob_variant *v) {
  check_bad_algo_variant(v);
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    check_arrays(v, (ob_algo)a);
    check_hparams(v, (ob_algo)a);
    check_step_number(v, (ob_algo)a);
  }
}

/* A variant this CPU (or the environment) does not support: refused, nothing touched. */
static void check_unsupported(const ob_variant *v) {
  CHECK(!ob_variant_supported(v), "%s", ob_variant_name(v));
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams hp = ob_defaults((ob_algo)a);
    expect(OB_EUNSUPPORTED, "unsupported variant", v, (ob_algo)a, &hp, 1, P, G, own((ob_algo)a).s,
           N);
    ob_status st = OB_OK;
    CHECK(ob_optimizer_new((ob_algo)a, &hp, v, &st) == NULL && st == OB_EUNSUPPORTED,
          "%s: ob_optimizer_new: status %d", ob_variant_name(v), (int)st);
  }
}

/* A supported variant works: OK, and p moves for a nonzero gradient. */
static void check_works(const ob_variant *v) {
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams hp = ob_defaults((ob_algo)a);
    memcpy(buf, master, sizeof buf);
    const ob_status st = ob_step_states(v, (ob_algo)a, &hp, 1, P, G, own((ob_algo)a).s, N);
    CHECK(st == OB_OK, "%s/%s: %s", tu_vname(v), ob_algo_name((ob_algo)a), ob_strerror(st));
    CHECK(memcmp(P, master + N, N * sizeof(float)) != 0, "%s/%s: p did not change", tu_vname(v),
          ob_algo_name((ob_algo)a));
  }
}

/* ---- Names, defaults, statuses, variants ------------------------------ */

/* DESIGN.md's table, written out here: it is the specification, not the code. */
#define HP(...)                                                                                    \
  { .size = sizeof(ob_hparams), __VA_ARGS__ }
/* What rules of one kind have in common: the book's velocity (Momentum,
 * Nesterov), a non-negative sum of squares under a root (AdaGrad, RMSProp,
 * torch's Adagrad), torch's Adam and AdamW, which differ only in what their
 * weight_decay means, and Adam's rates. */
#define VELOCITY_SPEC                                                                              \
  .states = 1, .state = {"v"}, .uses = OB_HP_LR | OB_HP_MOMENTUM | DECAYS,                         \
  .defaults = HP(.lr = 0.01f, .momentum = 0.9f)
#define SQUARES_SPEC(h) .states = 1, .state = {h}, .nonneg = {1}, .sqrt = 1, .div = 1
#define TORCH_ADAM_SPEC                                                                            \
  .states = 3, .state = {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}, .nonneg = {0, 1, 1},          \
  .sqrt = 1, .div = 1,                                                                             \
  .uses = OB_HP_LR | OB_HP_BETA1 | OB_HP_BETA2 | OB_HP_EPS | OB_HP_AMSGRAD | OB_HP_MAXIMIZE |      \
          OB_HP_STEP | DECAYS,                                                                     \
  .torch = 1, .condition = {NULL, NULL, "amsgrad"}
#define ADAM_HP .lr = 0.001f, .beta1 = 0.9f, .beta2 = 0.999f

static const struct {
  const char *name, *title;
  ob_algo id; /* the enum order of DESIGN.md's sketch */
  int states;
  const char *state[OB_MAX_STATES];
  int nonneg[OB_MAX_STATES]; /* the state's domain: a sum of squares is never negative */
  int sqrt, div;             /* per element */
  unsigned uses;
  ob_hparams defaults; /* unused fields 0 */
  int torch;           /* the convention: 0 the book's, 1 torch.optim's */
  /* the field that switches each state on (NULL: always on), and the one it starts at */
  const char *condition[OB_MAX_STATES], *initial[OB_MAX_STATES];
} spec[] = {
    {.name = "sgd",
     .title = "SGD",
     .id = OB_SGD,
     .uses = OB_HP_LR | DECAYS,
     .defaults = HP(.lr = 0.01f)},
    {.name = "momentum", .title = "Momentum", .id = OB_MOMENTUM, VELOCITY_SPEC},
    {.name = "nesterov", .title = "Nesterov", .id = OB_NESTEROV, VELOCITY_SPEC},
    {.name = "adagrad",
     .title = "AdaGrad",
     .id = OB_ADAGRAD,
     SQUARES_SPEC("h"),
     .uses = OB_HP_LR | OB_HP_EPS | DECAYS,
     .defaults = HP(.lr = 0.01f, .eps = 1e-7f)},
    {.name = "rmsprop",
     .title = "RMSProp",
     .id = OB_RMSPROP,
     SQUARES_SPEC("h"),
     .uses = OB_HP_LR | OB_HP_DECAY | OB_HP_EPS | DECAYS,
     .defaults = HP(.lr = 0.01f, .decay_rate = 0.99f, .eps = 1e-7f)},
    {.name = "adam",
     .title = "Adam",
     .id = OB_ADAM,
     .states = 2,
     .state = {"m", "v"},
     .nonneg = {0, 1},
     .sqrt = 1,
     .div = 1,
     .uses = OB_HP_LR | OB_HP_BETA1 | OB_HP_BETA2 | OB_HP_EPS | OB_HP_STEP | DECAYS,
     .defaults = HP(ADAM_HP, .eps = 1e-7f)},
    /* torch.optim's own (torch 2.x documentation): state names are the keys of
     * optimizer.state, defaults the constructors' */
    {.name = "torch_sgd",
     .title = "SGD (torch)",
     .id = OB_TORCH_SGD,
     .states = 1,
     .state = {"momentum_buffer"},
     .uses = OB_HP_LR | OB_HP_MOMENTUM | OB_HP_DAMPENING | OB_HP_NESTEROV | OB_HP_MAXIMIZE |
             OB_HP_STEP | DECAYS,
     .defaults = HP(.lr = 0.001f),
     .torch = 1,
     .condition = {"momentum"}},
    {.name = "torch_adam",
     .title = "Adam (torch)",
     .id = OB_TORCH_ADAM,
     TORCH_ADAM_SPEC,
     .defaults = HP(ADAM_HP, .eps = 1e-8f)},
    {.name = "torch_adamw",
     .title = "AdamW (torch)",
     .id = OB_TORCH_ADAMW,
     TORCH_ADAM_SPEC,
     /* torch's AdamW weight_decay defaults to 1e-2: the decoupled one */
     .defaults = HP(ADAM_HP, .eps = 1e-8f, .decoupled_decay = 0.01f)},
    {.name = "torch_adagrad",
     .title = "Adagrad (torch)",
     .id = OB_TORCH_ADAGRAD,
     SQUARES_SPEC("sum"),
     .uses = OB_HP_LR | OB_HP_LR_DECAY | OB_HP_INITIAL_ACCUMULATOR_VALUE | OB_HP_EPS |
             OB_HP_MAXIMIZE | OB_HP_STEP | DECAYS,
     .defaults = HP(.lr = 0.01f, .eps = 1e-10f),
     .torch = 1,
     .initial = {"initial_accumulator_value"}},
    {.name = "torch_rmsprop",
     .title = "RMSprop (torch)",
     .id = OB_TORCH_RMSPROP,
     .states = 3,
     .state = {"square_avg", "momentum_buffer", "grad_avg"},
     .nonneg = {1, 0, 0},
     .sqrt = 1,
     .div = 1,
     .uses = OB_HP_LR | OB_HP_DECAY | OB_HP_EPS | OB_HP_MOMENTUM | OB_HP_CENTERED | OB_HP_MAXIMIZE |
             DECAYS,
     .defaults = HP(.lr = 0.01f, .decay_rate = 0.99f, .eps = 1e-8f),
     .torch = 1,
     .condition = {NULL, "momentum", "centered"}},
};
#define SPEC_COUNT (sizeof spec / sizeof spec[0])

/* The rest of the row (the public view of the list) against DESIGN.md. */
static void check_row(size_t i) {
  const ob_algo a = spec[i].id;
  const char *nm = spec[i].name;
  CHECK(ob_algo_title(a) && strcmp(ob_algo_title(a), spec[i].title) == 0, "%s: title", nm);
  for (int k = -1; k <= OB_MAX_STATES; k++) {
    const int in = k >= 0 && k < spec[i].states;
    const char *want = in ? spec[i].state[k] : NULL;
    const char *got = ob_state_name(a, k);
    CHECK(want ? got && strcmp(got, want) == 0 : got == NULL, "%s: state %d is %s", nm, k,
          got ? got : "NULL");
    CHECK(ob_state_nonneg(a, k) == (want ? spec[i].nonneg[k] : -1), "%s: state %d's domain", nm, k);
    const char *cond = in ? spec[i].condition[k] : NULL, *init = in ? spec[i].initial[k] : NULL;
    const char *gc = ob_state_condition(a, k), *gi = ob_state_initial(a, k);
    CHECK(cond ? gc && strcmp(gc, cond) == 0 : gc == NULL, "%s: state %d's condition %s", nm, k,
          gc ? gc : "NULL");
    CHECK(init ? gi && strcmp(gi, init) == 0 : gi == NULL, "%s: state %d's initial value %s", nm, k,
          gi ? gi : "NULL");
    /* used with the defaults exactly when it has no condition (every option is off) */
    const ob_hparams d = ob_defaults(a);
    CHECK(ob_state_used(a, &d, k) == (in ? !cond : -1), "%s: state %d used %d", nm, k,
          ob_state_used(a, &d, k));
  }
  const char *conv = ob_algo_convention(a);
  CHECK(conv && strcmp(conv, spec[i].torch ? "torch" : "book") == 0, "%s: convention %s", nm,
        conv ? conv : "NULL");
  int sq = -1, dv = -1;
  CHECK(ob_algo_cost(a, &sq, &dv) == OB_OK && sq == spec[i].sqrt && dv == spec[i].div,
        "%s: cost %d sqrt %d div", nm, sq, dv);
  CHECK(ob_algo_reads_step(a) == ((spec[i].uses & OB_HP_STEP) != 0), "%s: reads t", nm);
  const ob_book_figure figs[] = {OB_BOOK_TRAJECTORY, OB_BOOK_MNIST};
  for (size_t k = 0; k < 2; k++) {
    const char *src = ob_algo_book_source(a, figs[k]);
    CHECK(ob_algo_book_lr(a, figs[k]) > 0 && src && *src, "%s: book figure %zu", nm, k);
  }
  /* the chapter's six all have a torch peer and the book's NumPy step */
  CHECK(ob_algo_torch(a) && ob_algo_torch_note(a) && ob_algo_numpy(a) && *ob_algo_numpy(a),
        "%s: torch/numpy columns", nm);
}

/* The library's hyperparameter list is DESIGN.md's, by name, in both directions. */
static void check_hparam_list(void) {
  CHECK(ob_hparam_count() == (int)FIELD_COUNT && OB_HPARAM_COUNT == (int)FIELD_COUNT,
        "%d hyperparameters, DESIGN.md lists %zu", ob_hparam_count(), FIELD_COUNT);
  for (int i = 0; i < ob_hparam_count(); i++) {
    const char *nm = ob_hparam_name(i);
    size_t f = 0;
    while (f < FIELD_COUNT && nm && strcmp(fields[f].name, nm) != 0)
      f++;
    CHECK(nm && f < FIELD_COUNT, "hyperparameter %d (%s) is not DESIGN.md's", i, nm ? nm : "NULL");
    CHECK(nm && ob_hparam_find(nm) == i, "%s: found elsewhere", nm ? nm : "NULL");
    CHECK(f >= FIELD_COUNT || fields[f].bit == 1u << i, "%s: bit", nm);
  }
  CHECK(ob_hparam_name(-1) == NULL && ob_hparam_name(ob_hparam_count()) == NULL, "past the end");
  const char *unknown[] = {"", "LR", "lr ", "size", "alpha", "betas"}; /* torch's, not ours */
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    CHECK(ob_hparam_find(unknown[i]) == -1, "\"%s\" found", unknown[i]);
  CHECK(ob_hparam_find(NULL) == -1, "NULL found");
  /* named access: each name reaches its own field and no other; bad calls refused */
  for (size_t f = 0; f < FIELD_COUNT; f++) {
    ob_hparams hp = OB_HPARAMS_INIT;
    set_field(&hp, f, 0.25f);
    for (size_t k = 0; k < FIELD_COUNT; k++)
      CHECK(get_field(&hp, k) == (k == f ? 0.25f : 0.0f), "set %s changed %s", fields[f].name,
            fields[k].name);
  }
  ob_hparams hp = OB_HPARAMS_INIT;
  double x = 0;
  CHECK(ob_hparams_set(&hp, "lr", 1e300) == OB_OK && isinf(hp.lr) && hp.lr > 0, "1e300: +Inf");
  CHECK(ob_hparams_set(&hp, "lr", -1e300) == OB_OK && isinf(hp.lr) && hp.lr < 0, "-1e300: -Inf");
  CHECK(ob_hparams_set(&hp, "lr", 0.1) == OB_OK && hp.lr == 0.1f, "0.1 rounds to 0.1f");
  CHECK(ob_hparams_set(&hp, "nope", 1) == OB_EINVAL && ob_hparams_set(NULL, "lr", 1) == OB_EINVAL &&
            ob_hparams_set(&hp, NULL, 1) == OB_EINVAL,
        "bad set accepted");
  CHECK(ob_hparams_get(&hp, "nope", &x) == OB_EINVAL &&
            ob_hparams_get(NULL, "lr", &x) == OB_EINVAL &&
            ob_hparams_get(&hp, "lr", NULL) == OB_EINVAL,
        "bad get accepted");
  hp.size = 0; /* not set: no version reads it */
  CHECK(ob_hparams_set(&hp, "lr", 1) == OB_EINVAL && ob_hparams_get(&hp, "lr", &x) == OB_EINVAL &&
            ob_hparams_check(OB_SGD, &hp) == OB_EINVAL &&
            ob_hparams_defaults(OB_SGD, &hp) == OB_EINVAL,
        "size 0 accepted");
  hp.size = sizeof hp;
  CHECK(ob_hparams_defaults((ob_algo)OB_ALGO_COUNT, &hp) == OB_EINVAL &&
            ob_hparams_defaults(OB_SGD, NULL) == OB_EINVAL,
        "bad defaults call accepted");
  /* unknown rules: nothing in the view */
  int sq, dv;
  CHECK(!ob_algo_title((ob_algo)-1) && !ob_state_name((ob_algo)OB_ALGO_COUNT, 0) &&
            ob_state_nonneg((ob_algo)-1, 0) == -1 &&
            ob_algo_cost((ob_algo)-1, &sq, &dv) == OB_EINVAL &&
            ob_algo_cost(OB_ADAM, NULL, &dv) == OB_EINVAL &&
            ob_algo_book_lr((ob_algo)-1, OB_BOOK_MNIST) < 0 &&
            ob_algo_book_lr(OB_SGD, (ob_book_figure)7) < 0 &&
            !ob_algo_book_source(OB_SGD, (ob_book_figure)-1) && !ob_algo_torch((ob_algo)-1) &&
            !ob_algo_torch_note((ob_algo)-1) && !ob_algo_numpy((ob_algo)-1) &&
            ob_algo_reads_step((ob_algo)-1) == 0,
        "the view answered for an unknown rule");
}

static void check_algorithms(void) {
  check_hparam_list();
  /* the chapter's six come first; an algorithm added to the list later may follow */
  CHECK(SPEC_COUNT <= OB_ALGO_COUNT, "DESIGN.md lists %zu algorithms, the library only %d",
        SPEC_COUNT, OB_ALGO_COUNT);
  for (size_t i = 0; i < SPEC_COUNT; i++) {
    const ob_algo a = spec[i].id;
    CHECK((size_t)a == i, "%s is not number %zu of the list", spec[i].name, i);
    CHECK(ob_algo_from_name(spec[i].name) == (int)a, "%s", spec[i].name);
    CHECK(ob_algo_name(a) && strcmp(ob_algo_name(a), spec[i].name) == 0, "%s", spec[i].name);
    CHECK(ob_state_count(a) == spec[i].states, "%s: %d states", spec[i].name, ob_state_count(a));
    CHECK(ob_hparams_used(a) == spec[i].uses, "%s: uses 0x%x", spec[i].name, ob_hparams_used(a));
    const ob_hparams d = ob_defaults(a), w = spec[i].defaults;
    for (size_t f = 0; f < FIELD_COUNT; f++) {
      const float got = get_field(&d, f), want = get_field(&w, f);
      CHECK(tu_u32(got) == tu_u32(want), "%s: default %s = %a, DESIGN.md says %a", spec[i].name,
            fields[f].name, (double)got, (double)want);
    }
    check_row(i);
  }
  /* generic: every algorithm's name round-trips, names are distinct, defaults are valid */
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const char *name = ob_algo_name((ob_algo)a);
    CHECK(name && *name, "algorithm %d has no name", a);
    if (!name)
      continue;
    CHECK(ob_algo_from_name(name) == a, "%s", name);
    for (int b = 0; b < a; b++)
      CHECK(strcmp(name, ob_algo_name((ob_algo)b)) != 0, "%s twice", name);
    const ob_hparams d = ob_defaults((ob_algo)a);
    CHECK(ob_hparams_check((ob_algo)a, &d) == OB_OK, "%s: defaults invalid", name);
    CHECK(ob_state_count((ob_algo)a) >= 0 && ob_state_count((ob_algo)a) <= OB_MAX_STATES, "%s",
          name);
  }
  const char *unknown[] = {"nope", "", "sgd ", "sg", "adamw"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    CHECK(ob_algo_from_name(unknown[i]) == -1, "\"%s\" accepted", unknown[i]);
  CHECK(ob_algo_from_name(NULL) == -1, "NULL name accepted");
  const ob_algo bad[] = {(ob_algo)OB_ALGO_COUNT, (ob_algo)-1, (ob_algo)1000};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK(ob_algo_name(bad[i]) == NULL, "algo %d has a name", (int)bad[i]);
    CHECK(ob_state_count(bad[i]) == -1, "algo %d has states", (int)bad[i]);
    CHECK(ob_hparams_used(bad[i]) == 0, "algo %d uses hparams", (int)bad[i]);
    const ob_hparams d = ob_defaults(OB_SGD);
    CHECK(ob_hparams_check(bad[i], &d) == OB_EINVAL, "algo %d", (int)bad[i]);
  }
  CHECK(ob_hparams_check(OB_SGD, NULL) == OB_EINVAL, "NULL hp");
}

static void check_statuses(void) {
  const char *oor[] = {ob_strerror(OB_STATUS_COUNT), ob_strerror((ob_status)-1),
                       ob_strerror((ob_status)1000)};
  for (size_t i = 0; i < sizeof oor / sizeof oor[0]; i++)
    CHECK(oor[i] && *oor[i], "out-of-range status %zu has no message", i);
  for (int s = 0; s < OB_STATUS_COUNT; s++) {
    const char *m = ob_strerror((ob_status)s);
    CHECK(m && *m, "status %d has no message", s);
    if (!m)
      continue;
    for (int r = 0; r < s; r++)
      CHECK(strcmp(m, ob_strerror((ob_status)r)) != 0, "statuses %d and %d: \"%s\"", r, s, m);
    CHECK(!oor[0] || strcmp(m, oor[0]) != 0, "status %d reads as out of range", s);
  }
}

#define VARIANTS 10 /* DESIGN.md: five instruction sets, each alone and +omp */

static void check_variants(void) {
  const size_t count = ob_variant_count();
  CHECK(count == VARIANTS, "%zu variants", count);
  CHECK(ob_variant_at(count) == NULL && ob_variant_at(SIZE_MAX) == NULL, "past the end");
  for (size_t i = 0; i < count; i++) {
    const ob_variant *v = ob_variant_at(i);
    const char *name = ob_variant_name(v), *isa = ob_variant_isa(v);
    CHECK(v && name && *name && isa && *isa, "variant %zu", i);
    if (!v || !name || !isa)
      continue;
    CHECK(ob_variant_find(name) == v, "%s not found by its name", name);
    for (size_t j = 0; j < i; j++)
      CHECK(strcmp(name, ob_variant_name(ob_variant_at(j))) != 0, "%s twice", name);
    const size_t len = strlen(name);
    const int omp = len > 4 && strcmp(name + len - 4, "+omp") == 0;
    CHECK(ob_variant_is_parallel(v) == omp, "%s: is_parallel %d", name, ob_variant_is_parallel(v));
    CHECK(strlen(isa) == (omp ? len - 4 : len) && strncmp(name, isa, strlen(isa)) == 0,
          "%s: isa \"%s\"", name, isa);
    const ob_variant *twin = ob_variant_find(isa);
    CHECK(twin && !ob_variant_is_parallel(twin), "%s: no ISA variant %s", name, isa);
    CHECK(!twin || ob_variant_supported(twin) == ob_variant_supported(v),
          "%s and %s disagree on support", name, isa);
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      const double b = ob_error_bound((ob_algo)a, v);
      /* each rule's own bound (the list's); fusing multiply-adds only removes
       * roundings, so no FMA variant is allowed more than scalar */
      CHECK(b > 0 && isfinite(b), "%s/%s: bound %g", name, ob_algo_name((ob_algo)a), b);
      CHECK(b <= ob_error_bound((ob_algo)a, ob_variant_find("scalar")),
            "%s/%s: bound %g above scalar's", name, ob_algo_name((ob_algo)a), b);
      CHECK(!twin || ob_error_bound((ob_algo)a, twin) == b, "%s: bound differs from %s", name, isa);
      /* each weight-decay term in use allows one more scale-ULP */
      ob_hparams hp = ob_defaults((ob_algo)a);
      hp.weight_decay = hp.decoupled_decay = 0.0f; /* AdamW's default is decoupled */
      CHECK(ob_step_error_bound((ob_algo)a, &hp, v) == b, "%s: plain step bound", name);
      hp.size = 0;
      CHECK(ob_step_error_bound((ob_algo)a, &hp, v) < 0, "%s: step bound of size 0", name);
      hp.size = sizeof hp;
      hp.weight_decay = 0.1f;
      CHECK(ob_step_error_bound((ob_algo)a, &hp, v) == b + 1, "%s: L2 step bound", name);
      hp.decoupled_decay = 0.1f;
      CHECK(ob_step_error_bound((ob_algo)a, &hp, v) == b + 2, "%s: both decays", name);
      CHECK(ob_step_error_bound((ob_algo)a, NULL, v) < 0, "%s: NULL hparams", name);
    }
    for (int op = 0; op < OB_OP_COUNT; op++) {
      const double b = ob_op_error_bound((ob_op)op, v);
      CHECK(b >= 0 && b <= 5.0, "%s/%s: bound %g", name, ob_op_name((ob_op)op), b);
      CHECK(!twin || ob_op_error_bound((ob_op)op, twin) == b, "%s: op bound differs from %s", name,
            isa);
    }
    CHECK(ob_error_bound((ob_algo)OB_ALGO_COUNT, v) < 0 && ob_error_bound((ob_algo)-1, v) < 0,
          "%s: bound for an unknown algorithm", name);
  }
  /* NULL stands for the default variant, as everywhere in the API */
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    CHECK(ob_error_bound((ob_algo)a, NULL) == ob_error_bound((ob_algo)a, ob_variant_default()),
          "%s: bound for NULL", ob_algo_name((ob_algo)a));
  /* the layer-kernel list: names round-trip, a family each, traffic, thresholds */
  for (int op = 0; op < OB_OP_COUNT; op++) {
    const char *nm = ob_op_name((ob_op)op);
    CHECK(nm && ob_op_from_name(nm) == op, "op %d name", op);
    CHECK(ob_op_family((ob_op)op) != NULL, "op %d family", op);
    CHECK(ob_op_bytes_read((ob_op)op) + ob_op_bytes_written((ob_op)op) > 0, "op %d traffic", op);
    CHECK(ob_op_omp_threshold((ob_op)op) > 0, "op %d threshold", op);
  }
  CHECK(ob_op_name(OB_OP_COUNT) == NULL && ob_op_from_name("nope") == -1 &&
            ob_op_from_name(NULL) == -1 && ob_op_error_bound(OB_OP_COUNT, NULL) < 0,
        "unknown ops");
  /* the names DESIGN.md promises (listed by hand on purpose: that they exist is the point) */
  const char *isas[] = {"scalar", "autovec", "sse2", "avx2", "avx512"};
  for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++) {
    char omp[32];
    snprintf(omp, sizeof omp, "%s+omp", isas[i]);
    CHECK(ob_variant_find(isas[i]) != NULL, "no variant %s", isas[i]);
    CHECK(ob_variant_find(omp) != NULL, "no variant %s", omp);
  }
  const char *unknown[] = {"nope", "", "avx2+", "+omp", "avx2+omp+omp", "avx512f"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    CHECK(ob_variant_find(unknown[i]) == NULL, "\"%s\" found", unknown[i]);
  CHECK(ob_variant_find(NULL) == NULL, "NULL found");
  CHECK(ob_variant_name(NULL) == NULL && ob_variant_isa(NULL) == NULL &&
            !ob_variant_is_parallel(NULL) && !ob_variant_supported(NULL),
        "NULL answered as a variant");

  const ob_variant *best = ob_variant_best();
  CHECK(best && ob_variant_supported(best) && ob_variant_is_parallel(best), "best: %s",
        tu_vname(best));
  /* the fastest instruction set, where the CPU has it */
  const ob_variant *avx512omp = ob_variant_find("avx512+omp");
  if (ob_variant_supported(avx512omp))
    CHECK(best == avx512omp, "best is %s on a CPU with AVX-512", tu_vname(best));
  if (!getenv("OPTBENCH_VARIANT"))
    CHECK(ob_variant_default() == best, "default %s, best %s", tu_vname(ob_variant_default()),
          tu_vname(best));
}

/* ---- Child processes: the environment hooks --------------------------- */

static const ob_variant *find(const char *name) {
  const ob_variant *v = ob_variant_find(name);
  CHECK(v != NULL, "no variant %s", name);
  return v;
}

/* OPTBENCH_CPU_FEATURES_OFF=avx512f,avx2: as on a CPU with SSE2 only. */
static void child_features_off(void) {
  const char *off[] = {"avx512", "avx512+omp", "autovec", "autovec+omp", "avx2", "avx2+omp"};
  const char *on[] = {"scalar", "scalar+omp", "sse2", "sse2+omp"};
  for (size_t i = 0; i < sizeof off / sizeof off[0]; i++) {
    const ob_variant *v = find(off[i]);
    if (v)
      check_unsupported(v);
  }
  for (size_t i = 0; i < sizeof on / sizeof on[0]; i++) {
    const ob_variant *v = find(on[i]);
    CHECK(ob_variant_supported(v), "%s unsupported", on[i]);
    if (v && ob_variant_supported(v))
      check_works(v);
  }
  /* and generically: whatever is unsupported is refused */
  for (size_t i = 0; i < ob_variant_count(); i++)
    if (!ob_variant_supported(ob_variant_at(i)))
      check_unsupported(ob_variant_at(i));
  CHECK(ob_variant_best() == find("sse2+omp"), "best is %s", tu_vname(ob_variant_best()));
  CHECK(ob_variant_default() == ob_variant_best(), "default is %s", tu_vname(ob_variant_default()));
  check_works(NULL);
}

/* OPTBENCH_VARIANT=scalar: the default is scalar, and NULL runs it. */
static void child_variant_scalar(void) {
  const ob_variant *scalar = find("scalar");
  CHECK(ob_variant_default() == scalar, "default is %s", tu_vname(ob_variant_default()));
  static float by_null[BUF], by_name[BUF];
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams hp = ob_defaults((ob_algo)a);
    CHECK(run_keep(NULL, (ob_algo)a, &hp, 1, by_null) == OB_OK, "%s", ob_algo_name((ob_algo)a));
    CHECK(run_keep(scalar, (ob_algo)a, &hp, 1, by_name) == OB_OK, "%s", ob_algo_name((ob_algo)a));
    CHECK(memcmp(by_null, by_name, sizeof by_null) == 0, "%s: NULL is not scalar",
          ob_algo_name((ob_algo)a));
  }
}

/* OPTBENCH_VARIANT names nothing usable: no default; NULL is refused, named
 * variants still work. */
static void child_no_default(void) {
  CHECK(ob_variant_default() == NULL, "default is %s", tu_vname(ob_variant_default()));
  CHECK(ob_variant_best() != NULL, "no best variant");
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams hp = ob_defaults((ob_algo)a);
    expect(OB_ENOVARIANT, "NULL variant", NULL, (ob_algo)a, &hp, 1, P, G, own((ob_algo)a).s, N);
    ob_status st = OB_OK;
    CHECK(ob_optimizer_new((ob_algo)a, &hp, NULL, &st) == NULL && st == OB_ENOVARIANT,
          "ob_optimizer_new(NULL variant): status %d", (int)st);
  }
  check_works(ob_variant_best());
}

/* OPTBENCH_VARIANT empty: as if unset. */
static void child_variant_empty(void) {
  CHECK(ob_variant_default() == ob_variant_best(), "default %s, best %s",
        tu_vname(ob_variant_default()), tu_vname(ob_variant_best()));
  check_works(NULL);
}

static const struct {
  const char *mode;
  void (*run)(void);
  const char *env[3];
} children[] = {
    {"child-features-off", child_features_off, {"OPTBENCH_CPU_FEATURES_OFF=avx512f,avx2"}},
    {"child-variant-scalar", child_variant_scalar, {"OPTBENCH_VARIANT=scalar"}},
    {"child-variant-bogus", child_no_default, {"OPTBENCH_VARIANT=bogus"}},
    {"child-variant-unsupported",
     child_no_default,
     {"OPTBENCH_VARIANT=avx512", "OPTBENCH_CPU_FEATURES_OFF=avx512f"}},
    {"child-variant-empty", child_variant_empty, {"OPTBENCH_VARIANT="}},
};
#define CHILD_COUNT (sizeof children / sizeof children[0])

/* The hyperparameters of `a` that are options (0 or 1: a value between is
 * refused), as bits of ob_hparams_used: each is switched on alone below. */
static unsigned option_bits(ob_algo a) {
  unsigned bits = 0;
  for (int f = 0; f < ob_hparam_count(); f++) {
    if (!(ob_hparams_used(a) & (1u << f)))
      continue;
    ob_hparams hp = ob_defaults(a);
    const char *name = ob_hparam_name(f);
    ob_hparams_set(&hp, name, 0.5);
    const int half = ob_hparams_check(a, &hp) == OB_OK;
    ob_hparams_set(&hp, name, 1.0);
    if (!half && ob_hparams_check(a, &hp) == OB_OK)
      bits |= 1u << f;
  }
  return bits;
}

/* Clean data raises no floating-point exception flag in any variant: the
 * lanes past n in a tail must not compute 0/0 or x/0 (eps = 0 makes that
 * possible), or a caller who checks fetestexcept, or traps, would see a
 * false alarm. Each option alone, then every option on (tu_options_on):
 * centered RMSprop's variance must not vanish in the unused lanes when no
 * other option moves it. */
static void check_no_spurious_flags(void) {
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    if (!ob_variant_supported(v))
      continue;
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      const unsigned options = option_bits((ob_algo)a);
      for (int f = -2; f < ob_hparam_count(); f++) { /* -2 defaults, -1 all on, f alone */
        if (f >= 0 && !(options & (1u << f)))
          continue;
        if (f == -1 && !tu_has_options((ob_algo)a))
          continue;
        ob_hparams hp = f == -1 ? tu_options_on((ob_algo)a) : ob_defaults((ob_algo)a);
        if (f >= 0)
          ob_hparams_set(&hp, ob_hparam_name(f), 1.0);
        hp.eps = 0.0f; /* the case that used to divide 0 by 0 in unused lanes */
        const char *what = f >= 0 ? ob_hparam_name(f) : f == -1 ? "options on" : "defaults";
        for (size_t n = 1; n <= 33; n++) { /* every tail of 4-, 8- and 16-lane vectors */
          /* clean: centered RMSprop's square_avg' - grad_avg'^2 > 0 */
          float p[33], g[33], s[OB_MAX_STATES][33];
          for (size_t k = 0; k < n; k++) {
            p[k] = g[k] = 1.0f;
            s[0][k] = s[1][k] = s[2][k] = 0.5f;
          }
          float *const st[OB_MAX_STATES] = {s[0], s[1], s[2]};
          feclearexcept(FE_ALL_EXCEPT);
          const ob_status r = ob_step_states(v, (ob_algo)a, &hp, 1, p, g, st, n);
          CHECK(r == OB_OK && !fetestexcept(FE_INVALID | FE_DIVBYZERO),
                "%s %s (%s) n=%zu: status %d, flags %#x", ob_variant_name(v),
                ob_algo_name((ob_algo)a), what, n, (int)r,
                (unsigned)fetestexcept(FE_INVALID | FE_DIVBYZERO));
        }
      }
    }
  }
}

int main(int argc, char **argv) {
  const int child = argc > 1;
  const uint64_t seed = child ? SEED : tu_seed("test_api", SEED);
  tu_rng rng = {seed};
  tu_fill(&rng, master, BUF, TU_PARAM, 0, 0);

  if (child) {
    for (size_t i = 0; i < CHILD_COUNT; i++)
      if (strcmp(argv[1], children[i].mode) == 0) {
        children[i].run();
        return ob_test_done(argv[1]);
      }
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
  }

  check_statuses();
  check_algorithms();
  check_variants();
  check_foreign_variants();
  check_no_spurious_flags();

  /* the default variant (NULL), unless the environment left none */
  if (ob_variant_default())
    check_variant(NULL);
  else
    printf("test_api: OPTBENCH_VARIANT leaves no default; NULL-variant cases skipped\n");
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    if (ob_variant_supported(v))
      check_variant(v);
    else
      check_unsupported(v);
  }

  /* the environment hooks, each in a fresh process */
  const int have_sse2 = ob_variant_supported(ob_variant_find("sse2+omp"));
  for (size_t i = 0; i < CHILD_COUNT; i++) {
    if (!have_sse2 && i == 0) {
      printf("test_api: no SSE2 on this CPU; %s skipped\n", children[i].mode);
      continue;
    }
    const int rc = tu_run_self(children[i].mode, children[i].env);
    CHECK(rc == 0, "child %s exited with %d", children[i].mode, rc);
  }
  return ob_test_done("test_api");
}
