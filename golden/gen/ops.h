/* golden_gen - the layer kernels' vector files (golden/FORMAT.md, "Layer
 * kernels"): golden/<family>.txt for rand, init, dropout and batchnorm.
 *
 * Like the update rules, the ops' names and families come from the one list,
 * impl/include/optbench_ops.def; their exact and float32 evaluations
 * (ops_exact.c, ops_plain.c) and their cases are the generator's own.
 */
#ifndef GG_OPS_H
#define GG_OPS_H

#include <stdio.h>

#include "gen.h"

typedef enum {
#define OB_OP(ID, ...) GO_##ID,
#include "optbench_ops.def"
#undef OB_OP
  GO_OP_COUNT
} go_op;

typedef struct {
  const char *name;   /* the `op` line */
  const char *family; /* the file */
} go_op_info;

extern const go_op_info go_ops[GO_OP_COUNT];

enum { GO_MAX_PARAMS = 8, GO_MAX_ARRAYS = 6, GO_NAME = 24 };

typedef enum { GO_INT, GO_FLOAT, GO_WORD } go_param_kind;

typedef struct {
  char name[GO_NAME];
  go_param_kind kind;
  uint64_t i;
  float f;
  char w[GO_NAME];
} go_param;

typedef struct {
  char name[GO_NAME];
  size_t n;
  float *v;
} go_array;

typedef struct {
  char name[GO_NAME];
  size_t bits;
  uint8_t *b; /* (bits + 7) / 8 bytes, bits past `bits` zero */
} go_mask;

typedef struct {
  char name[GO_NAME];
  size_t n;
  gg_elem *e;
  float *plain; /* the plain float32 evaluation of the same output */
} go_out;

typedef struct {
  char id[48];
  char note[400];
  go_op op;
  go_param par[GO_MAX_PARAMS];
  int npar;
  go_array in[GO_MAX_ARRAYS];
  int nin;
  go_mask mask_in; /* bits == 0 and b == NULL: none (name[0] == 0) */
  go_out out[GO_MAX_ARRAYS];
  int nout;
  go_mask mask_out;
  uint8_t *plain_mask; /* the plain evaluation's mask */
} go_case;

typedef struct {
  go_case *v;
  size_t count, cap;
} go_case_list;

/* ---- building a case (ops_case.c) ---------------------------------------- */
go_case *go_new_case(go_case_list *L, go_op op, const char *id, const char *note, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
void go_param_int(go_case *c, const char *name, uint64_t v);
void go_param_float(go_case *c, const char *name, float v);
void go_param_word(go_case *c, const char *name, const char *w);
float *go_add_in(go_case *c, const char *name, size_t n); /* zeroed, to be filled */
uint8_t *go_set_mask_in(go_case *c, const char *name, size_t bits);
gg_elem *go_add_out(go_case *c, const char *name, size_t n);
uint8_t *go_set_mask_out(go_case *c, const char *name, size_t bits);
uint64_t go_get_int(const go_case *c, const char *name);
float go_get_float(const go_case *c, const char *name);
const char *go_get_word(const go_case *c, const char *name);
const go_array *go_get_in(const go_case *c, const char *name);
go_out *go_get_out(go_case *c, const char *name);
void go_cases_free(go_case_list *L);

/* ---- the cases of one family (ops_cases.c) -------------------------------- */
void go_cases_build(const char *family, go_case_list *L);

/* ---- exact outputs and the plain float32 evaluation ----------------------- */
void go_exact_init(void);
void go_exact_free(void);
/* Fills every output of c (exact elements, mask); dies if one cannot be
 * stored faithfully. */
void go_exact(go_case *c);
/* Fills out[k].plain and plain_mask from the plain float32 evaluation. */
void go_plain(go_case *c);

/* ---- files (ops_write.c) -------------------------------------------------- */
/* Writes OUTDIR/<family>.txt for every family and prints the plain float32
 * evaluation's errors per op. */
void go_write_all(const char *dir);

#endif
