/* Weight decay fused into every rule (optbench.h, ob_hparams):
 *   - the scalar reference is the rule run on g' = g + weight_decay*p and
 *     p' = p - (lr*decoupled_decay)*p, each rounded once (checked by running
 *     the plain rule on those arrays, computed here);
 *   - the variants that share scalar's roundings (autovec, sse2) give its
 *     bits, avx2 gives avx512's, every +omp variant its ISA's for 1..8
 *     threads (NaN compared as a class across ISAs, bitwise within one),
 *     with and without the terms, with the torch rules' options off and on;
 *   - a term applies only where its hyperparameter is nonzero, and bad
 *     values are refused with nothing written.
 * Accuracy against exact arithmetic is the golden suite's (golden/). */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>

#include "test_util.h"

#define N 1001 /* odd: every vector width leaves a tail */
static const int thread_counts[] = {1, 2, 3, 4, 7, 8};

typedef struct {
  float p[N], g[N], s[OB_MAX_STATES][N];
} state;

static void run(const ob_variant *v, ob_algo a, const ob_hparams *hp, state *s) {
  float *const st[OB_MAX_STATES] = {s->s[0], s->s[1], s->s[2]};
  CHECK(ob_step_states(v, a, hp, 5, s->p, s->g, st, N) == OB_OK, "%s %s", ob_algo_name(a),
        tu_vname(v));
}

/* every array of x and y equal: bitwise, or NaN as a class */
static int same(const state *x, const state *y, int bits) {
  size_t (*diff)(const float *, const float *, size_t) = bits ? tu_diff_bits : tu_diff_class;
  int ok = diff(x->p, y->p, N) == N;
  for (int k = 0; k < OB_MAX_STATES; k++)
    ok = ok && diff(x->s[k], y->s[k], N) == N;
  return ok;
}

static const ob_variant *find(const char *name) {
  const ob_variant *v = ob_variant_find(name);
  return ob_variant_supported(v) ? v : NULL;
}

static void test_modes(void) {
  /* {0, 0}: no term, so that the variant groups and threads below also
   * cover the plain rules (test_parallel's data has the torch options off) */
  static const float decays[][2] = {{0.0f, 0.0f}, {0.1f, 0.0f}, {0.0f, 0.01f}, {1e-4f, 0.5f}};
  state *in = malloc(sizeof *in), *ref = malloc(sizeof *ref), *got = malloc(sizeof *got);
  ob_set_omp_threshold(1);
  const uint64_t seed = tu_seed("test_weight_decay", 0x3d);
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    for (int on = 0; on <= tu_has_options((ob_algo)a); on++)
      for (size_t d = 0; d < sizeof decays / sizeof decays[0]; d++) {
        tu_rng r = tu_rng_for(seed, (uint64_t)a, d, (uint64_t)on);
        float *const st[OB_MAX_STATES] = {in->s[0], in->s[1], in->s[2]};
        tu_fill_states(&r, (ob_algo)a, in->p, in->g, st, N, 13, 0);
        /* the rule without decay (AdamW's default has one), then the terms */
        ob_hparams plain = on ? tu_options_on((ob_algo)a) : ob_defaults((ob_algo)a);
        plain.weight_decay = plain.decoupled_decay = 0.0f;
        ob_hparams hp = plain;
        hp.weight_decay = decays[d][0], hp.decoupled_decay = decays[d][1];
        /* the scalar reference, decomposed: torch's maximize negates g before
         * the L2 term, so the plain rule's -g' is -g + wd*p for g' = g - wd*p
         * (rounding to nearest is symmetric) */
        const int maximize = (ob_hparams_used((ob_algo)a) & OB_HP_MAXIMIZE) && hp.maximize != 0;
        *ref = *in;
        const float lrd = (float)((double)hp.lr * (double)hp.decoupled_decay);
        for (size_t i = 0; i < N; i++) {
          if (hp.weight_decay != 0.0f)
            ref->g[i] = maximize ? in->g[i] - hp.weight_decay * in->p[i]
                                 : in->g[i] + hp.weight_decay * in->p[i];
          if (hp.decoupled_decay != 0.0f)
            ref->p[i] = in->p[i] - lrd * in->p[i];
        }
        run(find("scalar"), (ob_algo)a, &plain, ref);
        *got = *in;
        run(find("scalar"), (ob_algo)a, &hp, got);
        /* NaN as a class: two compiled copies of one formula may order an add's
         * operands differently, and x86 keeps the first operand's NaN payload */
        CHECK(same(ref, got, 0), "%s%s decay %g/%g: scalar is not the rule on g', p'",
              ob_algo_name((ob_algo)a), on ? " (options on)" : "", (double)decays[d][0],
              (double)decays[d][1]);
        /* groups of variants with one sequence of roundings, and +omp */
        static const char *const same_as[][2] = {
            {"autovec", "scalar"}, {"sse2", "scalar"}, {"avx2", "avx512"}};
        for (size_t k = 0; k < sizeof same_as / sizeof same_as[0]; k++) {
          const ob_variant *x = find(same_as[k][0]), *y = find(same_as[k][1]);
          if (!x || !y)
            continue;
          *ref = *in, *got = *in;
          run(y, (ob_algo)a, &hp, ref);
          run(x, (ob_algo)a, &hp, got);
          CHECK(same(ref, got, 0), "%s: %s differs from %s", ob_algo_name((ob_algo)a),
                same_as[k][0], same_as[k][1]);
        }
        for (size_t vi = 0; vi < ob_variant_count(); vi++) {
          const ob_variant *v = ob_variant_at(vi);
          if (!ob_variant_supported(v) || !ob_variant_is_parallel(v))
            continue;
          *ref = *in;
          run(ob_variant_find(ob_variant_isa(v)), (ob_algo)a, &hp, ref);
          for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
            omp_set_num_threads(thread_counts[t]);
            *got = *in;
            run(v, (ob_algo)a, &hp, got);
            CHECK(same(ref, got, 1), "%s %s threads %d", ob_algo_name((ob_algo)a),
                  ob_variant_name(v), thread_counts[t]);
          }
        }
      }
  omp_set_num_threads(omp_get_num_procs());
  ob_set_omp_threshold(0);
  free(in), free(ref), free(got);
}

/* An infinite p with the term's hyperparameter 0: the plain rule (no
 * Inf*0); with it nonzero, what the formula gives. */
static void test_term_applies_only_when_nonzero(void) {
  float p[2] = {INFINITY, 1.0f}, g[2] = {1.0f, 1.0f};
  ob_hparams hp = ob_defaults(OB_SGD);
  CHECK(ob_step(NULL, OB_SGD, &hp, 1, p, g, NULL, NULL, 2) == OB_OK && p[0] == INFINITY,
        "plain SGD on Inf");
  const float p1 = p[1];
  hp.lr = 0.0f, hp.decoupled_decay = 0.5f; /* coefficient lr*decay is 0 but the term applies */
  CHECK(ob_step(NULL, OB_SGD, &hp, 1, p, g, NULL, NULL, 2) == OB_OK && isnan(p[0]) && p[1] == p1,
        "Inf - 0*Inf is NaN: %g", (double)p[0]);
}

static void test_bad_values(void) {
  static const float bad[] = {-1e-3f, NAN, INFINITY, -INFINITY};
  float p[4] = {1, 2, 3, 4}, g[4] = {1, 1, 1, 1}, v[4] = {0}, m[4] = {0};
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
      for (int which = 0; which < 2; which++) {
        ob_hparams hp = ob_defaults((ob_algo)a);
        *(which ? &hp.decoupled_decay : &hp.weight_decay) = bad[k];
        CHECK(ob_hparams_check((ob_algo)a, &hp) == OB_EHPARAM, "%s", ob_algo_name((ob_algo)a));
        CHECK(ob_step(NULL, (ob_algo)a, &hp, 1, p, g, v, m, 4) == OB_EHPARAM, "%s",
              ob_algo_name((ob_algo)a));
        ob_status st = OB_OK;
        ob_optimizer *o = ob_optimizer_new((ob_algo)a, &hp, NULL, &st);
        CHECK(!o && st == OB_EHPARAM, "optimizer %s", ob_algo_name((ob_algo)a));
      }
  CHECK(p[0] == 1 && p[3] == 4 && v[0] == 0 && m[0] == 0, "a refused step wrote");
  const ob_hparams d = ob_defaults(OB_ADAM);
  CHECK(d.weight_decay == 0.0f && d.decoupled_decay == 0.0f, "defaults have no decay");
}

int main(void) {
  test_bad_values();
  test_term_applies_only_when_nonzero();
  test_modes();
  return ob_test_done("test_weight_decay");
}
