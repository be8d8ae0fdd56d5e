/* golden_ops_check - runs the layer kernels' golden cases (golden_ops_file.h)
 * on a library variant and measures the error metric of golden/FORMAT.md.
 *
 * Each case is handed to its op's adapter (golden_ops_adapters.c, one per
 * line of optbench_ops.def), which asks for the case's records by name and
 * calls the public API. Every array the library sees is a copy in a buffer
 * the checker owns, `offset` elements past a 64-byte boundary and surrounded
 * by guard words: a write outside an output, a change to an input, an output
 * element left unwritten, a record the adapter did not use or a record it
 * asked for and the case lacks all fail the case.
 */
#ifndef GOLDEN_OPS_CHECK_H
#define GOLDEN_OPS_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "golden_check.h" /* GC_MAX_OFFSET, gc_ulp */
#include "golden_ops_file.h"
#include "optbench.h"

/* The ops' metric (FORMAT.md, "Layer kernels"): as gc_scale_ulps, except
 * that where exact is a zero and scale > 0 the result is measured like any
 * other value (either zero passes). */
double goc_scale_ulps(float got, double exact, float rounded, double scale);

typedef struct {
  size_t cases_run, cases_passed;
  size_t elements;        /* element and mask-bit comparisons */
  size_t failed_elements; /* over the bound, special-value or mask mismatches */
  size_t other_failures;  /* refused calls, guards, missing or unused records */
  size_t finite;          /* comparisons with a finite rounded value */
  double sum_err, max_err;
  double bound;
  char first[768]; /* descriptions of the first and the worst failure ("" if none) */
  char worst[768];
  double worst_severity;
} goc_stats;

void goc_stats_init(goc_stats *st);
void goc_stats_merge(goc_stats *a, const goc_stats *b);
double goc_mean_err(const goc_stats *st);

typedef struct {
  size_t offset; /* 0..GC_MAX_OFFSET elements (floats; bytes for masks) */
  double bound;  /* < 0: ob_op_error_bound(op, variant) */
} goc_options;

goc_options goc_default_options(void);

/* Runs one case; returns 1 passed, 0 failed, -1 out of memory. */
int goc_run_case(const gof_file *f, const gof_case *c, const ob_variant *v, const goc_options *opt,
                 goc_stats *st);
/* Every case of f whose op is `op`; the number of failed cases or -1. */
long goc_run_op(const gof_file *f, ob_op op, const ob_variant *v, const goc_options *opt,
                goc_stats *st);

/* ---- what adapters use ---------------------------------------------------- */

typedef struct goc_run goc_run;

/* A parameter of the case. A missing one (or one of another kind) fails the
 * case; the value returned then is 0 or "". */
uint64_t goc_int(goc_run *R, const char *name);
float goc_float(goc_run *R, const char *name);
const char *goc_word(goc_run *R, const char *name);
/* The index k < count with names(k) equal to word `name`; fails the case
 * (returning 0) if there is none. */
int goc_word_index(goc_run *R, const char *name, const char *(*names)(int k), int count);

/* The length of input `name` (0 and a failure if missing). */
size_t goc_in_count(goc_run *R, const char *name);
/* Input `name`, which must have n elements, in a guarded copy. This and
 * the accessors below check the record first and allocate nothing for a
 * missing or mismatched one (the case fails; they return NULL). */
const float *goc_in(goc_run *R, const char *name, size_t n);
/* Output `name`, which must have n elements: a guarded buffer of n floats
 * the library is to fill. */
float *goc_out(goc_run *R, const char *name, size_t n);
/* An array updated in place: input and output of the same name, n each;
 * the buffer starts as the input. */
float *goc_inout(goc_run *R, const char *name, size_t n);
/* Input mask `name` of `bits` bits; output mask likewise (bits past `bits`
 * in its last byte must come back 0). */
const uint8_t *goc_mask_in(goc_run *R, const char *name, size_t bits);
uint8_t *goc_mask_out(goc_run *R, const char *name, size_t bits);

/* a * b for an array length from the case's int parameters; an overflow
 * (of a * b floats) fails the case and gives SIZE_MAX, a length no record has. */
size_t goc_mul(goc_run *R, size_t a, size_t b, const char *what);

const ob_variant *goc_variant(goc_run *R);
/* A failure the adapter found itself (e.g. a derived value that disagrees
 * with the file). */
void goc_fail(goc_run *R, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The adapter of each op (golden_ops_adapters.c): calls the library. */
typedef ob_status (*goc_adapter)(goc_run *R);
goc_adapter goc_adapter_of(ob_op op);

#endif /* GOLDEN_OPS_CHECK_H */
