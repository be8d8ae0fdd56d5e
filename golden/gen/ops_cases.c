/* golden_gen - the cases of the layer kernels' files.
 *
 * Data arrays come from splitmix64 seeded per case with
 * GG_BASE_SEED ^ fnv1a64("<family>/<case id>"), built from bit fields as in
 * cases.c; random bits of the kernels themselves are Philox's (philox.c).
 */
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"
#include "ops.h"
#include "philox.h"
#include "rng.h"

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static const size_t all_lens[] = {0,  1,  2,  3,  7,  8,   9,   15,  16,   17,  31,
                                  32, 33, 63, 64, 65, 127, 128, 129, 1000, 4099};
/* the tails without the longest, for ops whose lengths cost twice (in and out) */
static const size_t short_lens[] = {0,  1,  3,  7,  8,  9,  15,  16,  17,
                                    31, 32, 33, 63, 64, 65, 127, 129, 1000};

static const char *family_now;

static gg_rng rng_for(const char *id) {
  char key[96];
  snprintf(key, sizeof key, "%s/%s", family_now, id);
  return (gg_rng){GG_BASE_SEED ^ gg_fnv1a64(key)};
}

/* random sign, |v| in [2^lo, 2^(hi+1)) */
static float rnd(gg_rng *r, int lo, int hi, int sign) {
  uint32_t e = (uint32_t)(lo + 127 + (int)gg_rng_below(r, (uint32_t)(hi - lo + 1)));
  uint32_t s = sign > 0 ? 0 : sign < 0 ? 1 : (uint32_t)(gg_rng_next(r) >> 63);
  return gg_float_make(s, e, (uint32_t)(gg_rng_next(r) >> 41));
}

static void fill_rnd(gg_rng *r, float *v, size_t n, int lo, int hi) {
  for (size_t i = 0; i < n; i++)
    v[i] = rnd(r, lo, hi, 0);
}

/* +0, -0, +inf, -inf, NaN, subnormals, large and ordinary values in turn */
static float special(gg_rng *r, size_t i) {
  switch (i % 10) {
  case 0: return 0.0f;
  case 1: return -0.0f;
  case 2: return gg_float_bits(0x7f800000u);
  case 3: return gg_float_bits(0xff800000u);
  case 4: return gg_float_bits(0x7fc00000u);
  case 5: return gg_float_make((uint32_t)(gg_rng_next(r) >> 63), 0, (uint32_t)gg_rng_next(r) | 1u);
  case 6: return rnd(r, 100, 120, 0);
  default: return rnd(r, -4, 1, 0);
  }
}

/* ---- rand ----------------------------------------------------------------- */

typedef struct {
  const char *id, *what;
  uint64_t seed, stream;
} seed_stream;

static const seed_stream seeds[] = {
    {"s0_t0", "seed 0, stream 0", 0, 0},
    {"smax_t0", "seed 2^64-1, stream 0", UINT64_MAX, 0},
    {"s0_tmax", "seed 0, stream 2^64-1", 0, UINT64_MAX},
    {"smax_tmax", "seed 2^64-1, stream 2^64-1", UINT64_MAX, UINT64_MAX},
    {"t_hi", "stream 2^32 (only the counter's high stream word set)", UINT64_C(0x9e3779b97f4a7c15),
     UINT64_C(0x100000000)},
    {"t_hi_lo", "stream 2^32 + 5 (both stream words)", UINT64_C(0x9e3779b97f4a7c15),
     UINT64_C(0x100000005)},
    {"s_hi", "seed 2^32 (only the key's high word set), stream 7", UINT64_C(0x100000000), 7},
};

static go_case *rand_case(go_case_list *L, go_op op, const char *id, uint64_t seed, uint64_t stream,
                          size_t n, const char *what) {
  go_case *c = go_new_case(L, op, id, "%s: %zu elements, %s", go_ops[op].name, n, what);
  go_param_int(c, "seed", seed);
  go_param_int(c, "stream", stream);
  go_param_int(c, "n", n);
  return c;
}

static void rand_cases(go_case_list *L) {
  char id[48], what[160];
  for (int op = GO_RAND_UNIFORM; op <= GO_RAND_NORMAL; op++) {
    const char *pre = op == GO_RAND_UNIFORM ? "uniform" : "normal";
    for (size_t k = 0; k < COUNT(all_lens); k++) {
      snprintf(id, sizeof id, "%s_len_%zu", pre, all_lens[k]);
      snprintf(what, sizeof what,
               "length %zu (vector bodies and tails), seed 0x0123456789abcdef, "
               "stream %zu%s",
               all_lens[k], k, op == GO_RAND_NORMAL ? ", stddev 1" : "");
      go_case *c = rand_case(L, (go_op)op, id, UINT64_C(0x0123456789abcdef), k, all_lens[k], what);
      if (op == GO_RAND_NORMAL)
        go_param_float(c, "stddev", 1.0f);
      go_add_out(c, op == GO_RAND_UNIFORM ? "u" : "x", all_lens[k]);
    }
    for (size_t k = 0; k < COUNT(seeds); k++) {
      snprintf(id, sizeof id, "%s_%s", pre, seeds[k].id);
      snprintf(what, sizeof what, "%s%s", seeds[k].what, op == GO_RAND_NORMAL ? ", stddev 1" : "");
      go_case *c = rand_case(L, (go_op)op, id, seeds[k].seed, seeds[k].stream, 67, what);
      if (op == GO_RAND_NORMAL)
        go_param_float(c, "stddev", 1.0f);
      go_add_out(c, op == GO_RAND_UNIFORM ? "u" : "x", 67);
    }
  }
  static const struct {
    const char *id, *what;
    float sd;
  } sds[] = {
      {"normal_sd_0p01", "stddev 0.01 (the book's weight scale)", 0.01f},
      {"normal_sd_0", "stddev 0: zeros with the sign of cos or sin", 0.0f},
      {"normal_sd_1e30", "stddev 1e30", 1e30f},
      {"normal_sd_1em30", "stddev 1e-30", 1e-30f},
      {"normal_sd_sub", "stddev 2^-140 (subnormal results)", 0x1p-140f},
  };
  for (size_t k = 0; k < COUNT(sds); k++) {
    go_case *c = rand_case(L, GO_RAND_NORMAL, sds[k].id, UINT64_C(0x243f6a8885a308d3), 3 + k, 65,
                           sds[k].what);
    go_param_float(c, "stddev", sds[k].sd);
    go_add_out(c, "x", 65);
  }
}

/* ---- init ----------------------------------------------------------------- */

/* The float32 standard deviation of a kind: exact, correctly rounded, and
 * the double evaluation the header describes must agree with it. */
static float init_sigma(const char *kind, float stddev, uint64_t fan_in) {
  if (!strcmp(kind, "std"))
    return stddev;
  mpfr_t a;
  mpfr_init2(a, 256);
  float dbl;
  if (!strcmp(kind, "xavier")) {
    mpfr_set_ui(a, (unsigned long)fan_in, MPFR_RNDN);
    mpfr_rec_sqrt(a, a, MPFR_RNDN);
    dbl = (float)(1.0 / sqrt((double)fan_in));
  } else {
    mpfr_set_ui(a, 2, MPFR_RNDN);
    mpfr_div_ui(a, a, (unsigned long)fan_in, MPFR_RNDN);
    mpfr_sqrt(a, a, MPFR_RNDN);
    dbl = (float)sqrt(2.0 / (double)fan_in);
  }
  float f = mpfr_get_flt(a, MPFR_RNDN);
  mpfr_clear(a);
  if (f != dbl)
    gg_die("init %s fan_in %llu: the double evaluation gives %a, the exact value rounds to %a",
           kind, (unsigned long long)fan_in, (double)dbl, (double)f);
  return f;
}

static void init_case(go_case_list *L, const char *kind, float stddev, uint64_t fan_in, size_t n,
                      uint64_t seed, uint64_t stream, const char *id_suffix) {
  char id[48];
  snprintf(id, sizeof id, "%s_%s", kind, id_suffix);
  float sigma = init_sigma(kind, stddev, fan_in);
  go_case *c = go_new_case(L, GO_INIT, id,
                           "init %s, stddev argument %g, fan_in %llu: sigma %a (float32), %zu "
                           "elements, seed 0x%llx, stream %llu",
                           kind, (double)stddev, (unsigned long long)fan_in, (double)sigma, n,
                           (unsigned long long)seed, (unsigned long long)stream);
  go_param_word(c, "kind", kind);
  go_param_float(c, "stddev", stddev);
  go_param_int(c, "fan_in", fan_in);
  go_param_float(c, "sigma", sigma);
  go_param_int(c, "seed", seed);
  go_param_int(c, "stream", stream);
  go_param_int(c, "n", n);
  go_add_out(c, "w", n);
}

static void init_cases(go_case_list *L) {
  static const uint64_t fans[] = {1, 100, 784};
  char sfx[32];
  for (size_t k = 0; k < COUNT(fans); k++) {
    snprintf(sfx, sizeof sfx, "fan_%llu", (unsigned long long)fans[k]);
    init_case(L, "xavier", 0.0f, fans[k], 257, UINT64_C(0xb7e151628aed2a6a), k, sfx);
    init_case(L, "he", 0.0f, fans[k], 257, UINT64_C(0xbf7158809cf4f3c7), k, sfx);
  }
  init_case(L, "std", 1.0f, 784, 257, 42, 0, "sd_1");
  init_case(L, "std", 0.01f, 784, 257, 42, 1, "sd_0p01");
  init_case(L, "std", 0.0f, 1, 33, 42, 2, "sd_0");
  init_case(L, "he", 1.0f, 784, 0, UINT64_MAX, UINT64_MAX, "len_0");
  init_case(L, "he", 1.0f, 784, 1, UINT64_MAX, UINT64_MAX, "len_1");
  init_case(L, "xavier", 0.5f, 100, 17, 0, UINT64_C(0x100000000), "len_17_t_hi");
}

/* ---- dropout -------------------------------------------------------------- */

static const char *const kinds[2] = {"book", "inverted"};

static go_case *dropout_case(go_case_list *L, go_op op, const char *id, int kind, float ratio,
                             size_t n, const char *what) {
  go_case *c = go_new_case(L, op, id, "%s %s, ratio %g: %zu elements, %s", go_ops[op].name,
                           kinds[kind], (double)ratio, n, what);
  go_param_word(c, "kind", kinds[kind]);
  go_param_float(c, "ratio", ratio);
  return c;
}

static void dropout_train(go_case_list *L, const char *id, int kind, float ratio, size_t n,
                          uint64_t seed, uint64_t stream, int specials, const char *what) {
  char full[200];
  snprintf(full, sizeof full, "%s; seed 0x%llx, stream %llu", what, (unsigned long long)seed,
           (unsigned long long)stream);
  go_case *c = dropout_case(L, GO_DROPOUT_TRAIN, id, kind, ratio, n, full);
  go_param_int(c, "seed", seed);
  go_param_int(c, "stream", stream);
  float *x = go_add_in(c, "x", n);
  gg_rng r = rng_for(id);
  for (size_t i = 0; i < n; i++)
    x[i] = specials ? special(&r, i) : rnd(&r, -4, 1, 0);
  go_add_out(c, "y", n);
  go_set_mask_out(c, "mask", n);
}

static void dropout_cases(go_case_list *L) {
  char id[48];
  static const float ratios[] = {0.0f, 0.2f, 0.5f, 0.999f};
  static const char *const rname[] = {"0", "0p2", "0p5", "0p999"};
  for (int k = 0; k < 2; k++) {
    for (size_t j = 0; j < COUNT(all_lens); j++) {
      snprintf(id, sizeof id, "train_%s_len_%zu", kinds[k], all_lens[j]);
      dropout_train(L, id, k, 0.5f, all_lens[j], 0x5eed, j, 0,
                    "length (vector bodies and tails), x random around 1");
    }
    for (size_t j = 0; j < COUNT(ratios); j++) {
      snprintf(id, sizeof id, "train_%s_ratio_%s", kinds[k], rname[j]);
      dropout_train(L, id, k, ratios[j], 257, 0x5eed, 100 + j, 0, "x random around 1");
    }
    for (size_t j = 0; j < COUNT(seeds); j++) {
      snprintf(id, sizeof id, "train_%s_%s", kinds[k], seeds[j].id);
      dropout_train(L, id, k, 0.5f, 67, seeds[j].seed, seeds[j].stream, 0, seeds[j].what);
    }
    snprintf(id, sizeof id, "train_%s_special", kinds[k]);
    dropout_train(L, id, k, 0.2f, 130, 0x5eed, 200, 1,
                  "x: +-0, +-inf, NaN, subnormal, up to 2^121 and around 1 in turn (a dropped "
                  "inf or NaN gives NaN, a dropped -x gives -0)");

    /* test forward */
    for (size_t j = 0; j < COUNT(short_lens); j++) {
      snprintf(id, sizeof id, "test_%s_len_%zu", kinds[k], short_lens[j]);
      go_case *c = dropout_case(L, GO_DROPOUT_TEST, id, k, 0.5f, short_lens[j],
                                "length (vector bodies and tails), x random around 1");
      gg_rng r = rng_for(id);
      fill_rnd(&r, go_add_in(c, "x", short_lens[j]), short_lens[j], -4, 1);
      go_add_out(c, "y", short_lens[j]);
    }
    for (size_t j = 0; j < COUNT(ratios); j++) {
      snprintf(id, sizeof id, "test_%s_ratio_%s", kinds[k], rname[j]);
      go_case *c = dropout_case(L, GO_DROPOUT_TEST, id, k, ratios[j], 65, "x random around 1");
      gg_rng r = rng_for(id);
      fill_rnd(&r, go_add_in(c, "x", 65), 65, -4, 1);
      go_add_out(c, "y", 65);
    }
    snprintf(id, sizeof id, "test_%s_special", kinds[k]);
    go_case *c = dropout_case(L, GO_DROPOUT_TEST, id, k, 0.2f, 130,
                              "x: +-0, +-inf, NaN, subnormal, up to 2^121 and around 1 in turn");
    gg_rng r = rng_for(id);
    float *x = go_add_in(c, "x", 130);
    for (size_t i = 0; i < 130; i++)
      x[i] = special(&r, i);
    go_add_out(c, "y", 130);

    /* backward: the mask a training forward of (seed 0x5eed, stream) draws */
    for (size_t j = 0; j <= COUNT(short_lens) + COUNT(ratios); j++) {
      size_t n = j < COUNT(short_lens) ? short_lens[j] : 257;
      float ratio = j < COUNT(short_lens)                   ? 0.5f
                    : j < COUNT(short_lens) + COUNT(ratios) ? ratios[j - COUNT(short_lens)]
                                                            : 0.2f;
      int spec = j == COUNT(short_lens) + COUNT(ratios);
      if (j < COUNT(short_lens))
        snprintf(id, sizeof id, "backward_%s_len_%zu", kinds[k], n);
      else if (!spec)
        snprintf(id, sizeof id, "backward_%s_ratio_%s", kinds[k], rname[j - COUNT(short_lens)]);
      else
        snprintf(id, sizeof id, "backward_%s_special", kinds[k]);
      c = dropout_case(L, GO_DROPOUT_BACKWARD, id, k, ratio, n,
                       spec ? "mask of seed 0x5eed, stream 300; dout: +-0, +-inf, NaN, subnormal, "
                              "up to 2^121 and around 1 in turn"
                            : "mask of seed 0x5eed and the case's stream (uniform > ratio), dout "
                              "random around 1");
      uint8_t *m = go_set_mask_in(c, "mask", n);
      for (size_t i = 0; i < n; i++)
        if ((double)(gg_philox_word(0x5eed, 300 + j, i) >> 8) * 0x1p-24 > (double)ratio)
          m[i / 8] |= (uint8_t)(1u << (i % 8));
      r = rng_for(id);
      float *d = go_add_in(c, "dout", n);
      for (size_t i = 0; i < n; i++)
        d[i] = spec ? special(&r, i) : rnd(&r, -4, 1, 0);
      go_add_out(c, "dx", n);
    }
  }
}

/* ---- batch normalisation -------------------------------------------------- */

/* Column patterns of the data x: 0 random around 1, 1 constant (3.0: its sum
 * and mean are exact in float32 too), 2 a large offset 1e4 + noise in
 * [-1, 1], 3 tiny values around 2^-60, 4 mixed magnitudes 2^-20 .. 2^20,
 * 5 one NaN, 6 one +inf, 7 values around 1e15. */
enum { COL_RANDOM, COL_CONST, COL_OFFSET, COL_TINY, COL_MIXED, COL_NAN, COL_INF, COL_BIG };

static float col_value(gg_rng *r, int pat, size_t i) {
  switch (pat) {
  case COL_CONST: return 3.0f;
  case COL_OFFSET: return 1e4f + rnd(r, -10, -1, 0);
  case COL_TINY: return rnd(r, -62, -58, 0);
  case COL_MIXED: return rnd(r, -20, 20, 0);
  case COL_NAN: return i == 1 ? gg_float_bits(0x7fc00000u) : rnd(r, -4, 1, 0);
  case COL_INF: return i == 0 ? gg_float_bits(0x7f800000u) : rnd(r, -4, 1, 0);
  case COL_BIG: return rnd(r, 48, 50, 0);
  default: return rnd(r, -4, 1, 0);
  }
}

/* The range edges: column j is +-edge[j % EDGES] in turn down the rows
 * (mean 0 for an even batch). Their variance overflows float (1e20: 1e40;
 * 2e19: 4e38, while 0.1 of it, the running average's share, does not; 3e38,
 * FLT_MAX) or flushes to zero (1e-25: 1e-50; 2^-149), while std = |x| is an
 * ordinary float: std and y in double from the double variance. */
static const float edge[] = {1e20f, 2e19f, 3e38f, 0x1.fffffep127f, 1e-25f, 0x1p-149f};
#define EDGES COUNT(edge)

typedef struct {
  size_t batch, features;
  int patterns; /* 0: random columns; 1: the column patterns in turn; 2: the edges */
  int gamma0;   /* gamma 0 on every third feature */
  float eps, momentum;
  int book_init; /* running mean and var start at 0 (the book's layer) */
} bn_shape;

/* the exact forward statistics of column j, rounded to float32 (backward inputs) */
static void fwd_stats(const float *x, size_t N, size_t F, size_t j, float eps, float *mean,
                      float *sd) {
  mpfr_t s, t, v;
  mpfr_inits2(256, s, t, v, (mpfr_ptr)0);
  mpfr_set_zero(s, 1);
  for (size_t i = 0; i < N; i++)
    mpfr_add_d(s, s, (double)x[i * F + j], MPFR_RNDN);
  mpfr_div_ui(s, s, (unsigned long)N, MPFR_RNDN);
  mpfr_set_zero(v, 1);
  for (size_t i = 0; i < N; i++) {
    mpfr_set_flt(t, x[i * F + j], MPFR_RNDN);
    mpfr_sub(t, t, s, MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_add(v, v, t, MPFR_RNDN);
  }
  mpfr_div_ui(v, v, (unsigned long)N, MPFR_RNDN);
  mpfr_add_d(v, v, (double)eps, MPFR_RNDN);
  mpfr_sqrt(v, v, MPFR_RNDN);
  *mean = mpfr_get_flt(s, MPFR_RNDN);
  *sd = mpfr_get_flt(v, MPFR_RNDN);
  mpfr_clears(s, t, v, (mpfr_ptr)0);
}

static void bn_case(go_case_list *L, go_op op, const char *id, const bn_shape *s,
                    const char *what) {
  size_t N = s->batch, F = s->features, n = N * F;
  go_case *c =
      go_new_case(L, op, id, "%s: batch %zu x features %zu, %s", go_ops[op].name, N, F, what);
  go_param_int(c, "batch", N);
  go_param_int(c, "features", F);
  if (op != GO_BATCHNORM_BACKWARD)
    go_param_float(c, "eps", s->eps);
  if (op == GO_BATCHNORM_TRAIN)
    go_param_float(c, "momentum", s->momentum);
  gg_rng r = rng_for(id);
  float *x = go_add_in(c, "x", n);
  for (size_t j = 0; j < F; j++) {
    int pat = s->patterns ? (int)(j % 8) : COL_RANDOM;
    for (size_t i = 0; i < N; i++)
      x[i * F + j] =
          s->patterns == 2 ? (i % 2 ? -edge[j % EDGES] : edge[j % EDGES]) : col_value(&r, pat, i);
  }
  float *gamma = go_add_in(c, "gamma", F);
  for (size_t j = 0; j < F; j++)
    gamma[j] = s->gamma0 && j % 3 == 1 ? 0.0f : rnd(&r, -2, 1, 0);
  if (op == GO_BATCHNORM_BACKWARD) {
    float *mean = go_add_in(c, "mean", F), *sd = go_add_in(c, "std", F);
    for (size_t j = 0; j < F; j++)
      fwd_stats(x, N, F, j, s->eps, &mean[j], &sd[j]);
    fill_rnd(&r, go_add_in(c, "dout", n), n, -6, 0);
    go_add_out(c, "dx", n);
    go_add_out(c, "dgamma", F);
    go_add_out(c, "dbeta", F);
    return;
  }
  fill_rnd(&r, go_add_in(c, "beta", F), F, -4, 0);
  float *rm = go_add_in(c, "running_mean", F), *rv = go_add_in(c, "running_var", F);
  for (size_t j = 0; j < F; j++) {
    rm[j] = s->book_init ? 0.0f : rnd(&r, -4, 1, 0);
    rv[j] = s->book_init ? 0.0f : rnd(&r, -4, 1, 1);
  }
  if (op == GO_BATCHNORM_TEST && s->patterns == 1) /* the statistics of the patterns */
    for (size_t j = 0; j < F; j++)
      if (j % 8 == COL_OFFSET)
        rm[j] = 1e4f;
  if (op == GO_BATCHNORM_TEST && s->patterns == 2) /* the edges' own statistics */
    for (size_t j = 0; j < F; j++)
      rm[j] = 0.0f, rv[j] = edge[j % EDGES];
  go_add_out(c, "y", n);
  if (op == GO_BATCHNORM_TRAIN) {
    go_add_out(c, "mean", F);
    go_add_out(c, "std", F);
    go_add_out(c, "running_mean", F);
    go_add_out(c, "running_var", F);
  }
}

static void batchnorm_cases(go_case_list *L) {
  static const size_t shapes[][2] = {{1, 3},   {1, 17},   {2, 1},  {2, 16},  {2, 33},
                                     {7, 1},   {7, 3},    {7, 17}, {7, 100}, {100, 1},
                                     {100, 3}, {100, 16}, {2, 100}};
  static const char *const prefix[3] = {"train", "test", "backward"};
  char id[48];
  const float book_eps = 1e-6f, book_mom = 0.9f;
  for (int o = 0; o < 3; o++) {
    go_op op = (go_op)(GO_BATCHNORM_TRAIN + o);
    for (size_t k = 0; k < COUNT(shapes); k++) {
      snprintf(id, sizeof id, "%s_%zux%zu", prefix[o], shapes[k][0], shapes[k][1]);
      bn_shape s = {shapes[k][0], shapes[k][1], 0, 0, book_eps, book_mom, 0};
      bn_case(L, op, id, &s, "x random around 1, the book's eps 1e-6 (10e-7) and momentum 0.9");
    }
    static const char *const pat_note =
        "columns in turn: random, constant 3, 1e4 + noise, tiny (2^-60), mixed 2^-20..2^20, "
        "one NaN, one +inf, around 1e15; gamma 0 on every third feature";
    for (size_t b = 0; b < 2; b++) {
      snprintf(id, sizeof id, "%s_columns_%s", prefix[o], b ? "100x17" : "7x16");
      bn_shape s = {b ? 100 : 7, b ? 17 : 16, 1, 1, book_eps, book_mom, 0};
      bn_case(L, op, id, &s, pat_note);
    }
    if (op != GO_BATCHNORM_BACKWARD) {
      snprintf(id, sizeof id, "%s_eps_0", prefix[o]);
      bn_shape s = {7, 16, 1, 0, 0.0f, 0.5f, 0};
      bn_case(L, op, id, &s,
              "eps 0 (the constant columns' 0/0 is NaN exactly and in any float32 "
              "evaluation: their mean 3 is exact), momentum 0.5; column patterns as in "
              "_columns_, gamma nonzero");
      snprintf(id, sizeof id, "%s_eps_1em3", prefix[o]);
      s = (bn_shape){7, 17, 0, 0, 1e-3f, 0.0f, 0};
      bn_case(L, op, id, &s, "eps 1e-3, momentum 0 (running = batch statistics)");
    }
    /* 2 x 20: a vector of 16 features and a tail, each edge at least thrice */
    static const char *const edge_note =
        "columns +-1e20, +-2e19, +-3e38, +-FLT_MAX, +-1e-25, +-2^-149 in turn (variance "
        "outside float, std an ordinary float)";
    snprintf(id, sizeof id, "%s_edges", prefix[o]);
    bn_shape e = {2, 20, 2, 0, book_eps, book_mom, 0};
    bn_case(L, op, id, &e, edge_note);
    if (op != GO_BATCHNORM_BACKWARD) { /* backward: the forward's std with the book's eps */
      snprintf(id, sizeof id, "%s_edges_eps_0", prefix[o]);
      e.eps = 0.0f;
      bn_case(L, op, id, &e, edge_note);
    }
    if (op == GO_BATCHNORM_TEST) { /* running_var + eps overflows float, its sqrt does not */
      e.eps = 1e38f;
      bn_case(L, op, "test_edges_eps_1e38", &e, edge_note);
    }
    if (op == GO_BATCHNORM_TRAIN) {
      bn_shape s = {100, 3, 0, 0, book_eps, 1.0f, 0};
      bn_case(L, op, "train_momentum_1", &s, "momentum 1 (running statistics unchanged)");
      s = (bn_shape){7, 33, 0, 0, book_eps, book_mom, 1};
      bn_case(L, op, "train_book_init", &s,
              "the book's layer on its first batch: running mean and var 0, eps 1e-6, "
              "momentum 0.9");
    }
  }
}

void go_cases_build(const char *family, go_case_list *L) {
  family_now = family;
  if (!strcmp(family, "rand"))
    rand_cases(L);
  else if (!strcmp(family, "init"))
    init_cases(L);
  else if (!strcmp(family, "dropout"))
    dropout_cases(L);
  else if (!strcmp(family, "batchnorm"))
    batchnorm_cases(L);
  else
    gg_die("family %s of optbench_ops.def has no cases in golden/gen/ops_cases.c", family);
  for (size_t i = 0; i < L->count; i++) {
    if (strcmp(go_ops[L->v[i].op].family, family))
      gg_die("internal: case %s of op %s in file %s", L->v[i].id, go_ops[L->v[i].op].name, family);
    for (size_t k = 0; k < i; k++)
      if (!strcmp(L->v[k].id, L->v[i].id))
        gg_die("internal: case id '%s' twice", L->v[i].id);
  }
}
