/* golden_file - a strict reader of optbench golden vector files
 * (golden/FORMAT.md, version 3; version 1, without the two weight-decay
 * hyperparameters, is read too: they are 0 there; version 2 has no
 * `outside` line).
 *
 * gf_load() parses one file into memory. It never prints and never aborts:
 * on any error it frees what it built, leaves *out empty and writes one
 * message "FILE:LINE: reason" into the caller's buffer. LINE is the 1-based
 * line at fault; for an unexpected end of file it is the last line of the
 * file (1 for an empty file); 0 when the file cannot be opened.
 */
#ifndef GOLDEN_FILE_H
#define GOLDEN_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "optbench.h"

#define GF_VERSION   3                 /* the version the generator writes */
#define GF_MAX_N     ((size_t)1 << 24) /* largest n a case may declare */
#define GF_MAX_STEPS ((size_t)1 << 20) /* largest steps a case may declare */
#define GF_MAX_CASES ((size_t)1 << 20) /* largest case count of a file */

/* The arrays of a step: index 0 is p, 1 is s0, 2 is s1. */
enum { GF_P = 0, GF_S0 = 1, GF_S1 = 2, GF_ARRAYS = 3 };

typedef enum { GF_GRAD_DATA, GF_GRAD_QUADRATIC } gf_grad;

/* The case against its rule's domain (FORMAT.md, "Domains"): inside (the
 * bound holds), or `outside refused` / `outside unbounded`. */
typedef enum { GF_INSIDE, GF_REFUSED, GF_UNBOUNDED } gf_domain;

/* One output array of one step: n elements each. */
typedef struct {
  double *exact;  /* the exact result rounded to double */
  float *rounded; /* the exact result correctly rounded to float32 */
  double *scale;  /* the error scale of the element */
  size_t line;    /* line of the `out` record */
  int dense;      /* no comment inside the block: element i is on line + 1 + i */
} gf_out;

typedef struct {
  ob_hparams hp;
  int64_t t;             /* step number given to the rule, >= 1 */
  float *g;              /* n gradient values */
  gf_out out[GF_ARRAYS]; /* out[0] = p; out[1..states] = s0, s1; others NULL */
  size_t line;           /* line of the `step` record */
} gf_step;

typedef struct {
  char *id;
  char *note;
  size_t n;
  size_t steps;
  gf_grad grad;
  gf_domain domain;
  float *init[GF_ARRAYS]; /* init[0] = p; init[1..states]; others NULL */
  gf_step *step;          /* steps entries, step[0] is step 1 */
  size_t line;            /* line of the `case` record */
} gf_case;

typedef struct {
  char *path;
  int version; /* 1, 2 or 3 */
  ob_algo algo;
  size_t algo_line; /* line of the `algo` record */
  int states;       /* == ob_state_count(algo) */
  size_t ncases;
  gf_case *cases;
} gf_file;

/* Arrays of n == 0 are NULL. Returns 0 on success, -1 on error (message in
 * err, which may be NULL if errlen is 0). *out is always initialised, so
 * gf_free(out) is safe after either result. */
int gf_load(const char *path, gf_file *out, char *err, size_t errlen);
void gf_free(gf_file *f);

/* The name of array i (GF_P...): "p", "s0", "s1". */
const char *gf_array_name(int i);
/* "data" or "quadratic" */
const char *gf_grad_name(gf_grad g);

/* The gradient of the book's f(x, y) = x^2/20 + y^2 at p = (x, y), in
 * float32: g = (x/10, 2*y), each one correctly rounded operation. */
void gf_quadratic_grad(const float p[2], float g[2]);

#endif /* GOLDEN_FILE_H */
