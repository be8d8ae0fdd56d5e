/* The API of rules whose states an option switches on (optbench.h):
 *   - ob_step_states and ob_step_list_states take NULL for a state the step
 *     does not use (torch Adam without amsgrad, torch SGD without momentum,
 *     torch RMSprop without centered or momentum), give the bits of a call
 *     with the array and leave that array alone; NULL for a state in use is
 *     OB_EINVAL with nothing written; ob_step and ob_step_list are the same
 *     calls with no third state;
 *   - the third state overlapping any other array is OB_EOVERLAP; unused, it
 *     may alias anything;
 *   - FLAG hyperparameters are exactly 0 or 1;
 *   - ob_state_used, ob_state_condition, ob_state_initial, ob_algo_convention
 *     and ob_algo_find answer as the rows say (written out here);
 *   - the optimizer object allocates every state, starts torch Adagrad's sum
 *     at initial_accumulator_value and lets an option come on later. */
#define _POSIX_C_SOURCE 200809L

#include "test_util.h"

#define N    37          /* full vectors of every width and a tail */
#define SENT 0x7fa5a5a5u /* a signalling-NaN pattern no kernel writes */

typedef struct {
  float p[N], g[N], s[OB_MAX_STATES][N];
} arrays;

static void fill(arrays *x, uint64_t seed) {
  tu_rng r = tu_rng_for(0x7043u, seed, 0, 0);
  tu_fill(&r, x->p, N, TU_PARAM, 0, 0);
  tu_fill(&r, x->g, N, TU_GRAD, 0, 0);
  for (int k = 0; k < OB_MAX_STATES; k++)
    tu_fill(&r, x->s[k], N, TU_STATE, 0, 0);
}

static ob_hparams with(ob_algo a, const char *field, float value) {
  ob_hparams hp = ob_defaults(a);
  CHECK(ob_hparams_set(&hp, field, value) == OB_OK, "set %s", field);
  return hp;
}

/* ---- NULL for a state ----------------------------------------------------- */

/* A step of `a` with the states of mask `given` passed (the others NULL):
 * `want`; if OK, the bits of the step with every array, and every array not
 * passed unchanged; if refused, nothing written. */
static void null_case(const char *what, ob_algo a, const ob_hparams *hp, unsigned given,
                      ob_status want) {
  arrays in, all, x;
  fill(&in, (uint64_t)a);
  all = in;
  float *const every[OB_MAX_STATES] = {all.s[0], all.s[1], all.s[2]};
  CHECK(ob_step_states(NULL, a, hp, 2, all.p, all.g, every, N) == OB_OK, "%s: with every array",
        what);
  x = in;
  float *some[OB_MAX_STATES];
  for (int k = 0; k < OB_MAX_STATES; k++)
    some[k] = given >> k & 1u ? x.s[k] : NULL;
  const ob_status st = ob_step_states(NULL, a, hp, 2, x.p, x.g, some, N);
  CHECK(st == want, "%s %s: %s, want %s", ob_algo_name(a), what, ob_strerror(st),
        ob_strerror(want));
  if (st != OB_OK) {
    CHECK(memcmp(&x, &in, sizeof x) == 0, "%s %s: a refused call wrote", ob_algo_name(a), what);
    return;
  }
  CHECK(tu_diff_bits(x.p, all.p, N) == N, "%s %s: p differs from the call with every array",
        ob_algo_name(a), what);
  for (int k = 0; k < OB_MAX_STATES; k++) {
    const float *want_k = given >> k & 1u ? all.s[k] : in.s[k]; /* not passed: untouched */
    CHECK(tu_diff_bits(x.s[k], want_k, N) == N, "%s %s: state %d", ob_algo_name(a), what, k);
  }
  /* and the array not passed was left alone by the call with every array too */
  for (int k = 0; k < OB_MAX_STATES; k++)
    if (!(given >> k & 1u))
      CHECK(memcmp(all.s[k], in.s[k], sizeof in.s[k]) == 0, "%s %s: unused state %d written",
            ob_algo_name(a), what, k);
}

static void check_null_states(void) {
  const ob_hparams adam = ob_defaults(OB_TORCH_ADAM), ams = with(OB_TORCH_ADAM, "amsgrad", 1);
  null_case("amsgrad 0, max_exp_avg_sq NULL", OB_TORCH_ADAM, &adam, 3u, OB_OK);
  null_case("amsgrad 1, max_exp_avg_sq NULL", OB_TORCH_ADAM, &ams, 3u, OB_EINVAL);
  null_case("amsgrad 1, exp_avg NULL", OB_TORCH_ADAM, &ams, 6u, OB_EINVAL);
  null_case("amsgrad 0, exp_avg_sq NULL", OB_TORCH_ADAM, &adam, 5u, OB_EINVAL);
  const ob_hparams adamw = ob_defaults(OB_TORCH_ADAMW);
  null_case("amsgrad 0, max_exp_avg_sq NULL", OB_TORCH_ADAMW, &adamw, 3u, OB_OK);

  const ob_hparams sgd = ob_defaults(OB_TORCH_SGD), mom = with(OB_TORCH_SGD, "momentum", 0.9f);
  null_case("momentum 0, no buffer", OB_TORCH_SGD, &sgd, 0u, OB_OK);
  null_case("momentum 0.9, no buffer", OB_TORCH_SGD, &mom, 0u, OB_EINVAL);
  null_case("momentum 0.9, buffer", OB_TORCH_SGD, &mom, 1u, OB_OK);

  ob_hparams rms = ob_defaults(OB_TORCH_RMSPROP);
  null_case("plain, square_avg only", OB_TORCH_RMSPROP, &rms, 1u, OB_OK);
  null_case("plain, square_avg NULL", OB_TORCH_RMSPROP, &rms, 6u, OB_EINVAL);
  rms.centered = 1.0f;
  null_case("centered, no momentum_buffer", OB_TORCH_RMSPROP, &rms, 5u, OB_OK);
  null_case("centered, no grad_avg", OB_TORCH_RMSPROP, &rms, 3u, OB_EINVAL);
  rms.centered = 0.0f, rms.momentum = 0.5f;
  null_case("momentum, no grad_avg", OB_TORCH_RMSPROP, &rms, 3u, OB_OK);
  null_case("momentum, no momentum_buffer", OB_TORCH_RMSPROP, &rms, 5u, OB_EINVAL);
  rms.centered = 1.0f;
  null_case("centered, momentum, all", OB_TORCH_RMSPROP, &rms, 7u, OB_OK);

  /* a NULL list: fine where no state is used or nothing is touched */
  float p[N] = {0}, g[N] = {0};
  CHECK(ob_step_states(NULL, OB_TORCH_SGD, &sgd, 1, p, g, NULL, N) == OB_OK, "sgd, NULL list");
  CHECK(ob_step_states(NULL, OB_TORCH_SGD, &mom, 1, p, g, NULL, N) == OB_EINVAL,
        "momentum, NULL list");
  CHECK(ob_step_states(NULL, OB_TORCH_ADAM, &adam, 1, NULL, NULL, NULL, 0) == OB_OK,
        "n = 0, NULL list");

  /* ob_step is ob_step_states with no third state: the same bits for the
   * rules it can run, OB_EINVAL where the third state is in use */
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams hp = ob_defaults((ob_algo)a);
    arrays x, y;
    fill(&x, (uint64_t)a);
    y = x;
    float *const s[OB_MAX_STATES] = {y.s[0], y.s[1], NULL};
    const ob_status sx = ob_step(NULL, (ob_algo)a, &hp, 3, x.p, x.g, x.s[0], x.s[1], N);
    const ob_status sy = ob_step_states(NULL, (ob_algo)a, &hp, 3, y.p, y.g, s, N);
    CHECK(sx == OB_OK && sy == OB_OK && memcmp(&x, &y, sizeof x) == 0, "%s: ob_step is not %s",
          ob_algo_name((ob_algo)a), "ob_step_states {s0, s1, NULL}");
  }
  arrays x, in;
  fill(&in, 99);
  x = in;
  CHECK(ob_step(NULL, OB_TORCH_ADAM, &ams, 1, x.p, x.g, x.s[0], x.s[1], N) == OB_EINVAL &&
            memcmp(&x, &in, sizeof x) == 0,
        "ob_step with amsgrad: refused, nothing written");
}

/* ---- Overlaps of the third state ----------------------------------------- */

static void check_third_overlaps(void) {
  static float buf[10 * N];
  struct {
    ob_algo a;
    ob_hparams hp;
  } rules[] = {{OB_TORCH_ADAM, with(OB_TORCH_ADAM, "amsgrad", 1)},
               {OB_TORCH_ADAMW, with(OB_TORCH_ADAMW, "amsgrad", 1)},
               {OB_TORCH_RMSPROP, with(OB_TORCH_RMSPROP, "centered", 1)}};
  rules[2].hp.momentum = 0.9f;
  for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
    float *const base[5] = {buf + N, buf + 2 * N, buf + 3 * N, buf + 4 * N, buf + 5 * N};
    const ptrdiff_t shifts[] = {0, 1, -1, N - 1, -(N - 1)};
    for (int other = 0; other < 4; other++) /* s2 onto p, g, s0, s1 */
      for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
        for (size_t i = 0; i < 8 * N; i++)
          buf[i] = tu_f32(SENT);
        float *s2 = base[other] + shifts[k];
        float *const s[OB_MAX_STATES] = {base[2], base[3], s2};
        const ob_status st =
            ob_step_states(NULL, rules[r].a, &rules[r].hp, 1, base[0], base[1], s, N);
        int untouched = 1;
        for (size_t i = 0; i < 8 * N; i++)
          untouched = untouched && tu_u32(buf[i]) == SENT;
        CHECK(st == OB_EOVERLAP && untouched, "%s: s2 on array %d %+td: %s%s",
              ob_algo_name(rules[r].a), other, shifts[k], ob_strerror(st),
              untouched ? "" : ", memory written");
      }
    /* the same arrays with the option off: s2 is not looked at */
    ob_hparams off = rules[r].hp;
    off.amsgrad = off.centered = 0.0f;
    float *const s[OB_MAX_STATES] = {base[2], base[3], base[0]};
    for (size_t i = 0; i < 8 * N; i++)
      buf[i] = 0.5f;
    CHECK(ob_step_states(NULL, rules[r].a, &off, 1, base[0], base[1], s, N) == OB_OK,
          "%s: an unused s2 aliasing p", ob_algo_name(rules[r].a));
  }

  /* a list: tensor 1's max_exp_avg_sq on tensor 0's p is refused, nothing written */
  const ob_hparams ams = with(OB_TORCH_ADAM, "amsgrad", 1);
  for (size_t i = 0; i < 10 * N; i++)
    buf[i] = tu_f32(SENT);
  float *p[2] = {buf, buf + N}, *s0[2] = {buf + 2 * N, buf + 3 * N},
        *s1[2] = {buf + 4 * N, buf + 5 * N}, *s2[2] = {buf + 6 * N, buf + 10};
  const float *g[2] = {buf + 7 * N, buf + 8 * N};
  const size_t n[2] = {N, N};
  float *const *const st[OB_MAX_STATES] = {s0, s1, s2};
  ob_status r = ob_step_list_states(NULL, OB_TORCH_ADAM, &ams, 1, 2, p, g, st, n);
  int untouched = 1;
  for (size_t i = 0; i < 10 * N; i++)
    untouched = untouched && tu_u32(buf[i]) == SENT;
  CHECK(r == OB_EOVERLAP && untouched, "list: s2[1] inside p[0]: %s", ob_strerror(r));
  /* amsgrad off: the list of max_exp_avg_sq is not read at all, NULL included */
  const ob_hparams adam = ob_defaults(OB_TORCH_ADAM);
  for (size_t i = 0; i < 10 * N; i++)
    buf[i] = 0.5f;
  r = ob_step_list_states(NULL, OB_TORCH_ADAM, &adam, 1, 2, p, g, st, n);
  CHECK(r == OB_OK, "list, amsgrad 0, s2 aliasing: %s", ob_strerror(r));
  /* the same lists again with amsgrad on: the list that passed is remembered
   * (list_seen.c), but what passed was the step without s2 - checked again */
  r = ob_step_list_states(NULL, OB_TORCH_ADAM, &ams, 1, 2, p, g, st, n);
  CHECK(r == OB_EOVERLAP, "list, amsgrad 0 then 1, s2 aliasing: %s", ob_strerror(r));
  float *const *const no_s2[OB_MAX_STATES] = {s0, s1, NULL};
  r = ob_step_list_states(NULL, OB_TORCH_ADAM, &adam, 1, 2, p, g, no_s2, n);
  CHECK(r == OB_OK, "list, amsgrad 0, NULL s2 list: %s", ob_strerror(r));
  r = ob_step_list_states(NULL, OB_TORCH_ADAM, &ams, 1, 2, p, g, no_s2, n);
  CHECK(r == OB_EINVAL, "list, amsgrad 1, NULL s2 list: %s", ob_strerror(r));
  r = ob_step_list(NULL, OB_TORCH_ADAM, &ams, 1, 2, p, g, s0, s1, n);
  CHECK(r == OB_EINVAL, "ob_step_list, amsgrad 1 (no third list): %s", ob_strerror(r));
  float *s2_null[2] = {buf + 6 * N, NULL};
  float *const *const one_null[OB_MAX_STATES] = {s0, s1, s2_null};
  r = ob_step_list_states(NULL, OB_TORCH_ADAM, &ams, 1, 2, p, g, one_null, n);
  CHECK(r == OB_EINVAL, "list, amsgrad 1, s2[1] NULL: %s", ob_strerror(r));
}

/* ---- FLAG hyperparameters ------------------------------------------------ */

static void check_flags(void) {
  static const struct {
    ob_algo a;
    const char *field;
  } flags[] = {{OB_TORCH_SGD, "nesterov"},     {OB_TORCH_SGD, "maximize"},
               {OB_TORCH_ADAM, "amsgrad"},     {OB_TORCH_ADAMW, "amsgrad"},
               {OB_TORCH_ADAGRAD, "maximize"}, {OB_TORCH_RMSPROP, "centered"}};
  static const float bad[] = {0.5f, 2.0f, -1.0f, 0x1p-149f, 0x1.fffffep-1f, NAN, INFINITY};
  static const float good[] = {0.0f, -0.0f, 1.0f};
  for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
    const ob_algo a = flags[f].a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      const ob_hparams hp = with(a, flags[f].field, bad[i]);
      arrays x, in;
      fill(&in, 5);
      x = in;
      float *const s[OB_MAX_STATES] = {x.s[0], x.s[1], x.s[2]};
      ob_status st = OB_OK;
      ob_optimizer *o = ob_optimizer_new(a, &hp, NULL, &st);
      CHECK(ob_step_states(NULL, a, &hp, 1, x.p, x.g, s, N) == OB_EHPARAM &&
                memcmp(&x, &in, sizeof x) == 0 && ob_hparams_check(a, &hp) == OB_EHPARAM && !o &&
                st == OB_EHPARAM,
            "%s %s = %g accepted", ob_algo_name(a), flags[f].field, (double)bad[i]);
      ob_optimizer_free(o);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
      const ob_hparams hp = with(a, flags[f].field, good[i]);
      arrays x;
      fill(&x, 5);
      float *const s[OB_MAX_STATES] = {x.s[0], x.s[1], x.s[2]};
      CHECK(ob_step_states(NULL, a, &hp, 1, x.p, x.g, s, N) == OB_OK &&
                ob_hparams_check(a, &hp) == OB_OK,
            "%s %s = %g refused", ob_algo_name(a), flags[f].field, (double)good[i]);
    }
  }
}

/* ---- Queries ------------------------------------------------------------- */

static void check_queries(void) {
  /* ob_state_used, by hand from the rows */
  const ob_hparams adam = ob_defaults(OB_TORCH_ADAM), ams = with(OB_TORCH_ADAM, "amsgrad", 1);
  CHECK(
      ob_state_used(OB_TORCH_ADAM, &adam, 0) == 1 && ob_state_used(OB_TORCH_ADAM, &adam, 1) == 1 &&
          ob_state_used(OB_TORCH_ADAM, &adam, 2) == 0 && ob_state_used(OB_TORCH_ADAM, &ams, 2) == 1,
      "torch_adam: used");
  const ob_hparams sgd = ob_defaults(OB_TORCH_SGD), mom = with(OB_TORCH_SGD, "momentum", 0.1f);
  CHECK(ob_state_used(OB_TORCH_SGD, &sgd, 0) == 0 && ob_state_used(OB_TORCH_SGD, &mom, 0) == 1,
        "torch_sgd: used");
  ob_hparams rms = ob_defaults(OB_TORCH_RMSPROP);
  for (int c = 0; c < 2; c++)
    for (int m = 0; m < 2; m++) {
      rms.centered = (float)c, rms.momentum = m ? 0.5f : 0.0f;
      CHECK(ob_state_used(OB_TORCH_RMSPROP, &rms, 0) == 1 &&
                ob_state_used(OB_TORCH_RMSPROP, &rms, 1) == m &&
                ob_state_used(OB_TORCH_RMSPROP, &rms, 2) == c,
            "torch_rmsprop: used, centered %d momentum %d", c, m);
    }
  const ob_hparams ada = ob_defaults(OB_ADAM);
  CHECK(ob_state_used(OB_ADAM, &ada, 0) == 1 && ob_state_used(OB_ADAM, &ada, 1) == 1 &&
            ob_state_used(OB_ADAM, &ada, 2) == -1 && ob_state_used(OB_ADAM, &ada, -1) == -1 &&
            ob_state_used(OB_SGD, &ada, 0) == -1 && ob_state_used((ob_algo)-1, &ada, 0) == -1 &&
            ob_state_used(OB_ADAM, NULL, 0) == -1,
        "ob_state_used out of range");
  ob_hparams small = ada;
  small.size = 4;
  CHECK(ob_state_used(OB_ADAM, &small, 0) == -1, "ob_state_used with a bad size");

  CHECK(ob_state_condition(OB_TORCH_ADAM, 3) == NULL &&
            ob_state_condition(OB_TORCH_ADAM, -1) == NULL &&
            ob_state_condition((ob_algo)OB_ALGO_COUNT, 0) == NULL &&
            ob_state_initial(OB_TORCH_ADAGRAD, 1) == NULL &&
            ob_state_initial((ob_algo)-1, 0) == NULL,
        "conditions and initial values out of range");

  CHECK(!strcmp(ob_algo_convention(OB_ADAM), "book") &&
            !strcmp(ob_algo_convention(OB_TORCH_ADAM), "torch") &&
            ob_algo_convention((ob_algo)OB_ALGO_COUNT) == NULL,
        "ob_algo_convention");

  static const struct {
    const char *rule, *convention;
    int want;
  } finds[] = {
      {"adam", "torch", OB_TORCH_ADAM},
      {"adam", "book", OB_ADAM},
      {"adam", NULL, OB_ADAM},
      {"sgd", "torch", OB_TORCH_SGD},
      {"adagrad", "torch", OB_TORCH_ADAGRAD},
      {"rmsprop", "torch", OB_TORCH_RMSPROP},
      {"adamw", "torch", OB_TORCH_ADAMW},
      {"torch_adam", "torch", OB_TORCH_ADAM},
      {"torch_adam", NULL, OB_TORCH_ADAM},
      {"torch_adam", "book", -1},
      {"adamw", "book", -1},     /* the book has no AdamW */
      {"momentum", "torch", -1}, /* torch's momentum is torch_sgd's option */
      {"nesterov", "torch", -1}, /* and so is its Nesterov */
      {"adam", "pytorch", -1},   /* not a convention */
      {"adam", "", -1},          /* nor this */
      {"torch_torch_adam", "torch", -1},
      {NULL, "torch", -1},
      {"", "torch", -1},
  };
  for (size_t i = 0; i < sizeof finds / sizeof finds[0]; i++) {
    const int got = ob_algo_find(finds[i].rule, finds[i].convention);
    CHECK(got == finds[i].want, "ob_algo_find(%s, %s) = %d, want %d",
          finds[i].rule ? finds[i].rule : "NULL",
          finds[i].convention ? finds[i].convention : "NULL", got, finds[i].want);
  }
  char longname[200];
  memset(longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  CHECK(ob_algo_find(longname, "torch") == -1, "a long name");
}

/* ---- The optimizer object ------------------------------------------------ */

/* torch Adagrad from initial_accumulator_value 3: lr 0.5, eps 0, g 1: sum 4,
 * p -= 0.5*1/2 (exact), on two tensors; a later value changes nothing. */
static void check_optimizer_initial(void) {
  ob_hparams hp = ob_defaults(OB_TORCH_ADAGRAD);
  hp.lr = 0.5f, hp.eps = 0.0f, hp.initial_accumulator_value = 3.0f;
  ob_status st;
  ob_optimizer *o = ob_optimizer_new(OB_TORCH_ADAGRAD, &hp, NULL, &st);
  CHECK(o && st == OB_OK, "new: %s", ob_strerror(st));
  if (!o)
    return;
  float p0[N], p1[5], g0[N], g1[5];
  for (size_t i = 0; i < N; i++)
    p0[i] = 1.0f, g0[i] = 1.0f;
  for (size_t i = 0; i < 5; i++)
    p1[i] = -2.0f, g1[i] = 1.0f;
  float *ps[2] = {p0, p1};
  const float *gs[2] = {g0, g1};
  const size_t n[2] = {N, 5};
  CHECK(ob_optimizer_state(o, 0, 0) == NULL, "a state before the first update");
  CHECK(ob_optimizer_update(o, 2, ps, gs, n) == OB_OK, "update 1");
  for (size_t t = 0; t < 2; t++)
    for (size_t i = 0; i < n[t]; i++) {
      const float *s = ob_optimizer_state(o, t, 0);
      CHECK(s && s[i] == 4.0f && ps[t][i] == (t ? -2.25f : 0.75f),
            "tensor %zu [%zu]: sum %g (want 3 + 1), p %g", t, i, s ? (double)s[i] : -1.0,
            (double)ps[t][i]);
    }
  hp.initial_accumulator_value = 100.0f; /* read only when the state is allocated */
  CHECK(ob_optimizer_set_hparams(o, &hp) == OB_OK, "set_hparams");
  CHECK(ob_optimizer_update(o, 2, ps, gs, n) == OB_OK, "update 2");
  /* t = 2, lr_decay 0: sum 5, p -= 0.5/sqrt(5) */
  const float *s = ob_optimizer_state(o, 0, 0);
  CHECK(s && s[0] == 5.0f && fabs((double)p0[0] - (0.75 - 0.5 / sqrt(5.0))) < 1e-6,
        "update 2: sum %g, p %.9g", s ? (double)s[0] : -1.0, (double)p0[0]);
  ob_optimizer_free(o);
}

/* torch Adam: max_exp_avg_sq is allocated (0) with amsgrad off and left
 * alone; amsgrad on at the next update makes it max(0, v) = v. */
static void check_optimizer_option_later(void) {
  ob_hparams hp = ob_defaults(OB_TORCH_ADAM);
  ob_optimizer *o = ob_optimizer_new(OB_TORCH_ADAM, &hp, NULL, NULL);
  CHECK(o != NULL, "new");
  if (!o)
    return;
  arrays x;
  fill(&x, 11);
  float *ps[1] = {x.p};
  const float *gs[1] = {x.g};
  const size_t n[1] = {N};
  CHECK(ob_optimizer_update(o, 1, ps, gs, n) == OB_OK, "update 1");
  const float *vmax = ob_optimizer_state(o, 0, 2), *v = ob_optimizer_state(o, 0, 1);
  CHECK(vmax && v, "every state allocated");
  if (!vmax || !v) {
    ob_optimizer_free(o);
    return;
  }
  for (size_t i = 0; i < N; i++)
    CHECK(vmax[i] == 0.0f, "max_exp_avg_sq [%zu] = %g with amsgrad off", i, (double)vmax[i]);
  hp.amsgrad = 1.0f;
  CHECK(ob_optimizer_set_hparams(o, &hp) == OB_OK, "amsgrad on");
  CHECK(ob_optimizer_update(o, 1, ps, gs, n) == OB_OK, "update 2");
  CHECK(tu_diff_bits(vmax, v, N) == N, "max_exp_avg_sq is max(0, exp_avg_sq) = exp_avg_sq");
  ob_optimizer_free(o);
}

int main(void) {
  check_null_states();
  check_third_overlaps();
  check_flags();
  check_queries();
  check_optimizer_initial();
  check_optimizer_option_later();
  return ob_test_done("test_torch_api");
}
