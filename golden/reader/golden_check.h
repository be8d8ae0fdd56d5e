/* golden_check - runs golden cases (golden_file.h) on a library variant and
 * measures the error metric of golden/FORMAT.md: one checker for the rules
 * and the layer kernels.
 *
 * Each case goes to its op's adapter (golden_adapters.c: a table expanded
 * from optbench_algos.def and optbench_ops.def), which asks for the step's
 * records by name and calls the public API. Every array the library sees is
 * a copy in a buffer the checker owns, `offset` elements past a 64-byte
 * boundary and surrounded by guard words: a write outside an array, a change
 * to an input, an output element left unwritten, a record the adapter did
 * not use or one it asked for and the case lacks all fail the case. A
 * trajectory runs fresh (each step from the file's inputs) and, when asked,
 * on its own state (each step from the variant's own outputs).
 *
 * An outside kernel (optbench.h, "Outside kernels") runs the rules' cases
 * through the same code with gc_options.kernel or kernel_states set, judged
 * by the bounds of the variant given, its arrays between PROT_NONE pages
 * (guard_pages, golden_guard.h); tools/plugin_run.c runs it in a child
 * process.
 */
#ifndef GOLDEN_CHECK_H
#define GOLDEN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "golden_file.h"
#include "optbench.h"

#define GC_MAX_OFFSET 15

/* float32 spacing at magnitude a: 2^(floor(log2 a) - 23) for a >= 2^-126,
 * else 2^-149. */
double gc_ulp(double a);

/* The error of one output element in scale-ULPs (FORMAT.md, "Error
 * metric"): 0 for a correct special value, INFINITY for a wrong one or a
 * non-finite result where a finite one is expected, else |got - exact| /
 * ulp(max(|exact|, scale)). strict_zero: where exact is a zero, a zero
 * result must have its sign (a rule's fresh step; a kernel's output whose
 * scale is 0). */
double gc_scale_ulps(float got, double exact, float rounded, double scale, int strict_zero);

/* Where a run is: the step about to be called and its mode, for a parent
 * process watching an outside kernel run in a child (tools/plugin_run.c). */
typedef struct {
  volatile size_t step; /* 1-based */
  volatile int own;     /* own-state mode */
} gc_progress;

typedef struct {
  size_t offset; /* element offset of every array from a 64-byte boundary, 0..15
                    (with guard_pages: from the guard page after its end) */
  double bound;  /* the bound in scale-ULPs; < 0: the library's for the op and step */
  int own_state; /* also run trajectories on their own state */
  /* An outside kernel (optbench.h, "Outside kernels"): rules run through it
   * instead of the library, judged by the variant's bounds; both NULL: the
   * library. The pair form cannot take a third state: a step that uses one
   * fails without a call. */
  ob_step_fn kernel;               /* the pair form */
  ob_step_states_fn kernel_states; /* the states form (set one of the two) */
  const char *name;                /* the variant column of reports; NULL: the variant's name */
  int guard_pages;                 /* each array ends `offset` elements before a PROT_NONE page */
  gc_progress *progress;           /* NULL, or where each step is noted before its call */
} gc_options;

gc_options gc_default_options(void); /* offset 0, the library's bound, own-state on, ob_step */

typedef struct {
  size_t cases_run, cases_passed;
  size_t elements;        /* element and mask-byte comparisons, both modes */
  size_t failed_elements; /* over the bound, special-value or mask mismatches */
  size_t other_failures;  /* refused calls, guards, missing or unused records */
  size_t finite;          /* fresh comparisons with a finite rounded value */
  double sum_err;         /* over those */
  double max_err;         /* fresh, steps without an allowance (weight decay) */
  double max_err_decay;   /* fresh, steps whose bound has the weight-decay allowance */
  size_t own_elements;
  double own_max;                /* own state: max over steps j of err/j, comparable to the bound */
  double bound;                  /* the op's bound (without allowances); < 0 unknown */
  char first[1024], worst[1024]; /* the first and the worst failure ("" if none) */
  double worst_severity;
} gc_stats;

void gc_stats_init(gc_stats *st);
double gc_mean_err(const gc_stats *st); /* sum_err / finite, 0 if none */
void gc_stats_merge(gc_stats *a, const gc_stats *b);

/* The op's bound for variant v (ob_error_bound or ob_op_error_bound). */
double gc_op_bound(gd_op op, const ob_variant *v);

/* Runs one case; returns 1 passed, 0 failed, -1 out of memory. */
int gc_run_case(const gd_file *f, const gd_case *c, const ob_variant *v, const gc_options *opt,
                gc_stats *st);
/* A failure of case c found outside the checker (an outside kernel that
 * crashed or hung at `step`, own-state or fresh): counts the case as run and
 * failed and reports `what` as the checker reports its own failures. */
void gc_case_failure(const gd_file *f, const gd_case *c, const ob_variant *v, const gc_options *opt,
                     size_t step, int own, gc_stats *st, const char *what);
/* Every case of f whose op is `op`: the number of failed cases or -1. */
long gc_run_op(const gd_file *f, gd_op op, const ob_variant *v, const gc_options *opt,
               gc_stats *st);

/* ---- what adapters use ---------------------------------------------------- */

typedef struct gc_run gc_run;

/* A parameter of the step. A missing one (or one of another kind) fails the
 * case; the value returned then is 0 or "". */
uint64_t gc_int(gc_run *R, const char *name);
float gc_float(gc_run *R, const char *name);
/* A float parameter whose absence means 0 (a rule's hyperparameters). */
float gc_float_or_0(gc_run *R, const char *name);
const char *gc_word(gc_run *R, const char *name);
/* The index k < count with names(k) equal to word `name`; fails the case
 * (returning 0) if there is none. */
int gc_word_index(gc_run *R, const char *name, const char *(*names)(int k), int count);

/* The length of input `name` (0 and a failure if missing). */
size_t gc_in_count(gc_run *R, const char *name);
/* Input `name` (the step's, or carried: FORMAT.md, "Trajectories"), which
 * must have n elements, in a guarded copy. These accessors check the record
 * first and allocate nothing for a missing or mismatched one (the case
 * fails; they return NULL, which the library refuses without touching
 * memory). */
const float *gc_in(gc_run *R, const char *name, size_t n);
/* Output `name`, n elements: a guarded buffer the library is to fill. */
float *gc_out(gc_run *R, const char *name, size_t n);
/* An array updated in place: input and output of the same name, n each. */
float *gc_inout(gc_run *R, const char *name, size_t n);
/* A state the step's hyperparameters leave unused (ob_state_used): NULL if
 * the step has no `out` of it. If it has one, the input (the step's or
 * carried) and the output must both have n elements and be equal (the
 * rule leaves the state as it is); then fresh, a guarded copy that the call
 * must not change, and on its own state NULL, the value carried on as it
 * is, so that both "NULL is accepted" and "an array given is left alone"
 * are checked. */
float *gc_unused(gc_run *R, const char *name, size_t n);
const uint8_t *gc_mask_in(gc_run *R, const char *name, size_t bits);
uint8_t *gc_mask_out(gc_run *R, const char *name, size_t bits);

/* a * b for an array length from the case's int parameters; an overflow
 * fails the case and gives SIZE_MAX, a length no record has. */
size_t gc_mul(gc_run *R, size_t a, size_t b, const char *what);

const ob_variant *gc_variant(gc_run *R);
ob_step_fn gc_kernel(gc_run *R);               /* the outside kernel's pair form, or NULL */
ob_step_states_fn gc_kernel_states(gc_run *R); /* its states form, or NULL */
int gc_own_state(gc_run *R);                   /* 1 in the own-state run of a trajectory */
/* The bound of this step when it is not the op's (a rule with weight decay:
 * ob_step_error_bound); `allowance` nonzero counts its errors as max_err_decay. */
void gc_set_step_bound(gc_run *R, double bound, int allowance);
/* A failure the adapter found itself. */
void gc_fail(gc_run *R, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The same for a step the adapter cannot call at all: the step fails with
 * this message alone (no "the call returned", no comparison). */
void gc_not_called(gc_run *R, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The adapter of an op (golden_adapters.c): calls the library. */
typedef ob_status (*gc_adapter)(gc_run *R, int id);
typedef struct {
  gc_adapter call;
  int id; /* the ob_algo or ob_op */
} gc_entry;
gc_entry gc_entry_of(gd_op op);

#endif /* GOLDEN_CHECK_H */
