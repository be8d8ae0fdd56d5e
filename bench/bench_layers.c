/* The layer kernels' family of optbench_bench and its ceilings:
 *
 *   op/<op>/<variant>/n:<n>/threads:<t>            every kernel of optbench_ops.def
 *   roofline/stream/<shape>/n:<n>/threads:<t>      streaming, a layer kernel's passes
 *   roofline/arith/philox/threads:<t>              Philox4x32-10 in registers: a floor
 *                                                  for the kernels that draw numbers
 *
 * op -> size -> threads -> variant, then the rooflines, one per distinct
 * shape and size. */
#include <omp.h>
#include <string.h>

#include "bench.h"

typedef struct {
  ob_op op;
  const ob_variant *v;
  size_t n;
  int threads;
} op_case;

typedef struct {
  ob_stream_shape shape;
  size_t n;
  int threads;
} shape_case;

static void run_op(ob_bench_state *s, void *ctx) {
  const op_case *c = ctx;
  const bench_op_def *d = bench_op_defs[c->op];
  omp_set_num_threads(c->threads);
  float **a = ob_bench_buffers(c->n, c->threads);
  if (!a) {
    ob_bench_skip_with_error(s, "out of memory");
    return;
  }
  static float vec[8][BENCH_BN_FEATURES];
  for (int k = 0; k < BENCH_BN_FEATURES; k++) { /* gamma 1, beta 0, running var 1, std 1 */
    vec[0][k] = vec[3][k] = vec[5][k] = 1.0f;
    vec[1][k] = vec[2][k] = vec[4][k] = vec[6][k] = vec[7][k] = 0.0f;
  }
  const bench_op_io io = {.v = c->v,
                          .n = c->n,
                          .batch = d->batched ? c->n / BENCH_BN_FEATURES : 0,
                          .x = a[1],
                          .dout = a[2],
                          .y = a[0],
                          .mask = ob_bench_mask(),
                          .gamma = vec[0],
                          .beta = vec[1],
                          .rmean = vec[2],
                          .rvar = vec[3],
                          .mean = vec[4],
                          .std = vec[5],
                          .dgamma = vec[6],
                          .dbeta = vec[7]};
  uint64_t it = 0;
  const ob_status st = d->fn(&io, it++); /* warm-up, and the inputs of a backward pass */
  if (st != OB_OK) {
    ob_bench_skip_with_error(s, ob_strerror(st));
    return;
  }
  while (ob_bench_keep_running(s))
    d->fn(&io, it++);
  const double bpe = ob_op_bytes_read(c->op) + ob_op_bytes_written(c->op);
  ob_bench_set_items_processed(s, (int64_t)c->n);
  ob_bench_set_bytes_processed(s, (int64_t)(bpe * (double)c->n + 0.5));
  ob_bench_set_counter_kind(s, "ns_per_elem", (double)c->n, OB_COUNTER_PER_ITEM_NS);
}

static void run_shape(ob_bench_state *s, void *ctx) {
  const shape_case *c = ctx;
  float **a = ob_bench_buffers(c->n, c->threads);
  if (!a) {
    ob_bench_skip_with_error(s, "out of memory");
    return;
  }
  uint8_t *mask = ob_bench_mask();
  ob_stream_shape_run(a, mask, &c->shape, c->n, c->threads); /* warm-up: wakes the team */
  while (ob_bench_keep_running(s))
    ob_stream_shape_run(a, mask, &c->shape, c->n, c->threads);
  const double bpe = ob_shape_bytes_read(&c->shape) + ob_shape_bytes_written(&c->shape);
  ob_bench_set_items_processed(s, (int64_t)c->n);
  ob_bench_set_bytes_processed(s, (int64_t)(bpe * (double)c->n + 0.5));
  ob_bench_set_counter_kind(s, "ns_per_elem", (double)c->n, OB_COUNTER_PER_ITEM_NS);
}

/* The distinct roofline shapes of the selected kernels, and the element
 * count each size gives each kernel. */
typedef struct {
  ob_stream_shape shapes[OB_OP_COUNT];
  int nshapes;
  size_t sizes[BENCH_MAX_SIZES], nsizes;
  size_t op_n[OB_OP_COUNT][BENCH_MAX_SIZES];
} layer_plan;

/* op/...: each selected kernel; fills the plan's shapes. */
static long register_ops(const bench_options *o, const int *threads, int nthreads, layer_plan *pl) {
  char name[256];
  long count = 0;
  for (int k = 0; k < OB_OP_COUNT; k++) {
    if (!bench_wants_op(o, (ob_op)k))
      continue;
    ob_stream_shape sh;
    if (bench_op_shape((ob_op)k, &sh)) {
      fprintf(stderr,
              "optbench_bench: %s: the traffic model (%g B read, %g B written per element) does "
              "not fit the runner's %d input(s), %d output(s)%s\n",
              ob_op_name((ob_op)k), ob_op_bytes_read((ob_op)k), ob_op_bytes_written((ob_op)k),
              bench_op_defs[k]->inputs, bench_op_defs[k]->outputs,
              bench_op_defs[k]->mask ? " and a mask" : "");
      return -2;
    }
    int known = 0;
    for (int j = 0; j < pl->nshapes; j++)
      known |= memcmp(&pl->shapes[j], &sh, sizeof sh) == 0;
    if (!known)
      pl->shapes[pl->nshapes++] = sh;
    for (size_t si = 0; si < pl->nsizes; si++) {
      size_t n = pl->sizes[si];
      if (bench_op_defs[k]->batched) /* whole rows of BENCH_BN_FEATURES */
        n = (n < BENCH_BN_FEATURES ? 1 : n / BENCH_BN_FEATURES) * BENCH_BN_FEATURES;
      pl->op_n[k][si] = n;
      for (int ti = 0; ti < nthreads; ti++)
        for (size_t vi = 0; vi < ob_variant_count(); vi++) {
          const ob_variant *v = ob_variant_at(vi);
          /* a +omp variant on one thread runs its ISA's code: not timed twice */
          if (!bench_wants_variant(o, v) || ob_variant_is_parallel(v) != (threads[ti] > 1))
            continue;
          op_case *c = bench_new_context(sizeof *c);
          if (!c)
            return -1;
          *c = (op_case){(ob_op)k, v, n, threads[ti]};
          snprintf(name, sizeof name, "op/%s/%s/n:%zu/threads:%d", ob_op_name((ob_op)k),
                   ob_variant_name(v), n, threads[ti]);
          if (bench_register(name, run_op, c))
            return -1;
          count++;
        }
    }
  }
  return count;
}

/* roofline/arith/philox/...: when a selected kernel draws numbers */
static long register_philox(const bench_options *o, const int *threads, int nthreads,
                            const layer_plan *pl) {
  const ob_variant *avx512 = ob_variant_find("avx512");
  int draws = 0;
  for (int k = 0; k < OB_OP_COUNT; k++)
    draws |= bench_wants_op(o, (ob_op)k) && bench_op_defs[k]->draws && pl->nsizes;
  if (!draws || !avx512 || !ob_variant_supported(avx512))
    return 0;
  char name[256];
  for (int ti = 0; ti < nthreads; ti++) {
    snprintf(name, sizeof name, "roofline/arith/philox/threads:%d", threads[ti]);
    if (bench_register_arith(name, -1, threads[ti]))
      return -1;
  }
  return nthreads;
}

/* roofline/stream/...: one per distinct shape and element count */
static long register_streams(const bench_options *o, const int *threads, int nthreads,
                             const layer_plan *pl) {
  char name[256];
  long count = 0;
  for (int j = 0; j < pl->nshapes; j++) {
    size_t done[OB_OP_COUNT * BENCH_MAX_SIZES];
    size_t ndone = 0;
    for (int k = 0; k < OB_OP_COUNT; k++) {
      ob_stream_shape sh;
      if (!bench_wants_op(o, (ob_op)k) || bench_op_shape((ob_op)k, &sh) ||
          memcmp(&sh, &pl->shapes[j], sizeof sh) != 0)
        continue;
      for (size_t si = 0; si < pl->nsizes; si++) {
        int seen = 0;
        for (size_t q = 0; q < ndone; q++)
          seen |= done[q] == pl->op_n[k][si];
        if (seen)
          continue;
        done[ndone++] = pl->op_n[k][si];
        char shape[64];
        ob_shape_name(&pl->shapes[j], shape, sizeof shape);
        for (int ti = 0; ti < nthreads; ti++) {
          shape_case *c = bench_new_context(sizeof *c);
          if (!c)
            return -1;
          *c = (shape_case){pl->shapes[j], pl->op_n[k][si], threads[ti]};
          snprintf(name, sizeof name, "roofline/stream/%s/n:%zu/threads:%d", shape, pl->op_n[k][si],
                   threads[ti]);
          if (bench_register(name, run_shape, c))
            return -1;
          count++;
        }
      }
    }
  }
  return count;
}

long bench_register_layers(const bench_options *o, const int *threads, int nthreads) {
  layer_plan pl = {0};
  pl.nsizes = bench_sizes(o, SIZES_OPS, pl.sizes);
  const long ops = register_ops(o, threads, nthreads, &pl);
  if (ops < 0)
    return ops;
  const long philox = register_philox(o, threads, nthreads, &pl);
  if (philox < 0)
    return philox;
  const long streams = register_streams(o, threads, nthreads, &pl);
  return streams < 0 ? streams : ops + philox + streams;
}
