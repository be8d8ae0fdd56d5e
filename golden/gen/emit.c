/* golden_gen - writing the vector file format (golden/FORMAT.md, version 4).
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

void gg_emit_float(FILE *f, const char *name, float v) {
  char b[32];
  gg_format_num(b, (double)v);
  fprintf(f, "float %s %s\n", name, b);
}

void gg_emit_in(FILE *f, const char *name, const float *v, size_t n) {
  char b[32];
  fprintf(f, "in %s %zu", name, n);
  for (size_t i = 0; i < n; i++) {
    gg_format_num(b, (double)v[i]);
    fprintf(f, " %s", b);
  }
  fputc('\n', f);
}

void gg_emit_out(FILE *f, const char *name, const gg_elem *e, size_t n) {
  char b0[32], b1[32], b2[32];
  fprintf(f, "out %s %zu\n", name, n);
  for (size_t i = 0; i < n; i++) {
    gg_format_num(b0, e[i].exact);
    gg_format_num(b1, (double)e[i].rounded);
    gg_format_num(b2, e[i].scale);
    fprintf(f, "%s %s %s\n", b0, b1, b2);
  }
}

void gg_emit_header(FILE *f, gg_algo a, size_t ncases) {
  fputs(GG_FORMAT_LINE, f);
  fputs("# Written by golden/gen (golden_gen): the textbook formulas evaluated in MPFR with\n"
        "# 256-bit significands, round to nearest, on the float32 inputs and float32\n"
        "# hyperparameters. Format: golden/FORMAT.md. Regenerate with `make golden`.\n",
        f);
  fprintf(f,
          "# Random data: splitmix64, one seed per case (the comment above the case),\n"
          "# seed = 0x%016" PRIx64 " ^ fnv1a64(\"<algo>/<case id>\").\n",
          GG_BASE_SEED);
  fprintf(f, "family %s\ncases %zu\n", gg_algos[a].name, ncases);
}

void gg_emit_case(FILE *f, gg_algo a, const gg_case *c) {
  fprintf(f, "# case %s: seed 0x%016" PRIx64 "\n", c->id, c->seed);
  fprintf(f, "case %s\nnote %s\nop %s\n", c->id, c->note, gg_algos[a].name);
  if (c->domain != GG_INSIDE)
    fprintf(f, "outside %s\n", c->domain == GG_REFUSED ? "refused" : "unbounded");
  if (c->grad == GG_GRAD_QUADRATIC)
    fputs("grad quadratic\n", f);
}

void gg_emit_step(FILE *f, gg_algo a, const gg_case *c, int j,
                  const float *const in[1 + GG_MAX_STATES], const float *g,
                  gg_elem *const out[1 + GG_MAX_STATES]) {
  const gg_algo_info *r = &gg_algos[a];
  const gg_hp *hp = &c->hp[j - 1];
  if (c->steps > 1)
    fprintf(f, "step %d\n", j);
  /* a hyperparameter the rule reads, or any that is not +0: an absent one is
   * 0, so a hyperparameter added later changes no existing case */
  for (int k = 0; k < GG_HP_COUNT; k++) {
    const float v = gg_hp_get(hp, k);
    if ((r->uses & (1u << k)) || signbit(v) || v != 0)
      gg_emit_float(f, gg_hp_names[k], v);
  }
  fprintf(f, "int t %" PRId64 "\n", c->t[j - 1]);
  if (j == 1)
    gg_emit_in(f, "p", in[0], c->n);
  gg_emit_in(f, "g", g, c->n);
  /* only the states the step uses (an OB_STATE_IF state whose field is 0 is
   * neither read nor written: FORMAT.md) */
  if (j == 1)
    for (int k = 0; k < r->states; k++)
      if (gg_state_used(a, hp, k))
        gg_emit_in(f, r->state[k], in[k + 1], c->n);
  gg_emit_out(f, "p", out[0], c->n);
  for (int k = 0; k < r->states; k++)
    if (gg_state_used(a, hp, k))
      gg_emit_out(f, r->state[k], out[k + 1], c->n);
}

void gg_emit_end(FILE *f) { fputs("end\n", f); }
