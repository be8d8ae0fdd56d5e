/* optbench_bench: the declarations its files share. speed_main.c runs it;
 * bench_options.c reads the command line, bench_register.c holds what every
 * family's registration needs (sizes, threads, variants, contexts),
 * bench_rules.c and bench_layers.c register and time the two families (the
 * update rules, the layer kernels) with their roofline ceilings,
 * bench_configs.c holds the rules' option configurations (configs.def),
 * bench_ops.c calls each layer kernel, bench_context.c writes the JSON
 * context the report reads. */
#ifndef OB_BENCH_PARTS_H
#define OB_BENCH_PARTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <optbench.h>

#include "plugin_load.h"
#include "roofline.h"
#include "shim/ob_bench.h"

#define BENCH_MAX_THREADS  1024
#define BENCH_MAX_SIZES    64
#define BENCH_MAX_VARIANTS 64 /* more than the library's list will ever hold */
#define BENCH_MAX_N        ((size_t)1 << 40)

/* ---- Options (bench_options.c) ------------------------------------------ */

typedef struct {
  int algo[OB_ALGO_COUNT]; /* selected (all if none named) */
  int any_algo;
  int op[OB_OP_COUNT]; /* selected; with neither --algo nor --op, everything */
  int any_op;
  const ob_variant *variants[BENCH_MAX_VARIANTS]; /* named, or none: all supported */
  size_t nvariants;
  size_t min_size, max_size;
  int threads[BENCH_MAX_THREADS + 1]; /* threads[t]: t selected */
  int any_threads;
  int quick;
  size_t omp_threshold;         /* 0: the library's own */
  size_t list[BENCH_MAX_SIZES]; /* --sizes: replaces every size set */
  size_t nlist;
  const ob_plugin *kernel; /* --kernel: an outside kernel timed beside the variants, or NULL */
} bench_options;

/* Unless the command line says otherwise: 3 repetitions of 0.02 s each,
 * reported as their median and spread (a single sample on this shared VM
 * moved by up to 40 %), which keeps the full sweep at ~7 min on 2 cores;
 * --quick takes one 0.02 s sample. */
#define BENCH_DEFAULT_MIN_TIME    "0.02"
#define BENCH_QUICK_MIN_TIME      "0.02"
#define BENCH_DEFAULT_REPETITIONS "3"

/* Takes our options out of argv (compacting it; Google Benchmark's
 * --benchmark_* flags stay). OB_OPTS_OK, OB_OPTS_HELP, or an error with its
 * message in err (opts.h). */
int bench_parse_options(int *argc, char **argv, bench_options *o, char *err, size_t errlen);

/* The usage message, to f. */
void bench_usage(FILE *f, const char *prog);

/* ---- Registration (bench_register.c) ------------------------------------ */

typedef enum { SIZES_RULES, SIZES_OPS, SIZES_DECAY } bench_size_set;

/* A zeroed context of size bytes, freed by bench_free_contexts; NULL if out
 * of memory. */
void *bench_new_context(size_t size);
void bench_free_contexts(void);

/* The sizes of one set within --min-size .. --max-size, ascending. */
size_t bench_sizes(const bench_options *o, bench_size_set set, size_t *sizes);
int bench_cmp_size(const void *x, const void *y);

/* Whether the options select algorithm a, layer kernel k, variant v. */
int bench_wants_algo(const bench_options *o, ob_algo a);
int bench_wants_op(const bench_options *o, ob_op k);
int bench_wants_variant(const bench_options *o, const ob_variant *v);

/* Registers one benchmark; 0, or -1 if out of memory. */
int bench_register(const char *name, ob_bench_fn fn, void *ctx);

/* Registers everything selected; the number registered, or -1 if out of
 * memory, -2 if a kernel's traffic model does not fit its runner or a
 * configuration of configs.def is refused (said on stderr). */
long bench_register_all(const bench_options *o, int nproc);

/* ---- The two families ----------------------------------------------------- */

/* bench_rules.c: step/..., roofline/mem/..., roofline/arith/<algo>/... */
long bench_register_rules(const bench_options *o, const int *threads, int nthreads);
/* roofline/arith/...: the AVX-512 ceiling of rule `algo` (its OB_COST), or
 * of Philox (algo -1); 0 or -1. */
int bench_register_arith(const char *name, int algo, int threads);

/* bench_configs.c: the option configurations of configs.def, timed as
 * step/<algo>+<label>/... beside the rule's defaults. */
typedef struct {
  ob_algo algo;
  const char *label;    /* the name's suffix */
  const char *settings; /* "field=value ...": over the rule's defaults */
} bench_config;
extern const bench_config bench_configs[];
extern const size_t bench_config_count;
/* Sets c's fields in *hp and checks the result in the rule's domain: 0, or
 * -1 with a message in err naming the row. */
int bench_config_apply(const bench_config *c, ob_hparams *hp, char *err, size_t errlen);

/* Values in use: the book's weight_decay_lambda ranges 0 .. 0.1; AdamW's 0.01 */
#define BENCH_L2_LAMBDA        1e-4f
#define BENCH_DECOUPLED_LAMBDA 1e-2f

/* bench_layers.c: op/..., roofline/arith/philox/..., roofline/stream/... */
long bench_register_layers(const bench_options *o, const int *threads, int nthreads);

/* ---- Layer kernels (bench_ops.c) ------------------------------------------ */

#define BENCH_BN_FEATURES 256 /* batch norm: n = batch * 256 */

/* The arrays of one layer-kernel call. */
typedef struct {
  const ob_variant *v;
  size_t n, batch;
  const float *x;    /* input (a[1]) */
  const float *dout; /* second input (a[2]) */
  float *y;          /* output (a[0]) */
  uint8_t *mask;
  float *gamma, *beta, *rmean, *rvar, *mean, *std, *dgamma, *dbeta; /* BN_FEATURES each */
} bench_op_io;

/* One call; it = 0 is the untimed warm-up, later calls count up (a new
 * random stream per call: dropout's training forward draws a new mask). */
typedef ob_status (*bench_op_fn)(const bench_op_io *, uint64_t it);

/* Each kernel's call and the arrays it streams (inputs, outputs, mask); the
 * number of passes follows from the library's traffic model. */
typedef struct {
  bench_op_fn fn;
  int inputs, outputs;
  ob_mask_io mask;
  int batched; /* n = batch * BENCH_BN_FEATURES */
  int draws;   /* one Philox number per element: roofline/arith/philox is a floor */
} bench_op_def;

/* Indexed by ob_op, expanded from optbench_ops.def. */
extern const bench_op_def *const bench_op_defs[OB_OP_COUNT];

/* The roofline shape of op: its arrays, and passes = bytes read over the
 * inputs' 4 bytes; -1 if the library's traffic model does not fit them. */
int bench_op_shape(ob_op op, ob_stream_shape *sh);

/* ---- Context (bench_context.c) -------------------------------------------- */

/* The machine, the build and the models of the run, for the report. */
void bench_add_context(int nproc);

#endif /* OB_BENCH_PARTS_H */
