/* Determinism across threads and builds:
 *   - every <isa>+omp variant gives the same bits as <isa> itself, for every
 *     thread count, around the size threshold, at misaligned pointers, on
 *     data with NaN, Inf, zeros and subnormals (the same kernel runs every
 *     element, so the bits, NaN payloads included, must agree);
 *   - the single-thread ISAs that share one sequence of roundings agree:
 *     scalar, autovec and sse2 (every operation rounded, textbook order), and
 *     avx2 and avx512 (the same FMA sequence) - NaNs compared as a class. */
#define _POSIX_C_SOURCE 200809L

#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

#define SEED 0x9a7a11e1u /* any fixed value: the data */
#define T    64          /* small threshold: sizes around it stay fast, and 2T..16T split */
#define BIG  100003      /* odd and prime: no thread count divides it, many 64-byte lines */
#define PAD  16          /* floats of room in front of each array for the offsets */
/* Corner values among the data: sparse (about 6%: most vectors hold one, most
 * elements none) and dense (a third: two NaNs with different payloads often
 * meet in one operation, where x86 keeps the first operand's payload) */
static const unsigned special_every[] = {16, 3};
#define FLAVOURS (sizeof special_every / sizeof special_every[0])
#define ADAM_T   7 /* any step > 1: bias correction on, not at its t = 1 values */

/* 1 and 2 (the cores here), odd counts that leave ragged chunks, and more
 * threads than cores (7, 8): chunking must not depend on the machine */
static const int threads[] = {1, 2, 3, 4, 7, 8};
#define THREAD_COUNTS (sizeof threads / sizeof threads[0])

/* Per-array offsets from a 64-byte boundary, in floats: all aligned, all
 * misaligned alike (3 floats: not a multiple of any vector width), and each
 * array differently (chunk boundaries follow p's lines, not the others'). */
static const size_t offsets[][4] = {{0, 0, 0, 0}, {3, 3, 3, 3}, {3, 0, 1, 2}};
#define OFFSET_SETS (sizeof offsets / sizeof offsets[0])

/* Four arrays p, g, s0, s1 at their offsets inside 64-byte aligned blocks. */
typedef struct {
  float *block[4];
  float *a[4];
} arrays;

static void arrays_alloc(arrays *x, size_t n) {
  const size_t bytes = ((n + PAD) * sizeof(float) + 63) / 64 * 64;
  for (int k = 0; k < 4; k++) {
    x->block[k] = aligned_alloc(64, bytes);
    if (!x->block[k]) {
      fprintf(stderr, "out of memory\n");
      exit(2);
    }
    memset(x->block[k], 0, bytes);
    x->a[k] = x->block[k];
  }
}

static void arrays_free(arrays *x) {
  for (int k = 0; k < 4; k++)
    free(x->block[k]);
}

static void arrays_place(arrays *x, const size_t off[4]) {
  for (int k = 0; k < 4; k++)
    x->a[k] = x->block[k] + off[k];
}

static void arrays_copy(arrays *dst, const arrays *src, size_t n) {
  for (int k = 0; k < 4; k++)
    memcpy(dst->a[k], src->a[k], n * sizeof(float));
}

static ob_status step(const ob_variant *v, ob_algo a, arrays *x, size_t n) {
  const ob_hparams hp = ob_defaults(a);
  const int st = ob_state_count(a);
  return ob_step(v, a, &hp, ADAM_T, x->a[0], x->a[1], st > 0 ? x->a[2] : NULL,
                 st > 1 ? x->a[3] : NULL, n);
}

static const char *const array_names[4] = {"p", "g", "s0", "s1"};

/* got equals want: bitwise (exact) or NaN-class; reports the first difference. */
static int same(const arrays *got, const arrays *want, size_t n, int exact, const char *what) {
  int ok = 1;
  for (int k = 0; k < 4; k++) {
    const size_t i =
        exact ? tu_diff_bits(got->a[k], want->a[k], n) : tu_diff_class(got->a[k], want->a[k], n);
    if (i < n) {
      CHECK(0, "%s: %s[%zu] = %a (0x%08x), want %a (0x%08x)", what, array_names[k], i,
            (double)got->a[k][i], tu_u32(got->a[k][i]), (double)want->a[k][i],
            tu_u32(want->a[k][i]));
      ok = 0;
    }
  }
  return ok;
}

/* ---- <isa>+omp == <isa> -------------------------------------------------- */

static void check_omp_variant(const ob_variant *omp, const size_t *sizes, size_t nsizes,
                              const int *tc, size_t ntc, uint64_t seed, arrays *in, arrays *ref,
                              arrays *work) {
  const ob_variant *twin = ob_variant_find(ob_variant_isa(omp));
  CHECK(twin && !ob_variant_is_parallel(twin) && ob_variant_supported(twin), "%s: twin %s",
        ob_variant_name(omp), tu_vname(twin));
  if (!twin || !ob_variant_supported(twin))
    return;
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    for (size_t s = 0; s < nsizes; s++)
      for (size_t o = 0; o < OFFSET_SETS * FLAVOURS; o++) {
        const size_t n = sizes[s], fl = o / OFFSET_SETS;
        /* the long arrays only at the hardest offsets, each array its own (time) */
        if (n > 16 * T + 3 && o % OFFSET_SETS != OFFSET_SETS - 1)
          continue;
        arrays_place(in, offsets[o % OFFSET_SETS]);
        arrays_place(ref, offsets[o % OFFSET_SETS]);
        arrays_place(work, offsets[o % OFFSET_SETS]);
        tu_rng rng = tu_rng_for(seed, (uint64_t)a, n, o);
        tu_fill_case(&rng, (ob_algo)a, in->a[0], in->a[1], in->a[2], in->a[3], n, special_every[fl],
                     1);
        arrays_copy(ref, in, n);
        CHECK(step(twin, (ob_algo)a, ref, n) == OB_OK, "%s", ob_variant_name(twin));
        for (size_t t = 0; t < ntc; t++) {
          omp_set_num_threads(tc[t]);
          arrays_copy(work, in, n);
          CHECK(step(omp, (ob_algo)a, work, n) == OB_OK, "%s", ob_variant_name(omp));
          char what[160];
          const size_t *off = offsets[o % OFFSET_SETS];
          snprintf(what, sizeof what,
                   "%s vs %s, %s, n=%zu, offsets %zu/%zu/%zu/%zu, %d threads, specials 1/%u",
                   ob_variant_name(omp), ob_variant_name(twin), ob_algo_name((ob_algo)a), n, off[0],
                   off[1], off[2], off[3], tc[t], special_every[fl]);
          same(work, ref, n, ob_variant_exact_nans(omp), what);
        }
      }
}

/* Called from inside a parallel region (as a data-parallel trainer would):
 * each thread's call must still give the twin's bits. */
static void check_nested(const ob_variant *omp, uint64_t seed) {
  const ob_variant *twin = ob_variant_find(ob_variant_isa(omp));
  enum { OUTER = 3, NN = 4099 }; /* 3 outer threads; 4099 > T and odd */
  int failures = 0;
  omp_set_num_threads(2);
#pragma omp parallel num_threads(OUTER) reduction(+ : failures)
  {
    const int me = omp_get_thread_num();
    arrays in, ref, work;
    arrays_alloc(&in, NN), arrays_alloc(&ref, NN), arrays_alloc(&work, NN);
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      tu_rng rng = tu_rng_for(seed, (uint64_t)a, NN, 100 + (uint64_t)me); /* past the offset sets */
      tu_fill_case(&rng, (ob_algo)a, in.a[0], in.a[1], in.a[2], in.a[3], NN, special_every[0], 1);
      arrays_copy(&ref, &in, NN);
      arrays_copy(&work, &in, NN);
      failures += step(twin, (ob_algo)a, &ref, NN) != OB_OK;
      failures += step(omp, (ob_algo)a, &work, NN) != OB_OK;
      for (int k = 0; k < 4; k++)
        failures += (ob_variant_exact_nans(omp) ? tu_diff_bits(work.a[k], ref.a[k], NN)
                                                : tu_diff_class(work.a[k], ref.a[k], NN)) != NN;
    }
    arrays_free(&in), arrays_free(&ref), arrays_free(&work);
  }
  CHECK(failures == 0, "%s called from a parallel region: %d differences", ob_variant_name(omp),
        failures);
}

/* ---- Single-thread ISAs with the same roundings ----------------------- */

/* DESIGN.md and impl/: scalar and autovec are one source with contraction
 * off, sse2 has no FMA and keeps the textbook order; avx2 and avx512 share
 * one FMA sequence (impl/simd/optim_body.h). Named by hand on purpose: the
 * claim is about these builds. An ISA outside both groups is only compared
 * with its +omp twin (above) and, within tolerance, in test_layout. */
static const char *const groups[][4] = {{"scalar", "autovec", "sse2", NULL},
                                        {"avx2", "avx512", NULL, NULL}};
#define GROUPS (sizeof groups / sizeof groups[0])

static void check_groups(uint64_t seed) {
  size_t sizes[80];
  size_t nsizes = 0;
  for (size_t n = 0; n <= 70; n++) /* every tail of every vector width up to 64 floats */
    sizes[nsizes++] = n;
  const size_t larger[] = {127, 128, 129, 1000, 4099, BIG}; /* DESIGN.md's golden lengths + BIG */
  for (size_t i = 0; i < sizeof larger / sizeof larger[0]; i++)
    sizes[nsizes++] = larger[i];
  arrays in, ref, work;
  arrays_alloc(&in, BIG), arrays_alloc(&ref, BIG), arrays_alloc(&work, BIG);
  for (size_t gi = 0; gi < GROUPS; gi++) {
    const ob_variant *first = NULL;
    for (size_t m = 0; m < 4 && groups[gi][m]; m++) {
      const ob_variant *v = ob_variant_find(groups[gi][m]);
      CHECK(v != NULL, "no variant %s", groups[gi][m]);
      if (!v || !ob_variant_supported(v))
        continue;
      if (!first) {
        first = v;
        continue;
      }
      for (int a = 0; a < OB_ALGO_COUNT; a++)
        for (size_t s = 0; s < nsizes; s++)
          for (size_t o = 0; o < 2 * FLAVOURS; o++) { /* offset sets 0 and 1 */
            const size_t n = sizes[s];
            arrays_place(&in, offsets[o % 2]), arrays_place(&ref, offsets[o % 2]);
            arrays_place(&work, offsets[o % 2]);
            tu_rng rng =
                tu_rng_for(seed ^ 0x5a5a, (uint64_t)a, n, o); /* not the +omp checks' data */
            tu_fill_case(&rng, (ob_algo)a, in.a[0], in.a[1], in.a[2], in.a[3], n,
                         special_every[o / 2], 1);
            arrays_copy(&ref, &in, n), arrays_copy(&work, &in, n);
            CHECK(step(first, (ob_algo)a, &ref, n) == OB_OK, "%s", ob_variant_name(first));
            CHECK(step(v, (ob_algo)a, &work, n) == OB_OK, "%s", ob_variant_name(v));
            char what[128];
            snprintf(what, sizeof what, "%s vs %s, %s, n=%zu, offset %zu, specials 1/%u",
                     ob_variant_name(v), ob_variant_name(first), ob_algo_name((ob_algo)a), n,
                     offsets[o % 2][0], special_every[o / 2]);
            same(&work, &ref, n, 0, what);
          }
    }
  }
  arrays_free(&in), arrays_free(&ref), arrays_free(&work);
}

/* ---- main --------------------------------------------------------------- */

int main(void) {
  const uint64_t seed = tu_seed("test_parallel", SEED);

  /* first use from many threads at once: one detection, one answer */
  enum { RACERS = 8 }; /* more threads than cores */
  const ob_variant *seen[RACERS] = {NULL};
  int racers = 0;
#pragma omp parallel num_threads(RACERS)
  {
    seen[omp_get_thread_num()] = ob_variant_default();
#pragma omp single
    racers = omp_get_num_threads();
  }
  CHECK(racers > 1, "no team of threads");
  for (int i = 1; i < racers; i++)
    CHECK(seen[i] == seen[0], "thread %d saw default %s, thread 0 %s", i, tu_vname(seen[i]),
          tu_vname(seen[0]));

  /* the threshold setter */
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const size_t builtin = ob_omp_threshold((ob_algo)a);
    CHECK(builtin > 0, "%s: threshold %zu", ob_algo_name((ob_algo)a), builtin);
    ob_set_omp_threshold(T);
    CHECK(ob_omp_threshold((ob_algo)a) == T, "threshold %zu after setting %d",
          ob_omp_threshold((ob_algo)a), T);
    ob_set_omp_threshold(0);
    CHECK(ob_omp_threshold((ob_algo)a) == builtin, "threshold %zu after reset, built-in %zu",
          ob_omp_threshold((ob_algo)a), builtin);
  }
  CHECK(ob_omp_threshold((ob_algo)OB_ALGO_COUNT) == 0, "threshold of an unknown algorithm");

  /* every +omp variant around a small threshold */
  ob_set_omp_threshold(T);
  const size_t sizes[] = {T - 1, T, T + 1, 2 * T - 1, 2 * T + 1, 16 * T + 3, 4099, BIG};
  arrays in, ref, work;
  arrays_alloc(&in, BIG), arrays_alloc(&ref, BIG), arrays_alloc(&work, BIG);
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    if (ob_variant_is_parallel(v) && ob_variant_supported(v)) {
      check_omp_variant(v, sizes, sizeof sizes / sizeof sizes[0], threads, THREAD_COUNTS, seed, &in,
                        &ref, &work);
      check_nested(v, seed);
    }
  }
  arrays_free(&in), arrays_free(&ref), arrays_free(&work);

  /* and at the built-in threshold, just above it */
  ob_set_omp_threshold(0);
  size_t highest = 0; /* above every rule's own threshold */
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    if (ob_omp_threshold((ob_algo)a) > highest)
      highest = ob_omp_threshold((ob_algo)a);
  const size_t above[] = {highest * 2 + 5}; /* two chunks and an odd rest */
  const int few[] = {2, 3, 8};              /* the cores, odd, oversubscribed */
  arrays_alloc(&in, above[0]), arrays_alloc(&ref, above[0]), arrays_alloc(&work, above[0]);
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    if (ob_variant_is_parallel(v) && ob_variant_supported(v))
      check_omp_variant(v, above, 1, few, sizeof few / sizeof few[0], seed, &in, &ref, &work);
  }
  arrays_free(&in), arrays_free(&ref), arrays_free(&work);

  check_groups(seed);
  return ob_test_done("test_parallel");
}
