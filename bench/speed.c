/* optbench_bench: every algorithm x variant x size x thread count through
 * ob_step, and the two roofline ceilings, in one Google Benchmark run.
 *
 *   step/<algo>/<variant>/n:<n>/threads:<t>   the library
 *   roofline/mem/r<r>w<w>/n:<n>/threads:<t>   streaming, the rules' traffic
 *   roofline/arith/<algo>/threads:<t>         sqrt + div + FMAs in registers
 *
 * Our own filters (--algo, --variant, --min-size, --max-size, --threads,
 * --quick) are taken out of argv; everything else goes to Google Benchmark. */
#define _POSIX_C_SOURCE 200809L
#include "roofline.h"
#include "shim/ob_bench.h"

#include <optbench.h>

#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef OB_GIT_COMMIT
#define OB_GIT_COMMIT "unknown"
#endif
#ifndef OB_C_FLAGS
#define OB_C_FLAGS "unknown"
#endif
#if defined(__clang__)
#define OB_COMPILER "clang " __VERSION__
#elif defined(__GNUC__)
#define OB_COMPILER "gcc " __VERSION__
#else
#define OB_COMPILER __VERSION__
#endif

#define MAX_THREADS         1024
#define MAX_SIZES           64
#define ARITH_ELEMS         (1 << 20) /* per iteration: ~0.1 ms, dwarfs a team wake-up */
/* Unless the command line says otherwise: 3 repetitions of 0.02 s each,
 * reported as their median and spread (a single sample on this shared VM
 * moved by up to 40 %), which keeps the full sweep at ~4 min on 2 cores;
 * --quick takes one 0.05 s sample. */
#define DEFAULT_MIN_TIME    "0.02"
#define QUICK_MIN_TIME      "0.05"
#define DEFAULT_REPETITIONS "3"

typedef struct {
  ob_algo algo;
  const ob_variant *v;
  size_t n;
  int threads;
} step_case;

typedef struct {
  int states;
  size_t n;
  int threads;
} mem_case;

typedef struct {
  int states;
  int threads;
} arith_case;

/* Every registered benchmark's context, freed after the run. */
static void **ctxs;
static size_t nctx;

static void *new_ctx(size_t size) {
  void **grown = realloc(ctxs, (nctx + 1) * sizeof *ctxs);
  if (!grown)
    return NULL;
  ctxs = grown;
  void *c = calloc(1, size);
  if (c)
    ctxs[nctx++] = c;
  return c;
}

/* ---- The run functions --------------------------------------------------- */

static void run_step(ob_bench_state *s, void *ctx) {
  const step_case *c = ctx;
  omp_set_num_threads(c->threads);
  float **a = ob_bench_buffers(c->n, c->threads);
  if (!a) {
    ob_bench_skip_with_error(s, "out of memory");
    return;
  }
  const int states = ob_state_count(c->algo);
  float *s0 = states > 0 ? a[2] : NULL, *s1 = states > 1 ? a[3] : NULL;
  const ob_hparams hp = ob_defaults(c->algo);
  int64_t t = 1;
  ob_status st = ob_step(c->v, c->algo, &hp, t++, a[0], a[1], s0, s1, c->n); /* warm-up */
  if (st != OB_OK) {
    ob_bench_skip_with_error(s, ob_strerror(st));
    return;
  }
  while (ob_bench_keep_running(s))
    ob_step(c->v, c->algo, &hp, t++, a[0], a[1], s0, s1, c->n);
  ob_bench_set_items_processed(s, (int64_t)c->n);
  ob_bench_set_bytes_processed(s, ob_traffic_bytes(states) * (int64_t)c->n);
  ob_bench_set_counter_kind(s, "ns_per_elem", (double)c->n, OB_COUNTER_PER_ITEM_NS);
}

static void run_mem(ob_bench_state *s, void *ctx) {
  const mem_case *c = ctx;
  float **a = ob_bench_buffers(c->n, c->threads);
  if (!a) {
    ob_bench_skip_with_error(s, "out of memory");
    return;
  }
  ob_stream(a, c->states, c->n, c->threads); /* warm-up: wakes the team */
  while (ob_bench_keep_running(s))
    ob_stream(a, c->states, c->n, c->threads);
  ob_bench_set_items_processed(s, (int64_t)c->n);
  ob_bench_set_bytes_processed(s, ob_traffic_bytes(c->states) * (int64_t)c->n);
  ob_bench_set_counter_kind(s, "ns_per_elem", (double)c->n, OB_COUNTER_PER_ITEM_NS);
}

static void run_arith(ob_bench_state *s, void *ctx) {
  const arith_case *c = ctx;
  ob_arith_avx512(c->states, ARITH_ELEMS, c->threads);
  while (ob_bench_keep_running(s))
    ob_arith_avx512(c->states, ARITH_ELEMS, c->threads);
  ob_bench_set_items_processed(s, ARITH_ELEMS);
  ob_bench_set_counter_kind(s, "ns_per_elem", ARITH_ELEMS, OB_COUNTER_PER_ITEM_NS);
}

/* ---- Options ----------------------------------------------------------- */

typedef struct {
  int algo[OB_ALGO_COUNT]; /* selected (all if none named) */
  int any_algo;
  const ob_variant **variants; /* named, or NULL: all supported */
  size_t nvariants;
  size_t min_size, max_size;
  int threads[MAX_THREADS + 1]; /* threads[t]: t selected */
  int any_threads;
  int quick;
} options;

static void usage(const char *prog) {
  fprintf(stderr,
          "usage: %s [--algo A]... [--variant V]... [--min-size N] [--max-size N]\n"
          "          [--threads T,T,...] [--quick] [--benchmark_* flags]\n"
          "  --algo A       only algorithm A (repeatable): ",
          prog);
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    fprintf(stderr, "%s%s", a ? ", " : "", ob_algo_name((ob_algo)a));
  fprintf(stderr, "\n  --variant V    only variant V (repeatable): ");
  for (size_t i = 0; i < ob_variant_count(); i++)
    fprintf(stderr, "%s%s", i ? ", " : "", ob_variant_name(ob_variant_at(i)));
  fprintf(stderr,
          "\n  --min-size N, --max-size N   element counts (default 2^8 .. 2^26, and 1000,"
          " 100003, 3000017)\n"
          "  --threads LIST thread counts for +omp variants and the roofline (default 1..nproc);\n"
          "                 single-thread variants run when the list has 1\n"
          "  --quick        sizes 2^10, 2^16, 2^22 only; threads 1 and nproc\n"
          "  Google Benchmark's flags pass through; defaults: --benchmark_min_time=%s\n"
          "                 --benchmark_repetitions=%s (medians reported), with --quick\n"
          "                 one sample of %s s\n",
          DEFAULT_MIN_TIME, DEFAULT_REPETITIONS, QUICK_MIN_TIME);
}

static int parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  if (!s || *s < '0' || *s > '9')
    return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v == 0 || v > (1ull << 40))
    return -1;
  *out = (size_t)v;
  return 0;
}

static int parse_threads(const char *s, options *o) {
  if (!s || !*s)
    return -1;
  const char *q = s;
  while (*q) {
    char *end;
    errno = 0;
    if (*q < '0' || *q > '9')
      return -1;
    long v = strtol(q, &end, 10);
    if (errno || v < 1 || v > MAX_THREADS || (*end && *end != ','))
      return -1;
    o->threads[v] = 1;
    o->any_threads = 1;
    q = *end ? end + 1 : end;
    if (*end == ',' && !*q)
      return -1;
  }
  return 0;
}

/* The value of `--name V` or `--name=V` at argv[*i], else NULL; *matched says
 * whether argv[*i] is this option at all. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, int *matched) {
  const size_t len = strlen(name);
  *matched = 0;
  if (strncmp(argv[*i], name, len) != 0)
    return NULL;
  if (argv[*i][len] == '=') {
    *matched = 1;
    return argv[*i] + len + 1;
  }
  if (argv[*i][len] != '\0')
    return NULL;
  *matched = 1;
  if (*i + 1 >= argc)
    return NULL;
  return argv[++*i];
}

/* Takes our options out of argv (compacting it); -1 on a bad one. */
static int parse_options(int *argc, char **argv, options *o) {
  int out = 1;
  for (int i = 1; i < *argc; i++) {
    int m;
    const char *v;
    if ((v = opt_value(*argc, argv, &i, "--algo", &m)), m) {
      const int a = v ? ob_algo_from_name(v) : -1;
      if (a < 0) {
        fprintf(stderr, "%s: unknown algorithm '%s'\n", argv[0], v ? v : "");
        return -1;
      }
      o->algo[a] = 1;
      o->any_algo = 1;
    } else if ((v = opt_value(*argc, argv, &i, "--variant", &m)), m) {
      const ob_variant *var = v ? ob_variant_find(v) : NULL;
      if (!var) {
        fprintf(stderr, "%s: unknown variant '%s'\n", argv[0], v ? v : "");
        return -1;
      }
      if (!ob_variant_supported(var)) {
        fprintf(stderr, "%s: variant '%s' is not supported on this CPU\n", argv[0], v);
        return -1;
      }
      o->variants[o->nvariants++] = var;
    } else if ((v = opt_value(*argc, argv, &i, "--min-size", &m)), m) {
      if (parse_size(v, &o->min_size)) {
        fprintf(stderr, "%s: bad --min-size '%s'\n", argv[0], v ? v : "");
        return -1;
      }
    } else if ((v = opt_value(*argc, argv, &i, "--max-size", &m)), m) {
      if (parse_size(v, &o->max_size)) {
        fprintf(stderr, "%s: bad --max-size '%s'\n", argv[0], v ? v : "");
        return -1;
      }
    } else if ((v = opt_value(*argc, argv, &i, "--threads", &m)), m) {
      if (parse_threads(v, o)) {
        fprintf(stderr, "%s: bad --threads '%s' (comma-separated counts 1..%d)\n", argv[0],
                v ? v : "", MAX_THREADS);
        return -1;
      }
    } else if (strcmp(argv[i], "--quick") == 0) {
      o->quick = 1;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(argv[0]);
      exit(0);
    } else {
      argv[out++] = argv[i];
    }
  }
  argv[out] = NULL;
  *argc = out;
  if (o->min_size > o->max_size) {
    fprintf(stderr, "%s: --min-size is above --max-size\n", argv[0]);
    return -1;
  }
  return 0;
}

/* ---- Registration ------------------------------------------------------ */

static int cmp_size(const void *x, const void *y) {
  const size_t a = *(const size_t *)x, b = *(const size_t *)y;
  return (a > b) - (a < b);
}

static size_t make_sizes(const options *o, size_t *sizes) {
  size_t k = 0;
  if (o->quick) {
    static const int quick_log2[] = {10, 16, 22};
    for (size_t i = 0; i < sizeof quick_log2 / sizeof *quick_log2; i++)
      sizes[k++] = (size_t)1 << quick_log2[i];
  } else {
    for (int e = 8; e <= 26; e++)
      sizes[k++] = (size_t)1 << e;
    /* odd sizes: tails in every vector width and in every thread's chunk */
    static const size_t odd[] = {1000, 100003, 3000017};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
      sizes[k++] = odd[i];
  }
  size_t out = 0;
  for (size_t i = 0; i < k; i++)
    if (sizes[i] >= o->min_size && sizes[i] <= o->max_size)
      sizes[out++] = sizes[i];
  qsort(sizes, out, sizeof *sizes, cmp_size);
  return out;
}

static int variant_selected(const options *o, const ob_variant *v) {
  if (!ob_variant_supported(v))
    return 0;
  if (o->nvariants == 0)
    return 1;
  for (size_t i = 0; i < o->nvariants; i++)
    if (o->variants[i] == v)
      return 1;
  return 0;
}

static int reg(const char *name, ob_bench_fn fn, void *ctx) {
  const ob_bench_def def = {name, fn, ctx, OB_BENCH_REAL_TIME};
  return ob_bench_register(&def);
}

/* Registers everything selected; the number registered, or -1 if out of memory. */
static long register_all(const options *o, int nproc) {
  size_t sizes[MAX_SIZES];
  const size_t nsizes = make_sizes(o, sizes);
  int threads[MAX_THREADS];
  int nthreads = 0;
  for (int t = 1; t <= MAX_THREADS; t++)
    if (o->any_threads ? o->threads[t] : (o->quick ? (t == 1 || t == nproc) : (t <= nproc)))
      threads[nthreads++] = t;

  char name[256];
  long count = 0;
  int states_needed[3] = {0, 0, 0}; /* by state count: the mem roofline's shapes */
  /* algo -> size -> threads -> variant: consecutive runs share their buffers */
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    if (o->any_algo && !o->algo[a])
      continue;
    const int st = ob_state_count((ob_algo)a);
    if (st >= 0 && st < 3)
      states_needed[st] = 1;
    for (size_t si = 0; si < nsizes; si++)
      for (int ti = 0; ti < nthreads; ti++)
        for (size_t vi = 0; vi < ob_variant_count(); vi++) {
          const ob_variant *v = ob_variant_at(vi);
          if (!variant_selected(o, v) || (!ob_variant_is_parallel(v) && threads[ti] != 1))
            continue;
          step_case *c = new_ctx(sizeof *c);
          if (!c)
            return -1;
          *c = (step_case){(ob_algo)a, v, sizes[si], threads[ti]};
          snprintf(name, sizeof name, "step/%s/%s/n:%zu/threads:%d", ob_algo_name((ob_algo)a),
                   ob_variant_name(v), sizes[si], threads[ti]);
          if (reg(name, run_step, c))
            return -1;
          count++;
        }
  }
  for (int st = 0; st < 3; st++) {
    if (!states_needed[st])
      continue;
    for (size_t si = 0; si < nsizes; si++)
      for (int ti = 0; ti < nthreads; ti++) {
        mem_case *c = new_ctx(sizeof *c);
        if (!c)
          return -1;
        *c = (mem_case){st, sizes[si], threads[ti]};
        snprintf(name, sizeof name, "roofline/mem/r%dw%d/n:%zu/threads:%d",
                 (int)ob_traffic_reads(st), (int)ob_traffic_writes(st), sizes[si], threads[ti]);
        if (reg(name, run_mem, c))
          return -1;
        count++;
      }
  }
  const ob_variant *avx512 = ob_variant_find("avx512");
  if (avx512 && ob_variant_supported(avx512))
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      if ((o->any_algo && !o->algo[a]) || !(ob_hparams_used((ob_algo)a) & OB_HP_EPS))
        continue;
      for (int ti = 0; ti < nthreads; ti++) {
        arith_case *c = new_ctx(sizeof *c);
        if (!c)
          return -1;
        *c = (arith_case){ob_state_count((ob_algo)a), threads[ti]};
        snprintf(name, sizeof name, "roofline/arith/%s/threads:%d", ob_algo_name((ob_algo)a),
                 threads[ti]);
        if (reg(name, run_arith, c))
          return -1;
        count++;
      }
    }
  return count;
}

/* ---- Context ----------------------------------------------------------- */

static void cpu_model(char *out, size_t size) {
  snprintf(out, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) != 0)
      continue;
    const char *colon = strchr(line, ':');
    if (!colon)
      continue;
    colon++;
    while (*colon == ' ' || *colon == '\t')
      colon++;
    snprintf(out, size, "%s", colon);
    out[strcspn(out, "\n")] = '\0';
    break;
  }
  fclose(f);
}

static void add_context(int nproc) {
  char buf[1024];
  cpu_model(buf, sizeof buf);
  ob_bench_add_context("optbench_cpu_model", buf);
  snprintf(buf, sizeof buf, "%d.%d.%d", OB_VERSION_MAJOR, OB_VERSION_MINOR, OB_VERSION_PATCH);
  ob_bench_add_context("optbench_version", buf);
  ob_bench_add_context("optbench_compiler", OB_COMPILER);
  ob_bench_add_context("optbench_c_flags", OB_C_FLAGS);
  ob_bench_add_context("optbench_commit", OB_GIT_COMMIT);
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < ob_variant_count() && len < sizeof buf; i++) {
    const ob_variant *v = ob_variant_at(i);
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s:%s", i ? "," : "",
                            ob_variant_name(v), ob_variant_supported(v) ? "yes" : "no");
  }
  ob_bench_add_context("optbench_variants", buf);
  /* the SIMD features the variants rest on (cpuid + xgetbv, as the library sees them);
   * __builtin_cpu_supports takes only a literal, hence the macro */
  __builtin_cpu_init();
#define FEATURE(name)                                                                              \
  { name, __builtin_cpu_supports(name) }
  const struct {
    const char *name;
    int has;
  } features[] = {FEATURE("sse2"),     FEATURE("avx"),     FEATURE("avx2"),
                  FEATURE("fma"),      FEATURE("avx512f"), FEATURE("avx512vl"),
                  FEATURE("avx512bw"), FEATURE("avx512dq")};
#undef FEATURE
  len = 0;
  for (size_t i = 0; i < sizeof features / sizeof *features && len < sizeof buf; i++)
    if (features[i].has)
      len +=
          (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", features[i].name);
  ob_bench_add_context("optbench_cpu_features", buf);
  len = 0; /* per rule, "sgd:131072,...": where the +omp variants start using threads */
  for (int a = 0; a < OB_ALGO_COUNT && len < sizeof buf; a++)
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s:%zu", a ? "," : "",
                            ob_algo_name((ob_algo)a), ob_omp_threshold((ob_algo)a));
  ob_bench_add_context("optbench_omp_threshold", buf);
  snprintf(buf, sizeof buf, "%d", nproc);
  ob_bench_add_context("optbench_threads_max", buf);
  ob_bench_add_context("optbench_traffic_model",
                       "bytes/element = 4 * ((2 + states) reads + (1 + states) writes)");
}

int main(int argc, char **argv) {
  options o = {0};
  o.min_size = 1;
  o.max_size = (size_t)1 << 40;
  o.variants = calloc(ob_variant_count() + (size_t)argc, sizeof *o.variants);
  /* room for our default flags after the user's */
  char **args = calloc((size_t)argc + 4, sizeof *args);
  int rc = 0;
  if (!o.variants || !args) {
    fprintf(stderr, "%s: out of memory\n", argv[0]);
    rc = 1;
    goto done;
  }
  memcpy(args, argv, (size_t)argc * sizeof *args);
  int nargs = argc;
  if (parse_options(&nargs, args, &o)) {
    usage(argv[0]);
    rc = 2;
    goto done;
  }
  int has_min_time = 0, has_reps = 0;
  for (int i = 1; i < nargs; i++) {
    has_min_time |= strncmp(args[i], "--benchmark_min_time", 20) == 0;
    has_reps |= strncmp(args[i], "--benchmark_repetitions", 23) == 0;
  }
  static char min_time[] = "--benchmark_min_time=" DEFAULT_MIN_TIME;
  static char quick_min_time[] = "--benchmark_min_time=" QUICK_MIN_TIME;
  static char reps[] = "--benchmark_repetitions=" DEFAULT_REPETITIONS;
  static char aggregates[] = "--benchmark_report_aggregates_only=true";
  if (!has_min_time)
    args[nargs++] = o.quick ? quick_min_time : min_time;
  if (!has_reps && !o.quick) {
    args[nargs++] = reps;
    args[nargs++] = aggregates;
  }
  args[nargs] = NULL;

  const int nproc = omp_get_num_procs();
  const long registered = register_all(&o, nproc);
  if (registered <= 0) {
    fprintf(stderr,
            registered < 0 ? "%s: out of memory\n" : "%s: the filters select no benchmark\n",
            argv[0]);
    rc = registered < 0 ? 1 : 2;
    goto done;
  }
  add_context(nproc);
  rc = ob_bench_main(nargs, args);
done:
  ob_bench_buffers_free();
  for (size_t i = 0; i < nctx; i++)
    free(ctxs[i]);
  free(ctxs);
  free(o.variants);
  free(args);
  return rc;
}
