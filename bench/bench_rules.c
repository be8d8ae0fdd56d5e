/* The update rules' family of optbench_bench and its ceilings:
 *
 *   step/<algo>/<variant>/n:<n>/threads:<t>        ob_step_states at the rule's defaults
 *   step/<algo>/kernel:<file>:<symbol>/n:<n>/threads:1   an outside kernel (--kernel)
 *   step/<algo>+l2/<variant>/n:<n>/threads:<t>     with weight decay, the book's L2 form
 *   step/<algo>+decoupled/<variant>/n:<n>/...      with decoupled (AdamW) decay
 *   step/<algo>+<label>/<variant>/n:<n>/...        an option configuration (configs.def)
 *   roofline/mem/r<r>w<w>/n:<n>/threads:<t>        streaming, the rules' traffic
 *   roofline/arith/<algo>/threads:<t>              sqrt + div + FMAs in registers
 *
 * A step passes, and its traffic counts, only the states its hyperparameters
 * use (ob_bench_states): torch_sgd at momentum 0 moves p and g. The counter
 * "states" says how many, for the report.
 *
 * form -> algo -> size -> threads -> variant: consecutive runs share their
 * buffers; the decay forms and the configurations at their own, fewer sizes. */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define ARITH_ELEMS (1 << 20) /* per iteration: ~0.1 ms, dwarfs a team wake-up */

/* Forms a rule is timed in (the benchmark name's suffix): the weight decays,
 * then the option configurations of configs.def. */
typedef enum { DECAY_NONE, DECAY_L2, DECAY_DECOUPLED, DECAY_COUNT, FORM_CONFIG = DECAY_COUNT } form;
static const char *const decay_suffix[DECAY_COUNT] = {"", "+l2", "+decoupled"};

typedef struct {
  ob_algo algo;
  ob_hparams hp; /* the defaults, with the form's decay or configuration */
  const ob_variant *v;
  size_t n;
  int threads;
  const ob_plugin *kernel; /* an outside kernel instead of ob_step on v, or NULL */
  int announced;           /* the kernel's line is on stderr */
} step_case;

typedef struct {
  int states;
  size_t n;
  int threads;
} mem_case;

typedef struct {
  int algo; /* -1: the Philox ceiling */
  int threads;
} arith_case;

/* ---- The timed loops ---------------------------------------------------- */

/* An outside kernel runs in this process: a crash in it kills the
 * benchmark with a bare signal, so the last line on stderr names it. */
static void announce_kernel(step_case *c) {
  if (c->announced)
    return;
  c->announced = 1;
  fprintf(stderr, "optbench_bench: calling kernel %s:%s, rule %s, n %zu\n", c->kernel->path,
          c->kernel->symbol, ob_algo_name(c->algo), c->n);
}

static void run_step(ob_bench_state *s, void *ctx) {
  step_case *c = ctx;
  omp_set_num_threads(c->threads);
  float **a = ob_bench_buffers(c->n, c->threads);
  if (!a) {
    ob_bench_skip_with_error(s, "out of memory");
    return;
  }
  float *st[OB_MAX_STATES];
  const int states = ob_bench_states(c->algo, &c->hp, a, st);
  int64_t t = 1;
  if (c->kernel)
    announce_kernel(c);
  /* the same buffers, hyperparameters and steps for an outside kernel, in
   * whichever form it exports (ob_plugin_step: the states form, or the pair
   * form where the step uses no third state) */
  ob_status rc =
      c->kernel ? ob_plugin_step(c->kernel, c->algo, &c->hp, t++, a[0], a[1], st, c->n)
                : ob_step_states(c->v, c->algo, &c->hp, t++, a[0], a[1], st, c->n); /* warm-up */
  if (rc != OB_OK) {
    ob_bench_skip_with_error(s, ob_strerror(rc));
    return;
  }
  if (c->kernel)
    while (ob_bench_keep_running(s))
      ob_plugin_step(c->kernel, c->algo, &c->hp, t++, a[0], a[1], st, c->n);
  else
    while (ob_bench_keep_running(s))
      ob_step_states(c->v, c->algo, &c->hp, t++, a[0], a[1], st, c->n);
  ob_bench_set_items_processed(s, (int64_t)c->n);
  ob_bench_set_bytes_processed(s, ob_traffic_bytes(states) * (int64_t)c->n);
  ob_bench_set_counter_kind(s, "ns_per_elem", (double)c->n, OB_COUNTER_PER_ITEM_NS);
  ob_bench_set_counter(s, "states", states);
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
  if (c->algo < 0) {
    ob_arith_philox_avx512(ARITH_ELEMS, c->threads);
    while (ob_bench_keep_running(s))
      ob_arith_philox_avx512(ARITH_ELEMS, c->threads);
  } else {
    ob_arith_avx512((ob_algo)c->algo, ARITH_ELEMS, c->threads);
    while (ob_bench_keep_running(s))
      ob_arith_avx512((ob_algo)c->algo, ARITH_ELEMS, c->threads);
  }
  ob_bench_set_items_processed(s, ARITH_ELEMS);
  ob_bench_set_counter_kind(s, "ns_per_elem", ARITH_ELEMS, OB_COUNTER_PER_ITEM_NS);
}

/* ---- Registration ------------------------------------------------------- */

/* step/<algo><suffix>/...: rule a with hyperparameters hp at every size,
 * thread count and selected variant; `reduced` (every form but the
 * defaults): +omp on nproc threads only, and not at all with --quick.
 * Marks the used-state count whose memory roofline is needed. */
static long register_form(const bench_options *o, const int *threads, int nthreads, ob_algo a,
                          const ob_hparams *hp, const char *suffix, bench_size_set set, int reduced,
                          int with_kernel, int states_needed[OB_MAX_STATES + 1]) {
  size_t sizes[BENCH_MAX_SIZES];
  char name[256];
  long n = 0;
  const size_t nsizes = bench_sizes(o, set, sizes);
  float *bufs[OB_BENCH_ARRAYS] = {0}, *st[OB_MAX_STATES];
  if (nsizes)
    states_needed[ob_bench_states(a, hp, bufs, st)] = 1;
  for (size_t si = 0; si < nsizes; si++)
    for (int ti = 0; ti < nthreads; ti++) {
      for (size_t vi = 0; vi < ob_variant_count(); vi++) {
        const ob_variant *v = ob_variant_at(vi);
        /* +omp from 2 threads on: on one it runs its ISA's code */
        if (!bench_wants_variant(o, v) || ob_variant_is_parallel(v) != (threads[ti] > 1) ||
            (reduced && ob_variant_is_parallel(v) &&
             (threads[ti] != threads[nthreads - 1] || o->quick)))
          continue;
        step_case *c = bench_new_context(sizeof *c);
        if (!c)
          return -1;
        *c = (step_case){a, *hp, v, sizes[si], threads[ti], NULL, 0};
        snprintf(name, sizeof name, "step/%s%s/%s/n:%zu/threads:%d", ob_algo_name(a), suffix,
                 ob_variant_name(v), sizes[si], threads[ti]);
        if (bench_register(name, run_step, c))
          return -1;
        n++;
      }
      /* an outside kernel: after the variants at the same size (their
       * buffers), on the one thread it is called from, at the defaults and
       * in the configurations (a third state needs its states form) */
      if (o->kernel && with_kernel && threads[ti] == 1) {
        step_case *c = bench_new_context(sizeof *c);
        if (!c)
          return -1;
        *c = (step_case){a, *hp, NULL, sizes[si], 1, o->kernel, 0};
        char kname[sizeof o->kernel->name + 160]; /* the rule, its suffix (80), the size */
        snprintf(kname, sizeof kname, "step/%s%s/%s/n:%zu/threads:1", ob_algo_name(a), suffix,
                 o->kernel->name, sizes[si]);
        if (bench_register(kname, run_step, c))
          return -1;
        n++;
      }
    }
  return n;
}

/* A run that names no rule times the torch rows at one size per memory level
 * (SIZES_DECAY), at their defaults and configurations, not in the separate
 * weight-decay forms: their decay terms are the book rows' code (wd_grad,
 * wd_param), timed there, and the full sweep of eleven rules would put
 * `make bench` past its quarter of an hour. Naming one (--algo torch_adam)
 * gives it the book rows' full sweep and forms. */
static int reduced_sweep(const bench_options *o, ob_algo a) {
  return !o->algo[a] && !o->nlist && strcmp(ob_algo_convention(a), "torch") == 0;
}

/* step/...: each selected rule in each decay form, then its configurations. */
static long register_steps(const bench_options *o, const int *threads, int nthreads,
                           int states_needed[OB_MAX_STATES + 1]) {
  char suffix[80], err[512];
  long n = 0;
  for (int f = 0; f <= FORM_CONFIG; f++)
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      if (!bench_wants_algo(o, (ob_algo)a) ||
          (reduced_sweep(o, (ob_algo)a) && f != DECAY_NONE && f != FORM_CONFIG))
        continue;
      for (size_t ci = 0; ci < (f == FORM_CONFIG ? bench_config_count : 1); ci++) {
        ob_hparams hp = ob_defaults((ob_algo)a);
        if (f == FORM_CONFIG) {
          if (bench_configs[ci].algo != (ob_algo)a)
            continue;
          if (bench_config_apply(&bench_configs[ci], &hp, err, sizeof err)) {
            fprintf(stderr, "optbench_bench: %s\n", err);
            return -2;
          }
          snprintf(suffix, sizeof suffix, "+%s", bench_configs[ci].label);
        } else {
          if (f == DECAY_L2)
            hp.weight_decay = BENCH_L2_LAMBDA;
          else if (f == DECAY_DECOUPLED)
            hp.decoupled_decay = BENCH_DECOUPLED_LAMBDA;
          snprintf(suffix, sizeof suffix, "%s", decay_suffix[f]);
        }
        const long k = register_form(
            o, threads, nthreads, (ob_algo)a, &hp, suffix,
            f == DECAY_NONE && !reduced_sweep(o, (ob_algo)a) ? SIZES_RULES : SIZES_DECAY,
            f != DECAY_NONE, f == DECAY_NONE || f == FORM_CONFIG, states_needed);
        if (k < 0)
          return k;
        n += k;
      }
    }
  return n;
}

/* roofline/mem/...: the rules' rooflines at every size any of their forms ran */
static long register_mem(const bench_options *o, const int *threads, int nthreads,
                         const int states_needed[OB_MAX_STATES + 1]) {
  char name[256];
  long n = 0;
  size_t rule_sizes[2 * BENCH_MAX_SIZES];
  size_t nrule = bench_sizes(o, SIZES_RULES, rule_sizes);
  nrule += bench_sizes(o, SIZES_DECAY, rule_sizes + nrule);
  qsort(rule_sizes, nrule, sizeof *rule_sizes, bench_cmp_size);
  for (int st = 0; st <= OB_MAX_STATES; st++) {
    if (!states_needed[st])
      continue;
    for (size_t si = 0; si < nrule; si++) {
      if (si && rule_sizes[si] == rule_sizes[si - 1])
        continue;
      for (int ti = 0; ti < nthreads; ti++) {
        mem_case *c = bench_new_context(sizeof *c);
        if (!c)
          return -1;
        *c = (mem_case){st, rule_sizes[si], threads[ti]};
        snprintf(name, sizeof name, "roofline/mem/r%dw%d/n:%zu/threads:%d",
                 (int)ob_traffic_reads(st), (int)ob_traffic_writes(st), rule_sizes[si],
                 threads[ti]);
        if (bench_register(name, run_mem, c))
          return -1;
        n++;
      }
    }
  }
  return n;
}

int bench_register_arith(const char *name, int algo, int threads) {
  arith_case *c = bench_new_context(sizeof *c);
  if (!c)
    return -1;
  *c = (arith_case){algo, threads};
  return bench_register(name, run_arith, c);
}

/* roofline/arith/<algo>/...: the rules whose OB_COST counts a square root or a division */
static long register_arith(const bench_options *o, const int *threads, int nthreads) {
  char name[256];
  long n = 0;
  const ob_variant *avx512 = ob_variant_find("avx512");
  if (avx512 && ob_variant_supported(avx512))
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      if (!bench_wants_algo(o, (ob_algo)a) || !ob_arith_has_ceiling((ob_algo)a))
        continue;
      for (int ti = 0; ti < nthreads; ti++) {
        snprintf(name, sizeof name, "roofline/arith/%s/threads:%d", ob_algo_name((ob_algo)a),
                 threads[ti]);
        if (bench_register_arith(name, a, threads[ti]))
          return -1;
        n++;
      }
    }

  return n;
}

long bench_register_rules(const bench_options *o, const int *threads, int nthreads) {
  int states_needed[OB_MAX_STATES + 1] = {0}; /* by used states: the mem roofline's shapes */
  const long steps = register_steps(o, threads, nthreads, states_needed);
  if (steps < 0)
    return steps;
  const long mem = register_mem(o, threads, nthreads, states_needed);
  if (mem < 0)
    return mem;
  const long arith = register_arith(o, threads, nthreads);
  return arith < 0 ? arith : steps + mem + arith;
}
