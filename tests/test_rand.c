/* Random numbers and weight initialisation: the generator's bits against
 * Random123 and its published known answers, the same bits in every variant
 * and thread count, the accuracy of the normal transform against a double
 * reference written here, the distribution (mean, standard deviation,
 * Kolmogorov-Smirnov), and bad arguments. */
#define _POSIX_C_SOURCE 200809L
#include <Random123/philox.h>
#include <omp.h>

#include "internal.h" /* the kernel tables, for the counter-carry check */
#include "test_util.h"

static const size_t lengths[] = {0,  1,  2,  3,  4,   5,   7,   8,    15,   16,   17,
                                 31, 63, 64, 65, 127, 128, 129, 1000, 4099, 65537};
#define NLEN (sizeof lengths / sizeof lengths[0])
static const int thread_counts[] = {1, 2, 3, 4, 7, 8};

/* The words of block b of (seed, stream), from Random123 itself. */
static philox4x32_ctr_t block(uint64_t seed, uint64_t stream, uint64_t b) {
  const philox4x32_ctr_t c = {
      {(uint32_t)b, (uint32_t)(b >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)}};
  const philox4x32_key_t k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
  return philox4x32(c, k);
}

/* Random123's known answers (kat_vectors, philox4x32 10 rounds): counter
 * and key all zero, and all ones. The uniform is (word >> 8) * 2^-24. */
static void test_known_answers(void) {
  static const uint32_t zero[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
  const philox4x32_ctr_t w = block(0, 0, 0);
  for (int k = 0; k < 4; k++)
    CHECK(w.v[k] == zero[k], "Random123 philox4x32 KAT word %d: %08x", k, w.v[k]);
  float u[4];
  CHECK(ob_rand_uniform(NULL, 0, 0, u, 4) == OB_OK, "in test_known_answers");
  for (int k = 0; k < 4; k++)
    CHECK(u[k] == (float)(zero[k] >> 8) * 0x1p-24f, "uniform %d = %a", k, (double)u[k]);
  /* counter words 2 and 3 are the stream, the key is the seed */
  const uint64_t seed = 0x0123456789abcdefu, stream = 0xfedcba9876543210u;
  float v[12];
  CHECK(ob_rand_uniform(NULL, seed, stream, v, 12) == OB_OK, "in test_known_answers");
  for (int i = 0; i < 12; i++)
    CHECK(v[i] == (float)(block(seed, stream, (uint64_t)i / 4).v[i % 4] >> 8) * 0x1p-24f,
          "element %d", i);
}

/* The normal transform in double from the words, as optbench.h defines it. */
static double normal_ref(uint64_t seed, uint64_t stream, size_t i, double *radius) {
  const philox4x32_ctr_t w = block(seed, stream, i / 4);
  const unsigned k = (unsigned)(i % 4);
  const double u1 = (double)((w.v[k & 2u] >> 8) + 1u) * 0x1p-24;
  const double u2 = (double)(w.v[(k & 2u) + 1u] >> 8) * 0x1p-24;
  const double pi = 3.14159265358979323846;
  *radius = sqrt(-2.0 * log(u1));
  return *radius * ((k & 1u) ? sin(2.0 * pi * u2) : cos(2.0 * pi * u2));
}

/* Error in units of the float32 spacing at the radius (the scale of
 * golden/FORMAT.md for this transform). The reference itself is a double
 * evaluation, off by a few 2^-53: nothing at this resolution. */
static void test_accuracy(void) {
  const size_t n = 1u << 20;
  float *x = malloc(n * sizeof *x);
  for (size_t vi = 0; vi < ob_variant_count(); vi++) {
    const ob_variant *v = ob_variant_at(vi);
    if (!ob_variant_supported(v) || ob_variant_is_parallel(v))
      continue;
    CHECK(ob_rand_normal(v, 42, 7, 1.0f, x, n) == OB_OK, "in test_accuracy");
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
      double r;
      const double e = normal_ref(42, 7, i, &r);
      const double scale = fmax(r, fabs(e));
      const double ulp = scale >= 0x1p-126 ? ldexp(1.0, ilogb(scale) - 23) : 0x1p-149;
      worst = fmax(worst, fabs((double)x[i] - e) / ulp);
    }
    const double bound = ob_op_error_bound(OB_OP_RAND_NORMAL, v);
    printf("test_rand: normal %s max error %.3f scale-ULPs (bound %.1f) over %zu values\n",
           ob_variant_name(v), worst, bound, n);
    CHECK(worst <= bound, "%s: %.3f", ob_variant_name(v), worst);
  }
  free(x);
}

typedef ob_status (*fill_call)(const ob_variant *, float *, size_t);
static ob_status call_uniform(const ob_variant *v, float *x, size_t n) {
  return ob_rand_uniform(v, 99, 3, x, n);
}
static ob_status call_normal(const ob_variant *v, float *x, size_t n) {
  return ob_rand_normal(v, 99, 3, 0.5f, x, n);
}
static ob_status call_xavier(const ob_variant *v, float *x, size_t n) {
  return ob_init_weights(v, OB_INIT_XAVIER, 0.0f, 100, 5, 0, x, n);
}
static ob_status call_he(const ob_variant *v, float *x, size_t n) {
  return ob_init_weights(v, OB_INIT_HE, 0.0f, 784, 5, 1, x, n);
}
static ob_status call_std(const ob_variant *v, float *x, size_t n) {
  return ob_init_weights(v, OB_INIT_STD, 0.01f, 0, UINT64_MAX, UINT64_MAX, x, n);
}
static const struct {
  const char *name;
  fill_call f;
} fills[] = {{"uniform", call_uniform},
             {"normal", call_normal},
             {"xavier", call_xavier},
             {"he", call_he},
             {"std", call_std}};

/* Every variant and thread count gives the scalar variant's bits; a longer
 * call starts with the bits of a shorter one (element i depends on i
 * alone); nothing past n is written. */
static void test_same_bits(void) {
  ob_set_omp_threshold(1); /* threads even on the shortest arrays */
  const size_t cap = 65537 + 1;
  float *ref = malloc(cap * sizeof *ref), *x = malloc(cap * sizeof *x);
  float *longest = malloc(cap * sizeof *x);
  for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
    CHECK(fills[f].f(ob_variant_find("scalar"), longest, cap - 1) == OB_OK, "in test_same_bits");
    for (size_t l = 0; l < NLEN; l++) {
      const size_t n = lengths[l];
      CHECK(fills[f].f(ob_variant_find("scalar"), ref, n) == OB_OK, "in test_same_bits");
      CHECK(tu_diff_bits(ref, longest, n) == n, "%s n=%zu: not a prefix", fills[f].name, n);
      for (size_t vi = 0; vi < ob_variant_count(); vi++) {
        const ob_variant *v = ob_variant_at(vi);
        if (!ob_variant_supported(v))
          continue;
        const int runs = ob_variant_is_parallel(v) ? 6 : 1;
        for (int t = 0; t < runs; t++) {
          omp_set_num_threads(thread_counts[t]);
          x[n] = -7.0f; /* canary */
          CHECK(fills[f].f(v, x, n) == OB_OK, "in test_same_bits");
          const size_t d = tu_diff_bits(ref, x, n);
          CHECK(d == n, "%s %s threads %d n=%zu: first difference at %zu", fills[f].name,
                ob_variant_name(v), thread_counts[t], n, d);
          CHECK(x[n] == -7.0f, "%s %s n=%zu wrote past n", fills[f].name, ob_variant_name(v), n);
        }
      }
    }
  }
  omp_set_num_threads(omp_get_num_procs());
  ob_set_omp_threshold(0);
  free(ref), free(x), free(longest);
}

/* Block counters past 2^32 (elements from 2^34 on, more than a call can
 * reach in memory here): each ISA's kernel, called directly at such an
 * offset, carries into the counter's high word as Random123 does. */
static void test_counter_carry(void) {
  enum { N = 256 };
  const uint64_t i0 = ((uint64_t)1 << 34) - 128; /* crosses block 2^32 at element 128 */
  const ob_rand_coeffs c = {.rng = {{11, 22}, {33, 44}}, .stddev = 1.0f};
  float got[N];
  for (size_t vi = 0; vi < ob_variant_count(); vi += 2) {
    const ob_variant *v = ob_variant_at(vi);
    if (!ob_variant_supported(v))
      continue;
    v->rand->uniform(&c, i0, got, N);
    int bad = 0;
    for (size_t i = 0; i < N; i++) {
      const uint64_t e = i0 + i;
      const philox4x32_ctr_t w = block(((uint64_t)22 << 32) | 11, ((uint64_t)44 << 32) | 33, e / 4);
      bad += got[i] != (float)(w.v[e % 4] >> 8) * 0x1p-24f;
    }
    CHECK(bad == 0, "%s: %d elements wrong across the counter carry", ob_variant_name(v), bad);
  }
}

/* ---- The distribution ----------------------------------------------------
 * At fixed seeds the outcome is fixed; the thresholds say how unlikely a
 * failure would be for a correct generator, so a failure means a defect. */

static int cmp_float(const void *a, const void *b) {
  const float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov statistic of x (sorted in place) against cdf */
static double ks_stat(float *x, size_t n, double (*cdf)(double)) {
  qsort(x, n, sizeof *x, cmp_float);
  double d = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double f = cdf(x[i]);
    d = fmax(d, fmax(fabs(f - (double)i / (double)n), fabs((double)(i + 1) / (double)n - f)));
  }
  return d;
}
static double normal_cdf(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }
static double uniform_cdf(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }

static void test_distribution(void) {
  const size_t n = 1000000;
  /* Thresholds for n = 10^6:
   *   mean: 6 standard errors, 6/sqrt(n) (times the sd): a correct generator
   *     fails with probability 2e-9;
   *   standard deviation: its standard error is sd/sqrt(2n); 6 of them;
   *   KS: P(sqrt(n) D > x) ~ 2 exp(-2 x^2), x = 2.9 gives 1e-7: D < 2.9/sqrt(n);
   *   largest |z|: sqrt(-2 ln 2^-24) = 5.768 by construction (u1 >= 2^-24);
   *   pair correlation (cos and sin of one pair): 6/sqrt(n/2). */
  const double sn = sqrt((double)n);
  float *x = malloc(n * sizeof *x);
  static const struct {
    ob_init kind;
    float stddev;
    size_t fan_in;
    double want_sd;
  } kinds[] = {{OB_INIT_STD, 1.0f, 0, 1.0},
               {OB_INIT_STD, 0.01f, 0, 0.01},
               {OB_INIT_XAVIER, 0.0f, 100, 0.1},
               {OB_INIT_HE, 0.0f, 50, 0.2}};
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    const uint64_t seed = 1000 + k;
    CHECK(ob_init_weights(NULL, kinds[k].kind, kinds[k].stddev, kinds[k].fan_in, seed, 0, x, n) ==
              OB_OK,
          "in test_distribution");
    double sum = 0, sq = 0, big = 0, cross = 0;
    for (size_t i = 0; i < n; i++) {
      const double z = x[i] / kinds[k].want_sd;
      sum += z, sq += z * z, big = fmax(big, fabs(z));
      if (i % 2 == 0)
        cross += z * (double)x[i + 1] / kinds[k].want_sd;
    }
    const double mean = sum / (double)n, sd = sqrt(sq / (double)n - mean * mean);
    const double corr = cross / ((double)n / 2);
    for (size_t i = 0; i < n; i++)
      x[i] = (float)(x[i] / kinds[k].want_sd);
    const double d = ks_stat(x, n, normal_cdf);
    printf("test_rand: %s(%g, fan_in %zu) seed %" PRIu64
           ": mean %+.5f sd %.5f (of %g) max|z| %.3f pair corr %+.5f KS D %.6f\n",
           ob_init_name(kinds[k].kind), (double)kinds[k].stddev, kinds[k].fan_in, seed, mean, sd,
           kinds[k].want_sd, big, corr, d);
    CHECK(fabs(mean) < 6.0 / sn, "mean %g", mean);
    CHECK(fabs(sd - 1.0) < 6.0 / sqrt(2.0 * (double)n), "sd %g", sd);
    CHECK(big <= 5.7683, "max |z| %g", big);
    CHECK(fabs(corr) < 6.0 / sqrt((double)n / 2), "pair correlation %g", corr);
    CHECK(d < 2.9 / sn, "KS D %g", d);
  }
  CHECK(ob_rand_uniform(NULL, 77, 0, x, n) == OB_OK, "in test_distribution");
  double sum = 0;
  float lo = 1, hi = 0;
  for (size_t i = 0; i < n; i++)
    sum += x[i], lo = fminf(lo, x[i]), hi = fmaxf(hi, x[i]);
  const double d = ks_stat(x, n, uniform_cdf);
  printf("test_rand: uniform seed 77: mean %.5f range [%g, %g] KS D %.6f\n", sum / (double)n,
         (double)lo, (double)hi, d);
  CHECK(fabs(sum / (double)n - 0.5) < 6.0 * sqrt(1.0 / 12.0) / sn, "in test_distribution");
  CHECK(lo >= 0.0f && hi < 1.0f, "in test_distribution");
  CHECK(d < 2.9 / sn, "KS D %g", d);
  /* different streams and seeds are different sequences */
  float a[64], b[64], c[64];
  ob_rand_uniform(NULL, 77, 0, a, 64), ob_rand_uniform(NULL, 77, 1, b, 64);
  ob_rand_uniform(NULL, 78, 0, c, 64);
  CHECK(memcmp(a, b, sizeof a) != 0 && memcmp(a, c, sizeof a) != 0, "in test_distribution");
  free(x);
}

static void test_init_stddev(void) {
  float s = -1.0f;
  CHECK(ob_init_stddev(OB_INIT_XAVIER, 0.0f, 100, &s) == OB_OK && s == 0.1f, "%a", (double)s);
  CHECK(ob_init_stddev(OB_INIT_HE, 0.0f, 50, &s) == OB_OK && s == 0.2f, "%a", (double)s);
  CHECK(ob_init_stddev(OB_INIT_HE, 0.0f, 784, &s) == OB_OK && s == (float)sqrt(2.0 / 784.0),
        "in test_init_stddev");
  CHECK(ob_init_stddev(OB_INIT_STD, 0.01f, 0, &s) == OB_OK && s == 0.01f, "in test_init_stddev");
  CHECK(strcmp(ob_init_name(OB_INIT_HE), "he") == 0 && ob_init_name(OB_INIT_COUNT) == NULL,
        "in test_init_stddev");
}

static void test_bad_arguments(void) {
  float x[8], keep[8];
  for (int i = 0; i < 8; i++)
    x[i] = keep[i] = (float)i + 0.5f;
  float s = 3.0f;
  CHECK(ob_rand_uniform(NULL, 1, 2, NULL, 3) == OB_EINVAL, "in test_bad_arguments");
  CHECK(ob_rand_uniform(NULL, 1, 2, NULL, 0) == OB_OK, "in test_bad_arguments");
  CHECK(ob_rand_normal(NULL, 1, 2, -1.0f, x, 8) == OB_EHPARAM, "in test_bad_arguments");
  CHECK(ob_rand_normal(NULL, 1, 2, NAN, x, 8) == OB_EHPARAM, "in test_bad_arguments");
  CHECK(ob_rand_normal(NULL, 1, 2, INFINITY, x, 8) == OB_EHPARAM, "in test_bad_arguments");
  CHECK(ob_init_weights(NULL, OB_INIT_XAVIER, 0.0f, 0, 1, 2, x, 8) == OB_ERANGE,
        "in test_bad_arguments");
  CHECK(ob_init_weights(NULL, OB_INIT_HE, 0.0f, 0, 1, 2, x, 8) == OB_ERANGE,
        "in test_bad_arguments");
  CHECK(ob_init_weights(NULL, OB_INIT_COUNT, 1.0f, 10, 1, 2, x, 8) == OB_ERANGE,
        "in test_bad_arguments");
  CHECK(ob_init_weights(NULL, (ob_init)-1, 1.0f, 10, 1, 2, x, 8) == OB_ERANGE,
        "in test_bad_arguments");
  CHECK(ob_init_weights(NULL, OB_INIT_STD, -0.5f, 10, 1, 2, x, 8) == OB_EHPARAM,
        "in test_bad_arguments");
  CHECK(ob_init_weights(NULL, OB_INIT_HE, 0.0f, 10, 1, 2, NULL, 8) == OB_EINVAL,
        "in test_bad_arguments");
  CHECK(ob_init_stddev(OB_INIT_HE, 0.0f, 0, &s) == OB_ERANGE && s == 3.0f, "in test_bad_arguments");
  CHECK(ob_init_stddev(OB_INIT_HE, 0.0f, 10, NULL) == OB_EINVAL, "in test_bad_arguments");
  CHECK(ob_rand_uniform(NULL, 1, 2, x, SIZE_MAX / 2) == OB_EINVAL, "in test_bad_arguments");
  CHECK(memcmp(x, keep, sizeof x) == 0, "a refused call wrote");
}

/* In a child without AVX-512: those variants are refused, nothing written. */
static int child_no_avx512(void) {
  float x[4] = {1, 2, 3, 4};
  const ob_variant *v = ob_variant_find("avx512");
  CHECK(ob_rand_uniform(v, 1, 1, x, 4) == OB_EUNSUPPORTED, "in child_no_avx512");
  CHECK(ob_init_weights(ob_variant_find("avx512+omp"), OB_INIT_HE, 0, 9, 1, 1, x, 4) ==
            OB_EUNSUPPORTED,
        "in child_no_avx512");
  CHECK(x[0] == 1 && x[3] == 4, "in child_no_avx512");
  return ob_test_done("test_rand (child without avx512f)");
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "child-no-avx512") == 0)
    return child_no_avx512();
  test_known_answers();
  test_init_stddev();
  test_bad_arguments();
  test_same_bits();
  test_counter_carry();
  test_accuracy();
  test_distribution();
  const char *env[] = {"OPTBENCH_CPU_FEATURES_OFF=avx512f", NULL};
  CHECK(tu_run_self("child-no-avx512", env) == 0, "the child without AVX-512 failed");
  return ob_test_done("test_rand");
}
