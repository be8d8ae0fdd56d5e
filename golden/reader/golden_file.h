/* golden_file - the strict reader of optbench's golden vector files
 * (golden/FORMAT.md, version 4): one format for the update rules and the
 * layer kernels. A case is an op - a rule of optbench_algos.def or a layer
 * kernel of optbench_ops.def - with named parameters and named input and
 * output records, in one step or a trajectory of steps.
 *
 * gd_load() parses one file into memory. It never prints and never aborts:
 * on any error it frees what it built, leaves *out empty and writes one
 * message "FILE:LINE: reason" into the caller's buffer. LINE is the 1-based
 * line at fault; for an unexpected end of file it is the last line of the
 * file (1 for an empty file); 0 when the file cannot be opened. Files of an
 * older version (rules `optbench-golden 1..3`, kernels `optbench-golden-ops
 * 1`) are refused with a message that says how to get version 4.
 */
#ifndef GOLDEN_FILE_H
#define GOLDEN_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "optbench.h"

#define GD_VERSION     4 /* the version this reader reads and the generator writes */
#define GD_MAX_N       ((size_t)1 << 24) /* largest array a record may declare */
#define GD_MAX_STEPS   ((size_t)1 << 20) /* largest number of steps of a case */
#define GD_MAX_CASES   ((size_t)1 << 20) /* largest case count of a file */
#define GD_MAX_RECORDS 64                /* records of one step */

/* An op: the rules first (an ob_algo), then the layer kernels
 * (OB_ALGO_COUNT + an ob_op). */
typedef int gd_op;
#define GD_OP_COUNT (OB_ALGO_COUNT + OB_OP_COUNT)
const char *gd_op_name(gd_op op);      /* "adam", "batchnorm_train"; NULL if unknown */
const char *gd_op_family(gd_op op);    /* a rule's own name, a kernel's family */
int gd_op_from_name(const char *name); /* -1 if unknown */
int gd_op_is_rule(gd_op op);

typedef enum {
  GD_INT,     /* `int <name> <decimal>`: a parameter, unsigned 64-bit */
  GD_FLOAT,   /* `float <name> <float32>` */
  GD_WORD,    /* `word <name> <[a-z0-9_]+>` */
  GD_IN,      /* `in <name> <n> <n float32 values>` */
  GD_MASK,    /* `mask <name> <bits> <hex>`: an input bit mask */
  GD_OUT,     /* `out <name> <n>` and n element lines */
  GD_OUTMASK, /* `outmask <name> <bits> <hex>` */
  GD_KIND_COUNT
} gd_kind;

const char *gd_kind_name(gd_kind k); /* the record's keyword */

typedef struct {
  gd_kind kind;
  char *name;
  size_t line;
  uint64_t i;     /* GD_INT */
  float f;        /* GD_FLOAT */
  char *w;        /* GD_WORD */
  size_t n;       /* GD_IN, GD_OUT: elements; GD_MASK, GD_OUTMASK: bits */
  float *v;       /* GD_IN: n values (NULL when n == 0) */
  uint8_t *b;     /* masks: (n + 7) / 8 bytes (NULL when n == 0) */
  double *exact;  /* GD_OUT: the exact result rounded to double */
  float *rounded; /* GD_OUT: the exact result correctly rounded to float32 */
  double *scale;  /* GD_OUT: the error scale of the element */
  int dense;      /* GD_OUT: no comment inside the block, element i on line + 1 + i */
} gd_record;

typedef struct {
  size_t line; /* the `step` line; the `case` line of a one-step case */
  gd_record *rec;
  size_t nrec;
  size_t rec_cap; /* records allocated */
} gd_step;

typedef enum { GD_GRAD_DATA, GD_GRAD_QUADRATIC } gd_grad;

/* The case against its rule's domain (FORMAT.md, "Domains"): inside (the
 * bound holds), or `outside refused` / `outside unbounded`. */
typedef enum { GD_INSIDE, GD_REFUSED, GD_UNBOUNDED } gd_domain;

typedef struct {
  char *id;
  char *note;
  gd_op op;
  gd_domain domain;
  gd_grad grad;
  gd_step *step; /* steps entries, step[0] is step 1 */
  size_t steps;
  size_t line; /* the `case` line */
} gd_case;

typedef struct {
  char *path;
  char *family;
  size_t family_line;
  size_t ncases;
  gd_case *cases;
} gd_file;

/* Returns 0 on success, -1 on error (message in err, which may be NULL if
 * errlen is 0). *out is always initialised, so gd_free(out) is safe after
 * either result. */
int gd_load(const char *path, gd_file *out, char *err, size_t errlen);
void gd_free(gd_file *f);

/* The record of step s named `name` of kind k, or NULL. */
const gd_record *gd_find(const gd_step *s, gd_kind k, const char *name);

/* The values of input array `name` at step j (1-based) as the file gives
 * them: the step's own `in` record, or for j > 1 the `rounded` values of
 * the output of step j - 1 it is carried from. Returns 1 with *v (NULL when
 * *n is 0), *n and *line (may be NULL) set, or 0 if neither exists. */
int gd_input(const gd_case *c, size_t j, const char *name, const float **v, size_t *n,
             size_t *line);

/* The gradient of the book's f(x, y) = x^2/20 + y^2 at p = (x, y), in
 * float32: g = (x/10, 2*y), each one correctly rounded operation. */
void gd_quadratic_grad(const float p[2], float g[2]);

#endif /* GOLDEN_FILE_H */
