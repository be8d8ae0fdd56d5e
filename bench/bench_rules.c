/* The update rules' family of optbench_bench and its ceilings:
 *
 *   step/<algo>/<variant>/n:<n>/threads:<t>        ob_step
 *   step/<algo>/kernel:<file>:<symbol>/n:<n>/threads:1   an outside kernel (--kernel)
 *   step/<algo>+l2/<variant>/n:<n>/threads:<t>     with weight decay, the book's L2 form
 *   step/<algo>+decoupled/<variant>/n:<n>/...      with decoupled (AdamW) decay
 *   roofline/mem/r<r>w<w>/n:<n>/threads:<t>        streaming, the rules' traffic
 *   roofline/arith/<algo>/threads:<t>              sqrt + div + FMAs in registers
 *
 * form -> algo -> size -> threads -> variant: consecutive runs share their
 * buffers; the decay forms at their own, fewer sizes. */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <stdlib.h>

#include "bench.h"

#define ARITH_ELEMS (1 << 20) /* per iteration: ~0.1 ms, dwarfs a team wake-up */

/* Weight decay forms a rule is timed with (the benchmark name's suffix). */
typedef enum { DECAY_NONE, DECAY_L2, DECAY_DECOUPLED, DECAY_COUNT } decay_form;
static const char *const decay_suffix[DECAY_COUNT] = {"", "+l2", "+decoupled"};

typedef struct {
  ob_algo algo;
  decay_form decay;
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
  const int states = ob_state_count(c->algo);
  float *s0 = states > 0 ? a[2] : NULL, *s1 = states > 1 ? a[3] : NULL;
  ob_hparams hp = ob_defaults(c->algo);
  if (c->decay == DECAY_L2)
    hp.weight_decay = BENCH_L2_LAMBDA;
  else if (c->decay == DECAY_DECOUPLED)
    hp.decoupled_decay = BENCH_DECOUPLED_LAMBDA;
  int64_t t = 1;
  if (c->kernel)
    announce_kernel(c);
  /* the same buffers, hyperparameters and steps for an outside kernel */
  ob_status st = c->kernel
                     ? c->kernel->fn(c->algo, &hp, t++, a[0], a[1], s0, s1, c->n)
                     : ob_step(c->v, c->algo, &hp, t++, a[0], a[1], s0, s1, c->n); /* warm-up */
  if (st != OB_OK) {
    ob_bench_skip_with_error(s, ob_strerror(st));
    return;
  }
  if (c->kernel)
    while (ob_bench_keep_running(s))
      c->kernel->fn(c->algo, &hp, t++, a[0], a[1], s0, s1, c->n);
  else
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

/* step/...: each selected rule in each decay form; marks the state counts
 * whose memory roofline is needed. */
static long register_steps(const bench_options *o, const int *threads, int nthreads,
                           int states_needed[3]) {
  size_t sizes[BENCH_MAX_SIZES];
  char name[256];
  long n = 0;
  for (int form = 0; form < DECAY_COUNT; form++) {
    const size_t nsizes = bench_sizes(o, form == DECAY_NONE ? SIZES_RULES : SIZES_DECAY, sizes);
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      if (!bench_wants_algo(o, (ob_algo)a))
        continue;
      const int st = ob_state_count((ob_algo)a);
      if (st >= 0 && st < 3 && nsizes)
        states_needed[st] = 1;
      for (size_t si = 0; si < nsizes; si++)
        for (int ti = 0; ti < nthreads; ti++) {
          for (size_t vi = 0; vi < ob_variant_count(); vi++) {
            const ob_variant *v = ob_variant_at(vi);
            /* +omp from 2 threads on: on one it runs its ISA's code (with weight
             * decay on nproc threads only, and not at all with --quick) */
            if (!bench_wants_variant(o, v) || ob_variant_is_parallel(v) != (threads[ti] > 1) ||
                (form != DECAY_NONE && ob_variant_is_parallel(v) &&
                 (threads[ti] != threads[nthreads - 1] || o->quick)))
              continue;
            step_case *c = bench_new_context(sizeof *c);
            if (!c)
              return -1;
            *c = (step_case){(ob_algo)a, (decay_form)form, v, sizes[si], threads[ti], NULL, 0};
            snprintf(name, sizeof name, "step/%s%s/%s/n:%zu/threads:%d", ob_algo_name((ob_algo)a),
                     decay_suffix[form], ob_variant_name(v), sizes[si], threads[ti]);
            if (bench_register(name, run_step, c))
              return -1;
            n++;
          }
          /* an outside kernel: after the variants at the same size (their
           * buffers), on the one thread it is called from, textbook form */
          if (o->kernel && form == DECAY_NONE && threads[ti] == 1) {
            step_case *c = bench_new_context(sizeof *c);
            if (!c)
              return -1;
            *c = (step_case){(ob_algo)a, DECAY_NONE, NULL, sizes[si], 1, o->kernel, 0};
            char kname[sizeof o->kernel->name + 64];
            snprintf(kname, sizeof kname, "step/%s/%s/n:%zu/threads:1", ob_algo_name((ob_algo)a),
                     o->kernel->name, sizes[si]);
            if (bench_register(kname, run_step, c))
              return -1;
            n++;
          }
        }
    }
  }
  return n;
}

/* roofline/mem/...: the rules' rooflines at every size any of their forms ran */
static long register_mem(const bench_options *o, const int *threads, int nthreads,
                         const int states_needed[3]) {
  char name[256];
  long n = 0;
  size_t rule_sizes[2 * BENCH_MAX_SIZES];
  size_t nrule = bench_sizes(o, SIZES_RULES, rule_sizes);
  nrule += bench_sizes(o, SIZES_DECAY, rule_sizes + nrule);
  qsort(rule_sizes, nrule, sizeof *rule_sizes, bench_cmp_size);
  for (int st = 0; st < 3; st++) {
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
  int states_needed[3] = {0, 0, 0}; /* by state count: the mem roofline's shapes */
  const long steps = register_steps(o, threads, nthreads, states_needed);
  if (steps < 0)
    return steps;
  const long mem = register_mem(o, threads, nthreads, states_needed);
  if (mem < 0)
    return mem;
  const long arith = register_arith(o, threads, nthreads);
  return arith < 0 ? arith : steps + mem + arith;
}
