/* optbench_model: the whole-model step (issue 11). One optimizer step over a
 * real model's parameter list (bench/models/<name>.txt), every tensor its own
 * allocation as a framework has it, timed three ways against one flat array
 * of the same total and the stream ceiling of that traffic:
 *
 *   model/<list>/<algo>/<variant>/threads:<t>
 *
 * Inside one benchmark, `rounds` rounds each time, back to back and in an
 * order that rotates every round: the list through ob_step_list, the list
 * through the optimizer object (ob_optimizer_update), ob_step on one flat
 * array of the list's total, and ob_stream (bench/roofline.c) over that flat
 * array with the rule's reads and writes. Each sample is k steps (k chosen so
 * a sample takes >= SAMPLE_S). Counters, all medians over the rounds:
 *   ms_list, ms_object, ms_flat, ms_stream   per step
 *   ratio_list, ratio_object                 per round list/flat, then the median
 *   roofline_list                            ms_stream / ms_list (1 = at the ceiling)
 *   gbps_list                                traffic model bytes / ms_list
 * The Google Benchmark time of a row is that of all its rounds (one
 * iteration): read the counters, not the time.
 *
 * Lists larger than the machine's memory are cut to a run of whole tensors
 * (each list's header says which, and the JSON context repeats it).
 *
 * Options (the rest goes to Google Benchmark): --list=NAME, --algo=A,
 * --variant=V (repeatable), --threads=T (repeatable), --quick, --rounds=N,
 * --all (every rule x variant on every list; see rule_wanted for the default),
 * --models=DIR, --check-lists. */
#define _POSIX_C_SOURCE 200809L
#include "model_lists.h"
#include "numarg.h"
#include "opts.h"
#include "roofline.h"
#include "shim/ob_bench.h"

#include <optbench.h>

#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef OB_MODELS_DIR
#define OB_MODELS_DIR "bench/models"
#endif

#define CAP_ELEMS (INT64_C(1) << 27) /* 2^27 floats: 0.5 GB an array, ~5 GB for Adam in all */
#define SAMPLE_S  0.004 /* a sample at least this long: above timer and wake-up noise */
#define MAX_K     1000
#define ROUNDS    3
#define ROUNDS_Q  2
#define MAX_SEL   16
#define DECOUPLED 1e-2f /* AdamW's default weight decay, as optbench_bench's +decoupled */

/* Every bench/models list, smallest timed run first (model_lists.h). */
static ob_model_list *lists;
static size_t nlists;

/* A rule as timed: the library's algorithm, optionally with AdamW's decay. */
typedef struct {
  const char *name;
  ob_algo algo;
  int decoupled;
} rule_def;

#define NRULES (OB_ALGO_COUNT + 1)
static rule_def rules[NRULES];

static void make_rules(void) {
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    rules[a] = (rule_def){ob_algo_name((ob_algo)a), (ob_algo)a, 0};
  rules[OB_ALGO_COUNT] = (rule_def){"adam+decoupled", OB_ADAM, 1};
}

/* ---- The arrays of one list, kept while consecutive benchmarks use it ---- */

typedef struct {
  size_t li; /* index in lists[] */
  size_t count;
  size_t *sizes;
  int64_t total;
  float **arr[OB_BENCH_ARRAYS]; /* p, g, s0, s1, s2: count pointers each */
  float *flat[OB_BENCH_ARRAYS];
} arena;

static arena cur = {.li = (size_t)-1};

static void arena_free(void) {
  for (int a = 0; a < OB_BENCH_ARRAYS; a++) {
    for (size_t i = 0; cur.arr[a] && i < cur.count; i++)
      free(cur.arr[a][i]);
    free(cur.arr[a]);
    free(cur.flat[a]);
  }
  free(cur.sizes);
  cur = (arena){.li = (size_t)-1};
}

static float *new_array(size_t n, float value) {
  const size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
  float *x = aligned_alloc(64, bytes);
  if (x)
    for (size_t i = 0; i < n; i++)
      x[i] = value;
  return x;
}

/* Allocates the arrays of list li's timed run (one allocation per tensor
 * and array, 64-byte aligned like a framework's allocator) and the flat ones. */
static int arena_get(size_t li, char *err, size_t errsize) {
  if (cur.li == li)
    return 0;
  arena_free();
  size_t b, e;
  cur.total = ob_model_list_timed(&lists[li], &b, &e);
  cur.count = e - b;
  cur.sizes = malloc((cur.count ? cur.count : 1) * sizeof *cur.sizes); /* malloc(0) may be NULL */
  if (cur.sizes)
    memcpy(cur.sizes, lists[li].sizes + b, cur.count * sizeof *cur.sizes);
  int ok = cur.sizes != NULL;
  for (int a = 0; ok && a < OB_BENCH_ARRAYS; a++) {
    cur.arr[a] = calloc(cur.count, sizeof *cur.arr[a]);
    cur.flat[a] = new_array((size_t)cur.total, ob_bench_fill[a]);
    ok = cur.arr[a] && cur.flat[a];
    for (size_t i = 0; ok && i < cur.count; i++)
      ok = (cur.arr[a][i] = new_array(cur.sizes[i], ob_bench_fill[a])) != NULL;
  }
  if (!ok) {
    arena_free();
    snprintf(err, errsize, "%s: out of memory", lists[li].name);
    return -1;
  }
  cur.li = li;
  return 0;
}

/* ---- One benchmark ----------------------------------------------------- */

typedef struct {
  size_t li;
  const rule_def *rule;
  const ob_variant *v;
  int threads;
  int rounds;
} model_case;

enum { W_LIST, W_OBJECT, W_FLAT, W_STREAM, NWAYS };

typedef struct {
  const model_case *c;
  ob_hparams hp;
  ob_optimizer *opt;
  int64_t t;  /* step number of the list and flat calls */
  int states; /* used by the hyperparameters: the traffic model's count */
  float *flat_st[OB_MAX_STATES];
  float *const *list_st[OB_MAX_STATES];
} runner;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ob_status run_way(runner *r, int way) {
  const model_case *c = r->c;
  switch (way) {
  case W_LIST:
    return ob_step_list_states(c->v, c->rule->algo, &r->hp, r->t, cur.count, cur.arr[0],
                               (const float *const *)cur.arr[1], r->list_st, cur.sizes);
  case W_OBJECT:
    return ob_optimizer_update(r->opt, cur.count, cur.arr[0], (const float *const *)cur.arr[1],
                               cur.sizes);
  case W_FLAT:
    return ob_step_states(c->v, c->rule->algo, &r->hp, r->t, cur.flat[0], cur.flat[1], r->flat_st,
                          (size_t)cur.total);
  default: ob_stream(cur.flat, r->states, (size_t)cur.total, c->threads); return OB_OK;
  }
}

/* Seconds per step of k steps of `way`. */
static double sample(runner *r, int way, int k) {
  const double t0 = now();
  for (int i = 0; i < k; i++) {
    run_way(r, way);
    if (way == W_LIST || way == W_FLAT)
      r->t++;
  }
  return (now() - t0) / k;
}

static int cmp_double(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static double median(double *x, int n) {
  qsort(x, (size_t)n, sizeof *x, cmp_double);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

static void run_model(ob_bench_state *s, void *ctx) {
  const model_case *c = ctx;
  char err[512];
  if (arena_get(c->li, err, sizeof err)) {
    ob_bench_skip_with_error(s, err);
    return;
  }
  omp_set_num_threads(c->threads);
  runner r = {.c = c, .hp = ob_defaults(c->rule->algo), .t = 1};
  if (c->rule->decoupled)
    r.hp.decoupled_decay = DECOUPLED;
  r.states = ob_bench_states(c->rule->algo, &r.hp, cur.flat, r.flat_st);
  for (int k = 0; k < OB_MAX_STATES; k++)
    r.list_st[k] = r.flat_st[k] ? cur.arr[2 + k] : NULL;
  ob_status st;
  r.opt = ob_optimizer_new(c->rule->algo, &r.hp, c->v, &st);
  if (!r.opt) {
    ob_bench_skip_with_error(s, ob_strerror(st));
    return;
  }
  /* warm-up of every way (the object allocates its state here); the list's
   * time sets k */
  double t1 = 0;
  for (int w = 0; w < NWAYS; w++) {
    const double t0 = now();
    st = run_way(&r, w);
    if (w == W_LIST)
      t1 = now() - t0;
    if (st != OB_OK) {
      ob_optimizer_free(r.opt);
      ob_bench_skip_with_error(s, ob_strerror(st));
      return;
    }
  }
  r.t++;
  int k = t1 > 0 ? (int)(SAMPLE_S / t1) + 1 : 1;
  k = k > MAX_K ? MAX_K : k;
  double ms[NWAYS][64], ratio[2][64];
  const int rounds = c->rounds > 64 ? 64 : c->rounds;
  while (ob_bench_keep_running(s))
    for (int i = 0; i < rounds; i++) {
      double x[NWAYS];
      for (int j = 0; j < NWAYS; j++) { /* the order rotates: no way is always first */
        const int w = (i + j) % NWAYS;
        x[w] = sample(&r, w, k);
      }
      for (int w = 0; w < NWAYS; w++)
        ms[w][i] = 1e3 * x[w];
      ratio[0][i] = x[W_LIST] / x[W_FLAT];
      ratio[1][i] = x[W_OBJECT] / x[W_FLAT];
    }
  ob_optimizer_free(r.opt);
  const char *names[NWAYS] = {"ms_list", "ms_object", "ms_flat", "ms_stream"};
  double med[NWAYS];
  for (int w = 0; w < NWAYS; w++) {
    med[w] = median(ms[w], rounds);
    ob_bench_set_counter(s, names[w], med[w]);
  }
  const double bytes = (double)ob_traffic_bytes(r.states) * (double)cur.total;
  ob_bench_set_counter(s, "ratio_list", median(ratio[0], rounds));
  ob_bench_set_counter(s, "ratio_object", median(ratio[1], rounds));
  ob_bench_set_counter(s, "roofline_list", med[W_STREAM] / med[W_LIST]);
  ob_bench_set_counter(s, "gbps_list", bytes / (1e6 * med[W_LIST]));
  ob_bench_set_counter(s, "gbps_stream", bytes / (1e6 * med[W_STREAM]));
  ob_bench_set_counter(s, "tensors", (double)cur.count);
  ob_bench_set_counter(s, "elements", (double)cur.total);
  ob_bench_set_counter(s, "steps_per_sample", k);
  ob_bench_set_counter(s, "rounds", rounds);
}

/* ---- Options and registration ------------------------------------------ */

typedef struct {
  ob_opt_strs list, algo, variant;
  int threads[MAX_SEL], nthreads;
  int quick, rounds, all, check;
  const char *models;
} options;

static int selected(const ob_opt_strs *sel, const char *name) {
  for (int i = 0; i < sel->n; i++)
    if (strcmp(sel->v[i], name) == 0)
      return 1;
  return sel->n == 0;
}

static int take_threads(void *target, const char *name, const char *value, char *err,
                        size_t errlen) {
  options *o = target;
  unsigned long long num;
  if (ob_parse_u64(name, value, 1, 4096, 0, &num, err, errlen) < 0)
    return OB_OPTS_BAD;
  if (o->nthreads == MAX_SEL) {
    snprintf(err, errlen, "%s given more than %d times", name, MAX_SEL);
    return OB_OPTS_BAD;
  }
  o->threads[o->nthreads++] = (int)num;
  return OB_OPTS_OK;
}

/* Takes our options out of argv (the --benchmark_* flags stay). -1 to go
 * on, else the exit status (ob_opts_parse_main). */
static int parse_options(int *argc, char **argv, options *o) {
  const ob_opt table[] = {
      {"--list", NULL, OB_OPT_STRS, &o->list, 0, 0, 0, NULL, "NAME",
       "only parameter list NAME (repeatable)"},
      {"--algo", NULL, OB_OPT_STRS, &o->algo, 0, 0, 0, NULL, "A",
       "only rule A, e.g. adam+decoupled (repeatable)"},
      {"--variant", NULL, OB_OPT_STRS, &o->variant, 0, 0, 0, NULL, "V",
       "only variant V (repeatable)"},
      {"--threads", NULL, OB_OPT_FN, o, 0, 0, 0, take_threads, "T",
       "on T threads, 1..4096 (repeatable; default 1 and 2)"},
      /* more than 64 are not kept (timing's buffer) */
      {"--rounds", NULL, OB_OPT_INT, &o->rounds, 1, 64, 0, NULL, "N", "N timed rounds, 1..64"},
      {"--models", NULL, OB_OPT_STR, &o->models, 0, 0, 0, NULL, "DIR",
       "the parameter lists from DIR"},
      {"--check-lists", NULL, OB_OPT_FLAG, &o->check, 0, 0, 0, NULL, NULL,
       "load and check every list, print one line each, time nothing"},
      {"--quick", NULL, OB_OPT_FLAG, &o->quick, 0, 0, 0, NULL, NULL, "the quick lists and rules"},
      {"--all", NULL, OB_OPT_FLAG, &o->all, 0, 0, 0, NULL, NULL,
       "every rule x variant on every list"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  return ob_opts_parse_main(argv[0], "[options] [--benchmark_* flags]", table,
                            sizeof table / sizeof *table, "--benchmark_", argc, argv);
}

/* The widest supported ISA (ob_variant_best is its +omp form). */
static const char *best_isa(void) { return ob_variant_isa(ob_variant_best()); }

/* What is timed unless --all, to keep `make bench` within its budget: every
 * rule x variant on the smallest list; every rule with the best ISA (and its
 * +omp form) on the other quick lists; the rules of each state count that
 * the peers and the goals need (sgd, momentum, adam, adam+decoupled) with
 * the best ISA on the big lists. --quick: the quick lists, sgd, adam and
 * adam+decoupled, best ISA. --algo and --variant override these choices. */
static int rule_wanted(const options *o, size_t li, const rule_def *r) {
  if (o->algo.n)
    return selected(&o->algo, r->name);
  const int core = r->algo == OB_SGD || r->algo == OB_ADAM || (!o->quick && r->algo == OB_MOMENTUM);
  return o->all || (lists[li].quick && !o->quick) || core;
}

static int variant_wanted(const options *o, size_t li, const ob_variant *v) {
  if (!ob_variant_supported(v))
    return 0;
  if (o->variant.n)
    return selected(&o->variant, ob_variant_name(v));
  return o->all || (li == 0 && !o->quick) || strcmp(ob_variant_isa(v), best_isa()) == 0;
}

static model_case *cases_owned; /* the contexts of the registered benchmarks */

static long register_all(const options *o, int nproc) {
  model_case *cases = calloc(nlists * NRULES * 64, sizeof *cases);
  if (!cases)
    return -1;
  cases_owned = cases;
  int threads[MAX_SEL], nthreads = 0;
  if (o->nthreads)
    for (int i = 0; i < o->nthreads; i++)
      threads[nthreads++] = o->threads[i];
  else
    for (int t = 1; t <= nproc && t <= 2; t++)
      threads[nthreads++] = t;
  long n = 0;
  char name[256];
  for (size_t li = 0; li < nlists; li++) {
    if (!selected(&o->list, lists[li].name) || (o->quick && !o->list.n && !lists[li].quick))
      continue;
    for (int ri = 0; ri < NRULES; ri++) {
      if (!rule_wanted(o, li, &rules[ri]))
        continue;
      for (int ti = 0; ti < nthreads; ti++)
        for (size_t vi = 0; vi < ob_variant_count(); vi++) {
          const ob_variant *v = ob_variant_at(vi);
          /* as optbench_bench: +omp from 2 threads on, its ISA's code on one */
          if (!variant_wanted(o, li, v) || ob_variant_is_parallel(v) != (threads[ti] > 1) ||
              (size_t)n >= nlists * NRULES * 64)
            continue;
          model_case *c = &cases[n];
          *c = (model_case){li, &rules[ri], v, threads[ti],
                            o->rounds ? o->rounds : (o->quick ? ROUNDS_Q : ROUNDS)};
          snprintf(name, sizeof name, "model/%s/%s/%s/threads:%d", lists[li].name, rules[ri].name,
                   ob_variant_name(v), threads[ti]);
          const ob_bench_def def = {name, run_model, c, OB_BENCH_REAL_TIME};
          if (ob_bench_register(&def))
            return -1;
          n++;
        }
    }
  }
  return n;
}

/* The lists as timed, for the report: per list, what its timed run is. */
static void add_context(void) {
  char key[128], val[512];
  for (size_t li = 0; li < nlists; li++) {
    size_t b, e;
    const int64_t n = ob_model_list_timed(&lists[li], &b, &e);
    snprintf(key, sizeof key, "model_list_%s", lists[li].name);
    snprintf(val, sizeof val, "%zu of %zu tensors, %" PRId64 " of %" PRId64 " elements: %s", e - b,
             lists[li].count, n, lists[li].total, lists[li].cut);
    ob_bench_add_context(key, val);
  }
  ob_bench_add_context("model_traffic_model",
                       "bytes/element = 4 * ((2 + states) reads + (1 + states) writes)");
}

/* --check-lists: every list loads and adds up (the loader checks the
 * published counts); one line each. */
static int check_lists(void) {
  for (size_t li = 0; li < nlists; li++) {
    size_t b, e;
    const int64_t n = ob_model_list_timed(&lists[li], &b, &e);
    printf("%-22s %6zu tensors %11" PRId64 " elements; timed: %zu tensors, %" PRId64
           " elements%s\n",
           lists[li].name, lists[li].count, lists[li].total, e - b, n,
           lists[li].quick ? " (quick)" : "");
    if (n <= 0)
      return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  options o = {0};
  make_rules();
  char **args = calloc((size_t)argc + 3, sizeof *args);
  if (!args)
    return 1;
  memcpy(args, argv, (size_t)argc * sizeof *args);
  int nargs = argc;
  const int done = parse_options(&nargs, args, &o);
  if (done >= 0) {
    free(args);
    return done;
  }
  char err[512];
  if (ob_model_lists_load(o.models ? o.models : OB_MODELS_DIR, &lists, &nlists, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", argv[0], err);
    free(args);
    return 1;
  }
  if (o.check) {
    const int bad = check_lists();
    ob_model_lists_free(lists, nlists);
    free(args);
    return bad;
  }
  /* one Google Benchmark iteration: the rounds are inside it */
  static char min_time[] = "--benchmark_min_time=1e-9";
  args[nargs++] = min_time;
  args[nargs] = NULL;
  const long n = register_all(&o, omp_get_num_procs());
  int rc = 2;
  if (n > 0) {
    add_context();
    rc = ob_bench_main(nargs, args);
  } else {
    fprintf(stderr, "%s: %s\n", argv[0], n < 0 ? "out of memory" : "the filters select nothing");
  }
  arena_free();
  free(cases_owned);
  ob_model_lists_free(lists, nlists);
  free(args);
  return rc;
}
