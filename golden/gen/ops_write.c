/* golden_gen - writing the layer kernels' files (golden/FORMAT.md, "Layer
 * kernels") and checking each case against a plain float32 evaluation.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "check.h"
#include "emit.h"
#include "ops.h"

/* The plain float32 evaluation must stay within this many scale-ULPs (the
 * op bounds are 4 and below; a case beyond this is not well-posed). */
#define GO_CHECK_LIMIT 8.0

typedef struct {
  double max, sum;
  size_t count;
  char where[120];
} go_stat;

static go_stat stats[GO_OP_COUNT];

/* The ops' metric (FORMAT.md): as the update rules', except that an exact
 * zero with a nonzero scale is measured like any other value. */
static double op_err(float got, const gg_elem *e, const char **why) {
  if (e->exact == 0 && e->scale > 0 && isfinite(got)) {
    return fabs((double)got) / gg_ulp32(e->scale);
  }
  return gg_check_err(got, e, why);
}

static void check_case(const go_case *c) {
  go_stat *st = &stats[c->op];
  for (int k = 0; k < c->nout; k++) {
    const go_out *o = &c->out[k];
    for (size_t i = 0; i < o->n; i++) {
      const char *why = NULL;
      double err = op_err(o->plain[i], &o->e[i], &why);
      if (err < 0 || err > GO_CHECK_LIMIT) {
        char g[32], x[32], s[32];
        gg_format_num(g, (double)o->plain[i]);
        gg_format_num(x, o->e[i].exact);
        gg_format_num(s, o->e[i].scale);
        gg_die("%s case %s out %s[%zu]: the plain float32 evaluation gives %s, exact %s, scale "
               "%s: %s; the case is not well-posed in float32, change its data",
               go_ops[c->op].name, c->id, o->name, i, g, x, s,
               why ? why : "beyond the generator's limit");
      }
      st->sum += err;
      st->count++;
      if (err > st->max || !st->where[0]) {
        st->max = err;
        snprintf(st->where, sizeof st->where, "%s %s[%zu]", c->id, o->name, i);
      }
    }
  }
  if (c->mask_out.b && memcmp(c->mask_out.b, c->plain_mask, (c->mask_out.bits + 7) / 8))
    gg_die("%s case %s: the plain float32 mask differs from the exact one", go_ops[c->op].name,
           c->id);
}

static void mask_line(FILE *f, const char *kw, const go_mask *m) {
  fprintf(f, "%s %s %zu", kw, m->name, m->bits);
  if (m->bits) {
    fputc(' ', f);
    for (size_t i = 0; i < (m->bits + 7) / 8; i++)
      fprintf(f, "%02x", m->b[i]);
  }
  fputc('\n', f);
}

static void emit_case(FILE *f, const go_case *c) {
  fprintf(f, "case %s\nnote %s\nop %s\n", c->id, c->note, go_ops[c->op].name);
  for (int k = 0; k < c->npar; k++) {
    const go_param *p = &c->par[k];
    if (p->kind == GO_INT)
      fprintf(f, "int %s %" PRIu64 "\n", p->name, p->i);
    else if (p->kind == GO_WORD)
      fprintf(f, "word %s %s\n", p->name, p->w);
    else
      gg_emit_float(f, p->name, p->f);
  }
  for (int k = 0; k < c->nin; k++)
    gg_emit_in(f, c->in[k].name, c->in[k].v, c->in[k].n);
  if (c->mask_in.name[0])
    mask_line(f, "mask", &c->mask_in);
  for (int k = 0; k < c->nout; k++)
    gg_emit_out(f, c->out[k].name, c->out[k].e, c->out[k].n);
  if (c->mask_out.name[0])
    mask_line(f, "outmask", &c->mask_out);
  fputs("end\n", f);
}

static void write_family(const char *dir, const char *family) {
  go_case_list L = {0};
  go_cases_build(family, &L);
  for (size_t i = 0; i < L.count; i++) {
    go_exact(&L.v[i]);
    go_plain(&L.v[i]);
    check_case(&L.v[i]);
  }

  gg_out o;
  gg_open_out(&o, dir, family);
  FILE *f = o.f;
  fputs(GG_FORMAT_LINE, f);
  fputs("# Written by golden/gen (golden_gen): the layer kernels evaluated in MPFR with\n"
        "# 256-bit significands, round to nearest, on the float32 inputs and parameters;\n"
        "# random bits from Random123's philox4x32_10. Format: golden/FORMAT.md.\n"
        "# Regenerate with `make golden`.\n",
        f);
  fprintf(f,
          "# Data arrays: splitmix64 seeded with 0x%016" PRIx64 " ^ fnv1a64(\"%s/<case id>\").\n",
          GG_BASE_SEED, family);
  fprintf(f, "family %s\ncases %zu\n", family, L.count);
  for (size_t i = 0; i < L.count; i++)
    emit_case(f, &L.v[i]);
  gg_commit(&o, L.count);
  go_cases_free(&L);
}

void go_write_all(const char *dir) {
  go_exact_init();
  for (int op = 0; op < GO_OP_COUNT; op++) { /* each family once, in the table's order */
    int seen = 0;
    for (int k = 0; k < op; k++)
      seen |= !strcmp(go_ops[k].family, go_ops[op].family);
    if (!seen)
      write_family(dir, go_ops[op].family);
  }
  go_exact_free();
  printf("\nplain float32 evaluation of the layer kernels against the exact values, in "
         "scale-ULPs (limit %g):\n",
         GO_CHECK_LIMIT);
  printf("%-20s %9s %9s %9s  %s\n", "op", "elements", "max", "mean", "max at");
  for (int op = 0; op < GO_OP_COUNT; op++) {
    const go_stat *st = &stats[op];
    printf("%-20s %9zu %9.3f %9.4f  %s\n", go_ops[op].name, st->count, st->max,
           st->count ? st->sum / (double)st->count : 0.0, st->where);
  }
}
