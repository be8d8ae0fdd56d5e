/* optbench_figures - the book's figures 6-10 to 6-24 (chapter 6, "Deep
 * Learning from Scratch") re-run on optbench's kernels with Fashion-MNIST:
 *
 *   optbench_figures EXPERIMENT [--quick] [--out DIR] [--seed S] [--data DIR]
 *                    [--variant V]
 *
 * EXPERIMENT is one of the table below, or `all`. Every run prints its seeds;
 * the same seed gives the same numbers (for any thread count). Exit status 0,
 * 1 if an experiment failed, 2 on bad usage or a missing data set. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fig.h"
#include "numarg.h"
#include "opts.h"

static const struct {
  const char *name, *figures;
  int (*run)(const fig_opts *);
} EXPERIMENTS[] = {
    {"activations", "6-10..6-14", fig_activations},
    {"init", "6-15", fig_init},
    {"batchnorm", "6-18", fig_batchnorm},
    {"weight_decay", "6-20, 6-21", fig_weight_decay},
    {"dropout", "6-22, 6-23", fig_dropout},
    {"hyper", "6-24", fig_hyper},
};
enum { NEXP = sizeof EXPERIMENTS / sizeof EXPERIMENTS[0] };

static void list_experiments(FILE *f) {
  fprintf(f, "  EXPERIMENT: all");
  for (int k = 0; k < NEXP; k++)
    fprintf(f, " | %s", EXPERIMENTS[k].name);
  fprintf(f, "\n");
  for (int k = 0; k < NEXP; k++)
    fprintf(f, "    %-13s figure%s %s\n", EXPERIMENTS[k].name,
            strchr(EXPERIMENTS[k].figures, ',') || strchr(EXPERIMENTS[k].figures, '.') ? "s" : "",
            EXPERIMENTS[k].figures);
}

int main(int argc, char **argv) {
  /* As optbench_convergence: OpenBLAS's threads and libgomp's both spin
   * while they wait and take the 2 cores from each other; libgomp reads
   * OMP_WAIT_POLICY once, at load time, so run again with it set. */
  if (!getenv("OMP_WAIT_POLICY") && setenv("OMP_WAIT_POLICY", "passive", 1) == 0)
    execv("/proc/self/exe", argv); /* on failure: carry on, just slower */
  fig_opts o = {.out = "figures", .data = CONV_FASHION_DATA, .seed = FIG_DEFAULT_SEED};
  const char *vname = NULL;
  unsigned long long seed = FIG_DEFAULT_SEED;
  const ob_opt table[] = {
      {"--quick", NULL, OB_OPT_FLAG, &o.quick, 0, 0, 0, NULL, NULL, "fewer epochs and trials"},
      {"--out", NULL, OB_OPT_STR, &o.out, 0, 0, 0, NULL, "DIR", "the data files' folder"},
      {"--seed", NULL, OB_OPT_U64, &seed, 0, UINT64_MAX, OB_NUMARG_HEX, NULL, "S",
       "the seed (decimal or 0x hex)"},
      {"--data", NULL, OB_OPT_STR, &o.data, 0, 0, 0, NULL, "DIR", "Fashion-MNIST's IDX files"},
      {"--variant", NULL, OB_OPT_STR, &vname, 0, 0, 0, NULL, "V", "the library's variant"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  const size_t ntable = sizeof table / sizeof *table;
  const char *exp = argc >= 2 && argv[1][0] != '-' ? argv[1] : NULL;
  int nargs = exp ? argc - 1 : argc; /* the options after EXPERIMENT */
  char **args = exp ? argv + 1 : argv;
  const int done = ob_opts_parse_main("optbench_figures", "EXPERIMENT [options]", table, ntable,
                                      NULL, &nargs, args);
  if (done < 0 && !exp) /* options but no experiment */
    fprintf(stderr, "optbench_figures: no EXPERIMENT\n"
                    "usage: optbench_figures EXPERIMENT [options] (--help: the options)\n");
  if (done >= 0 || !exp) {
    list_experiments(done == 0 ? stdout : stderr);
    return done < 0 ? 2 : done;
  }
  o.seed = seed;
  o.variant = vname ? ob_variant_find(vname) : ob_variant_default();
  if (!o.variant) {
    fprintf(stderr, "optbench_figures: %s\n",
            vname ? "unknown variant" : "OPTBENCH_VARIANT names an unusable variant");
    return 2;
  }
  if (!ob_variant_supported(o.variant)) {
    fprintf(stderr, "optbench_figures: variant %s is not supported on this CPU\n",
            ob_variant_name(o.variant));
    return 2;
  }
  int which = -1;
  for (int k = 0; k < NEXP; k++)
    if (!strcmp(argv[1], EXPERIMENTS[k].name))
      which = k;
  if (which < 0 && strcmp(argv[1], "all") != 0) {
    fprintf(stderr, "optbench_figures: unknown experiment '%s'\n", argv[1]);
    list_experiments(stderr);
    return 2;
  }
  printf("optbench_figures: seed 0x%016" PRIx64 ", variant %s, output %s%s\n", o.seed,
         ob_variant_name(o.variant), o.out, o.quick ? ", quick" : "");
  fflush(stdout);
  int rc = 0;
  for (int k = 0; k < NEXP; k++) {
    if (which >= 0 && k != which)
      continue;
    const int r = EXPERIMENTS[k].run(&o);
    if (r == 2 && which < 0)
      return 2; /* no data set: the others need it too */
    rc = r > rc ? r : rc;
  }
  return rc;
}
