/* `optbench tune`: where the +omp variants start to pay on this machine.
 * For every rule and layer op, the ISA against its +omp form forced onto the
 * team (ob_set_omp_threshold(1)) at sizes 2^8 .. 2^22, interleaved, medians;
 * the threshold is the smallest size from which +omp was no slower at every
 * larger size. The result goes to the tuning cache the library reads
 * (impl/tune_cache.c). `--check` measures the thresholds in force instead:
 * +omp against its ISA at 2^10 .. 2^20, the ratio that issue 14 wants at
 * most 1.10. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "numarg.h"
#include "tune.h"

#define MIN_LOG2       8
#define MAX_LOG2       26
#define CHECK_LO       10
#define CHECK_HI       20
#define CHECK_LIMIT    1.10
#define DEFAULT_REPS   9
#define DEFAULT_MAXLOG 22

typedef struct {
  const char *out; /* NULL: the default cache path */
  int print, check, all_isas, reps, max_log2;
  int fastest; /* the fastest round, not the median: a busy machine's estimate of a quiet one */
  int only[TUNE_KERNELS], only_given; /* --kernel: measure only these (not with --out) */
  int retry;             /* --retry: points above the bound measured again, at most this often */
  const ob_variant *isa; /* NULL: the best supported one */
} tune_opts;

static void usage(FILE *f) {
  fprintf(f,
          "usage: optbench tune [--out FILE | --print] [--isa ISA | --all-isas] [--reps N]\n"
          "                     [--max-log2 K] [--fastest] [--retry N] [--kernel K]...\n"
          "       optbench tune --check [--isa ISA | --all-isas] [--reps N] [--max-log2 K]\n"
          "                     [--fastest] [--retry N] [--kernel K]...\n"
          "\n"
          "Times every rule and layer op as ISA and as ISA+omp forced onto %d threads\n"
          "(omp_get_max_threads) at sizes 2^%d .. 2^K (default 2^%d), N interleaved rounds\n"
          "(default %d), medians, and writes the thresholds to the tuning cache the +omp\n"
          "variants read (default: ob_tune_default_path; OPTBENCH_TUNE=FILE|off overrides).\n"
          "  --out FILE    write the cache there (a regular file or none)\n"
          "  --print       print the cache to stdout instead (the tables go to stderr)\n"
          "  --isa ISA     tune with this ISA (default: the best supported one)\n"
          "  --all-isas    every supported ISA; each threshold the largest of theirs\n"
          "  --retry N     measure a point again (up to N times, after its row) while\n"
          "                +omp is slower there (--check: over %.2f); its smallest ratio,\n"
          "                marked *: a co-tenant's burst spans a few points\n"
          "  --kernel K    only rule or op K (repeatable; --check or --print only)\n"
          "  --fastest     each variant's fastest round instead of the median: on a busy\n"
          "                machine, an estimate of the quiet machine's times\n"
          "  --check       measure the thresholds in force: +omp over its ISA at 2^%d .. 2^%d;\n"
          "                exit 1 if a ratio exceeds %.2f (meaningful on a quiet machine)\n"
          "exit status: 0 done (--check: within %.2f), 1 a failure, 2 bad usage\n",
          omp_get_max_threads(), MIN_LOG2, DEFAULT_MAXLOG, DEFAULT_REPS, CHECK_LIMIT, CHECK_LO,
          CHECK_HI, CHECK_LIMIT, CHECK_LIMIT);
}

static int parse(int argc, char **argv, tune_opts *o) {
  char err[256];
  unsigned long long v;
  *o = (tune_opts){NULL, 0, 0, 0, DEFAULT_REPS, DEFAULT_MAXLOG, 0, {0}, 0, 0, NULL};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    const int takes = !strcmp(a, "--out") || !strcmp(a, "--isa") || !strcmp(a, "--reps") ||
                      !strcmp(a, "--max-log2") || !strcmp(a, "--kernel") || !strcmp(a, "--retry");
    if (takes && !val) {
      fprintf(stderr, "optbench tune: %s needs a value\n", a);
      return -1;
    }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      return 1;
    } else if (!strcmp(a, "--print")) {
      o->print = 1;
    } else if (!strcmp(a, "--check")) {
      o->check = 1;
    } else if (!strcmp(a, "--kernel")) {
      int k = 0;
      while (k < TUNE_KERNELS && strcmp(tune_kernel_name(k), val) != 0)
        k++;
      if (k == TUNE_KERNELS) {
        fprintf(stderr, "optbench tune: unknown rule or op '%.64s'\n", val);
        return -1;
      }
      o->only[k] = o->only_given = 1;
      i++;
    } else if (!strcmp(a, "--fastest")) {
      o->fastest = 1;
    } else if (!strcmp(a, "--all-isas")) {
      o->all_isas = 1;
    } else if (!strcmp(a, "--out")) {
      if (!*val) {
        fprintf(stderr, "optbench tune: --out takes a file name, not ''\n");
        return -1;
      }
      o->out = argv[++i];
    } else if (!strcmp(a, "--isa")) {
      o->isa = ob_variant_find(val);
      if (!o->isa || ob_variant_is_parallel(o->isa)) {
        fprintf(stderr, "optbench tune: unknown ISA '%.64s' (a variant without +omp)\n", val);
        return -1;
      }
      if (!ob_variant_supported(o->isa)) {
        fprintf(stderr, "optbench tune: ISA '%.64s' is not supported on this CPU\n", val);
        return -1;
      }
      i++;
    } else if (!strcmp(a, "--retry")) {
      if (ob_parse_u64(a, val, 0, 10, 0, &v, err, sizeof err)) {
        fprintf(stderr, "optbench tune: %s\n", err);
        return -1;
      }
      o->retry = (int)v;
      i++;
    } else if (!strcmp(a, "--reps") || !strcmp(a, "--max-log2")) {
      const int reps = a[2] == 'r';
      if (ob_parse_u64(a, val, reps ? 1 : MIN_LOG2, reps ? 101 : MAX_LOG2, 0, &v, err,
                       sizeof err)) {
        fprintf(stderr, "optbench tune: %s\n", err);
        return -1;
      }
      *(reps ? &o->reps : &o->max_log2) = (int)v;
      i++;
    } else {
      fprintf(stderr, "optbench tune: unknown option '%.64s'\n", a);
      return -1;
    }
  }
  if ((o->print && o->out) || (o->check && (o->print || o->out)) || (o->isa && o->all_isas)) {
    fprintf(stderr, "optbench tune: --out, --print and --check exclude each other, as do --isa "
                    "and --all-isas\n");
    return -1;
  }
  if (o->only_given && !o->check && !o->print) {
    fprintf(stderr, "optbench tune: --kernel measures part of the list: with --check or --print "
                    "only, never into a cache\n");
    return -1;
  }
  return 0;
}

/* The ISAs to time: the one asked for, every supported one, or the best's. */
static size_t isas(const tune_opts *o, const ob_variant *out[]) {
  size_t n = 0;
  if (o->isa) {
    out[n++] = o->isa;
  } else if (o->all_isas) {
    for (size_t i = 0; i < ob_variant_count(); i++)
      if (!ob_variant_is_parallel(ob_variant_at(i)) && ob_variant_supported(ob_variant_at(i)))
        out[n++] = ob_variant_at(i);
  } else {
    out[n++] = ob_variant_find(ob_variant_isa(ob_variant_best()));
  }
  return n;
}

static const ob_variant *omp_of(const ob_variant *isa) {
  char name[64];
  snprintf(name, sizeof name, "%s+omp", ob_variant_name(isa));
  return ob_variant_find(name);
}

static void print_size(FILE *f, size_t n) {
  if (n && (n & (n - 1)) == 0)
    fprintf(f, "2^%d", __builtin_ctzll((unsigned long long)n));
  else
    fprintf(f, "%zu", n);
}

static void print_load(FILE *f, const char *when) {
  double l[3];
  tune_load(l);
  if (l[0] >= 0)
    fprintf(f, "load average %s: %.2f %.2f %.2f (%d processors)\n", when, l[0], l[1], l[2],
            omp_get_num_procs());
}

static int measure_point(int k, const ob_variant *isa, tune_bufs *b, int e, const tune_opts *o,
                         double *ratio) {
  double ns_isa, ns_omp;
  const ob_status s =
      tune_pair(k, isa, omp_of(isa), b, (size_t)1 << e, o->reps, o->fastest, &ns_isa, &ns_omp);
  if (s != OB_OK) {
    fprintf(stderr, "optbench tune: %s on %s at 2^%d: %s\n", tune_kernel_name(k),
            ob_variant_name(isa), e, ob_strerror(s));
    return -1;
  }
  *ratio = ns_omp / ns_isa;
  return 0;
}

/* One row: +omp over its ISA for kernel k at 2^lo .. 2^hi into ratio[lo..hi].
 * With --retry, a point above `bound` is measured again after the row, up to
 * that many times, keeping its smallest ratio (retried[e] counts them): on a
 * shared machine a co-tenant's burst spans a few consecutive points. */
static int measure_row(int k, const ob_variant *isa, tune_bufs *b, int lo, int hi,
                       const tune_opts *o, double bound, double ratio[], int retried[],
                       double *others) {
  tune_cpu c0, c1;
  double steal, again;
  tune_cpu_now(&c0);
  for (int e = lo; e <= hi; e++) {
    retried[e] = 0;
    if (measure_point(k, isa, b, e, o, &ratio[e]) < 0)
      return -1;
  }
  for (int t = 0; t < o->retry; t++)
    for (int e = lo; e <= hi; e++)
      if (ratio[e] > bound) {
        if (measure_point(k, isa, b, e, o, &again) < 0)
          return -1;
        ratio[e] = again < ratio[e] ? again : ratio[e];
        retried[e]++;
      }
  tune_cpu_now(&c1);
  *others = tune_cpu_others(&c0, &c1, &steal);
  return 0;
}

static void table_head(FILE *f, const char *first, const char *second, int lo, int hi) {
  fprintf(f, "| %s | %s |", first, second);
  for (int e = lo; e <= hi; e++)
    fprintf(f, " 2^%d |", e);
  fprintf(f, " others' CPU |\n|---|---|");
  for (int e = lo; e <= hi; e++)
    fprintf(f, "---|");
  fprintf(f, "---|");
  fprintf(f, "\n");
}

/* others: the share of the CPUs other processes used while the row was
 * measured - above a few per cent, the row measured them too */
static void table_row(FILE *f, int k, const ob_variant *isa, size_t threshold, const double r[],
                      const int retried[], int lo, int hi, double others) {
  fprintf(f, "| %s (%s) | ", tune_kernel_name(k), ob_variant_name(isa));
  print_size(f, threshold);
  fprintf(f, " |");
  for (int e = lo; e <= hi; e++)
    fprintf(f, " %.2f%s |", r[e], retried[e] ? "*" : "");
  if (others >= 0)
    fprintf(f, " %.0f %% |\n", 100 * others);
  else
    fprintf(f, " ? |\n");
  fflush(f);
}

/* The team's start cost: SGD on one 64-byte line per thread, +omp forced
 * onto the team against the ISA on one thread, so the difference is
 * starting the team and waiting for it (ob_team_run with trivial work).
 * Back to back, as in a loop of steps, libgomp's workers are still spinning
 * when the next call comes; after 20 ms of idleness (a step after a
 * backward pass) they sleep, and waking them costs more: *wake. */
static double team_start(const ob_variant *isa, tune_bufs *b, int threads, const tune_opts *o,
                         double *wake) {
  double ns_isa, ns_omp, wake_isa, wake_omp;
  const size_t n = (size_t)16 * (size_t)threads;
  ob_set_omp_threshold(1);
  ob_status s =
      tune_pair(OB_SGD, isa, omp_of(isa), b, n, o->reps * 5, o->fastest, &ns_isa, &ns_omp);
  const ob_status w =
      tune_wake(OB_SGD, isa, omp_of(isa), b, n, o->reps, o->fastest, &wake_isa, &wake_omp);
  ob_set_omp_threshold(0);
  *wake = w == OB_OK ? wake_omp - wake_isa : -1;
  return s == OB_OK ? ns_omp - ns_isa : -1;
}

static int run_check(const tune_opts *o, const ob_variant *list[], size_t nisas, tune_bufs *b,
                     FILE *f) {
  char source[4200];
  const int hi = o->max_log2 < CHECK_HI ? o->max_log2 : CHECK_HI;
  ob_omp_threshold_source(source, sizeof source);
  fprintf(f, "thresholds in force: %s\n", source);
  fprintf(f,
          "+omp (thresholds in force, %d threads) over its ISA, %s of %d interleaved "
          "rounds:\n\n",
          omp_get_max_threads(), o->fastest ? "fastest" : "median", o->reps);
  table_head(f, "kernel (ISA)", "threshold", CHECK_LO, hi);
  double worst = 0, r[MAX_LOG2 + 1];
  int retried[MAX_LOG2 + 1];
  const char *worst_name = "";
  for (size_t i = 0; i < nisas; i++)
    for (int k = 0; k < TUNE_KERNELS; k++) {
      double others;
      if (o->only_given && !o->only[k])
        continue;
      if (measure_row(k, list[i], b, CHECK_LO, hi, o, CHECK_LIMIT, r, retried, &others) < 0)
        return 1;
      table_row(f, k, list[i], tune_kernel_threshold(k), r, retried, CHECK_LO, hi, others);
      for (int e = CHECK_LO; e <= hi; e++)
        if (r[e] > worst) {
          worst = r[e];
          worst_name = tune_kernel_name(k);
        }
    }
  fprintf(f, "\n%s: the largest ratio is %.2f (%s); the goal is at most %.2f\n",
          worst <= CHECK_LIMIT ? "PASS" : "FAIL", worst, worst_name, CHECK_LIMIT);
  return worst <= CHECK_LIMIT ? 0 : 1;
}

static int run_tune(const tune_opts *o, const char *path, const ob_variant *list[], size_t nisas,
                    tune_bufs *b, FILE *f) {
  tune_result res = {{0}, omp_get_max_threads(), 0, 0};
  res.team_ns = team_start(list[0], b, res.threads, o, &res.wake_ns);
  fprintf(f, "team start (%d threads, %s): %.2f us back to back, %.2f us after 20 ms idle\n",
          res.threads, ob_variant_name(list[0]), res.team_ns / 1e3, res.wake_ns / 1e3);
  fprintf(f, "+omp forced onto the team over its ISA, %s of %d interleaved rounds:\n\n",
          o->fastest ? "fastest" : "median", o->reps);
  table_head(f, "kernel (ISA)", "threshold", MIN_LOG2, o->max_log2);
  for (int k = 0; k < TUNE_KERNELS; k++) /* what --kernel leaves out: the thresholds in force */
    if (o->only_given && !o->only[k])
      res.threshold[k] = tune_kernel_threshold(k);
  ob_set_omp_threshold(1);
  double r[MAX_LOG2 + 2];
  int retried[MAX_LOG2 + 2];
  for (int k = 0; k < TUNE_KERNELS; k++)
    for (size_t i = 0; i < nisas; i++) {
      double others;
      if (o->only_given && !o->only[k])
        continue;
      if (measure_row(k, list[i], b, MIN_LOG2, o->max_log2, o, 1.0, r, retried, &others) < 0) {
        ob_set_omp_threshold(0);
        return 1;
      }
      /* the smallest size from which +omp is no slower at every larger one;
       * slower even at the largest: twice that (threads win past it, in DRAM) */
      int from = o->max_log2 + 1;
      while (from > MIN_LOG2 && r[from - 1] <= 1.0)
        from--;
      const size_t t = (size_t)1 << from;
      res.threshold[k] = t > res.threshold[k] ? t : res.threshold[k];
      table_row(f, k, list[i], t, r, retried, MIN_LOG2, o->max_log2, others);
    }
  ob_set_omp_threshold(0);

  if (!path) {
    tune_write_text(stdout, &res);
    return 0;
  }
  char err[512];
  if (tune_write_file(path, &res, err, sizeof err) < 0) {
    fprintf(stderr, "optbench tune: %s\n", err);
    return 1;
  }
  if (ob_tune_load(path) != OB_OK) { /* the library must take what the tool wrote */
    char source[4200];
    ob_omp_threshold_source(source, sizeof source);
    fprintf(stderr, "optbench tune: wrote %s, but the library refuses it: %s\n", path, source);
    return 1;
  }
  fprintf(f, "\nwrote %s; the +omp variants use it from now on\n", path);
  return 0;
}

int cli_tune(int argc, char **argv) {
  tune_opts o;
  const int parsed = parse(argc, argv, &o);
  if (parsed) {
    usage(parsed > 0 ? stdout : stderr);
    return parsed > 0 ? 0 : 2;
  }
  char path[4096], err[4200];
  const char *target = NULL;
  if (!o.check && !o.print) {
    target = o.out;
    if (!target) {
      if (ob_tune_default_path(path, sizeof path) != OB_OK) {
        fprintf(stderr, "optbench tune: no cache path: set XDG_CACHE_HOME or HOME, or use --out "
                        "FILE or --print\n");
        return 2;
      }
      target = path;
    }
    if (tune_check_target(target, !o.out, err, sizeof err) < 0) { /* before the work */
      fprintf(stderr, "optbench tune: %s\n", err);
      return 2;
    }
  }
  const ob_variant *list[64];
  const size_t nisas = isas(&o, list);
  const int hi = o.check && o.max_log2 > CHECK_HI ? CHECK_HI : o.max_log2;
  tune_bufs *b = tune_bufs_new((size_t)1 << hi);
  if (!b) {
    fprintf(stderr, "optbench tune: out of memory for 2^%d elements\n", hi);
    return 1;
  }
  FILE *f = o.print ? stderr : stdout;
  fprintf(f, "optbench tune%s: %s, %d threads\n", o.check ? " --check" : "", cli_cpu_name(),
          omp_get_max_threads());
  print_load(f, "before");
  tune_cpu c0, c1;
  tune_cpu_now(&c0);
  const int status =
      o.check ? run_check(&o, list, nisas, b, f) : run_tune(&o, target, list, nisas, b, f);
  tune_cpu_now(&c1);
  double steal;
  const double others = tune_cpu_others(&c0, &c1, &steal);
  if (others >= 0)
    fprintf(f,
            "during the run other processes used %.0f %% of the CPUs' time, the hypervisor "
            "took %.1f %% (steal)%s\n",
            100 * others, 100 * steal,
            others > 0.05 ? ": the machine was busy, the ratios measure that too" : "");
  /* woken on a busy machine, the worker often lands on the caller's core, and
   * each call then waits a time slice at the closing barrier; bound threads
   * do not (RESULTS.md, issue 14's measurements) */
  const char *bind = getenv("OMP_PROC_BIND");
  if (others > 0.05 && !(bind && *bind))
    fprintf(f, "OMP_PROC_BIND is unset: on a busy machine OMP_PROC_BIND=spread OMP_PLACES=cores "
               "keeps the team's threads on their own cores\n");
  print_load(f, "after");
  tune_bufs_free(b);
  return status;
}
