/* The parameter lists of bench/models/<name>.txt: one tensor shape per line after
 * a header of '#' comments that states "tensors: N" and "total: N" (the
 * published parameter count), and the run of the list the benchmarks time
 * ("timed-first", "timed-cap", "timed-cut", "quick"; bench/models/gen_models.py
 * documents them). The loader checks the counts, so a list that does not add
 * up to its citation is refused. */
#ifndef OB_BENCH_MODEL_LISTS_H
#define OB_BENCH_MODEL_LISTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  char name[64]; /* the file's name without ".txt" */
  size_t count;  /* tensors */
  size_t *sizes; /* elements of each tensor (the product of its shape) */
  int64_t total; /* sum of sizes, equal to the header's "total" */
  /* the timed run: whole tensors from `first`, at most `cap` elements (0: no cap) */
  size_t first;
  int64_t cap;
  char cut[256]; /* what the timed run is, in words */
  int quick;     /* timed by the short run */
} ob_model_list;

/* Reads and checks path. 0 on success; -1 with a message in err (errno text,
 * the line that does not parse, or the count that does not match). */
int ob_model_list_load(const char *path, ob_model_list *out, char *err, size_t errsize);
void ob_model_list_free(ob_model_list *);

/* The timed run as an index range [*begin, *end) of the list; its total. */
int64_t ob_model_list_timed(const ob_model_list *, size_t *begin, size_t *end);

/* Every dir/<name>.txt, loaded and checked, in ascending order of timed
 * elements (then name). 0 and *out, *n on success (free with
 * ob_model_lists_free); -1 with a message in err. */
int ob_model_lists_load(const char *dir, ob_model_list **out, size_t *n, char *err, size_t errsize);
void ob_model_lists_free(ob_model_list *, size_t n);
#endif
