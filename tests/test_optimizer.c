/* The book-style optimizer object: construction refuses what ob_step refuses;
 * a run of updates over a list of arrays equals ob_step_states on each array
 * with its own state at its initial value (0, or the hyperparameter
 * ob_state_initial names) and t = 1, 2, ... bit for bit, with the options
 * off and on and an option switched on between updates; every refused update
 * leaves parameters, gradients, state and step counter as they were; new
 * hyperparameters are validated and take effect on the next update. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

#define SEED      0x6f7074u /* any fixed value: the data of the runs */
#define COUNT     3         /* parameter arrays per optimizer, as a small network has */
#define SLACK     128       /* spare floats behind each array, room to shift overlapping pointers */
#define STEPS     4  /* t = 1, 2 on the first hp, 3 after a refused change, 4 after a new lr */
#define THRESHOLD 64 /* small, so the +omp variants split the largest array over threads */

/* 19: a tail shorter than every vector width but SSE2's; 0: an empty layer
 * (passed as NULL arrays); 1000: many full vectors, above THRESHOLD */
static const size_t sizes[COUNT] = {19, 0, 1000};

static const char *aname(ob_algo a) { return ob_algo_name(a) ? ob_algo_name(a) : "?"; }

/* ---- Construction ------------------------------------------------------ */

static void expect_new_fails(ob_status want, const char *what, ob_algo a, const ob_hparams *hp,
                             const ob_variant *v) {
  ob_status st = (ob_status)-1; /* not a status: shows whether it was written */
  ob_optimizer *o = ob_optimizer_new(a, hp, v, &st);
  CHECK(o == NULL && st == want, "ob_optimizer_new(%s, %s): %s: status %d, want %d", aname(a),
        tu_vname(v), what, (int)st, (int)want);
  ob_optimizer_free(o);
  /* and without a status pointer */
  o = ob_optimizer_new(a, hp, v, NULL);
  CHECK(o == NULL, "ob_optimizer_new(%s, %s): %s: accepted without status pointer", aname(a),
        tu_vname(v), what);
  ob_optimizer_free(o);
}

static void check_new(void) {
  const ob_hparams sgd = ob_defaults(OB_SGD);
  const ob_variant *v = ob_variant_best();
  expect_new_fails(OB_EINVAL, "unknown algorithm", (ob_algo)OB_ALGO_COUNT, &sgd, v);
  expect_new_fails(OB_EINVAL, "unknown algorithm", (ob_algo)-1, &sgd, v);
  struct {
    const char *name;
    double junk[8];
  } fake = {"avx2", {0}};
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams def = ob_defaults((ob_algo)a);
    expect_new_fails(OB_EINVAL, "NULL hp", (ob_algo)a, NULL, v);
    expect_new_fails(OB_EINVAL, "foreign variant", (ob_algo)a, &def, (const ob_variant *)&fake);
    /* every used hyperparameter NaN in turn (test_api covers the whole domain) */
    const unsigned used = ob_hparams_used((ob_algo)a);
    for (int f = 0; f < ob_hparam_count(); f++) {
      if (!(used & (1u << f)))
        continue;
      ob_hparams hp = def;
      CHECK(ob_hparams_set(&hp, ob_hparam_name(f), NAN) == OB_OK, "set %s", ob_hparam_name(f));
      expect_new_fails(OB_EHPARAM, "NaN hyperparameter", (ob_algo)a, &hp, v);
    }
    for (size_t i = 0; i < ob_variant_count(); i++)
      if (!ob_variant_supported(ob_variant_at(i)))
        expect_new_fails(OB_EUNSUPPORTED, "unsupported variant", (ob_algo)a, &def,
                         ob_variant_at(i));
    /* a valid one sets the status to OK, and works without a status pointer */
    ob_status st = (ob_status)-1;
    ob_optimizer *o = ob_optimizer_new((ob_algo)a, &def, v, &st);
    CHECK(o != NULL && st == OB_OK, "%s: status %d", aname((ob_algo)a), (int)st);
    CHECK(ob_optimizer_steps(o) == 0, "%s: new optimizer has steps", aname((ob_algo)a));
    CHECK(ob_optimizer_state(o, 0, 0) == NULL, "%s: state before the first update",
          aname((ob_algo)a));
    ob_optimizer_free(o);
    o = ob_optimizer_new((ob_algo)a, &def, v, NULL);
    CHECK(o != NULL, "%s: NULL status pointer", aname((ob_algo)a));
    ob_optimizer_free(o);
  }
  /* the NULL optimizer */
  float p[1] = {1}, g[1] = {1};
  float *ps[1] = {p};
  const float *gs[1] = {g};
  const size_t n1[1] = {1};
  CHECK(ob_optimizer_update(NULL, 1, ps, gs, n1) == OB_EINVAL, "update(NULL)");
  CHECK(ob_optimizer_set_hparams(NULL, &sgd) == OB_EINVAL, "set_hparams(NULL)");
  CHECK(ob_optimizer_steps(NULL) == 0, "steps(NULL)");
  CHECK(ob_optimizer_state(NULL, 0, 0) == NULL, "state(NULL)");
  ob_optimizer_free(NULL);
}

/* ---- One optimizer against ob_step ------------------------------------ */

/* Everything one optimizer run owns: its parameters and gradients, the
 * reference copies run by ob_step, and snapshots for refused calls. */
typedef struct {
  ob_algo algo;
  const ob_variant *v, *vref; /* as passed; what NULL resolves to */
  int states;
  float *params[COUNT], *grads[COUNT];               /* NULL for the empty array */
  float *ref_p[COUNT], *ref_s[OB_MAX_STATES][COUNT]; /* ob_step_states's copies */
  float *snap_p[COUNT], *snap_g[COUNT], *snap_s[OB_MAX_STATES][COUNT];
} run;

static float *alloc_floats(size_t n) {
  float *x = calloc(n + SLACK, sizeof *x);
  if (!x) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return x;
}

/* The value state k starts at in the optimizer: the field ob_state_initial
 * names, read from the first update's hyperparameters, else 0. */
static float initial_value(ob_algo a, int k, const ob_hparams *hp) {
  const char *field = ob_state_initial(a, k);
  double x = 0.0;
  if (field)
    CHECK(ob_hparams_get(hp, field, &x) == OB_OK, "%s: get %s", aname(a), field);
  return (float)x;
}

static void run_init(run *r, ob_algo a, const ob_variant *v, const ob_hparams *hp0, tu_rng *rng) {
  memset(r, 0, sizeof *r);
  r->algo = a;
  r->v = v;
  r->vref = v ? v : ob_variant_default();
  r->states = ob_state_count(a);
  for (size_t i = 0; i < COUNT; i++) {
    if (!sizes[i])
      continue; /* the empty array stays NULL: allowed for size 0 */
    r->params[i] = alloc_floats(sizes[i]);
    r->grads[i] = alloc_floats(sizes[i]);
    r->ref_p[i] = alloc_floats(sizes[i]);
    r->snap_p[i] = alloc_floats(sizes[i]);
    r->snap_g[i] = alloc_floats(sizes[i]);
    tu_fill(rng, r->params[i], sizes[i], TU_PARAM, 0, 0);
    memcpy(r->ref_p[i], r->params[i], sizes[i] * sizeof(float));
    for (int k = 0; k < r->states; k++) {
      r->ref_s[k][i] = alloc_floats(sizes[i]); /* at the initial value, as the optimizer's own */
      r->snap_s[k][i] = alloc_floats(sizes[i]);
      const float x0 = initial_value(a, k, hp0);
      for (size_t e = 0; e < sizes[i]; e++)
        r->ref_s[k][i][e] = x0;
    }
  }
}

static void run_free(run *r) {
  for (size_t i = 0; i < COUNT; i++) {
    free(r->params[i]);
    free(r->grads[i]);
    free(r->ref_p[i]);
    free(r->snap_p[i]);
    free(r->snap_g[i]);
    for (int k = 0; k < OB_MAX_STATES; k++) {
      free(r->ref_s[k][i]);
      free(r->snap_s[k][i]);
    }
  }
}

static void snapshot(run *r, const ob_optimizer *o) {
  for (size_t i = 0; i < COUNT; i++) {
    if (!sizes[i])
      continue;
    memcpy(r->snap_p[i], r->params[i], sizes[i] * sizeof(float));
    memcpy(r->snap_g[i], r->grads[i], sizes[i] * sizeof(float));
    for (int k = 0; k < r->states; k++) {
      const float *s = ob_optimizer_state(o, i, k);
      if (s)
        memcpy(r->snap_s[k][i], s, sizes[i] * sizeof(float));
    }
  }
}

/* Nothing moved since snapshot(): parameters, gradients, state, step count. */
static void check_untouched(const run *r, const ob_optimizer *o, int64_t steps, const char *what) {
  CHECK(ob_optimizer_steps(o) == steps, "%s/%s: %s: steps %" PRId64 ", want %" PRId64,
        tu_vname(r->v), aname(r->algo), what, ob_optimizer_steps(o), steps);
  for (size_t i = 0; i < COUNT; i++) {
    if (!sizes[i])
      continue;
    const size_t bytes = sizes[i] * sizeof(float);
    CHECK(memcmp(r->snap_p[i], r->params[i], bytes) == 0, "%s/%s: %s: params[%zu] changed",
          tu_vname(r->v), aname(r->algo), what, i);
    CHECK(memcmp(r->snap_g[i], r->grads[i], bytes) == 0, "%s/%s: %s: grads[%zu] changed",
          tu_vname(r->v), aname(r->algo), what, i);
    for (int k = 0; k < r->states; k++) {
      const float *s = ob_optimizer_state(o, i, k);
      if (steps == 0)
        CHECK(s == NULL, "%s/%s: %s: state allocated by a refused first update", tu_vname(r->v),
              aname(r->algo), what);
      else
        CHECK(s && memcmp(r->snap_s[k][i], s, bytes) == 0, "%s/%s: %s: state %d of %zu changed",
              tu_vname(r->v), aname(r->algo), what, k, i);
    }
  }
}

static void expect_refused(run *r, ob_optimizer *o, ob_status want, const char *what, size_t count,
                           float *const params[], const float *const grads[], const size_t sz[]) {
  const int64_t steps = ob_optimizer_steps(o);
  snapshot(r, o);
  const ob_status st = ob_optimizer_update(o, count, params, grads, sz);
  CHECK(st == want, "%s/%s: %s: got %d (%s), want %d (%s)", tu_vname(r->v), aname(r->algo), what,
        (int)st, ob_strerror(st), (int)want, ob_strerror(want));
  check_untouched(r, o, steps, what);
}

/* Every class of bad update; `fixed` says whether a first update fixed the shape. */
static void refused_updates(run *r, ob_optimizer *o, int fixed) {
  float *ps[COUNT + 1];
  const float *gs[COUNT + 1];
  size_t sz[COUNT + 1];
  float spare[SLACK] = {0}; /* a valid array for shapes that need one more */
#define RESET()                                                                                    \
  do {                                                                                             \
    for (size_t i_ = 0; i_ < COUNT; i_++) {                                                        \
      ps[i_] = r->params[i_];                                                                      \
      gs[i_] = r->grads[i_];                                                                       \
      sz[i_] = sizes[i_];                                                                          \
    }                                                                                              \
    ps[COUNT] = spare;                                                                             \
    gs[COUNT] = spare + SLACK / 2;                                                                 \
    sz[COUNT] = SLACK / 2;                                                                         \
  } while (0)

  /* NULL lists, NULL arrays with a size */
  RESET();
  expect_refused(r, o, OB_EINVAL, "NULL params", COUNT, NULL, gs, sz);
  expect_refused(r, o, OB_EINVAL, "NULL grads", COUNT, ps, NULL, sz);
  expect_refused(r, o, OB_EINVAL, "NULL sizes", COUNT, ps, gs, NULL);
  ps[0] = NULL;
  expect_refused(r, o, OB_EINVAL, "params[0] NULL", COUNT, ps, gs, sz);
  RESET();
  gs[2] = NULL;
  expect_refused(r, o, OB_EINVAL, "grads[2] NULL", COUNT, ps, gs, sz);

  /* overlaps: a parameter array with its own gradient (same start, shifted
   * by one), with another parameter array, with another's gradient (both ways) */
  RESET();
  gs[0] = ps[0];
  expect_refused(r, o, OB_EOVERLAP, "params[0] == grads[0]", COUNT, ps, gs, sz);
  RESET();
  ps[2] = r->grads[2] + 1;
  expect_refused(r, o, OB_EOVERLAP, "params[2] = grads[2] + 1", COUNT, ps, gs, sz);
  RESET();
  gs[2] = r->params[2] + 1;
  expect_refused(r, o, OB_EOVERLAP, "grads[2] = params[2] + 1", COUNT, ps, gs, sz);
  RESET();
  ps[0] = r->params[2] + sizes[2] - 1; /* shares params[2]'s last element */
  expect_refused(r, o, OB_EOVERLAP, "params[0] overlaps params[2]", COUNT, ps, gs, sz);
  RESET();
  ps[0] = (float *)r->grads[2] + 10;
  expect_refused(r, o, OB_EOVERLAP, "params[0] inside grads[2]", COUNT, ps, gs, sz);
  RESET();
  gs[0] = r->params[2] + 10;
  expect_refused(r, o, OB_EOVERLAP, "grads[0] inside params[2]", COUNT, ps, gs, sz);

  /* a size that cannot fit: refused before anything is allocated */
  RESET();
  sz[0] = SIZE_MAX / 2;
  expect_refused(r, o, fixed ? OB_ESHAPE : OB_EINVAL, "sizes[0] = SIZE_MAX/2", COUNT, ps, gs, sz);

  if (!fixed)
    return;
  /* other shapes than the first update's */
  RESET();
  expect_refused(r, o, OB_ESHAPE, "count - 1", COUNT - 1, ps, gs, sz);
  expect_refused(r, o, OB_ESHAPE, "count + 1", COUNT + 1, ps, gs, sz);
  expect_refused(r, o, OB_ESHAPE, "count 0", 0, NULL, NULL, NULL);
  sz[2] = sizes[2] - 1;
  expect_refused(r, o, OB_ESHAPE, "sizes[2] - 1", COUNT, ps, gs, sz);
  RESET();
  sz[0] = sizes[0] + 1; /* params[0] has SLACK floats of room: a valid array of that size */
  expect_refused(r, o, OB_ESHAPE, "sizes[0] + 1", COUNT, ps, gs, sz);
  RESET();
  ps[1] = spare;
  gs[1] = spare + SLACK / 2;
  sz[1] = 1;
  expect_refused(r, o, OB_ESHAPE, "sizes[1] 0 -> 1", COUNT, ps, gs, sz);
#undef RESET
}

/* One update through the optimizer and the same through ob_step, compared. */
static void step_both(run *r, ob_optimizer *o, const ob_hparams *hp, int64_t t, tu_rng *rng) {
  for (size_t i = 0; i < COUNT; i++)
    if (sizes[i])
      tu_fill(rng, r->grads[i], sizes[i], TU_GRAD, 0, 0);
  const ob_status st =
      ob_optimizer_update(o, COUNT, r->params, (const float *const *)r->grads, sizes);
  CHECK(st == OB_OK, "%s/%s: update %" PRId64 ": %s", tu_vname(r->v), aname(r->algo), t,
        ob_strerror(st));
  CHECK(ob_optimizer_steps(o) == t, "%s/%s: steps %" PRId64 " after update %" PRId64,
        tu_vname(r->v), aname(r->algo), ob_optimizer_steps(o), t);
  for (size_t i = 0; i < COUNT; i++) {
    if (!sizes[i])
      continue;
    float *const ref_s[OB_MAX_STATES] = {r->ref_s[0][i], r->ref_s[1][i], r->ref_s[2][i]};
    const ob_status rs =
        ob_step_states(r->vref, r->algo, hp, t, r->ref_p[i], r->grads[i], ref_s, sizes[i]);
    CHECK(rs == OB_OK, "ob_step: %s", ob_strerror(rs));
    const size_t bad = tu_diff_bits(r->params[i], r->ref_p[i], sizes[i]);
    CHECK(bad == sizes[i], "%s/%s: t=%" PRId64 ": params[%zu][%zu] = %a, ob_step gives %a",
          tu_vname(r->v), aname(r->algo), t, i, bad,
          bad < sizes[i] ? (double)r->params[i][bad] : 0.0,
          bad < sizes[i] ? (double)r->ref_p[i][bad] : 0.0);
    for (int k = 0; k < r->states; k++) {
      const float *s = ob_optimizer_state(o, i, k);
      CHECK(s != NULL, "%s/%s: no state %d for array %zu", tu_vname(r->v), aname(r->algo), k, i);
      if (s)
        CHECK(tu_diff_bits(s, r->ref_s[k][i], sizes[i]) == sizes[i],
              "%s/%s: t=%" PRId64 ": state %d of array %zu differs from ob_step's", tu_vname(r->v),
              aname(r->algo), t, k, i);
    }
  }
}

static void check_state_access(const run *r, const ob_optimizer *o) {
  for (size_t i = 0; i < COUNT; i++) {
    if (!sizes[i])
      continue; /* an empty array's state may be NULL or not */
    for (int k = 0; k < r->states; k++)
      CHECK(ob_optimizer_state(o, i, k) != NULL, "%s/%s: state(%zu, %d)", tu_vname(r->v),
            aname(r->algo), i, k);
  }
  /* out of range: which beyond the rule's states, negative, past the last; i past count */
  const int whiches[] = {r->states, -1, OB_MAX_STATES, 1000};
  for (size_t w = 0; w < sizeof whiches / sizeof whiches[0]; w++)
    if (whiches[w] >= r->states || whiches[w] < 0)
      CHECK(ob_optimizer_state(o, 0, whiches[w]) == NULL, "%s/%s: state(0, %d)", tu_vname(r->v),
            aname(r->algo), whiches[w]);
  CHECK(ob_optimizer_state(o, COUNT, 0) == NULL && ob_optimizer_state(o, SIZE_MAX, 0) == NULL,
        "%s/%s: state past the last array", tu_vname(r->v), aname(r->algo));
}

/* vi: the variant's index, or ob_variant_count() for NULL (the default).
 * Updates 1-3 run on hp0, update 4 on hp1: hp0's lr doubled, with every
 * option on (tu_options_on), so a state that hp0 leaves unused comes into
 * use from the value it was allocated with. */
static void check_run(ob_algo a, size_t vi, uint64_t seed, int options) {
  const ob_variant *v = ob_variant_at(vi);
  tu_rng rng = tu_rng_for(seed, (uint64_t)a, vi, (uint64_t)options);
  const ob_hparams hp0 = options ? tu_options_on(a) : ob_defaults(a);
  ob_hparams hp1 = tu_options_on(a);
  hp1.lr = 2 * hp0.lr; /* a different lr, exact in float: its effect must show */
  run r;
  run_init(&r, a, v, &hp0, &rng);

  ob_status st = (ob_status)-1;
  ob_optimizer *o = ob_optimizer_new(a, &hp0, v, &st);
  CHECK(o && st == OB_OK, "%s/%s: new: %d", tu_vname(v), aname(a), (int)st);
  if (!o) {
    run_free(&r);
    return;
  }
  CHECK(ob_optimizer_state(o, 0, 0) == NULL, "%s/%s: state before the first update", tu_vname(v),
        aname(a));

  /* refused first updates fix no shape and allocate nothing */
  refused_updates(&r, o, 0);
  {
    float *ps[2] = {r.params[0], r.params[0]};
    const float *gs[2] = {r.grads[0], r.grads[2]};
    const size_t sz[2] = {sizes[0], sizes[0]};
    expect_refused(&r, o, OB_EOVERLAP, "first update: params[0] == params[1]", 2, ps, gs, sz);
  }

  for (int64_t t = 1; t <= STEPS; t++) {
    const ob_hparams *hp = &hp0;
    if (t == 3) {
      /* refused changes keep the old hyperparameters: update 3 runs on hp0 */
      CHECK(ob_optimizer_set_hparams(o, NULL) == OB_EINVAL, "set_hparams(NULL)");
      const unsigned used = ob_hparams_used(a);
      for (int f = 0; f < ob_hparam_count(); f++) {
        if (!(used & (1u << f)))
          continue;
        ob_hparams bad = hp0;
        /* outside every domain */
        CHECK(ob_hparams_set(&bad, ob_hparam_name(f), -1.0) == OB_OK, "set %s", ob_hparam_name(f));
        CHECK(ob_optimizer_set_hparams(o, &bad) == OB_EHPARAM, "%s/%s: bad %s accepted",
              tu_vname(v), aname(a), ob_hparam_name(f));
      }
    }
    if (t == 4) {
      CHECK(ob_optimizer_set_hparams(o, &hp1) == OB_OK, "%s/%s: set_hparams", tu_vname(v),
            aname(a));
      hp = &hp1;
    }
    step_both(&r, o, hp, t, &rng);
    if (t == 1)
      check_state_access(&r, o);
    if (t == 2)
      refused_updates(&r, o, 1);
  }
  /* the new lr matters: from one start, a step on hp1 differs from one at
   * half its lr, so matching ob_step on hp1 above is evidence that hp1 took effect */
  {
    const size_t n = sizes[2];
    float *p0 = alloc_floats(n), *p1 = alloc_floats(n), *g = alloc_floats(n);
    float *s[2][OB_MAX_STATES];
    for (int i = 0; i < 2 * OB_MAX_STATES; i++)
      s[i / OB_MAX_STATES][i % OB_MAX_STATES] = alloc_floats(n);
    tu_fill(&rng, p0, n, TU_PARAM, 0, 0);
    tu_fill(&rng, g, n, TU_GRAD, 0, 0);
    memcpy(p1, p0, n * sizeof(float));
    ob_hparams half = hp1; /* hp1 but for its lr */
    half.lr = hp0.lr;
    CHECK(ob_step_states(r.vref, a, &half, 1, p0, g, s[0], n) == OB_OK, "ob_step hp1, lr/2");
    CHECK(ob_step_states(r.vref, a, &hp1, 1, p1, g, s[1], n) == OB_OK, "ob_step hp1");
    CHECK(memcmp(p0, p1, n * sizeof(float)) != 0, "%s/%s: doubling lr changes nothing", tu_vname(v),
          aname(a));
    free(p0), free(p1), free(g);
    for (int i = 0; i < 2 * OB_MAX_STATES; i++)
      free(s[i / OB_MAX_STATES][i % OB_MAX_STATES]);
  }
  ob_optimizer_free(o);
  run_free(&r);
}

/* Edge shapes: no arrays at all; one gradient array shared by two parameters. */
static void check_edge_shapes(void) {
  const ob_variant *v = ob_variant_best();
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams hp = ob_defaults((ob_algo)a);
    ob_optimizer *o = ob_optimizer_new((ob_algo)a, &hp, v, NULL);
    CHECK(o != NULL, "%s", aname((ob_algo)a));
    if (!o)
      continue;
    CHECK(ob_optimizer_update(o, 0, NULL, NULL, NULL) == OB_OK, "%s: count 0", aname((ob_algo)a));
    CHECK(ob_optimizer_update(o, 0, NULL, NULL, NULL) == OB_OK, "%s: count 0 again",
          aname((ob_algo)a));
    CHECK(ob_optimizer_steps(o) == 2, "%s: steps %" PRId64, aname((ob_algo)a),
          ob_optimizer_steps(o));
    float p[1] = {1}, g[1] = {1};
    float *ps[1] = {p};
    const float *gs[1] = {g};
    const size_t n1[1] = {1};
    /* an empty update fixes no shape: the first real one still may */
    CHECK(ob_optimizer_update(o, 1, ps, gs, n1) == OB_OK, "%s: count 0 then 1", aname((ob_algo)a));
    CHECK(ob_optimizer_steps(o) == 3, "%s: steps %" PRId64, aname((ob_algo)a),
          ob_optimizer_steps(o));
    CHECK(ob_state_count((ob_algo)a) == 0 || ob_optimizer_state(o, 0, 0) != NULL,
          "%s: no state after the first real update", aname((ob_algo)a));
    CHECK(ob_optimizer_update(o, 0, NULL, NULL, NULL) == OB_ESHAPE, "%s: 1 then count 0",
          aname((ob_algo)a));
    ob_optimizer_free(o);

    /* grads may share memory: they are only read */
    enum { M = 33 }; /* odd, above one AVX-512 vector */
    float p0[M], p1[M], q0[M], q1[M], gg[M];
    float r0[OB_MAX_STATES][M] = {{0}}, r1[OB_MAX_STATES][M] = {{0}}; /* the defaults start at 0 */
    tu_rng rng = tu_rng_for(SEED, 7, (uint64_t)a, 0);
    tu_fill(&rng, p0, M, TU_PARAM, 0, 0);
    tu_fill(&rng, p1, M, TU_PARAM, 0, 0);
    tu_fill(&rng, gg, M, TU_GRAD, 0, 0);
    memcpy(q0, p0, sizeof p0);
    memcpy(q1, p1, sizeof p1);
    o = ob_optimizer_new((ob_algo)a, &hp, v, NULL);
    float *pp[2] = {p0, p1};
    const float *gp[2] = {gg, gg};
    const size_t nn[2] = {M, M};
    CHECK(ob_optimizer_update(o, 2, pp, gp, nn) == OB_OK, "%s: shared gradient", aname((ob_algo)a));
    float *const s0[OB_MAX_STATES] = {r0[0], r0[1], r0[2]}, *const s1[OB_MAX_STATES] = {
                                                                r1[0], r1[1], r1[2]};
    ob_step_states(v, (ob_algo)a, &hp, 1, q0, gg, s0, M);
    ob_step_states(v, (ob_algo)a, &hp, 1, q1, gg, s1, M);
    CHECK(memcmp(p0, q0, sizeof p0) == 0 && memcmp(p1, q1, sizeof p1) == 0,
          "%s: shared gradient: result differs from ob_step", aname((ob_algo)a));
    ob_optimizer_free(o);
  }
}

/* In a child process with the environment set: unsupported and no-default. */
static int child(const char *mode) {
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const ob_hparams hp = ob_defaults((ob_algo)a);
    if (strcmp(mode, "child-features-off") == 0) {
      CHECK(!ob_variant_supported(ob_variant_find("avx512")), "avx512 still supported");
      for (size_t i = 0; i < ob_variant_count(); i++)
        if (!ob_variant_supported(ob_variant_at(i)))
          expect_new_fails(OB_EUNSUPPORTED, "unsupported variant", (ob_algo)a, &hp,
                           ob_variant_at(i));
    } else {
      expect_new_fails(OB_ENOVARIANT, "no default variant", (ob_algo)a, &hp, NULL);
    }
  }
  return ob_test_done(mode);
}

int main(int argc, char **argv) {
  if (argc > 1)
    return child(argv[1]);
  const uint64_t seed = tu_seed("test_optimizer", SEED);
  ob_set_omp_threshold(THRESHOLD);

  check_new();
  check_edge_shapes();
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    for (int options = 0; options <= tu_has_options((ob_algo)a); options++) {
      if (ob_variant_default())
        check_run((ob_algo)a, ob_variant_count(), seed, options);
      for (size_t i = 0; i < ob_variant_count(); i++)
        if (ob_variant_supported(ob_variant_at(i)))
          check_run((ob_algo)a, i, seed, options);
    }

  const char *off[] = {"OPTBENCH_CPU_FEATURES_OFF=avx512f", NULL};
  const char *bogus[] = {"OPTBENCH_VARIANT=bogus", NULL};
  int rc = tu_run_self("child-features-off", off);
  CHECK(rc == 0, "child-features-off exited with %d", rc);
  rc = tu_run_self("child-no-default", bogus);
  CHECK(rc == 0, "child-no-default exited with %d", rc);
  return ob_test_done("test_optimizer");
}
