/* golden_gen - shared types of the golden-vector generator.
 *
 * The generator is the independent reference of optbench: its formulas are
 * its own and it links nothing from impl/. What it knows about each rule
 * besides its formula - the name, the convention, the state arrays by name
 * and domain with the hyperparameter that switches each on or starts it, the
 * hyperparameters it reads and their defaults, whether it reads t, the
 * book's figure 6-8 rate - it reads from the one list,
 * impl/include/optbench_algos.def (rules.c).
 */
#ifndef GG_GEN_H
#define GG_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "outfile.h"

typedef enum {
#define OB_ALGO(ID, ...) GG_##ID,
#include "optbench_algos.def"
#undef OB_ALGO
  GG_ALGO_COUNT
} gg_algo;

/* float32 hyperparameters, a field for each row of the list of
 * hyperparameters (optbench_hparams.def), by its name (the files' name).
 * weight_decay (L2: the rule sees g + weight_decay*p) and decoupled_decay
 * (p -= lr*decoupled_decay*p first) are read by every rule; each applies iff
 * it is nonzero. */
typedef struct {
#define OB_HPARAM(ID, field, ...) float field;
#include "optbench_hparams.def"
#undef OB_HPARAM
} gg_hp;

/* The index of each field in gg_hp_names, gg_hp_get and the `uses` bits. */
enum {
#define OB_HPARAM(ID, field, ...) GG_HPI_##field,
#include "optbench_hparams.def"
#undef OB_HPARAM
  GG_HP_COUNT
};
extern const char *const gg_hp_names[GG_HP_COUNT];
float gg_hp_get(const gg_hp *hp, int k);

typedef enum { GG_SIGNED, GG_NONNEG } gg_state_domain;

/* The list's OB_MAX_STATES: at most p and three state arrays per step. */
enum { GG_MAX_STATES = 3 };

/* The form a rule's row follows (the list's `convention` column): the
 * textbook's or torch.optim's documented algorithm. */
typedef enum { GG_BOOK, GG_TORCH } gg_convention;

/* The data a rule's cases draw (cases.c), by what its state is. */
typedef enum {
  GG_SHAPE_PLAIN,    /* no state: SGD */
  GG_SHAPE_VELOCITY, /* a signed velocity added to p: Momentum, Nesterov */
  GG_SHAPE_SQUARES,  /* the step divides by the root of a sum of squares (AdaGrad, RMSProp:
                        p -= lr*g/(sqrt(h) + eps)), with one state or more */
  GG_SHAPE_MOMENTS,  /* moments m and v, p -= lr_t*m/(sqrt(v) + eps): Adam */
  GG_SHAPE_COUNT
} gg_shape;

/* An edge of a rule's domain that one value moves across (FORMAT.md,
 * "Domains"): the value on the inside and on the outside, and the notes of
 * the two cases (NULL: the shape's common note). in == 0: no such edge. */
typedef struct {
  float in, out;
  const char *note_in, *note_out;
} gg_edge;

/* The generator's own knowledge of a rule besides its formula, a row per
 * rule of the list (rules.c): the shape of its data, the everyday range of
 * its states, where its limits are. */
typedef struct {
  const char *name;
  gg_shape shape;
  signed char typical[GG_MAX_STATES][2]; /* each state's everyday binary exponents [lo, hi] */
  gg_edge lrg;        /* |g| where lr*g (Nesterov: (1+momentum)*lr*g) overflows float32 where the
                         step does not (plain and velocity shapes) */
  gg_edge state;      /* |g| where the new state overflows float32 (squares and moments) */
  gg_edge coeff_lr;   /* lr where a derived coefficient of lr overflows (Nesterov) */
  double fresh_limit; /* the plain float32 evaluation's largest error, scale-ULPs, each step
                         from the file's inputs; past it the case is not well-posed */
  double own_limit;   /* the same per step of a trajectory on its own state */
} gg_rule_row;

typedef struct {
  const char *name;                            /* file name, `family` and `op` lines */
  gg_convention convention;                    /* BOOK or TORCH */
  int states;                                  /* 0 .. GG_MAX_STATES state arrays */
  const char *state[GG_MAX_STATES];            /* their names (the `in`/`out` records) */
  gg_state_domain state_domain[GG_MAX_STATES]; /* the values a valid state takes */
  int state_if[GG_MAX_STATES];   /* OB_STATE_IF: the GG_HPI_ field that switches the state on
                                    (the step reads and writes it only where it is nonzero), or -1 */
  int state_init[GG_MAX_STATES]; /* OB_STATE_INIT: the GG_HPI_ field the state starts at instead
                                    of 0, or -1 */
  unsigned uses;                 /* bit GG_HPI_x: reads hyperparameter x */
  int uses_t;                    /* reads the step number t (bias correction) */
  gg_hp defaults;                /* the book's defaults, as float32; 0 where unused */
  float book_lr;                 /* figure 6-8's learning rate ... */
  const char *book_source;       /* ... and where it comes from */
  const gg_rule_row *row;        /* the generator's own row */
} gg_algo_info;

/* Filled from the list and the rows by gg_rules_init(), which main runs
 * first: it stops, naming the rule, where a rule of the list has no row or a
 * row no rule. */
extern gg_algo_info gg_algos[GG_ALGO_COUNT];
void gg_rules_init(void);

/* Does a step of `a` with these hyperparameters read and write state k
 * (its OB_STATE_IF field nonzero, or a state without one)? A case lists
 * only those (FORMAT.md). */
int gg_state_used(gg_algo a, const gg_hp *hp, int k);

/* Keeps only the hyperparameters `a` reads (its own and those every rule
 * reads, the weight decays); the others become +0. */
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
