/* optbench_bench's command line: our filters (--algo, --op, --variant,
 * --min-size, --max-size, --sizes, --threads, --omp-threshold, --quick) and
 * an outside kernel to time (--kernel) in one opts table; Google
 * Benchmark's --benchmark_* flags pass through. */
#include <string.h>

#include "bench.h"
#include "optnames.h"
#include "opts.h"

static int take_algo(void *target, const char *name, const char *value, char *err, size_t errlen) {
  bench_options *o = target;
  const int a = ob_optname_algo(name, value, err, errlen);
  if (a < 0)
    return OB_OPTS_BAD;
  o->algo[a] = o->any_algo = 1;
  return OB_OPTS_OK;
}

static int take_op(void *target, const char *name, const char *value, char *err, size_t errlen) {
  bench_options *o = target;
  const int k = ob_optname_op(name, value, err, errlen);
  if (k < 0)
    return OB_OPTS_BAD;
  o->op[k] = o->any_op = 1;
  return OB_OPTS_OK;
}

static int take_variant(void *target, const char *name, const char *value, char *err,
                        size_t errlen) {
  bench_options *o = target;
  const ob_variant *v;
  const int rc = ob_optname_variant(name, value, &v, err, errlen);
  return rc ? rc
            : ob_optname_add_variant(name, v, o->variants, &o->nvariants, BENCH_MAX_VARIANTS, err,
                                     errlen);
}

static int take_threads(void *target, const char *name, const char *value, char *err,
                        size_t errlen) {
  bench_options *o = target;
  unsigned long long t[BENCH_MAX_THREADS];
  size_t n;
  if (ob_opts_u64_list(name, value, 1, BENCH_MAX_THREADS, t, BENCH_MAX_THREADS, &n, err, errlen))
    return OB_OPTS_BAD;
  for (size_t i = 0; i < n; i++)
    o->threads[t[i]] = 1;
  o->any_threads = 1;
  return OB_OPTS_OK;
}

static int take_sizes(void *target, const char *name, const char *value, char *err, size_t errlen) {
  bench_options *o = target;
  unsigned long long s[BENCH_MAX_SIZES];
  if (ob_opts_u64_list(name, value, 1, BENCH_MAX_N, s, BENCH_MAX_SIZES, &o->nlist, err, errlen))
    return OB_OPTS_BAD;
  for (size_t i = 0; i < o->nlist; i++)
    o->list[i] = (size_t)s[i];
  return OB_OPTS_OK;
}

/* The outside kernel lives as long as the program: its benchmarks call it. */
static int take_kernel(void *target, const char *name, const char *value, char *err,
                       size_t errlen) {
  static ob_plugin kernel;
  bench_options *o = target;
  if (o->kernel) {
    snprintf(err, errlen, "%s: one kernel per run", name);
    return OB_OPTS_BAD;
  }
  if (ob_plugin_open(value, &kernel, err, errlen) < 0)
    return OB_OPTS_CANNOT;
  o->kernel = &kernel;
  return OB_OPTS_OK;
}

/* The table, for the parser and the usage; o NULL for the usage alone. */
static size_t options_table(bench_options *o, ob_opt *t) {
  const ob_opt table[] = {
      {"--algo", NULL, OB_OPT_FN, o, 0, 0, 0, take_algo, "A",
       "only algorithm A, with and without weight decay, and its option configurations "
       "(bench/configs.def) (repeatable)"},
      {"--op", NULL, OB_OPT_FN, o, 0, 0, 0, take_op, "O",
       "only layer kernel O (repeatable; with --algo or --op, only the named ones run)"},
      {"--variant", NULL, OB_OPT_FN, o, 0, 0, 0, take_variant, "V", "only variant V (repeatable)"},
      {"--min-size", NULL, OB_OPT_SIZE, o ? &o->min_size : NULL, 1, BENCH_MAX_N, 0, NULL, "N",
       "no element count below N"},
      {"--max-size", NULL, OB_OPT_SIZE, o ? &o->max_size : NULL, 1, BENCH_MAX_N, 0, NULL, "N",
       "no element count above N"},
      {"--sizes", NULL, OB_OPT_FN, o, 0, 0, 0, take_sizes, "LIST",
       "these element counts instead (comma-separated), for every kind"},
      {"--omp-threshold", NULL, OB_OPT_SIZE, o ? &o->omp_threshold : NULL, 1, BENCH_MAX_N, 0, NULL,
       "N",
       "+omp variants use threads from N elements on, for every kernel (to measure where "
       "threads pay)"},
      {"--threads", NULL, OB_OPT_FN, o, 0, 0, 0, take_threads, "LIST",
       "thread counts for +omp variants and the roofline (default 1..nproc); single-thread "
       "variants run when the list has 1"},
      {"--kernel", NULL, OB_OPT_FN, o, 0, 0, 0, take_kernel, "PATH.so[:SYMBOL]",
       "also time this outside kernel (optbench.h, \"Outside kernels\"; run `optbench verify "
       "--kernel` first) on one thread, for the selected rules (--algo); before its first "
       "call at each size a line on stderr names it (path:symbol), the rule and n, so a crash "
       "in it is the last thing printed"},
      {"--quick", NULL, OB_OPT_FLAG, o ? &o->quick : NULL, 0, 0, 0, NULL, NULL,
       "sizes 2^10, 2^16, 2^22 (layer kernels 2^10, 2^22; weight decay 2^16, one thread); "
       "threads 1 and nproc"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  memcpy(t, table, sizeof table);
  return sizeof table / sizeof *table;
}

enum { MAX_OPTIONS = 16 };

void bench_usage(FILE *f, const char *prog) {
  ob_opt t[MAX_OPTIONS];
  const size_t n = options_table(NULL, t);
  fprintf(f, "usage: %s [options] [--benchmark_* flags]\n", prog);
  ob_opts_usage(f, t, n);
  fprintf(f, "  algorithms: ");
  ob_optname_list_algos(f);
  fprintf(f, "\n  layer kernels: ");
  ob_optname_list_ops(f);
  fprintf(f, "\n  variants: ");
  ob_optname_list_variants(f);
  fprintf(f,
          "\n  element counts by default: rules 2^8 .. 2^26, 1000, 100003, 3000017; layer\n"
          "  kernels 2^8, 2^10 .. 2^24, 100003; weight decay 2^10, 2^16, 2^20, 2^24\n"
          "  Google Benchmark's flags pass through; defaults: --benchmark_min_time=%s\n"
          "  --benchmark_repetitions=%s (medians reported), with --quick one sample of %s s\n",
          BENCH_DEFAULT_MIN_TIME, BENCH_DEFAULT_REPETITIONS, BENCH_QUICK_MIN_TIME);
}

int bench_parse_options(int *argc, char **argv, bench_options *o, char *err, size_t errlen) {
  ob_opt t[MAX_OPTIONS];
  const size_t n = options_table(o, t);
  const int rc = ob_opts_parse(t, n, "--benchmark_", argc, argv, err, errlen);
  if (rc == OB_OPTS_OK && o->min_size > o->max_size) {
    snprintf(err, errlen, "--min-size is above --max-size");
    return OB_OPTS_BAD;
  }
  return rc;
}
