/* What ob_step_list and the optimizer object refuse, over a whole list:
 * every status of ob_step (a NULL anywhere, any two arrays sharing memory -
 * within a tensor or across two, identical or shifted by one element - bad
 * hyperparameters), with nothing written; what they accept (count 0, empty
 * tensors, arrays that touch without sharing); and checks that are no longer
 * quadratic in the number of tensors. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "list_util.h"
#include "optbench.h"
#include "test_util.h"

#define SEED         0x72656675u /* any fixed value: the data */
#define HUGE         50000       /* the largest model, in tensors */
/* A quadratic check of HUGE tensors compares ~2e10 pairs (tens of seconds);
 * a linear one takes milliseconds, sanitizers included: 1 s tells them apart. */
#define HUGE_SECONDS 1.0

typedef struct {
  tl_model md;
  float *p[TL_MAX_N], *g[TL_MAX_N], *s0[TL_MAX_N], *s1[TL_MAX_N];
  size_t n[TL_MAX_N];
  float spare[2 * 128]; /* room for two arrays of up to 128 floats outside the model */
  float spare_snap[2 * 128];
  float *snap[4];
  const char *what;
} lists;

static void lists_reset(lists *l) {
  for (size_t i = 0; i < l->md.count; i++) {
    l->p[i] = l->md.a[0][i];
    l->g[i] = l->md.a[1][i];
    l->s0[i] = l->md.a[2][i];
    l->s1[i] = l->md.a[3][i];
    l->n[i] = l->md.n[i];
  }
}

static void lists_init(lists *l, int m, int layout, tu_rng *rng) {
  tl_build(&l->md, m, layout, rng);
  for (int k = 0; k < 4; k++)
    l->snap[k] = tl_alloc(l->md.floats * sizeof(float));
  for (size_t i = 0; i < l->md.count; i++)
    for (int k = 0; k < 4; k++)
      if (l->md.n[i])
        tu_fill(rng, l->md.a[k][i], l->md.n[i],
                k == 0   ? TU_PARAM
                : k == 1 ? TU_GRAD
                         : TU_STATE,
                0, 0);
  lists_reset(l);
}

static void lists_free(lists *l) {
  for (int k = 0; k < 4; k++)
    free(l->snap[k]);
  tl_free(&l->md);
}

static void snapshot(lists *l) {
  for (int k = 0; k < 4; k++)
    memcpy(l->snap[k], l->md.block[k], l->md.floats * sizeof(float));
  memcpy(l->spare_snap, l->spare, sizeof l->spare);
}

static int untouched(const lists *l) {
  for (int k = 0; k < 4; k++)
    if (memcmp(l->snap[k], l->md.block[k], l->md.floats * sizeof(float)) != 0)
      return 0;
  return memcmp(l->spare_snap, l->spare, sizeof l->spare) == 0;
}

/* ob_step_list (Adam unless said) on l's lists as they stand now, expecting `want`. */
static void expect_list(lists *l, ob_algo a, ob_status want, const char *why, size_t count) {
  const ob_hparams hp = ob_defaults(a);
  snapshot(l);
  const ob_status st = ob_step_list(ob_variant_best(), a, &hp, 1, count, l->p,
                                    (const float *const *)l->g, l->s0, l->s1, l->n);
  CHECK(st == want, "%s: %s: %s, want %s", l->what, why, ob_strerror(st), ob_strerror(want));
  if (want != OB_OK)
    CHECK(untouched(l), "%s: %s: refused but wrote", l->what, why);
  lists_reset(l);
}

/* The first two tensors with at least `min` elements (the model has them). */
static void two_tensors(const lists *l, size_t min, size_t *i, size_t *j) {
  *i = *j = l->md.count;
  for (size_t k = 0; k < l->md.count; k++)
    if (l->md.n[k] >= min) {
      if (*i == l->md.count)
        *i = k;
      else if (*j == l->md.count)
        *j = k;
    }
}

/* s1[i] (ni elements) at the start of the spare room, p[j] (nj) `at` floats after it. */
static void neighbours(lists *l, size_t i, size_t ni, size_t j, size_t nj, size_t at,
                       ob_status want, const char *why) {
  l->n[i] = ni;
  l->n[j] = nj;
  l->s1[i] = l->spare;
  l->p[j] = l->spare + at;
  expect_list(l, OB_ADAM, want, why, l->md.count);
}

static void check_overlaps(lists *l) {
  const size_t count = l->md.count;
  size_t i, j;
  two_tensors(l, 2, &i, &j); /* two elements: a shift by one still overlaps */
  CHECK(j < count, "%s: the model has two tensors of two elements", l->what);
  if (j >= count)
    return;
  expect_list(l, OB_ADAM, OB_OK, "as laid out (some arrays touch)", count);
  /* identical pointers of every pair of kinds, across two tensors */
  float **kinds[4] = {l->p, (float **)l->g, l->s0, l->s1};
  static const char *const names[4] = {"p", "g", "s0", "s1"};
  char why[80];
  for (int x = 0; x < 4; x++)
    for (int y = 0; y < 4; y++) {
      kinds[y][j] = kinds[x][i];
      snprintf(why, sizeof why, "%s[j] = %s[i]", names[y], names[x]);
      expect_list(l, OB_ADAM, OB_EOVERLAP, why, count);
      kinds[y][j] = kinds[x][i] + 1; /* shifted by one: shares all but one element */
      snprintf(why, sizeof why, "%s[j] = %s[i] + 1", names[y], names[x]);
      expect_list(l, OB_ADAM, OB_EOVERLAP, why, count);
    }
  /* within one tensor: p and its own s1 one element apart */
  l->s1[j] = l->p[j] + 1;
  expect_list(l, OB_ADAM, OB_EOVERLAP, "s1[j] = p[j] + 1", count);
  /* neighbours in memory: touching is allowed, one shared element is not; a
   * list that passed is checked again when only a size grows */
  const size_t ni = l->n[i] < 128 ? l->n[i] : 128, nj = l->n[j] < 128 ? l->n[j] : 128;
  neighbours(l, i, ni, j, nj, ni, OB_OK, "p[j] starts where s1[i] ends");
  neighbours(l, i, ni, j, nj, ni, OB_OK, "p[j] starts where s1[i] ends, again");
  neighbours(l, i, ni + 1, j, nj, ni, OB_EOVERLAP, "s1[i] grown onto p[j]");
  neighbours(l, i, ni, j, nj, ni - 1, OB_EOVERLAP, "p[j] starts on s1[i]'s last element");
}

static void check_nulls(lists *l) {
  const size_t count = l->md.count;
  size_t i, j;
  two_tensors(l, 1, &i, &j);
  float **kinds[4] = {l->p, (float **)l->g, l->s0, l->s1};
  for (int k = 0; k < 4; k++) {
    kinds[k][j] = NULL;
    expect_list(l, OB_ADAM, OB_EINVAL, "a NULL array in the list", count);
    kinds[k][j] = NULL;
    l->p[i] = l->g[i]; /* and an overlap earlier in the list: the NULL still decides */
    expect_list(l, OB_ADAM, OB_EINVAL, "a NULL array after an overlap", count);
  }
  l->n[j] = SIZE_MAX / 2; /* cannot fit in memory */
  expect_list(l, OB_ADAM, OB_EINVAL, "a size past the address space", count);
  for (int k = 0; k < 4; k++) { /* one byte off: not a float's alignment, as ob_step refuses */
    kinds[k][j] = (float *)(void *)((char *)kinds[k][j] + 1);
    expect_list(l, OB_ADAM, OB_EINVAL, "an array off float alignment", count);
  }
  const ob_hparams hp = ob_defaults(OB_ADAM);
  const ob_variant *v = ob_variant_best();
  float *const *none = NULL;
  CHECK(ob_step_list(v, OB_ADAM, &hp, 1, count, none, (const float *const *)l->g, l->s0, l->s1,
                     l->n) == OB_EINVAL,
        "NULL params list");
  CHECK(ob_step_list(v, OB_ADAM, &hp, 1, count, l->p, NULL, l->s0, l->s1, l->n) == OB_EINVAL,
        "NULL grads list");
  CHECK(ob_step_list(v, OB_ADAM, &hp, 1, count, l->p, (const float *const *)l->g, l->s0, NULL,
                     l->n) == OB_EINVAL,
        "NULL s1 list for Adam");
  CHECK(ob_step_list(v, OB_ADAM, &hp, 1, count, l->p, (const float *const *)l->g, l->s0, l->s1,
                     NULL) == OB_EINVAL,
        "NULL sizes list");
  CHECK(untouched(l), "%s: NULL lists: refused but wrote", l->what);
  /* lists of states the rule does not have are not read: garbage is fine */
  float *junk[1] = {(float *)l->g[0]};
  const ob_hparams mom = ob_defaults(OB_MOMENTUM), sgd = ob_defaults(OB_SGD);
  CHECK(ob_step_list(v, OB_MOMENTUM, &mom, 1, 1, l->p, (const float *const *)l->g, l->s0, junk,
                     l->n) == OB_OK,
        "Momentum with a junk s1 list");
  CHECK(ob_step_list(v, OB_SGD, &sgd, 1, 1, l->p, (const float *const *)l->g, junk, junk, l->n) ==
            OB_OK,
        "SGD with junk state lists");
  /* a list that passed for SGD (no state lists) is refused for Adam, which needs them */
  const ob_hparams sgd_hp = ob_defaults(OB_SGD);
  CHECK(ob_step_list(v, OB_SGD, &sgd_hp, 1, count, l->p, (const float *const *)l->g, NULL, NULL,
                     l->n) == OB_OK,
        "SGD without state lists");
  snapshot(l);
  CHECK(ob_step_list(v, OB_ADAM, &hp, 1, count, l->p, (const float *const *)l->g, NULL, NULL,
                     l->n) == OB_EINVAL,
        "Adam without state lists, after SGD passed");
  CHECK(untouched(l), "%s: Adam without state lists: refused but wrote", l->what);
  /* count 0, and empty tensors with NULL arrays among real ones */
  CHECK(ob_step_list(v, OB_ADAM, &hp, 1, 0, NULL, NULL, NULL, NULL, NULL) == OB_OK, "count 0");
  for (int k = 0; k < 4; k++)
    kinds[k][j] = NULL;
  l->n[j] = 0;
  expect_list(l, OB_ADAM, OB_OK, "an empty tensor with NULL arrays", count);
}

static void check_hparams(lists *l) {
  const size_t count = l->md.count;
  const ob_variant *v = ob_variant_best();
  const float *const *g = (const float *const *)l->g;
  ob_hparams hp = ob_defaults(OB_ADAM);
  snapshot(l);
  CHECK(ob_step_list(v, OB_ADAM, NULL, 1, count, l->p, g, l->s0, l->s1, l->n) == OB_EINVAL,
        "NULL hparams");
  CHECK(ob_step_list(v, (ob_algo)OB_ALGO_COUNT, &hp, 1, count, l->p, g, l->s0, l->s1, l->n) ==
            OB_EINVAL,
        "unknown algorithm");
  CHECK(ob_step_list(v, OB_ADAM, &hp, 0, count, l->p, g, l->s0, l->s1, l->n) == OB_ESTEP,
        "Adam at t = 0");
  hp.lr = NAN;
  CHECK(ob_step_list(v, OB_ADAM, &hp, 1, count, l->p, g, l->s0, l->s1, l->n) == OB_EHPARAM,
        "NaN lr");
  struct {
    const char *name;
    double junk[8];
  } fake = {"avx2", {0}}; /* not one of the registry's variants */
  hp = ob_defaults(OB_ADAM);
  CHECK(ob_step_list((const ob_variant *)&fake, OB_ADAM, &hp, 1, count, l->p, g, l->s0, l->s1,
                     l->n) == OB_EINVAL,
        "foreign variant");
  for (size_t i = 0; i < ob_variant_count(); i++)
    if (!ob_variant_supported(ob_variant_at(i)))
      CHECK(ob_step_list(ob_variant_at(i), OB_ADAM, &hp, 1, count, l->p, g, l->s0, l->s1, l->n) ==
                OB_EUNSUPPORTED,
            "unsupported %s", ob_variant_name(ob_variant_at(i)));
  CHECK(untouched(l), "%s: bad hyperparameters: refused but wrote", l->what);
}

/* The object: after an update passes its checks, other arrays are checked
 * again (it must not trust the ones it saw); shapes stay fixed. */
static void check_object(lists *l) {
  const size_t count = l->md.count;
  const ob_hparams hp = ob_defaults(OB_ADAM);
  ob_optimizer *o = ob_optimizer_new(OB_ADAM, &hp, ob_variant_best(), NULL);
  CHECK(o != NULL, "new");
  if (!o)
    return;
  const float *const *g = (const float *const *)l->g;
  CHECK(ob_optimizer_update(o, count, l->p, g, l->n) == OB_OK, "%s: first update", l->what);
  size_t i, j;
  two_tensors(l, 2, &i, &j);
  struct {
    const char *why;
    ob_status want;
  } cases[] = {{"p[j] = p[i]", OB_EOVERLAP},
               {"p[j] = g[i] + 1", OB_EOVERLAP},
               {"p[i] = NULL", OB_EINVAL},
               {"n[j] - 1", OB_ESHAPE}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    if (c == 0)
      l->p[j] = l->p[i];
    if (c == 1)
      l->p[j] = (float *)l->g[i] + 1;
    if (c == 2)
      l->p[i] = NULL;
    if (c == 3)
      l->n[j]--;
    snapshot(l);
    const ob_status st = ob_optimizer_update(o, count, l->p, g, l->n);
    CHECK(st == cases[c].want, "%s: object after an update: %s: %s, want %s", l->what, cases[c].why,
          ob_strerror(st), ob_strerror(cases[c].want));
    CHECK(untouched(l), "%s: object: %s: refused but wrote", l->what, cases[c].why);
    lists_reset(l);
  }
  CHECK(ob_optimizer_steps(o) == 1, "%s: refused updates counted", l->what);
  ob_optimizer_free(o);
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* HUGE one-element tensors, their arrays in list order or scrambled. */
static void check_huge(int scrambled, tu_rng *rng) {
  float *block = tl_alloc(4 * 2 * HUGE * sizeof(float)); /* a gap of one float after each */
  float **a[4];
  size_t *n = tl_alloc(HUGE * sizeof *n), *slot = tl_alloc(HUGE * sizeof *slot);
  for (size_t i = 0; i < HUGE; i++) {
    slot[i] = i;
    n[i] = 1;
  }
  for (size_t i = HUGE; scrambled && i > 1; i--) {
    const size_t k = tu_next(rng) % i, x = slot[i - 1];
    slot[i - 1] = slot[k];
    slot[k] = x;
  }
  for (int k = 0; k < 4; k++) {
    a[k] = tl_alloc(HUGE * sizeof *a[k]);
    for (size_t i = 0; i < HUGE; i++)
      a[k][i] = block + 2 * (k * (size_t)HUGE + slot[i]);
  }
  const ob_hparams hp = ob_defaults(OB_ADAM);
  const double t0 = seconds();
  const ob_status st = ob_step_list(ob_variant_best(), OB_ADAM, &hp, 1, HUGE, a[0],
                                    (const float *const *)a[1], a[2], a[3], n);
  const double t1 = seconds();
  CHECK(st == OB_OK && t1 - t0 < HUGE_SECONDS, "%d tensors (%s): %s in %.3f s", HUGE,
        scrambled ? "scrambled" : "in order", ob_strerror(st), t1 - t0);
  a[0][HUGE - 1] = a[3][0]; /* the last p on the first s1: refused as fast */
  const ob_status st2 = ob_step_list(ob_variant_best(), OB_ADAM, &hp, 1, HUGE, a[0],
                                     (const float *const *)a[1], a[2], a[3], n);
  CHECK(st2 == OB_EOVERLAP && seconds() - t1 < HUGE_SECONDS, "%d tensors, one overlap: %s", HUGE,
        ob_strerror(st2));
  a[0][HUGE - 1] = block + 2 * slot[HUGE - 1];
  ob_optimizer *o = ob_optimizer_new(OB_ADAM, &hp, ob_variant_best(), NULL);
  const double t2 = seconds();
  const ob_status st3 = ob_optimizer_update(o, HUGE, a[0], (const float *const *)a[1], n);
  CHECK(st3 == OB_OK && seconds() - t2 < HUGE_SECONDS, "object, %d tensors: %s", HUGE,
        ob_strerror(st3));
  ob_optimizer_free(o);
  for (int k = 0; k < 4; k++)
    free(a[k]);
  free(block);
  free(n);
  free(slot);
}

int main(void) {
  const uint64_t seed = tu_seed("test_list_refuse", SEED);
  static lists l; /* large: not on the stack */
  for (int m = 0; m < TL_MODELS; m++)
    for (int layout = 0; layout < TL_LAYOUTS; layout++) {
      tu_rng rng = tu_rng_for(seed, (uint64_t)m, (uint64_t)layout, 0);
      char what[64];
      snprintf(what, sizeof what, "%s/%s", tl_model_names[m], tl_layout_names[layout]);
      lists_init(&l, m, layout, &rng);
      l.what = what;
      check_overlaps(&l);
      check_nulls(&l);
      check_hparams(&l);
      check_object(&l);
      lists_free(&l);
    }
  tu_rng rng = tu_rng_for(seed, 1, 2, 3);
  check_huge(0, &rng);
  check_huge(1, &rng);
  return ob_test_done("test_list_refuse");
}
