/* golden_verify - the whole verification run shared by `optbench verify` and
 * tests/test_golden: load golden/<algo>.txt for the selected algorithms and
 * golden/<family>.txt for the families of the selected layer ops, run every
 * case on every selected variant at every selected offset (the rules' cases
 * fresh and on their own state), and report a table per algorithm x variant
 * and per op x variant.
 */
#ifndef GOLDEN_VERIFY_H
#define GOLDEN_VERIFY_H

#include <stddef.h>
#include <stdio.h>

#include "golden_check.h"
#include "golden_file.h"
#include "golden_ops_check.h"
#include "golden_ops_file.h"
#include "optbench.h"

typedef struct {
  const char *golden_dir;
  int algo[OB_ALGO_COUNT];     /* nonzero: verify this algorithm */
  int op[OB_OP_COUNT];         /* nonzero: verify this layer op */
  const ob_variant **variants; /* the variants to run (all must be supported) */
  size_t nvariants;
  size_t offsets[GC_MAX_OFFSET + 1]; /* element offsets to run each case at */
  size_t noffsets;                   /* 0 means {0} */
  int own_state;                     /* run multi-step cases on their own state too */
} gv_config;

/* all algorithms and ops, no variants, offset 0, own-state on */
void gv_config_init(gv_config *cfg, const char *golden_dir);

typedef struct {
  ob_algo algo;
  const ob_variant *variant;
  gc_stats st;
  int pass;
} gv_row;

typedef struct {
  ob_op op;
  const ob_variant *variant;
  goc_stats st;
  int pass;
} gv_op_row;

typedef struct {
  gf_file file[OB_ALGO_COUNT]; /* loaded files (empty where not selected) */
  gv_row *rows;                /* algorithm-major */
  size_t nrows;
  /* family files, at the index of the family's first op in the list (empty
   * elsewhere and where not selected) */
  gof_file ops_file[OB_OP_COUNT];
  gv_op_row *op_rows; /* op-major */
  size_t nop_rows;
  size_t offsets[GC_MAX_OFFSET + 1];
  size_t noffsets;
  const char *golden_dir;
  int pass; /* every row passed */
} gv_result;

/* Loads and runs everything. Returns 0 if every row passed, 1 if any
 * failed, -1 if a file did not load or memory ran out (message in err:
 * "FILE:LINE: reason"). *res must be freed with gv_free in every case. */
int gv_run(const gv_config *cfg, gv_result *res, char *err, size_t errlen);
void gv_free(gv_result *res);

/* The file of op's family in res (index of the family's first op). */
const gof_file *gv_ops_file(const gv_result *res, ob_op op);

/* The tables (algorithms, then ops); with details, the worst failure of each
 * failing row below it. */
void gv_print_table(FILE *out, const gv_result *res, int details);

/* Writes the table as JSON to path (tools/outfile.h: through a unique
 * temporary file, only over a regular file or nothing). `cpu` is
 * the machine's name; `skipped` lists unsupported variants (may be NULL).
 * Returns 0, or -1 with a message in err. */
int gv_write_json(const char *path, const gv_result *res, const char *cpu,
                  const ob_variant *const *skipped, size_t nskipped, char *err, size_t errlen);

#endif /* GOLDEN_VERIFY_H */
