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

static int usage(void) {
  fprintf(stderr, "usage: optbench_figures EXPERIMENT [--quick] [--out DIR] [--seed S] "
                  "[--data DIR] [--variant V]\n  EXPERIMENT: all");
  for (int k = 0; k < NEXP; k++)
    fprintf(stderr, " | %s", EXPERIMENTS[k].name);
  fprintf(stderr, "\n");
  for (int k = 0; k < NEXP; k++)
    fprintf(stderr, "    %-13s figure%s %s\n", EXPERIMENTS[k].name,
            strchr(EXPERIMENTS[k].figures, ',') || strchr(EXPERIMENTS[k].figures, '.') ? "s" : "",
            EXPERIMENTS[k].figures);
  return 2;
}

int main(int argc, char **argv) {
  /* As optbench_convergence: OpenBLAS's threads and libgomp's both spin
   * while they wait and take the 2 cores from each other; libgomp reads
   * OMP_WAIT_POLICY once, at load time, so run again with it set. */
  if (!getenv("OMP_WAIT_POLICY") && setenv("OMP_WAIT_POLICY", "passive", 1) == 0)
    execv("/proc/self/exe", argv); /* on failure: carry on, just slower */
  if (argc < 2)
    return usage();
  fig_opts o = {.out = "figures", .data = CONV_FASHION_DATA, .seed = FIG_DEFAULT_SEED};
  const char *vname = NULL;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--quick"))
      o.quick = 1;
    else if (!strcmp(argv[i], "--out") && i + 1 < argc)
      o.out = argv[++i];
    else if (!strcmp(argv[i], "--data") && i + 1 < argc)
      o.data = argv[++i];
    else if (!strcmp(argv[i], "--variant") && i + 1 < argc)
      vname = argv[++i];
    else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
      unsigned long long seed = 0;
      char err[256];
      if (ob_parse_u64("--seed", argv[++i], 0, UINT64_MAX, OB_NUMARG_HEX, &seed, err, sizeof err)) {
        fprintf(stderr, "optbench_figures: %s\n", err);
        return usage();
      }
      o.seed = seed;
    } else
      return usage();
  }
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
  if (which < 0 && strcmp(argv[1], "all") != 0)
    return usage();
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
