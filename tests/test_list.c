/* A whole model in one call: ob_step_list_states, and the optimizer object (the
 * same path), give the bits of ob_step run on each tensor alone - for every
 * rule, every supported variant and 1, 2, 3, 4, 7 and 8 threads, on scaled
 * down model lists in three memory layouts with misaligned arrays. */
#define _POSIX_C_SOURCE 200809L

#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "list_util.h"
#include "optbench.h"
#include "test_util.h"

#define SEED      0x6c697374u /* any fixed value: the data */
#define THRESHOLD 64 /* small, so the +omp variants split even the smallest list over threads */
#define ADAM_T    7  /* any step > 1: bias correction on, not at its t = 1 values */

/* 1 and 2 (the cores here), odd counts that leave ragged parts, and more
 * threads than cores: the split must not depend on the machine */
static const int threads[] = {1, 2, 3, 4, 7, 8};
#define THREAD_COUNTS (sizeof threads / sizeof threads[0])

/* the rule's defaults, and the same with both weight-decay terms (their own
 * kernel copies) and, for a torch rule, every option on (every state in use) */
static ob_hparams hparams(ob_algo a, int decay) {
  ob_hparams hp = decay ? tu_options_on(a) : ob_defaults(a);
  hp.weight_decay = decay ? 0.01f : 0.0f;
  hp.decoupled_decay = decay ? 0.02f : 0.0f;
  return hp;
}

typedef struct {
  ob_algo a;
  const ob_variant *v;
  const char *what; /* "model/layout" */
  ob_hparams hp;
} config;

/* ob_step on every tensor, on one thread (a team per tensor would be slow): the reference */
static void step_each(const config *c, tl_model *x, int64_t t) {
  omp_set_num_threads(1);
  for (size_t i = 0; i < x->count; i++) {
    float *const s[OB_MAX_STATES] = {x->a[2][i], x->a[3][i], x->a[4][i]};
    const ob_status st = ob_step_states(c->v, c->a, &c->hp, t, x->a[0][i], x->a[1][i], s, x->n[i]);
    CHECK(st == OB_OK, "%s %s %s: ob_step on tensor %zu: %s", tu_vname(c->v), ob_algo_name(c->a),
          c->what, i, ob_strerror(st));
  }
}

static void expect_same(const config *c, const tl_model *got, const tl_model *want, int kinds,
                        const char *how, int th) {
  char at[64];
  const char *d = tl_diff(got, want, kinds, at, sizeof at);
  CHECK(d == NULL, "%s %s %s, %s on %d threads: %s differs from ob_step's", tu_vname(c->v),
        ob_algo_name(c->a), c->what, how, th, d);
}

/* ob_step_list_states from `in` against ref (ob_step_states on each tensor from `in`) */
static void check_list(const config *c, const tl_model *in, const tl_model *ref, tl_model *work,
                       int th) {
  tl_copy(work, in);
  float *const *const s[OB_MAX_STATES] = {work->a[2], work->a[3], work->a[4]};
  const ob_status st = ob_step_list_states(c->v, c->a, &c->hp, ADAM_T, work->count, work->a[0],
                                           (const float *const *)work->a[1], s, work->n);
  CHECK(st == OB_OK, "%s %s %s: ob_step_list_states: %s", tu_vname(c->v), ob_algo_name(c->a),
        c->what, ob_strerror(st));
  expect_same(c, work, ref, TL_KINDS, "ob_step_list_states", th);
}

/* Two updates of a new object from `in` against ob_step at t = 1, 2 from
 * states at their initial values (set in ref by the caller). */
static void check_object(const config *c, const tl_model *in, const tl_model *ref, tl_model *work,
                         int th) {
  tl_copy(work, in);
  ob_optimizer *o = ob_optimizer_new(c->a, &c->hp, c->v, NULL);
  CHECK(o != NULL, "%s %s: ob_optimizer_new", tu_vname(c->v), ob_algo_name(c->a));
  if (!o)
    return;
  for (int t = 0; t < 2; t++) {
    const ob_status st =
        ob_optimizer_update(o, work->count, work->a[0], (const float *const *)work->a[1], work->n);
    CHECK(st == OB_OK, "%s %s %s: update: %s", tu_vname(c->v), ob_algo_name(c->a), c->what,
          ob_strerror(st));
  }
  for (int k = 0; k < ob_state_count(c->a); k++) /* the object's states into work's */
    for (size_t i = 0; i < work->count; i++)
      if (work->n[i]) {
        const float *s = ob_optimizer_state(o, i, k);
        CHECK(s != NULL, "%s: no state", c->what);
        if (s)
          memcpy(work->a[2 + k][i], s, work->n[i] * sizeof(float));
      }
  expect_same(c, work, ref, 2 + ob_state_count(c->a), "the object", th);
  ob_optimizer_free(o);
}

static void check_variant(const config *c, const tl_model *in, tl_model *ref, tl_model *work) {
  const size_t tc = ob_variant_is_parallel(c->v) ? THREAD_COUNTS : 1;
  tl_copy(ref, in);
  step_each(c, ref, ADAM_T);
  for (size_t k = 0; k < tc; k++) {
    omp_set_num_threads(threads[k]);
    check_list(c, in, ref, work, threads[k]);
  }
  tl_copy(ref, in);
  for (int k = 0; k < OB_MAX_STATES; k++) { /* the object's states start at their initial value */
    const char *field = ob_state_initial(c->a, k);
    double x0 = 0.0;
    if (field)
      CHECK(ob_hparams_get(&c->hp, field, &x0) == OB_OK, "%s", field);
    for (size_t i = 0; i < ref->count; i++)
      for (size_t e = 0; e < ref->n[i]; e++)
        ref->a[2 + k][i][e] = (float)x0;
  }
  step_each(c, ref, 1);
  step_each(c, ref, 2);
  for (size_t k = 0; k < tc; k++) {
    omp_set_num_threads(threads[k]);
    check_object(c, in, ref, work, threads[k]);
  }
}

/* Every supported variant on one model, layout and rule: the data drawn once. */
static void check_model(ob_algo a, int m, int layout, uint64_t seed) {
  tu_rng rng = tu_rng_for(seed, (uint64_t)a, (uint64_t)m, (uint64_t)layout);
  tl_model in, ref, work;
  tl_build(&in, m, layout, &rng);
  tu_rng same = tu_rng_for(seed, (uint64_t)a, (uint64_t)m, (uint64_t)layout);
  tl_build(&ref, m, layout, &same); /* the same sizes: the same draws */
  same = tu_rng_for(seed, (uint64_t)a, (uint64_t)m, (uint64_t)layout);
  tl_build(&work, m, layout, &same);
  for (size_t i = 0; i < in.count; i++)
    if (in.n[i]) {
      float *const s[OB_MAX_STATES] = {in.a[2][i], in.a[3][i], in.a[4][i]};
      tu_fill_states(&rng, a, in.a[0][i], in.a[1][i], s, in.n[i], 0, 0);
    }
  char what[64];
  snprintf(what, sizeof what, "%s/%s", tl_model_names[m], tl_layout_names[layout]);
  for (size_t vi = 0; vi < ob_variant_count(); vi++) {
    const ob_variant *v = ob_variant_at(vi);
    if (ob_variant_supported(v))
      for (int decay = 0; decay < 2; decay++)
        check_variant(&(config){a, v, what, hparams(a, decay)}, &in, &ref, &work);
  }
  tl_free(&in);
  tl_free(&ref);
  tl_free(&work);
}

int main(void) {
  const uint64_t seed = tu_seed("test_list", SEED);
  ob_set_omp_threshold(THRESHOLD);
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    for (int m = 0; m < TL_MODELS; m++)
      for (int layout = 0; layout < TL_LAYOUTS; layout++)
        check_model((ob_algo)a, m, layout, seed);
  return ob_test_done("test_list");
}
