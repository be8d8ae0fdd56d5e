/* The split of the flat space over ranks and of the micro-batches over the
 * tree (optbench_mpi.h). Pure arithmetic: the owners and the senders compute
 * the same answers without talking. */
#include "optbench_mpi.h"

void obm_shard_range(size_t total, int ranks, int rank, size_t *begin, size_t *end) {
  *begin = *end = 0;
  if (ranks <= 0 || rank < 0 || rank >= ranks)
    return;
  const size_t units = total / OBM_UNIT + (total % OBM_UNIT != 0);
  /* floor(rank*units/ranks) as q*rank + floor(r*rank/ranks): rank*units
   * itself may overflow */
  const size_t q = units / (size_t)ranks, r = units % (size_t)ranks;
  const size_t u0 = q * (size_t)rank + r * (size_t)rank / (size_t)ranks;
  const size_t u1 = q * (size_t)(rank + 1) + r * (size_t)(rank + 1) / (size_t)ranks;
  *begin = u0 * OBM_UNIT < total ? u0 * OBM_UNIT : total;
  *end = u1 * OBM_UNIT < total ? u1 * OBM_UNIT : total;
}

void obm_microbatches(int64_t m, int ranks, int rank, int64_t *first, int64_t *end) {
  *first = *end = 0;
  if (m <= 0 || ranks <= 0 || rank < 0 || rank >= ranks)
    return;
  const int64_t q = m / ranks, r = m % ranks;
  *first = q * rank + r * rank / ranks;
  *end = q * (rank + 1) + r * (rank + 1) / ranks;
}

int obm_subtrees(int64_t first, int64_t end, int64_t lo[], int level[], int max) {
  int n = 0;
  for (int64_t x = first; x < end && n < max; n++) {
    int k = 0; /* the largest aligned subtree starting at x that fits */
    while (k < 62 && x % ((int64_t)1 << (k + 1)) == 0 && x + ((int64_t)1 << (k + 1)) <= end)
      k++;
    lo[n] = x;
    level[n] = k;
    x += (int64_t)1 << k;
  }
  return n;
}
