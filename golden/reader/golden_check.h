/* golden_check - runs golden cases (golden_file.h) on a library variant and
 * measures the error metric of golden/FORMAT.md.
 *
 * Every array ob_step sees is a fresh copy in a buffer the checker owns,
 * placed `offset` floats (0..15) after a 64-byte boundary and surrounded by
 * guard words: a write outside [0, n) or any change to g is a failure. The
 * checker reads no element at or past n.
 */
#ifndef GOLDEN_CHECK_H
#define GOLDEN_CHECK_H

#include <stddef.h>

#include "golden_file.h"
#include "optbench.h"

#define GC_MAX_OFFSET 15

/* float32 spacing at magnitude a: 2^(floor(log2 a) - 23) for a >= 2^-126,
 * else 2^-149. */
double gc_ulp(double a);

/* The error of one output element in scale-ULPs (FORMAT.md, "Error
 * metric"): 0 for a correct special value (NaN where rounded is NaN, the
 * same infinity, a zero of the same sign where exact is a zero), INFINITY
 * for a wrong one or a non-finite result where a finite one is expected,
 * else |got - exact| / ulp(max(|exact|, scale)). */
double gc_scale_ulps(float got, double exact, float rounded, double scale);

typedef enum { GC_FRESH = 0, GC_OWN = 1 } gc_mode;
const char *gc_mode_name(gc_mode); /* "fresh", "own-state" */

typedef struct {
  size_t offset; /* element offset of every array from a 64-byte boundary, 0..15 */
  double bound;  /* single-step bound in scale-ULPs; < 0: ob_error_bound(algo, variant) */
  int own_state; /* also run cases with steps > 1 on their own state */
} gc_options;

/* offset 0, the library's bound, own-state on */
gc_options gc_default_options(void);

/* One failing comparison (or a refused call, an out-of-bounds write...). */
typedef struct {
  int set; /* 0: no failure recorded */
  gc_mode mode;
  char case_id[64];
  size_t case_line; /* line of `case` in the file */
  size_t step;      /* 1-based */
  size_t step_line; /* line of `step` in the file */
  size_t offset;
  ob_status status; /* != OB_OK: ob_step refused the call */
  char what[128];   /* non-numeric failures: guard, g modified...; "" otherwise */
  int array;        /* GF_P, GF_S0, GF_S1 */
  size_t index;     /* element index */
  size_t elem_line; /* line of the element in the file (0 if unknown) */
  size_t out_line;  /* line of the `out` record of that array */
  float in[4];      /* the element's inputs p, g, s0, s1 (0 where absent) */
  float got;
  double exact;
  float rounded;
  double scale;
  double err;     /* scale-ULPs, INFINITY for a special-value mismatch */
  double allowed; /* bound at this step (j * bound in own-state mode) */
} gc_failure;

typedef struct {
  size_t cases_run;
  size_t cases_passed;
  size_t elements;        /* element comparisons, both modes */
  size_t failed_elements; /* comparisons over the bound or special-value mismatches */
  size_t other_failures;  /* refused calls, guard or g damage */
  /* fresh mode: the single-step error, comparable to the bound */
  size_t finite;        /* comparisons with a finite rounded value */
  double sum_err;       /* over those */
  double max_err;       /* over every finite err of fresh mode, steps without weight decay */
  double max_err_decay; /* the same on steps with weight decay, whose bound is higher by 1 per
                           term (ob_step_error_bound) */
  /* own-state mode: max over steps j of err/j, comparable to the bound */
  size_t own_elements;
  double own_max;
  double bound;     /* the single-step bound used (without weight decay) */
  gc_failure first; /* first failure */
  gc_failure worst; /* largest err/allowed (refusals count as infinite) */
} gc_stats;

void gc_stats_init(gc_stats *st);
double gc_mean_err(const gc_stats *st); /* sum_err / finite, 0 if none */
/* Adds b's counts into a (max, sums; first/worst kept by the same rules). */
void gc_stats_merge(gc_stats *a, const gc_stats *b);

/* Runs one case: fresh mode, then (if steps > 1 and opt->own_state) own-state
 * mode. A case outside its domain (FORMAT.md, "Domains") passes if ob_step
 * refuses it with nothing changed (`outside refused`), or if the call succeeds
 * within its arrays with g unchanged, values unchecked (`outside unbounded`).
 * Returns 1 if it passed, 0 if it failed, -1 if memory ran out. */
int gc_run_case(const gf_file *f, const gf_case *c, const ob_variant *v, const gc_options *opt,
                gc_stats *st);

/* Every case of f. Returns the number of failed cases, -1 if memory ran out. */
long gc_run_file(const gf_file *f, const ob_variant *v, const gc_options *opt, gc_stats *st);

/* A multi-line description of a failure (no trailing newline), every line
 * starting with `indent`. */
void gc_format_failure(const gc_failure *fl, const gf_file *f, const ob_variant *v,
                       const char *indent, char *buf, size_t len);

#endif /* GOLDEN_CHECK_H */
