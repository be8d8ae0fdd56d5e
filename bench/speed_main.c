/* optbench_bench: every algorithm and layer kernel x variant x size x thread
 * count, and the roofline ceilings, in one Google Benchmark run. The
 * benchmarks' names are listed with their families (bench_rules.c,
 * bench_layers.c), the sizes and thread counts with bench_register.c. Our
 * options (bench_options.c) are taken out of argv; Google Benchmark's
 * --benchmark_* flags go to it, after our defaults. */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "opts.h"

int main(int argc, char **argv) {
  /* a line at a time, also into a pipe: scripts/bench.sh shows the progress as
   * it happens (Google Benchmark writes through std::cout, which goes through
   * C's stdout) */
  setvbuf(stdout, NULL, _IOLBF, 0);
  bench_options o = {0};
  o.min_size = 1;
  o.max_size = BENCH_MAX_N;
  /* room for our default flags after the user's */
  char **args = calloc((size_t)argc + 4, sizeof *args);
  int rc = 0;
  if (!args) {
    fprintf(stderr, "%s: out of memory\n", argv[0]);
    rc = 1;
    goto done;
  }
  memcpy(args, argv, (size_t)argc * sizeof *args);
  int nargs = argc;
  char err[256];
  const int parsed = bench_parse_options(&nargs, args, &o, err, sizeof err);
  if (parsed == OB_OPTS_HELP) {
    bench_usage(stdout, argv[0]);
    goto done;
  }
  if (parsed != OB_OPTS_OK) {
    fprintf(stderr, "%s: %s\n", argv[0], err);
    if (parsed == OB_OPTS_BAD)
      bench_usage(stderr, argv[0]);
    rc = 2;
    goto done;
  }
  if (o.omp_threshold)
    ob_set_omp_threshold(o.omp_threshold); /* recorded in the context */
  int has_min_time = 0, has_reps = 0;
  for (int i = 1; i < nargs; i++) {
    has_min_time |= strncmp(args[i], "--benchmark_min_time", 20) == 0;
    has_reps |= strncmp(args[i], "--benchmark_repetitions", 23) == 0;
  }
  static char min_time[] = "--benchmark_min_time=" BENCH_DEFAULT_MIN_TIME;
  static char quick_min_time[] = "--benchmark_min_time=" BENCH_QUICK_MIN_TIME;
  static char reps[] = "--benchmark_repetitions=" BENCH_DEFAULT_REPETITIONS;
  static char aggregates[] = "--benchmark_report_aggregates_only=true";
  if (!has_min_time)
    args[nargs++] = o.quick ? quick_min_time : min_time;
  if (!has_reps && !o.quick) {
    args[nargs++] = reps;
    args[nargs++] = aggregates;
  }
  args[nargs] = NULL;

  const int nproc = omp_get_num_procs();
  const long registered = bench_register_all(&o, nproc);
  if (registered <= 0) {
    if (registered != -2)
      fprintf(stderr,
              registered < 0 ? "%s: out of memory\n" : "%s: the filters select no benchmark\n",
              argv[0]);
    rc = registered < 0 ? 1 : 2;
    goto done;
  }
  bench_add_context(nproc);
  rc = ob_bench_main(nargs, args);
done:
  ob_bench_buffers_free();
  bench_free_contexts();
  free(args);
  return rc;
}
