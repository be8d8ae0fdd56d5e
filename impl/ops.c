/* What the library knows about each layer kernel, expanded from the one list
 * (optbench_ops.def). */
#include <string.h>

#include "internal.h"

typedef struct {
  const char *name, *family;
  double bytes_read, bytes_written, bound_exact, bound_fma;
  int omp_log2;
} op_info;

static const op_info ops[OB_OP_COUNT] = {
#define OB_OP(ID, nm, fam, rd, wr, bx, bf, omp) [OB_OP_##ID] = {#nm, #fam, rd, wr, bx, bf, omp},
#include "optbench_ops.def"
#undef OB_OP
};

static int op_valid(ob_op op) { return (unsigned)op < OB_OP_COUNT; }

const char *ob_op_name(ob_op op) { return op_valid(op) ? ops[op].name : NULL; }
const char *ob_op_family(ob_op op) { return op_valid(op) ? ops[op].family : NULL; }
double ob_op_bytes_read(ob_op op) { return op_valid(op) ? ops[op].bytes_read : 0.0; }
double ob_op_bytes_written(ob_op op) { return op_valid(op) ? ops[op].bytes_written : 0.0; }

int ob_op_from_name(const char *name) {
  if (name)
    for (int op = 0; op < OB_OP_COUNT; op++)
      if (strcmp(ops[op].name, name) == 0)
        return op;
  return -1;
}

double ob_op_error_bound(ob_op op, const ob_variant *v) {
  if (!v)
    v = ob_variant_default();
  if (!op_valid(op) || !ob_variant_valid(v))
    return -1.0;
  return v->fma ? ops[op].bound_fma : ops[op].bound_exact;
}

size_t ob_op_omp_threshold(ob_op op) {
  if (!op_valid(op))
    return 0;
  return ob_threshold_in_force(ob_tuned_op(op), (size_t)1 << ops[op].omp_log2);
}
