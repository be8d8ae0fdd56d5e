/* The micro-batch sum as the tree's definition says it (optbench_mpi.h),
 * by recursion over whole arrays: the reference the sharded step is held to
 * (optbench_mpi_train --reference, the tests). Deliberately not the
 * library's code (tree.c pushes nodes on a stack and folds); header-only. */
#ifndef OBM_REF_SUM_H
#define OBM_REF_SUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The sum of leaves [lo, lo + size) (size a power of two) of g[0..m), each n
 * floats, into out: left + right, a right half starting at m or past it left
 * out. tmp holds log2(size) * n floats. */
static inline void obm_ref_sum(float *const g[], int64_t m, int64_t lo, int64_t size, float *out,
                               float *tmp, size_t n) {
  if (size == 1) {
    memcpy(out, g[lo], n * sizeof *out);
    return;
  }
  obm_ref_sum(g, m, lo, size / 2, out, tmp, n);
  if (lo + size / 2 >= m)
    return;
  obm_ref_sum(g, m, lo + size / 2, size / 2, tmp, tmp + n, n);
  for (size_t i = 0; i < n; i++)
    out[i] = out[i] + tmp[i];
}

/* The smallest power of two >= m (m >= 1), the size of the tree's root. */
static inline int64_t obm_ref_root(int64_t m) {
  int64_t s = 1;
  while (s < m)
    s *= 2;
  return s;
}

#endif
