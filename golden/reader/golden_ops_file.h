/* golden_ops_file - a strict reader of the layer kernels' golden files
 * (golden/FORMAT.md, "Layer kernels", version 1): golden/<family>.txt.
 *
 * gof_load() parses one file into memory. Like gf_load it never prints and
 * never aborts: on an error it frees what it built, leaves *out empty and
 * writes one message "FILE:LINE: reason" into the caller's buffer.
 */
#ifndef GOLDEN_OPS_FILE_H
#define GOLDEN_OPS_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "optbench.h"

#define GOF_VERSION     1
#define GOF_MAX_RECORDS 16 /* parameters, inputs or outputs per case */

typedef enum { GOF_INT, GOF_FLOAT, GOF_WORD } gof_kind;

typedef struct {
  char *name;
  gof_kind kind;
  uint64_t i; /* GOF_INT */
  float f;    /* GOF_FLOAT */
  char *w;    /* GOF_WORD */
  size_t line;
} gof_param;

typedef struct { /* `in` */
  char *name;
  size_t n;
  float *v; /* NULL when n == 0 */
  size_t line;
} gof_in;

typedef struct { /* `mask` (input) and `outmask` (output) */
  char *name;
  size_t bits;
  uint8_t *b; /* (bits + 7) / 8 bytes; NULL when bits == 0 */
  size_t line;
} gof_mask;

typedef struct { /* `out`: n element lines */
  char *name;
  size_t n;
  double *exact;
  float *rounded;
  double *scale;
  size_t line;
  int dense; /* no comment inside the block: element i is on line + 1 + i */
} gof_out;

typedef struct {
  char *id;
  char *note;
  ob_op op;
  size_t line; /* the `case` record */
  gof_param par[GOF_MAX_RECORDS];
  size_t npar;
  gof_in in[GOF_MAX_RECORDS];
  size_t nin;
  gof_mask mask[GOF_MAX_RECORDS];
  size_t nmask;
  gof_out out[GOF_MAX_RECORDS];
  size_t nout;
  gof_mask outmask[GOF_MAX_RECORDS];
  size_t noutmask;
} gof_case;

typedef struct {
  char *path;
  char *family;
  size_t family_line;
  size_t ncases;
  gof_case *cases;
} gof_file;

int gof_load(const char *path, gof_file *out, char *err, size_t errlen);
void gof_free(gof_file *f);

#endif /* GOLDEN_OPS_FILE_H */
