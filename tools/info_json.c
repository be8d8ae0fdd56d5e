/* `optbench info --json` (info_json.h): the rules from the list itself, the
 * variants from the registry (their fma column from the build's ISA list),
 * the layer kernels and the machine from the public API and cpuinfo. */
#include "info_json.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <string.h>

#include <cpuinfo.h>

#include "optbench.h"

typedef struct {
  const char *name, *domain;
} ij_state;

typedef struct {
  const char *name, *title;
  const ij_state *states; /* ends with a NULL name */
  int sqrt, div;
  double bound_exact, bound_fma;
  int omp_log2;
  double traj_lr;
  const char *traj_source;
  double mnist_lr;
  const char *mnist_source;
  const char *torch_ctor, *torch_note;
  const char *numpy;
} ij_rule;

/* A domain the list names but this table does not is a compile error. */
#define IJ_DOMAIN_SIGNED "signed"
#define IJ_DOMAIN_NONNEG "nonneg"

#define OB_STATE(name, domain)             {#name, IJ_DOMAIN_##domain},
#define OB_STATE_IF(name, domain, field)   {#name, IJ_DOMAIN_##domain},
#define OB_STATE_INIT(name, domain, field) {#name, IJ_DOMAIN_##domain},
#define OB_USES(field, value)
#define OB_USES_T
#define OB_COST(sqrt, div)   sqrt, div
#define OB_BOUND(exact, fma) exact, fma
#define OB_BOOK(traj_lr, traj_source, mnist_lr, mnist_source)                                      \
  (double)(traj_lr), traj_source, (double)(mnist_lr), mnist_source
#define OB_TORCH(ctor, note) ctor, note
static const ij_rule rules[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, nm, title, states, hparams, cost, bound, omp, book, torch, numpy, conv)        \
  [OB_##ID] = {#nm,   title, (const ij_state[]){states{NULL, NULL}}, cost, bound, omp, book,       \
               torch, numpy},
#include "optbench_algos.def"
#undef OB_ALGO
};
#undef OB_USES
#undef OB_USES_T

/* Whether the rule reads the step number: a second pass over the same column. */
#define OB_USES(field, value)
#define OB_USES_T +1
static const int reads_step[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, nm, title, states, hparams, ...) [OB_##ID] = 0 hparams,
#include "optbench_algos.def"
#undef OB_ALGO
};
#undef OB_STATE
#undef OB_USES
#undef OB_USES_T
#undef OB_COST
#undef OB_BOUND
#undef OB_BOOK
#undef OB_TORCH

/* The build's instruction sets (impl/CMakeLists.txt): which fuse multiply-adds. */
static const struct {
  const char *isa;
  int fma;
} isas[] = {
#define OB_ISA(isa, features, fma, exact_nans) {#isa, fma},
#include "ob_isa_list.h"
#undef OB_ISA
};

static int isa_fma(const char *isa) {
  for (size_t i = 0; isa && i < sizeof isas / sizeof isas[0]; i++)
    if (strcmp(isas[i].isa, isa) == 0)
      return isas[i].fma;
  return -1;
}

static const char *boolean(int x) { return x ? "true" : "false"; }

static void write_rule(FILE *out, ob_algo a, const ij_rule *r, int step) {
  fputs("    {\"name\": ", out);
  ob_json_str(out, r->name);
  fputs(", \"title\": ", out);
  ob_json_str(out, r->title);
  fputs(", \"convention\": ", out);
  ob_json_str(out, ob_algo_convention(a));
  fputs(",\n     \"states\": [", out);
  for (const ij_state *s = r->states; s->name; s++) {
    fputs(s == r->states ? "{\"name\": " : ", {\"name\": ", out);
    ob_json_str(out, s->name);
    fputs(", \"domain\": ", out);
    ob_json_str(out, s->domain);
    /* the option that switches it on and the field it starts at (null: none) */
    const int i = (int)(s - r->states);
    fputs(", \"condition\": ", out);
    ob_json_str(out, ob_state_condition(a, i));
    fputs(", \"initial\": ", out);
    ob_json_str(out, ob_state_initial(a, i));
    fputc('}', out);
  }
  /* every field the rule reads (its own and those every rule reads), by the
   * library's list, with the defaults the library gives */
  fputs("],\n     \"hparams\": {", out);
  const ob_hparams hp = ob_defaults(a);
  const unsigned used = ob_hparams_used(a);
  int first = 1;
  for (int f = 0; f < ob_hparam_count(); f++) {
    double value = 0.0;
    if (!(used & (1u << f)) || ob_hparams_get(&hp, ob_hparam_name(f), &value) != OB_OK)
      continue;
    if (!first)
      fputs(", ", out);
    first = 0;
    ob_json_str(out, ob_hparam_name(f));
    fputs(": ", out);
    ob_json_num(out, 9, value);
  }
  fprintf(out, "}, \"reads_step\": %s,\n     \"cost\": {\"sqrt\": %d, \"div\": %d}, ",
          boolean(step), r->sqrt, r->div);
  fputs("\"bound\": {\"exact\": ", out);
  ob_json_num(out, 9, r->bound_exact);
  fputs(", \"fma\": ", out);
  ob_json_num(out, 9, r->bound_fma);
  fprintf(out, "}, \"omp_threshold\": %zu,\n     \"book\": {\"trajectory\": {\"lr\": ",
          (size_t)1 << r->omp_log2);
  ob_json_num(out, 9, r->traj_lr);
  fputs(", \"source\": ", out);
  ob_json_str(out, r->traj_source);
  fputs("},\n              \"mnist\": {\"lr\": ", out);
  ob_json_num(out, 9, r->mnist_lr);
  fputs(", \"source\": ", out);
  ob_json_str(out, r->mnist_source);
  fputs("}},\n     \"torch\": {\"ctor\": ", out);
  ob_json_str(out, r->torch_ctor);
  fputs(", \"note\": ", out);
  ob_json_str(out, r->torch_note);
  fputs("},\n     \"numpy\": ", out);
  ob_json_str(out, r->numpy);
  fputc('}', out);
}

static void write_variants(FILE *out) {
  const ob_variant *def = ob_variant_default();
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    const int fma = isa_fma(ob_variant_isa(v));
    fputs(i ? ",\n    {\"name\": " : "    {\"name\": ", out);
    ob_json_str(out, ob_variant_name(v));
    fputs(", \"isa\": ", out);
    ob_json_str(out, ob_variant_isa(v));
    fprintf(out, ", \"parallel\": %s, \"supported\": %s, \"fma\": %s, \"default\": %s}",
            boolean(ob_variant_is_parallel(v)), boolean(ob_variant_supported(v)),
            fma < 0 ? "null" : boolean(fma), boolean(v == def));
  }
}

static void write_cpu(FILE *out) {
  fputs("  \"cpu\": {\"name\": ", out);
  int ok = cpuinfo_initialize();
  const struct cpuinfo_package *pkg = ok ? cpuinfo_get_package(0) : NULL;
  ob_json_str(out, pkg && pkg->name[0] ? pkg->name : "unknown");
  fputs(", \"caches\": [", out);
  const struct cpuinfo_cache *c[3] = {NULL, NULL, NULL};
  if (ok) {
    c[0] = cpuinfo_get_l1d_caches_count() ? cpuinfo_get_l1d_cache(0) : NULL;
    c[1] = cpuinfo_get_l2_caches_count() ? cpuinfo_get_l2_cache(0) : NULL;
    c[2] = cpuinfo_get_l3_caches_count() ? cpuinfo_get_l3_cache(0) : NULL;
  }
  int first = 1;
  for (int l = 0; l < 3; l++)
    if (c[l] && c[l]->size) {
      fprintf(out, "%s{\"level\": %d, \"size\": %u, \"shared_by\": %u}", first ? "" : ", ", l + 1,
              c[l]->size, c[l]->processor_count);
      first = 0;
    }
  /* the library's own sizes (cpuid first), there where libcpuinfo, which
   * reads /sys, knows none */
  ob_caches lc = {0};
  ob_cpu_caches(&lc);
  fprintf(out,
          "], \"library_caches\": {\"l1d\": %zu, \"l2\": %zu, \"l3\": %zu, \"source\": ", lc.l1d,
          lc.l2, lc.l3);
  ob_json_str(out, lc.source);
  fprintf(out, "}, \"threads\": %d}\n", omp_get_max_threads());
}

int cli_info_json(FILE *out) {
  fprintf(out, "{\n  \"version\": \"%d.%d.%d\",\n  \"rules\": [\n", OB_VERSION_MAJOR,
          OB_VERSION_MINOR, OB_VERSION_PATCH);
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    write_rule(out, (ob_algo)a, &rules[a], reads_step[a]);
    fputs(a + 1 < OB_ALGO_COUNT ? ",\n" : "\n", out);
  }
  fputs("  ],\n  \"variants\": [\n", out);
  write_variants(out);
  fputs("\n  ],\n  \"ops\": [", out);
  for (int op = 0; op < OB_OP_COUNT; op++) {
    fputs(op ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
    ob_json_str(out, ob_op_name((ob_op)op));
    fputs(", \"family\": ", out);
    ob_json_str(out, ob_op_family((ob_op)op));
    fputc('}', out);
  }
  fputs("\n  ],\n", out);
  write_cpu(out);
  fputs("}\n", out);
  if (fflush(out) == 0 && !ferror(out))
    return 0;
  fprintf(stderr, "optbench: info --json: writing the document failed: %s\n", strerror(errno));
  return -1;
}
