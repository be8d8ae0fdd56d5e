/* The parameter lists of bench/models/<name>.txt: one tensor shape per line after
 * a header of '#' comments that states "tensors: N" and "total: N" (the
 * published parameter count, bench/models/gen_models.py). The loader checks
 * both, so a list that does not add up to its citation is refused. */
#ifndef OB_BENCH_MODEL_LISTS_H
#define OB_BENCH_MODEL_LISTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  size_t count;  /* tensors */
  size_t *sizes; /* elements of each tensor (the product of its shape) */
  int64_t total; /* sum of sizes, equal to the header's "total" */
} ob_model_list;

/* Reads and checks path. 0 on success; -1 with a message in err (errno text,
 * the line that does not parse, or the count that does not match). */
int ob_model_list_load(const char *path, ob_model_list *out, char *err, size_t errsize);
void ob_model_list_free(ob_model_list *);

/* The run of whole tensors from index `first` that fits in `cap` elements
 * (0: no cap), as an index range [*begin, *end) of list. Returns its total. */
int64_t ob_model_list_slice(const ob_model_list *, size_t first, int64_t cap, size_t *begin,
                            size_t *end);
#endif
