/* test_golden - every supported variant x every golden file x every case,
 * at every offset 0..15 floats: every algorithm of optbench_algos.def (fresh
 * and on its own state) against ob_error_bound, every op of optbench_ops.def
 * against ob_op_error_bound. Prints the table, a row per op x variant (max
 * and mean error in scale-ULPs), and exits non-zero on any failure, with the
 * worst failing element of each failing row.
 *
 * usage: test_golden [--omp-threshold N] [GOLDEN_DIR]
 *   --omp-threshold N  make the +omp variants go parallel from N elements
 *                      (1: always), so that small cases cross chunk borders
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden_verify.h"
#include "optbench.h"

#ifndef OB_GOLDEN_DIR
#define OB_GOLDEN_DIR "golden"
#endif

int main(int argc, char **argv) {
  const char *dir = OB_GOLDEN_DIR;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--omp-threshold") == 0 && i + 1 < argc) {
      char *end;
      unsigned long long t = strtoull(argv[++i], &end, 10);
      if (*end || t == 0) {
        fprintf(stderr, "test_golden: --omp-threshold takes a positive integer\n");
        return 2;
      }
      ob_set_omp_threshold((size_t)t);
    } else if (argv[i][0] != '-') {
      dir = argv[i];
    } else {
      fprintf(stderr, "usage: test_golden [--omp-threshold N] [GOLDEN_DIR]\n");
      return 2;
    }
  }
  size_t nv = ob_variant_count();
  const ob_variant **vs = calloc(nv + 1, sizeof *vs);
  if (!vs) {
    fprintf(stderr, "test_golden: out of memory\n");
    return 1;
  }
  size_t k = 0;
  printf("test_golden: golden vectors from %s\n", dir);
  for (size_t i = 0; i < nv; i++) {
    const ob_variant *v = ob_variant_at(i);
    if (ob_variant_supported(v))
      vs[k++] = v;
    else
      printf("skipped: %s (not supported on this CPU)\n", ob_variant_name(v));
  }

  gv_config cfg;
  gv_config_init(&cfg, dir);
  cfg.variants = vs;
  cfg.nvariants = k;
  /* every placement of the arrays within a 64-byte line (the whole run
   * takes well under a second) */
  cfg.noffsets = GC_MAX_OFFSET + 1;
  for (size_t i = 0; i < cfg.noffsets; i++)
    cfg.offsets[i] = i;

  gv_result res;
  char err[1024];
  int r = gv_run(&cfg, &res, err, sizeof err);
  if (r < 0) {
    fprintf(stderr, "test_golden: %s\n", err);
  } else {
    gv_print_table(stdout, &res, 1);
    printf("%s\n", r == 0 ? "PASS" : "FAIL");
  }
  gv_free(&res);
  free(vs);
  if (k == 0) {
    fprintf(stderr, "test_golden: no supported variant\n");
    return 1;
  }
  return r == 0 ? 0 : 1;
}
