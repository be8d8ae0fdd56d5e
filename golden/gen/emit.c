/* golden_gen - writing the vector file format (golden/FORMAT.md, version 3).
 *
 * Nothing machine- or run-dependent goes into a file (no date, no library
 * version): regenerating on a clean checkout must change no byte.
 */
#include "emit.h"

#include <inttypes.h>
#include <math.h>

void gg_format_num(char *buf, double x) {
  if (isnan(x))
    snprintf(buf, 32, "nan"); /* glibc would print -nan for a negative NaN */
  else if (isinf(x))
    snprintf(buf, 32, "%s", x < 0 ? "-inf" : "inf");
  else
    snprintf(buf, 32, "%a", x); /* -0.0 prints as -0x0p+0 */
}

/* `<label>` followed by " <value>" for each of the n floats. */
static void value_line(FILE *f, const char *label, const float *v, size_t n) {
  char buf[32];
  fputs(label, f);
  for (size_t i = 0; i < n; i++) {
    gg_format_num(buf, (double)v[i]);
    fputc(' ', f);
    fputs(buf, f);
  }
  fputc('\n', f);
}

void gg_emit_header(FILE *f, gg_algo a, size_t ncases) {
  fputs("optbench-golden 3\n", f);
  fputs("# Written by golden/gen (golden_gen): the textbook formulas evaluated in MPFR with\n"
        "# 256-bit significands, round to nearest, on the float32 inputs and float32\n"
        "# hyperparameters. Format: golden/FORMAT.md. Regenerate with `make golden`.\n",
        f);
  fprintf(f,
          "# Random data: splitmix64, one seed per case (the comment above the case),\n"
          "# seed = 0x%016" PRIx64 " ^ fnv1a64(\"<algo>/<case id>\").\n",
          GG_BASE_SEED);
  fprintf(f, "algo %s\nstates %d\ncases %zu\n", gg_algos[a].name, gg_algos[a].states, ncases);
}

void gg_emit_case(FILE *f, gg_algo a, const gg_case *c) {
  static const char *const init_label[3] = {"init p", "init s0", "init s1"};
  fprintf(f, "# case %s: seed 0x%016" PRIx64 "\n", c->id, c->seed);
  fprintf(f, "case %s\nnote %s\n", c->id, c->note);
  if (c->domain != GG_INSIDE)
    fprintf(f, "outside %s\n", c->domain == GG_REFUSED ? "refused" : "unbounded");
  fprintf(f, "n %zu\nsteps %d\ngrad %s\n", c->n, c->steps,
          c->grad == GG_GRAD_QUADRATIC ? "quadratic" : "data");
  for (int k = 0; k <= gg_algos[a].states; k++)
    value_line(f, init_label[k], c->init[k], c->n);
}

void gg_emit_step(FILE *f, gg_algo a, int j, const gg_hp *hp, int64_t t, size_t n, const float *g,
                  gg_elem *const out[3]) {
  static const char *const out_label[3] = {"out p\n", "out s0\n", "out s1\n"};
  const float hps[8] = {hp->lr,    hp->momentum, hp->decay_rate,   hp->beta1,
                        hp->beta2, hp->eps,      hp->weight_decay, hp->decoupled_decay};
  char b0[32], b1[32], b2[32];
  fprintf(f, "step %d\nhp", j);
  for (int k = 0; k < 8; k++) {
    gg_format_num(b0, (double)hps[k]);
    fprintf(f, " %s", b0);
  }
  fprintf(f, "\nt %" PRId64 "\n", t);
  value_line(f, "g", g, n);
  for (int k = 0; k <= gg_algos[a].states; k++) {
    fputs(out_label[k], f);
    for (size_t i = 0; i < n; i++) {
      gg_format_num(b0, out[k][i].exact);
      gg_format_num(b1, (double)out[k][i].rounded);
      gg_format_num(b2, out[k][i].scale);
      fprintf(f, "%s %s %s\n", b0, b1, b2);
    }
  }
}

void gg_emit_end(FILE *f) { fputs("end\n", f); }
