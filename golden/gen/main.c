/* golden_gen OUTDIR - writes OUTDIR/<algo>.txt for every update rule of the list and
 * OUTDIR/<family>.txt for the layer kernels (ops_write.c).
 *
 * Each case is run step by step: the exact step (formulas.c) gives the stored
 * values; step j > 1 starts from the `rounded` outputs of step j-1. Every step
 * is also evaluated in plain float32 (plain.c) and every element checked with
 * the file's own error metric (check.c), as a reader would: fresh from the
 * step's inputs, and for trajectories also carried on its own state (FORMAT.md,
 * "Trajectories"). A case a correct float32 implementation cannot meet (an
 * intermediate that over- or underflows where the exact one does not) stops
 * the generator instead of reaching the vectors. The largest errors of the
 * plain float32 evaluation are printed per algorithm.
 */
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "check.h"
#include "emit.h"
#include "formulas.h"
#include "ops.h"
#include "philox.h"
#include "plain.h"

typedef struct {
  double max, sum; /* scale-ULPs; own-state errors divided by the step number */
  size_t count;
  char where[160];
} gg_stat;

typedef struct {
  gg_stat fresh; /* every step from the file's inputs */
  gg_stat own;   /* trajectories carried on the float32 evaluation's own state */
} gg_stats;

/* Output k of rule a: p, then its states by name. */
static const char *array_name(gg_algo a, int k) { return k ? gg_algos[a].state[k - 1] : "p"; }

/* Checks the float32 results got[] of step j against the file's elements:
 * each error must stay within `limit`; the statistics take err / norm. A case
 * outside its domain (st NULL) only counts the elements past the limit. */
static size_t check_step(gg_algo a, const gg_case *c, int j, const char *mode,
                         const char *limit_name, double limit, double norm,
                         float *const got[1 + GG_MAX_STATES], gg_elem *const out[1 + GG_MAX_STATES],
                         gg_stat *st) {
  size_t over = 0;
  for (int k = 0; k <= gg_algos[a].states; k++) {
    if (k && !gg_state_used(a, &c->hp[j - 1], k - 1))
      continue;
    for (size_t i = 0; i < c->n; i++) {
      const gg_elem *e = &out[k][i];
      const char *why = NULL;
      double ulps = gg_check_err(got[k][i], e, &why);
      if (!st) {
        over += ulps < 0 || ulps > limit;
        continue;
      }
      if (ulps < 0 || ulps > limit) {
        char x[32], ex[32], r[32], s[32], verdict[64];
        gg_format_num(x, (double)got[k][i]);
        gg_format_num(ex, e->exact);
        gg_format_num(r, (double)e->rounded);
        gg_format_num(s, e->scale);
        if (why)
          snprintf(verdict, sizeof verdict, "%s", why);
        else
          snprintf(verdict, sizeof verdict, "%.3g scale-ULPs > %g, the rule's %s", ulps, limit,
                   limit_name);
        gg_die("%s case %s step %d out %s[%zu]: the plain float32 evaluation (%s) gives %s, "
               "exact %s (rounded %s, scale %s): %s; either the case is not well-posed in float32 "
               "(change its data) or the rule's evaluation rounds more than its limit allows "
               "(raise fresh_limit/own_limit in its row of golden/gen/rules.c, and OB_BOUND)",
               gg_algos[a].name, c->id, j, array_name(a, k), i, mode, x, ex, r, s, verdict);
      }
      ulps /= norm;
      st->sum += ulps;
      st->count++;
      if (ulps > st->max || !st->where[0]) {
        st->max = ulps;
        snprintf(st->where, sizeof st->where, "%s step %d %s[%zu]", c->id, j, array_name(a, k), i);
      }
    }
  }
  return over;
}

/* The quadratic's gradient in plain float32 (a run on its own state). */
static void quadratic_grad_f32(const float *p, float *g) {
  g[0] = p[0] / 10.0f;
  g[1] = 2.0f * p[1];
}

/* What the plain float32 evaluation gives for p outside the domain depends on
 * the rule (eps = 0 over an underflowed state: x/0 = inf for one rule, 0/0 =
 * NaN for another), so no hand-written note can say it for every rule: the
 * note of an `outside unbounded` single step ends with it, measured here, and
 * test_domain reads it back (`; float32 gives p = <v>, <v>, ...`). */
static void note_float32(gg_algo a, gg_case *c) {
  if (c->steps != 1 || c->grad != GG_GRAD_DATA || c->n > 4)
    return;
  float p[4], st[GG_MAX_STATES][4];
  float *const s[GG_MAX_STATES] = {st[0], st[1], st[2]};
  memcpy(p, c->init[0], c->n * sizeof *p);
  for (int k = 0; k < GG_MAX_STATES; k++)
    memcpy(st[k], c->init[k + 1], c->n * sizeof *st[k]);
  gg_plain_step(a, &c->hp[0], c->t[0], c->n, p, c->g[0], s);
  size_t at = strlen(c->note);
  for (size_t i = 0; i < c->n; i++) {
    char b[32];
    gg_format_num(b, (double)p[i]);
    const int len =
        snprintf(c->note + at, sizeof c->note - at, "%s%s", i ? ", " : "; float32 gives p = ", b);
    if (len < 0 || (size_t)len >= sizeof c->note - at)
      gg_die("%s case %s: the note is longer than %zu characters with float32's p",
             gg_algos[a].name, c->id, sizeof c->note - 1);
    at += (size_t)len;
  }
}

static void run_case(FILE *f, gg_algo a, const gg_case *c, gg_stats *st) {
  const int states = gg_algos[a].states;
  const size_t n = c->n;
  const int traj = c->steps > 1;
  enum { K = 1 + GG_MAX_STATES }; /* p and the states */
  float *in[K], *fl[K], *own[K];
  float *g = gg_alloc(n, sizeof *g), *own_g = gg_alloc(n, sizeof *own_g);
  gg_elem *out[K], *peak[K]; /* peak: out with the largest magnitude so far as the scale */
  for (int k = 0; k < K; k++) {
    peak[k] = gg_alloc(n, sizeof(gg_elem));
    in[k] = gg_alloc(n, sizeof(float));
    fl[k] = gg_alloc(n, sizeof(float));
    own[k] = gg_alloc(n, sizeof(float));
    out[k] = gg_alloc(n, sizeof(gg_elem));
    memcpy(in[k], c->init[k], n * sizeof(float));
    memcpy(own[k], c->init[k], n * sizeof(float));
  }
  if (c->grad == GG_GRAD_QUADRATIC && n != 2)
    gg_die("%s case %s: grad quadratic needs n = 2 (x, y), the case has %zu", gg_algos[a].name,
           c->id, n);

  /* With weight decay a single step already has more roundings (Nesterov's
   * reaches 1.1 scale-ULPs fresh): its trajectory gets the fresh limit per step. */
  const gg_rule_row *row = gg_algos[a].row;
  const int wd = c->hp[0].weight_decay != 0 || c->hp[0].decoupled_decay != 0;
  const double own_limit = wd ? row->fresh_limit : row->own_limit;
  const char *own_name = wd ? "fresh_limit per step (weight decay)" : "own_limit per step";
  gg_case noted = *c;
  if (c->domain == GG_UNBOUNDED)
    note_float32(a, &noted);
  gg_emit_case(f, a, &noted);
  for (int j = 1; j <= c->steps; j++) {
    const gg_hp *hp = &c->hp[j - 1];
    const int64_t t = c->t[j - 1];
    if (c->grad == GG_GRAD_QUADRATIC) {
      float gf[2];
      g[0] = gg_quadratic_grad(0, in[0][0]);
      g[1] = gg_quadratic_grad(1, in[0][1]);
      quadratic_grad_f32(in[0], gf);
      if (memcmp(g, gf, sizeof gf)) /* exact-then-rounded must equal one float32 op */
        gg_die("%s %s step %d: quadratic gradient differs from float32", gg_algos[a].name, c->id,
               j);
      quadratic_grad_f32(own[0], own_g); /* FORMAT.md: from its own parameters */
    } else {
      memcpy(g, c->g[j - 1], n * sizeof *g);
      memcpy(own_g, g, n * sizeof *g);
    }

    /* the case's side of its domain's edge, as declared, is where it lies */
    const char *coeff = gg_coeff_outside(a, hp, t);
    if ((c->domain == GG_REFUSED) != (coeff != NULL) || (c->domain == GG_REFUSED && traj))
      gg_die("%s case %s step %d: declared %s, but %s", gg_algos[a].name, c->id, j,
             c->domain == GG_REFUSED ? "refused (single step)" : "not refused",
             coeff ? coeff : "every derived coefficient is in range");
    size_t misses = 0;
    const char *err =
        gg_exact_step(a, hp, t, n, in[0], g, (const float *const *)in + 1, out, &misses);
    if (err)
      gg_die("%s case %s step %d: %s", gg_algos[a].name, c->id, j, err);
    if (misses && c->domain == GG_INSIDE)
      gg_die("%s case %s step %d: %zu elements outside the rule's data domain (FORMAT.md, "
             "\"Domains\"; centered RMSprop: square_avg' >= 2*grad_avg'^2): change its data or "
             "declare it outside",
             gg_algos[a].name, c->id, j, misses);

    /* fresh: from the file's inputs of this step, within the single-step limit */
    for (int k = 0; k < K; k++)
      memcpy(fl[k], in[k], n * sizeof(float));
    gg_plain_step(a, hp, t, n, fl[0], g, fl + 1);
    if (c->domain == GG_UNBOUNDED &&
        !check_step(a, c, j, "fresh", "fresh_limit", row->fresh_limit, 1.0, fl, out, NULL))
      gg_die("%s case %s step %d: declared outside the domain, but float32 meets the rule's "
             "fresh_limit %g (golden/gen/rules.c) everywhere; "
             "move its data across the edge",
             gg_algos[a].name, c->id, j, row->fresh_limit);
    if (c->domain == GG_INSIDE)
      check_step(a, c, j, "fresh", "fresh_limit", row->fresh_limit, 1.0, fl, out, &st->fresh);
    /* own state: the error may grow with the step number j */
    if (traj && c->domain == GG_INSIDE) {
      gg_plain_step(a, hp, t, n, own[0], own_g, own + 1);
      /* measured in ulps of the largest max(|exact|, scale) of steps 1 .. j (FORMAT.md) */
      for (int k = 0; k <= states; k++)
        for (size_t i = 0; i < n; i++) {
          const double e = fabs(out[k][i].exact), top = fmax(peak[k][i].scale, out[k][i].scale);
          peak[k][i] = out[k][i];
          peak[k][i].scale = isfinite(e) && e > top ? e : top;
        }
      check_step(a, c, j, "own state", own_name, j * own_limit, (double)j, own, peak, &st->own);
    }

    const float *const step_in[K] = {in[0], in[1], in[2], in[3]};
    gg_emit_step(f, a, c, j, step_in, g, out);
    for (int k = 0; k <= states; k++) /* the next step starts from the rounded outputs */
      for (size_t i = 0; i < n && (!k || gg_state_used(a, hp, k - 1)); i++)
        in[k][i] = out[k][i].rounded;
  }
  gg_emit_end(f);

  for (int k = 0; k < K; k++) {
    free(in[k]);
    free(fl[k]);
    free(own[k]);
    free(peak[k]);
    free(out[k]);
  }
  free(g);
  free(own_g);
}

static void write_file(const char *dir, gg_algo a, gg_stats *st) {
  gg_case_list cases = {0};
  gg_cases_build(a, &cases);

  gg_out o;
  gg_open_out(&o, dir, gg_algos[a].name);
  gg_emit_header(o.f, a, cases.count);
  for (size_t i = 0; i < cases.count; i++)
    run_case(o.f, a, &cases.v[i], st);
  gg_commit(&o, cases.count);
  gg_cases_free(&cases);
}

int main(int argc, char **argv) {
  if (argc != 2 || !argv[1][0])
    gg_die("usage: golden_gen OUTDIR");
  gg_rules_init();
  for (int a = 0; a < GG_ALGO_COUNT; a++)
    if (!gg_has_formula((gg_algo)a))
      gg_die("rule '%s' of optbench_algos.def has no exact formula in golden/gen/formulas.c",
             gg_algos[a].name);
  gg_philox_selfcheck();
  gg_formulas_init();
  gg_stats st[GG_ALGO_COUNT];
  memset(st, 0, sizeof st);
  for (int a = 0; a < GG_ALGO_COUNT; a++)
    write_file(argv[1], (gg_algo)a, &st[a]);
  go_write_all(argv[1]);
  gg_formulas_free();

  printf("\nplain float32 evaluation against the exact values, in scale-ULPs\n"
         "(fresh: each step from the file's inputs; own state: trajectories carried on\n"
         "their own state, error at step j divided by j; the limits are each rule's,\n"
         "golden/gen/rules.c):\n");
  printf("%-13s %9s %9s %9s %6s  %-42s %9s %6s  %s\n", "algo", "elements", "max", "mean", "limit",
         "max at", "own max", "limit", "own max at");
  for (int a = 0; a < GG_ALGO_COUNT; a++) {
    const gg_stat *fr = &st[a].fresh, *ow = &st[a].own;
    printf("%-13s %9zu %9.3f %9.4f %6g  %-42s %9.3f %6g  %s\n", gg_algos[a].name, fr->count,
           fr->max, fr->count ? fr->sum / (double)fr->count : 0.0, gg_algos[a].row->fresh_limit,
           fr->where, ow->max, gg_algos[a].row->own_limit, ow->where);
  }
  printf("(MPFR %s)\n", mpfr_get_version());
  if (fflush(stdout) != 0)
    gg_die("cannot write to stdout");
  return 0;
}
