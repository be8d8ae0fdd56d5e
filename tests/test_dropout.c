/* Dropout: the book's semantics (common/layers.py) and the inverted form,
 * with the mask bits from the generator's uniforms computed here from
 * Random123; the same masks and outputs in every variant and thread count;
 * bad arguments. */
#define _POSIX_C_SOURCE 200809L
#include <Random123/philox.h>
#include <omp.h>

#include "test_util.h"

static const size_t lengths[] = {0,  1,  2,  7,  8,   9,   15,   16,   17,   31,
                                 33, 63, 64, 65, 127, 129, 1000, 4099, 70001};
#define NLEN (sizeof lengths / sizeof lengths[0])
static const int thread_counts[] = {1, 2, 3, 4, 7, 8};
static const float ratios[] = {0.0f, 0.2f, 0.5f, 0.999f};

/* the book's rand > ratio for element i, from Random123's words */
static int kept(uint64_t seed, uint64_t stream, size_t i, float ratio) {
  const philox4x32_ctr_t c = {{(uint32_t)(i / 4), (uint32_t)((uint64_t)i / 4 >> 32),
                               (uint32_t)stream, (uint32_t)(stream >> 32)}};
  const philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
  return (float)(philox4x32(c, k).v[i % 4] >> 8) * 0x1p-24f > ratio;
}

static int bit(const uint8_t *mask, size_t i) { return (mask[i / 8] >> (i % 8)) & 1; }

/* y, the mask and dx against the definitions, for one variant */
static void check_semantics(const ob_variant *v, ob_dropout_kind kind, float ratio, size_t n,
                            const float *x, float *y, uint8_t *mask, float *dx) {
  const uint64_t seed = 2024, stream = 6;
  const size_t mb = ob_dropout_mask_bytes(n);
  mask[mb] = 0xA5; /* canary after the mask */
  CHECK(ob_dropout_forward_train(v, kind, ratio, seed, stream, x, y, mask, n) == OB_OK,
        "in check_semantics");
  CHECK(mask[mb] == 0xA5, "wrote past the mask");
  if (n % 8)
    CHECK((mask[n / 8] >> (n % 8)) == 0, "bits past n are not 0");
  /* the factor of a kept element: 1, or 1/(1-ratio) in double rounded once */
  const float f = kind == OB_DROPOUT_BOOK ? 1.0f : (float)(1.0 / (1.0 - (double)ratio));
  size_t bad_mask = 0, bad_y = 0, bad_dx = 0;
  for (size_t i = 0; i < n; i++) {
    const int k = kept(seed, stream, i, ratio);
    bad_mask += bit(mask, i) != k;
    /* x*0 for a dropped element: NaN for NaN and Inf, as numpy's x*mask */
    const float want = k ? x[i] * f : x[i] * 0.0f;
    bad_y += tu_u32(y[i]) != tu_u32(want) && !(isnan(y[i]) && isnan(want));
  }
  CHECK(ob_dropout_backward(v, kind, ratio, mask, x, dx, n) == OB_OK, "in check_semantics");
  for (size_t i = 0; i < n; i++) {
    const float want = bit(mask, i) ? x[i] * f : x[i] * 0.0f;
    bad_dx += tu_u32(dx[i]) != tu_u32(want) && !(isnan(dx[i]) && isnan(want));
  }
  CHECK(bad_mask == 0 && bad_y == 0 && bad_dx == 0,
        "%s %s ratio %g n=%zu: %zu mask bits, %zu y, %zu dx wrong", ob_variant_name(v),
        ob_dropout_name(kind), (double)ratio, n, bad_mask, bad_y, bad_dx);
  /* test time: x*(1-ratio) (the factor rounded once), or x itself */
  CHECK(ob_dropout_forward_test(v, kind, ratio, x, y, n) == OB_OK, "in check_semantics");
  const float t = (float)(1.0 - (double)ratio);
  size_t bad_t = 0;
  for (size_t i = 0; i < n; i++) {
    const float want = kind == OB_DROPOUT_BOOK ? x[i] * t : x[i];
    bad_t +=
        tu_u32(y[i]) != tu_u32(want) && !(kind == OB_DROPOUT_BOOK && isnan(y[i]) && isnan(want));
  }
  CHECK(bad_t == 0, "%s %s test forward: %zu wrong", ob_variant_name(v), ob_dropout_name(kind),
        bad_t);
}

static void test_semantics(void) {
  const size_t n = 4099;
  float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *dx = malloc(n * sizeof *dx);
  uint8_t *mask = malloc(ob_dropout_mask_bytes(n) + 1);
  tu_rng r = tu_rng_for(tu_seed("test_dropout", 0xd409), 1, 0, 0);
  tu_fill(&r, x, n, 0, 97, 0); /* a special value (NaN, Inf, zeros, ...) every 97 */
  for (size_t vi = 0; vi < ob_variant_count(); vi++) {
    const ob_variant *v = ob_variant_at(vi);
    if (!ob_variant_supported(v))
      continue;
    for (int kind = 0; kind < OB_DROPOUT_COUNT; kind++)
      for (size_t ri = 0; ri < sizeof ratios / sizeof ratios[0]; ri++)
        for (size_t l = 0; l < NLEN && lengths[l] <= n; l++)
          check_semantics(v, (ob_dropout_kind)kind, ratios[ri], lengths[l], x, y, mask, dx);
  }
  free(x), free(y), free(dx), free(mask);
}

/* Every variant and thread count: the scalar variant's mask and y bits. */
static void test_same_bits(void) {
  ob_set_omp_threshold(1);
  const size_t cap = 70001;
  float *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y), *ry = malloc(cap * sizeof *y);
  uint8_t *m = malloc(cap / 8 + 1), *rm = malloc(cap / 8 + 1);
  tu_rng r = tu_rng_for(tu_seed("test_dropout", 0xd409), 2, 0, 0);
  tu_fill(&r, x, cap, 0, 0, 0);
  for (size_t l = 0; l < NLEN; l++) {
    const size_t n = lengths[l], mb = ob_dropout_mask_bytes(n);
    CHECK(ob_dropout_forward_train(ob_variant_find("scalar"), OB_DROPOUT_INVERTED, 0.2f, 9,
                                   (uint64_t)l, x, ry, rm, n) == OB_OK,
          "in test_same_bits");
    for (size_t vi = 0; vi < ob_variant_count(); vi++) {
      const ob_variant *v = ob_variant_at(vi);
      if (!ob_variant_supported(v))
        continue;
      for (int t = 0; t < (ob_variant_is_parallel(v) ? 6 : 1); t++) {
        omp_set_num_threads(thread_counts[t]);
        memset(m, 0xEE, mb);
        CHECK(ob_dropout_forward_train(v, OB_DROPOUT_INVERTED, 0.2f, 9, (uint64_t)l, x, y, m, n) ==
                  OB_OK,
              "in test_same_bits");
        CHECK(memcmp(m, rm, mb) == 0 && tu_diff_bits(ry, y, n) == n,
              "%s threads %d n=%zu: mask or y differ", ob_variant_name(v), thread_counts[t], n);
      }
    }
  }
  /* the kept fraction is 1 - ratio: 6 standard errors of a binomial */
  size_t ones = 0;
  for (size_t i = 0; i < cap; i++)
    ones += bit(rm, i);
  const double p = (double)ones / (double)cap, se = sqrt(0.8 * 0.2 / (double)cap);
  printf("test_dropout: kept %.4f of %zu at ratio 0.2\n", p, cap);
  CHECK(fabs(p - 0.8) < 6 * se, "kept fraction %g", p);
  omp_set_num_threads(omp_get_num_procs());
  ob_set_omp_threshold(0);
  free(x), free(y), free(ry), free(m), free(rm);
}

static void test_bad_arguments(void) {
  float x[16], y[16], keep_y[16];
  uint8_t m[2] = {0x5A, 0x5A};
  for (int i = 0; i < 16; i++)
    x[i] = (float)i, y[i] = keep_y[i] = -1.0f;
  const float bad_ratios[] = {-0.1f, 1.0f, 1.5f, NAN, -INFINITY};
  for (size_t i = 0; i < sizeof bad_ratios / sizeof bad_ratios[0]; i++) {
    const float r = bad_ratios[i];
    CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_BOOK, r, 1, 1, x, y, m, 16) == OB_ERANGE,
          "in test_bad_arguments");
    CHECK(ob_dropout_forward_test(NULL, OB_DROPOUT_INVERTED, r, x, y, 16) == OB_ERANGE,
          "in test_bad_arguments");
    CHECK(ob_dropout_backward(NULL, OB_DROPOUT_BOOK, r, m, x, y, 16) == OB_ERANGE,
          "in test_bad_arguments");
  }
  CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_COUNT, 0.5f, 1, 1, x, y, m, 16) == OB_ERANGE,
        "in test_bad_arguments");
  CHECK(ob_dropout_forward_test(NULL, (ob_dropout_kind)-1, 0.5f, x, y, 16) == OB_ERANGE,
        "in test_bad_arguments");
  CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_BOOK, 0.5f, 1, 1, NULL, y, m, 16) == OB_EINVAL,
        "in test_bad_arguments");
  CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_BOOK, 0.5f, 1, 1, x, y, NULL, 16) == OB_EINVAL,
        "in test_bad_arguments");
  CHECK(ob_dropout_backward(NULL, OB_DROPOUT_BOOK, 0.5f, NULL, x, y, 16) == OB_EINVAL,
        "in test_bad_arguments");
  CHECK(ob_dropout_forward_test(NULL, OB_DROPOUT_BOOK, 0.5f, x, NULL, 16) == OB_EINVAL,
        "in test_bad_arguments");
  /* overlaps: x and y, the mask inside y */
  CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_BOOK, 0.5f, 1, 1, x, x + 4, m, 8) == OB_EOVERLAP,
        "in test_bad_arguments");
  CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_BOOK, 0.5f, 1, 1, x, y, (uint8_t *)(y + 15),
                                 16) == OB_EOVERLAP,
        "in test_bad_arguments");
  CHECK(ob_dropout_backward(NULL, OB_DROPOUT_BOOK, 0.5f, m, x, x, 16) == OB_EOVERLAP,
        "in test_bad_arguments");
  CHECK(ob_dropout_forward_test(NULL, OB_DROPOUT_BOOK, 0.5f, x, x, 16) == OB_EOVERLAP,
        "in test_bad_arguments");
  CHECK(memcmp(y, keep_y, sizeof y) == 0 && m[0] == 0x5A && m[1] == 0x5A, "a refused call wrote");
  for (int i = 0; i < 16; i++)
    CHECK(x[i] == (float)i, "in test_bad_arguments");
  CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_BOOK, 0.5f, 1, 1, NULL, NULL, NULL, 0) == OB_OK,
        "in test_bad_arguments");
  CHECK(ob_dropout_mask_bytes(0) == 0 && ob_dropout_mask_bytes(1) == 1 &&
            ob_dropout_mask_bytes(8) == 1 && ob_dropout_mask_bytes(9) == 2,
        "in test_bad_arguments");
  CHECK(strcmp(ob_dropout_name(OB_DROPOUT_INVERTED), "inverted") == 0, "in test_bad_arguments");
}

static int child_sse2_only(void) {
  float x[4] = {1, 2, 3, 4}, y[4] = {0};
  uint8_t m = 0;
  CHECK(ob_dropout_forward_train(ob_variant_find("avx2"), OB_DROPOUT_BOOK, 0.5f, 1, 1, x, y, &m,
                                 4) == OB_EUNSUPPORTED,
        "in child_sse2_only");
  CHECK(y[0] == 0 && m == 0, "in child_sse2_only");
  CHECK(ob_dropout_forward_train(NULL, OB_DROPOUT_BOOK, 0.5f, 1, 1, x, y, &m, 4) == OB_OK,
        "in child_sse2_only");
  return ob_test_done("test_dropout (child with SSE2 only)");
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "child-sse2") == 0)
    return child_sse2_only();
  test_bad_arguments();
  test_semantics();
  test_same_bits();
  const char *env[] = {"OPTBENCH_CPU_FEATURES_OFF=avx2", NULL};
  CHECK(tu_run_self("child-sse2", env) == 0, "the SSE2-only child failed");
  return ob_test_done("test_dropout");
}
