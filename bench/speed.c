/* optbench_bench: every algorithm and layer kernel x variant x size x thread
 * count, and the roofline ceilings, in one Google Benchmark run.
 *
 *   step/<algo>/<variant>/n:<n>/threads:<t>        the update rules (ob_step)
 *   step/<algo>+l2/<variant>/n:<n>/threads:<t>     with weight decay, the book's L2 form
 *   step/<algo>+decoupled/<variant>/n:<n>/...      with decoupled (AdamW) decay
 *   op/<op>/<variant>/n:<n>/threads:<t>            every kernel of optbench_ops.def
 *   roofline/mem/r<r>w<w>/n:<n>/threads:<t>        streaming, the rules' traffic
 *   roofline/stream/<shape>/n:<n>/threads:<t>      streaming, a layer kernel's passes
 *   roofline/arith/<algo>/threads:<t>              sqrt + div + FMAs in registers
 *   roofline/arith/philox/threads:<t>              Philox4x32-10 in registers: a floor
 *                                                  for the kernels that draw numbers
 *
 * Sizes: the rules at 2^8 .. 2^26 and three odd sizes; the layer kernels at
 * every second power of two 2^8 .. 2^24 and 100003 (batch norm: 256
 * features, batch = n/256); weight decay at 2^10, 2^16, 2^20, 2^24 (L1, L2,
 * L3, DRAM). The +omp variants run on 2 .. nproc threads (on one thread a
 * +omp variant calls its ISA's kernel directly: plots/extract.py takes the
 * ISA's time for it), with weight decay on nproc threads only.
 *
 * Our own filters (--algo, --op, --variant, --min-size, --max-size,
 * --threads, --quick) are taken out of argv; the rest goes to Google Benchmark. */
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
 * moved by up to 40 %), which keeps the full sweep at ~7 min on 2 cores;
 * --quick takes one 0.02 s sample. */
#define DEFAULT_MIN_TIME    "0.02"
#define QUICK_MIN_TIME      "0.02"
#define DEFAULT_REPETITIONS "3"

/* Weight decay forms a rule is timed with (the benchmark name's suffix). */
typedef enum { DECAY_NONE, DECAY_L2, DECAY_DECOUPLED, DECAY_COUNT } decay_form;
static const char *const decay_suffix[DECAY_COUNT] = {"", "+l2", "+decoupled"};
/* Values in use: the book's weight_decay_lambda ranges 0 .. 0.1; AdamW's 0.01 */
#define L2_LAMBDA        1e-4f
#define DECOUPLED_LAMBDA 1e-2f

typedef struct {
  ob_algo algo;
  decay_form decay;
  const ob_variant *v;
  size_t n;
  int threads;
} step_case;

/* ---- Layer kernels --------------------------------------------------------
 * One runner per kernel of optbench_ops.def (the table below is expanded from
 * the list, so a kernel without its runner does not compile), each with the
 * arrays it streams: the roofline's shape. */
#define BN_FEATURES   256  /* batch norm: n = batch * 256 */
#define DROPOUT_RATIO 0.5f /* the book's default */
#define BENCH_SEED    0x6f70746265e0c0deull

typedef struct {
  const ob_variant *v;
  size_t n, batch;
  const float *x;    /* input (a[1]) */
  const float *dout; /* second input (a[2]) */
  float *y;          /* output (a[0]) */
  uint8_t *mask;
  float *gamma, *beta, *rmean, *rvar, *mean, *std, *dgamma, *dbeta; /* BN_FEATURES each */
} op_io;

/* One call; it = 0 is the untimed warm-up, later calls count up (a new
 * random stream per call: dropout's training forward draws a new mask). */
typedef ob_status (*op_fn)(const op_io *, uint64_t it);

static ob_status op_rand_uniform(const op_io *io, uint64_t it) {
  return ob_rand_uniform(io->v, BENCH_SEED, it, io->y, io->n);
}
static ob_status op_rand_normal(const op_io *io, uint64_t it) {
  return ob_rand_normal(io->v, BENCH_SEED, it, 1.0f, io->y, io->n);
}
static ob_status op_init(const op_io *io, uint64_t it) {
  return ob_init_weights(io->v, OB_INIT_HE, 0.0f, BN_FEATURES, BENCH_SEED, it, io->y, io->n);
}
static ob_status op_dropout_train(const op_io *io, uint64_t it) {
  return ob_dropout_forward_train(io->v, OB_DROPOUT_BOOK, DROPOUT_RATIO, BENCH_SEED, it, io->x,
                                  io->y, io->mask, io->n);
}
static ob_status op_dropout_test(const op_io *io, uint64_t it) {
  (void)it;
  return ob_dropout_forward_test(io->v, OB_DROPOUT_BOOK, DROPOUT_RATIO, io->x, io->y, io->n);
}
static ob_status op_dropout_backward(const op_io *io, uint64_t it) {
  if (it == 0) { /* the mask of a training forward */
    const ob_status st = op_dropout_train(io, 0);
    if (st != OB_OK)
      return st;
  }
  return ob_dropout_backward(io->v, OB_DROPOUT_BOOK, DROPOUT_RATIO, io->mask, io->dout, io->y,
                             io->n);
}
static ob_status op_batchnorm_train(const op_io *io, uint64_t it) {
  (void)it;
  return ob_batchnorm_forward_train(io->v, io->batch, BN_FEATURES, io->x, io->gamma, io->beta,
                                    OB_BATCHNORM_MOMENTUM, OB_BATCHNORM_EPS, io->rmean, io->rvar,
                                    io->y, io->mean, io->std);
}
static ob_status op_batchnorm_test(const op_io *io, uint64_t it) {
  (void)it;
  return ob_batchnorm_forward_test(io->v, io->batch, BN_FEATURES, io->x, io->gamma, io->beta,
                                   OB_BATCHNORM_EPS, io->rmean, io->rvar, io->y);
}
static ob_status op_batchnorm_backward(const op_io *io, uint64_t it) {
  if (it == 0) { /* mean and std of a training forward */
    const ob_status st = op_batchnorm_train(io, 0);
    if (st != OB_OK)
      return st;
  }
  return ob_batchnorm_backward(io->v, io->batch, BN_FEATURES, io->x, io->gamma, io->mean, io->std,
                               io->dout, io->y, io->dgamma, io->dbeta);
}

/* Each kernel's call and the arrays it streams (inputs, outputs, mask); the
 * number of passes follows from the library's traffic model. */
typedef struct {
  op_fn fn;
  int inputs, outputs;
  ob_mask_io mask;
  int batched; /* n = batch * BN_FEATURES */
  int draws;   /* one Philox number per element: roofline/arith/philox is a floor */
} op_def;

static const op_def def_rand_uniform = {op_rand_uniform, 0, 1, OB_MASK_NONE, 0, 1};
static const op_def def_rand_normal = {op_rand_normal, 0, 1, OB_MASK_NONE, 0, 1};
static const op_def def_init = {op_init, 0, 1, OB_MASK_NONE, 0, 1};
static const op_def def_dropout_train = {op_dropout_train, 1, 1, OB_MASK_WRITE, 0, 1};
static const op_def def_dropout_test = {op_dropout_test, 1, 1, OB_MASK_NONE, 0, 0};
static const op_def def_dropout_backward = {op_dropout_backward, 1, 1, OB_MASK_READ, 0, 0};
static const op_def def_batchnorm_train = {op_batchnorm_train, 1, 1, OB_MASK_NONE, 1, 0};
static const op_def def_batchnorm_test = {op_batchnorm_test, 1, 1, OB_MASK_NONE, 1, 0};
static const op_def def_batchnorm_backward = {op_batchnorm_backward, 2, 1, OB_MASK_NONE, 1, 0};

static const op_def *const op_defs[OB_OP_COUNT] = {
#define OB_OP(ID, name, ...) [OB_OP_##ID] = &def_##name,
#include <optbench_ops.def>
#undef OB_OP
};

/* The roofline shape of op: its arrays, and passes = bytes read over the
 * inputs' 4 bytes; -1 if the library's traffic model does not fit them. */
static int op_shape(ob_op op, ob_stream_shape *sh) {
  const op_def *d = op_defs[op];
  *sh = (ob_stream_shape){d->inputs, d->outputs, 1, d->mask};
  const double rd = ob_op_bytes_read(op), wr = ob_op_bytes_written(op);
  if (d->inputs > 0) {
    const double p = (rd - (d->mask == OB_MASK_READ ? 0.125 : 0.0)) / (4.0 * d->inputs);
    sh->passes = (int)(p + 0.5);
    if (sh->passes < 1 || p != (double)sh->passes)
      return -1;
  }
  if (ob_shape_bytes_read(sh) != rd || ob_shape_bytes_written(sh) != wr ||
      (d->mask != OB_MASK_NONE && d->inputs != 1))
    return -1;
  return 0;
}

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

typedef struct {
  int states;
  size_t n;
  int threads;
} mem_case;

typedef struct {
  int algo; /* -1: the Philox ceiling */
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
  ob_hparams hp = ob_defaults(c->algo);
  if (c->decay == DECAY_L2)
    hp.weight_decay = L2_LAMBDA;
  else if (c->decay == DECAY_DECOUPLED)
    hp.decoupled_decay = DECOUPLED_LAMBDA;
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

static void run_op(ob_bench_state *s, void *ctx) {
  const op_case *c = ctx;
  const op_def *d = op_defs[c->op];
  omp_set_num_threads(c->threads);
  float **a = ob_bench_buffers(c->n, c->threads);
  if (!a) {
    ob_bench_skip_with_error(s, "out of memory");
    return;
  }
  static float vec[8][BN_FEATURES];
  for (int k = 0; k < BN_FEATURES; k++) { /* gamma 1, beta 0, running var 1, std 1 */
    vec[0][k] = vec[3][k] = vec[5][k] = 1.0f;
    vec[1][k] = vec[2][k] = vec[4][k] = vec[6][k] = vec[7][k] = 0.0f;
  }
  const op_io io = {.v = c->v,
                    .n = c->n,
                    .batch = d->batched ? c->n / BN_FEATURES : 0,
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

/* ---- Options ----------------------------------------------------------- */

typedef struct {
  int algo[OB_ALGO_COUNT]; /* selected (all if none named) */
  int any_algo;
  int op[OB_OP_COUNT]; /* selected; with neither --algo nor --op, everything */
  int any_op;
  const ob_variant **variants; /* named, or NULL: all supported */
  size_t nvariants;
  size_t min_size, max_size;
  int threads[MAX_THREADS + 1]; /* threads[t]: t selected */
  int any_threads;
  int quick;
  size_t list[MAX_SIZES]; /* --sizes: replaces every size set */
  size_t nlist;
} options;

static void usage(const char *prog) {
  fprintf(stderr,
          "usage: %s [--algo A]... [--op O]... [--variant V]... [--min-size N] [--max-size N]\n"
          "          [--threads T,T,...] [--quick] [--benchmark_* flags]\n"
          "  --algo A       only algorithm A, with and without weight decay (repeatable): ",
          prog);
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    fprintf(stderr, "%s%s", a ? ", " : "", ob_algo_name((ob_algo)a));
  fprintf(stderr, "\n  --op O         only layer kernel O (repeatable; with --algo or --op, only\n"
                  "                 the named ones run): ");
  for (int k = 0; k < OB_OP_COUNT; k++)
    fprintf(stderr, "%s%s", k ? ", " : "", ob_op_name((ob_op)k));
  fprintf(stderr, "\n  --variant V    only variant V (repeatable): ");
  for (size_t i = 0; i < ob_variant_count(); i++)
    fprintf(stderr, "%s%s", i ? ", " : "", ob_variant_name(ob_variant_at(i)));
  fprintf(stderr,
          "\n  --min-size N, --max-size N   element counts (defaults: rules 2^8 .. 2^26, 1000,"
          " 100003,\n"
          "                 3000017; layer kernels 2^8, 2^10 .. 2^24, 100003; weight decay\n"
          "                 2^10, 2^16, 2^20, 2^24)\n"
          "  --sizes LIST   these element counts instead (comma-separated), for every kind\n"
          "  --omp-threshold N  +omp variants use threads from N elements on, for every\n"
          "                 kernel (ob_set_omp_threshold; to measure where threads pay)\n"
          "  --threads LIST thread counts for +omp variants and the roofline (default 1..nproc);\n"
          "                 single-thread variants run when the list has 1\n"
          "  --quick        sizes 2^10, 2^16, 2^22 (layer kernels 2^10, 2^22; weight decay 2^16,\n"
          "                 one thread); threads 1 and nproc\n"
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
    } else if ((v = opt_value(*argc, argv, &i, "--op", &m)), m) {
      const int k = v ? ob_op_from_name(v) : -1;
      if (k < 0) {
        fprintf(stderr, "%s: unknown layer kernel '%s'\n", argv[0], v ? v : "");
        return -1;
      }
      o->op[k] = 1;
      o->any_op = 1;
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
    } else if ((v = opt_value(*argc, argv, &i, "--omp-threshold", &m)), m) {
      size_t t;
      if (parse_size(v, &t)) {
        fprintf(stderr, "%s: bad --omp-threshold '%s'\n", argv[0], v ? v : "");
        return -1;
      }
      ob_set_omp_threshold(t); /* recorded in the context */
    } else if ((v = opt_value(*argc, argv, &i, "--sizes", &m)), m) {
      const char *q = v;
      o->nlist = 0;
      while (q && *q && o->nlist < MAX_SIZES) {
        char item[32];
        const size_t len = strcspn(q, ",");
        if (len == 0 || len >= sizeof item)
          break;
        memcpy(item, q, len);
        item[len] = '\0';
        if (parse_size(item, &o->list[o->nlist]))
          break;
        o->nlist++;
        q += len + (q[len] == ',');
      }
      if (!q || *q || o->nlist == 0) {
        fprintf(stderr, "%s: bad --sizes '%s' (comma-separated element counts)\n", argv[0],
                v ? v : "");
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

typedef enum { SIZES_RULES, SIZES_OPS, SIZES_DECAY } size_set;

/* The sizes of one set within --min-size .. --max-size, ascending. */
static size_t make_sizes(const options *o, size_set set, size_t *sizes) {
  size_t k = 0;
  if (o->nlist) {
    memcpy(sizes, o->list, o->nlist * sizeof *sizes);
    k = o->nlist;
  } else if (o->quick) {
    /* rules 2^10, 2^16, 2^22; layer kernels 2^10, 2^22; weight decay 2^16 */
    static const int quick_log2[] = {10, 16, 22};
    for (size_t i = 0; i < sizeof quick_log2 / sizeof *quick_log2; i++)
      if (set == SIZES_RULES || (set == SIZES_OPS) == (quick_log2[i] != 16))
        sizes[k++] = (size_t)1 << quick_log2[i];
  } else if (set == SIZES_RULES) {
    for (int e = 8; e <= 26; e++)
      sizes[k++] = (size_t)1 << e;
    /* odd sizes: tails in every vector width and in every thread's chunk */
    static const size_t odd[] = {1000, 100003, 3000017};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
      sizes[k++] = odd[i];
  } else if (set == SIZES_OPS) {
    /* every second power of two, L1 to DRAM (2^24: 64 MB and more), and an odd size */
    for (int e = 8; e <= 24; e += 2)
      sizes[k++] = (size_t)1 << e;
    sizes[k++] = 100003;
  } else {
    /* one size per level: L1, L2, L3, DRAM for every rule's working set */
    static const int decay_log2[] = {10, 16, 20, 24};
    for (size_t i = 0; i < sizeof decay_log2 / sizeof *decay_log2; i++)
      sizes[k++] = (size_t)1 << decay_log2[i];
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

/* Registers everything selected; the number registered, or -1 if out of
 * memory, -2 if a kernel's traffic model does not fit its runner. */
static long register_all(const options *o, int nproc) {
  size_t sizes[MAX_SIZES];
  int threads[MAX_THREADS];
  int nthreads = 0;
  for (int t = 1; t <= MAX_THREADS; t++)
    if (o->any_threads ? o->threads[t] : (o->quick ? (t == 1 || t == nproc) : (t <= nproc)))
      threads[nthreads++] = t;
  const int everything = !o->any_algo && !o->any_op;

  char name[256];
  long count = 0;
  int states_needed[3] = {0, 0, 0}; /* by state count: the mem roofline's shapes */
  /* form -> algo -> size -> threads -> variant: consecutive runs share their
   * buffers; the decay forms at their own, fewer sizes */
  for (int form = 0; form < DECAY_COUNT; form++) {
    const size_t nsizes = make_sizes(o, form == DECAY_NONE ? SIZES_RULES : SIZES_DECAY, sizes);
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      if (!everything && !o->algo[a])
        continue;
      const int st = ob_state_count((ob_algo)a);
      if (st >= 0 && st < 3 && nsizes)
        states_needed[st] = 1;
      for (size_t si = 0; si < nsizes; si++)
        for (int ti = 0; ti < nthreads; ti++)
          for (size_t vi = 0; vi < ob_variant_count(); vi++) {
            const ob_variant *v = ob_variant_at(vi);
            /* +omp from 2 threads on: on one it runs its ISA's code (with weight
             * decay on nproc threads only, and not at all with --quick) */
            if (!variant_selected(o, v) || ob_variant_is_parallel(v) != (threads[ti] > 1) ||
                (form != DECAY_NONE && ob_variant_is_parallel(v) &&
                 (threads[ti] != threads[nthreads - 1] || o->quick)))
              continue;
            step_case *c = new_ctx(sizeof *c);
            if (!c)
              return -1;
            *c = (step_case){(ob_algo)a, (decay_form)form, v, sizes[si], threads[ti]};
            snprintf(name, sizeof name, "step/%s%s/%s/n:%zu/threads:%d", ob_algo_name((ob_algo)a),
                     decay_suffix[form], ob_variant_name(v), sizes[si], threads[ti]);
            if (reg(name, run_step, c))
              return -1;
            count++;
          }
    }
  }
  /* the rules' rooflines at every size any of their forms ran */
  size_t rule_sizes[2 * MAX_SIZES];
  size_t nrule = make_sizes(o, SIZES_RULES, rule_sizes);
  nrule += make_sizes(o, SIZES_DECAY, rule_sizes + nrule);
  qsort(rule_sizes, nrule, sizeof *rule_sizes, cmp_size);
  for (int st = 0; st < 3; st++) {
    if (!states_needed[st])
      continue;
    for (size_t si = 0; si < nrule; si++) {
      if (si && rule_sizes[si] == rule_sizes[si - 1])
        continue;
      for (int ti = 0; ti < nthreads; ti++) {
        mem_case *c = new_ctx(sizeof *c);
        if (!c)
          return -1;
        *c = (mem_case){st, rule_sizes[si], threads[ti]};
        snprintf(name, sizeof name, "roofline/mem/r%dw%d/n:%zu/threads:%d",
                 (int)ob_traffic_reads(st), (int)ob_traffic_writes(st), rule_sizes[si],
                 threads[ti]);
        if (reg(name, run_mem, c))
          return -1;
        count++;
      }
    }
  }
  const ob_variant *avx512 = ob_variant_find("avx512");
  if (avx512 && ob_variant_supported(avx512))
    for (int a = 0; a < OB_ALGO_COUNT; a++) {
      if ((!everything && !o->algo[a]) || !ob_arith_has_ceiling((ob_algo)a))
        continue;
      for (int ti = 0; ti < nthreads; ti++) {
        arith_case *c = new_ctx(sizeof *c);
        if (!c)
          return -1;
        *c = (arith_case){a, threads[ti]};
        snprintf(name, sizeof name, "roofline/arith/%s/threads:%d", ob_algo_name((ob_algo)a),
                 threads[ti]);
        if (reg(name, run_arith, c))
          return -1;
        count++;
      }
    }

  /* The layer kernels: op -> size -> threads -> variant, then their
   * rooflines, one per distinct shape and size. */
  const size_t nsizes = make_sizes(o, SIZES_OPS, sizes);
  ob_stream_shape shapes[OB_OP_COUNT];
  size_t op_n[OB_OP_COUNT][MAX_SIZES]; /* the element count each size gives the op */
  int nshapes = 0;
  for (int k = 0; k < OB_OP_COUNT; k++) {
    if (!everything && !o->op[k])
      continue;
    ob_stream_shape sh;
    if (op_shape((ob_op)k, &sh)) {
      fprintf(stderr,
              "optbench_bench: %s: the traffic model (%g B read, %g B written per element) does "
              "not fit the runner's %d input(s), %d output(s)%s\n",
              ob_op_name((ob_op)k), ob_op_bytes_read((ob_op)k), ob_op_bytes_written((ob_op)k),
              op_defs[k]->inputs, op_defs[k]->outputs, op_defs[k]->mask ? " and a mask" : "");
      return -2;
    }
    int known = 0;
    for (int j = 0; j < nshapes; j++)
      known |= memcmp(&shapes[j], &sh, sizeof sh) == 0;
    if (!known)
      shapes[nshapes++] = sh;
    for (size_t si = 0; si < nsizes; si++) {
      size_t n = sizes[si];
      if (op_defs[k]->batched) /* whole rows of BN_FEATURES */
        n = (n < BN_FEATURES ? 1 : n / BN_FEATURES) * BN_FEATURES;
      op_n[k][si] = n;
      for (int ti = 0; ti < nthreads; ti++)
        for (size_t vi = 0; vi < ob_variant_count(); vi++) {
          const ob_variant *v = ob_variant_at(vi);
          /* a +omp variant on one thread runs its ISA's code: not timed twice */
          if (!variant_selected(o, v) || ob_variant_is_parallel(v) != (threads[ti] > 1))
            continue;
          op_case *c = new_ctx(sizeof *c);
          if (!c)
            return -1;
          *c = (op_case){(ob_op)k, v, n, threads[ti]};
          snprintf(name, sizeof name, "op/%s/%s/n:%zu/threads:%d", ob_op_name((ob_op)k),
                   ob_variant_name(v), n, threads[ti]);
          if (reg(name, run_op, c))
            return -1;
          count++;
        }
    }
  }
  int draws = 0;
  for (int k = 0; k < OB_OP_COUNT; k++)
    draws |= (everything || o->op[k]) && op_defs[k]->draws && nsizes;
  if (draws && avx512 && ob_variant_supported(avx512))
    for (int ti = 0; ti < nthreads; ti++) {
      arith_case *c = new_ctx(sizeof *c);
      if (!c)
        return -1;
      *c = (arith_case){-1, threads[ti]};
      snprintf(name, sizeof name, "roofline/arith/philox/threads:%d", threads[ti]);
      if (reg(name, run_arith, c))
        return -1;
      count++;
    }
  for (int j = 0; j < nshapes; j++) {
    size_t done[OB_OP_COUNT * MAX_SIZES];
    size_t ndone = 0;
    for (int k = 0; k < OB_OP_COUNT; k++) {
      ob_stream_shape sh;
      if ((!everything && !o->op[k]) || op_shape((ob_op)k, &sh) ||
          memcmp(&sh, &shapes[j], sizeof sh) != 0)
        continue;
      for (size_t si = 0; si < nsizes; si++) {
        int seen = 0;
        for (size_t q = 0; q < ndone; q++)
          seen |= done[q] == op_n[k][si];
        if (seen)
          continue;
        done[ndone++] = op_n[k][si];
        char shape[64];
        ob_shape_name(&shapes[j], shape, sizeof shape);
        for (int ti = 0; ti < nthreads; ti++) {
          shape_case *c = new_ctx(sizeof *c);
          if (!c)
            return -1;
          *c = (shape_case){shapes[j], op_n[k][si], threads[ti]};
          snprintf(name, sizeof name, "roofline/stream/%s/n:%zu/threads:%d", shape, op_n[k][si],
                   threads[ti]);
          if (reg(name, run_shape, c))
            return -1;
          count++;
        }
      }
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
                       "rules: bytes/element = 4 * ((2 + states) reads + (1 + states) writes), "
                       "with or without weight decay; layer kernels: ob_op_bytes_read + "
                       "ob_op_bytes_written (every pass counted, a mask bit 1/8 byte)");
  /* per layer kernel, as JSON: its traffic, working set, roofline shape and
   * OpenMP threshold, for plots/extract.py */
  enum { OPS_JSON_CAP = 16384 };
  char *ops = malloc(OPS_JSON_CAP);
  if (!ops)
    return;
  len = (size_t)snprintf(ops, OPS_JSON_CAP, "{");
  for (int k = 0; k < OB_OP_COUNT && len < OPS_JSON_CAP; k++) {
    ob_stream_shape sh;
    char shape[64] = "";
    if (op_shape((ob_op)k, &sh) == 0)
      ob_shape_name(&sh, shape, sizeof shape);
    len += (size_t)snprintf(
        ops + len, OPS_JSON_CAP - len,
        "%s\"%s\": {\"family\": \"%s\", \"bytes_read\": %g, \"bytes_written\": %g, "
        "\"footprint\": %g, \"roofline\": \"%s\", \"arith\": \"%s\", "
        "\"omp_threshold\": %zu, \"batch_features\": %d}",
        k ? ", " : "", ob_op_name((ob_op)k), ob_op_family((ob_op)k), ob_op_bytes_read((ob_op)k),
        ob_op_bytes_written((ob_op)k), shape[0] ? ob_shape_footprint(&sh) : 0.0, shape,
        op_defs[k]->draws ? "philox" : "", ob_op_omp_threshold((ob_op)k),
        op_defs[k]->batched ? BN_FEATURES : 0);
  }
  if (len < OPS_JSON_CAP)
    len += (size_t)snprintf(ops + len, OPS_JSON_CAP - len, "}");
  if (len < OPS_JSON_CAP) /* complete JSON only: a cut one would break the report */
    ob_bench_add_context("optbench_ops", ops);
  else
    fprintf(stderr,
            "optbench_bench: the layer-kernel context needs more than %d bytes; "
            "left out of the results\n",
            OPS_JSON_CAP);
  free(ops);
  snprintf(buf, sizeof buf, "weight_decay=%g (+l2), decoupled_decay=%g (+decoupled)",
           (double)L2_LAMBDA, (double)DECOUPLED_LAMBDA);
  ob_bench_add_context("optbench_weight_decay", buf);
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
    if (registered != -2)
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
