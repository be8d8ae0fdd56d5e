/* fig - the book's figures 6-10 to 6-24 on optbench's kernels: what the
 * experiments of optbench_figures share (options, seeds, the data set,
 * output files, parallel runs). */
#ifndef OB_FIG_H
#define OB_FIG_H

#include <stddef.h>
#include <stdint.h>

#include "conv.h"
#include "idx.h"
#include "optbench.h"

#define FIG_DEFAULT_SEED UINT64_C(0x6f70746265f16000)

typedef struct {
  const char *out;           /* output folder */
  const char *data;          /* the Fashion-MNIST folder */
  uint64_t seed;             /* every seed of a run derives from this one */
  int quick;                 /* a tiny version of each experiment (the test) */
  const ob_variant *variant; /* NULL: the default */
} fig_opts;

/* What a seed is for, per figure. */
enum {
  FIG_SEED_INPUT = 1, /* figures 6-10..6-14: the input data */
  FIG_SEED_WEIGHTS,   /* ob_init_weights */
  FIG_SEED_BATCHES,   /* mini-batch indices */
  FIG_SEED_DROPOUT,   /* dropout masks */
  FIG_SEED_SEARCH,    /* figure 6-24: the trials' hyperparameters */
  FIG_SEED_SHUFFLE    /* figure 6-24: the training/validation split */
};

/* A seed of its own for (figure, purpose): splitmix64 of the base seed,
 * the figure number and the purpose. */
uint64_t fig_seed(const fig_opts *o, unsigned figure, unsigned purpose);

/* ---- Data -------------------------------------------------------------- */

typedef struct {
  idx_set train, test;
} fig_data;

/* Reads the training and test sets of o->data. 0; 2 when the data set is
 * not installed (the message says which package); 1 on another failure. */
int fig_data_load(const fig_opts *o, fig_data *d, const char *who);
void fig_data_free(fig_data *d);

/* ---- Output ------------------------------------------------------------ */

/* conv_out (atomic) into o->out; 0, or -1 with a message on stderr */
int fig_open(conv_out *f, const fig_opts *o, const char *name, const char *who);
int fig_commit(conv_out *f, const char *who);

/* ---- Runs in parallel ---------------------------------------------------- */

/* Runs fn(ctx, i) for i in 0..n-1 on OpenMP threads (dynamic schedule),
 * OpenBLAS on one thread meanwhile (a batch of 100 is too small for its
 * threads to pay). Returns the number of runs that returned non-zero. */
int fig_parallel(size_t n, int (*fn)(void *ctx, size_t i), void *ctx);

/* ---- The experiments: 0, 1 (a failure) or 2 (bad usage, no data) ------- */

int fig_activations(const fig_opts *o);  /* figures 6-10 .. 6-14 */
int fig_init(const fig_opts *o);         /* figure 6-15 */
int fig_batchnorm(const fig_opts *o);    /* figure 6-18 */
int fig_weight_decay(const fig_opts *o); /* figures 6-20, 6-21 */
int fig_dropout(const fig_opts *o);      /* figures 6-22, 6-23 */
int fig_hyper(const fig_opts *o);        /* figure 6-24 */

#endif /* OB_FIG_H */
