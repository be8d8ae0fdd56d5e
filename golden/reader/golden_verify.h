/* golden_verify - the whole verification run shared by `optbench verify` and
 * tests/test_golden: load golden/<family>.txt for the selected rules (a
 * rule's family is its name) and layer kernels, run every case on every
 * selected variant at every selected offset (trajectories fresh and on their
 * own state), and report one table, a row per op x variant.
 */
#ifndef GOLDEN_VERIFY_H
#define GOLDEN_VERIFY_H

#include <stddef.h>
#include <stdio.h>

#include "golden_check.h"
#include "golden_file.h"
#include "optbench.h"

/* Runs every case of op in f with opt (gc_run_op's contract): the number of
 * failed cases, or -1 (out of memory, or a message in err). */
typedef long (*gv_op_runner)(void *ctx, const gd_file *f, gd_op op, const ob_variant *v,
                             const gc_options *opt, gc_stats *st, char *err, size_t errlen);

typedef struct {
  const char *golden_dir;
  int algo[OB_ALGO_COUNT];     /* nonzero: verify this rule */
  int op[OB_OP_COUNT];         /* nonzero: verify this layer kernel */
  const ob_variant **variants; /* the variants to run (all must be supported) */
  size_t nvariants;
  size_t offsets[GC_MAX_OFFSET + 1]; /* element offsets to run each case at */
  size_t noffsets;                   /* 0 means {0} */
  int own_state;                     /* run trajectories on their own state too */
  /* An outside kernel's run (tools/plugin_run.c): every row's options start
   * from *base (offset and own_state set per run) and its cases go through
   * run_op; NULL and NULL: the defaults and gc_run_op. */
  const gc_options *base;
  gv_op_runner run_op;
  void *run_ctx;
} gv_config;

/* all rules and kernels, no variants, offset 0, own-state on */
void gv_config_init(gv_config *cfg, const char *golden_dir);

/* One op (a rule or a layer kernel) on one variant, every offset merged. */
typedef struct {
  gd_op op;
  const ob_variant *variant;
  const char *name; /* the variant column: base->name, else the variant's */
  gc_stats st;
  int pass;
} gv_row;

typedef struct {
  gd_file file[GD_OP_COUNT]; /* loaded files, at the first op of each family */
  gv_row *rows;              /* op-major, rules first */
  size_t nrows;
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

/* The file of op's family in res. */
const gd_file *gv_file(const gv_result *res, gd_op op);

/* A rule's convention (ob_algo_convention: "book", "torch"); NULL for a
 * layer kernel. The table groups its rows by it, the JSON names it. */
const char *gv_convention(gd_op op);

/* The table, a row per op x variant, under a heading per group (the rules
 * of each convention, the layer kernels); with details, the worst failure
 * of each failing row below it. */
void gv_print_table(FILE *out, const gv_result *res, int details);

/* Writes the table as JSON to path (tools/outfile.h: through a unique
 * temporary file, only over a regular file or nothing). `cpu` is
 * the machine's name; `skipped` lists unsupported variants (may be NULL).
 * Returns 0, or -1 with a message in err. */
int gv_write_json(const char *path, const gv_result *res, const char *cpu,
                  const ob_variant *const *skipped, size_t nskipped, char *err, size_t errlen);

#endif /* GOLDEN_VERIFY_H */
