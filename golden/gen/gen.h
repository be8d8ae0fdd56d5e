/* golden_gen - shared types of the golden-vector generator.
 *
 * The generator is the independent reference of optbench: it includes nothing
 * from impl/. Its list of algorithms mirrors golden/FORMAT.md, the contract it
 * writes, not the library's optbench_algos.def.
 */
#ifndef GG_GEN_H
#define GG_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "outfile.h"

typedef enum {
  GG_SGD,
  GG_MOMENTUM,
  GG_NESTEROV,
  GG_ADAGRAD,
  GG_RMSPROP,
  GG_ADAM,
  GG_ALGO_COUNT
} gg_algo;

/* float32 hyperparameters, in the order of the `hp` line. weight_decay (L2:
 * the rule sees g + weight_decay*p) and decoupled_decay (p -= lr*decoupled_decay*p
 * first) are read by every rule; each applies iff it is nonzero. */
typedef struct {
  float lr, momentum, decay_rate, beta1, beta2, eps, weight_decay, decoupled_decay;
} gg_hp;

/* Which hyperparameters a rule reads; the others are written as 0x0p+0. */
enum {
  GG_HP_LR = 1 << 0,
  GG_HP_MOMENTUM = 1 << 1,
  GG_HP_DECAY = 1 << 2,
  GG_HP_BETA1 = 1 << 3,
  GG_HP_BETA2 = 1 << 4,
  GG_HP_EPS = 1 << 5
};

typedef struct {
  const char *name; /* file name and `algo` line */
  int states;       /* 0, 1 or 2 state arrays */
  unsigned uses;    /* GG_HP_* */
  gg_hp defaults;   /* the book's defaults, as float32 */
} gg_algo_info;

extern const gg_algo_info gg_algos[GG_ALGO_COUNT];

/* Keeps only the hyperparameters `a` reads (the two decays always); the
 * others become +0. */
gg_hp gg_hp_mask(gg_algo a, gg_hp hp);

/* One output element of the file: `<exact> <rounded> <scale>`. */
typedef struct {
  double exact;  /* exact result rounded to double */
  float rounded; /* exact result correctly rounded to float32 */
  double scale;  /* error scale (FORMAT.md), rounded to double */
} gg_elem;

/* Prints "golden_gen: <what>" to stderr, removes the file being written and
 * exits 1. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
_Noreturn void
gg_die(const char *fmt, ...);

/* The temporary file gg_die removes (NULL: none). */
void gg_set_cleanup_path(const char *path);

void *gg_alloc(size_t count, size_t size); /* zeroed; dies when out of memory */

/* A vector file written atomically (tools/outfile.h): gg_open_out creates a
 * unique temporary file beside DIR/NAME.txt (buffered; gg_die removes it),
 * gg_commit closes it, renames it over DIR/NAME.txt (only a regular file or
 * nothing) and says so with the case count. Dies on any error. */
typedef ob_outfile gg_out;
void gg_open_out(gg_out *o, const char *dir, const char *name);
void gg_commit(gg_out *o, size_t cases);

#endif
