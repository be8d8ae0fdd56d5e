/* The fixed tree over micro-batches (optbench_mpi.h): the order of every
 * gradient sum, for the local subtrees and for the owner's fold alike. */
#include "internal.h"

static void add_into(float *restrict a, const float *restrict b, size_t n) {
  for (size_t i = 0; i < n; i++)
    a[i] += b[i];
}

int obm_tree_push(obm_node stack[], int *depth, obm_node node, size_t n, float *released[]) {
  int freed = 0;
  stack[(*depth)++] = node;
  while (*depth >= 2) {
    obm_node *l = &stack[*depth - 2];
    const obm_node *r = &stack[*depth - 1];
    /* siblings: equal size and the left one starts a subtree twice as large */
    if (l->level != r->level || l->lo % ((int64_t)1 << (l->level + 1)) != 0)
      break;
    add_into(l->buf, r->buf, n);
    l->level++;
    released[freed++] = r->buf;
    (*depth)--;
  }
  return freed;
}

void obm_tree_finish(obm_node stack[], int depth, size_t n) {
  for (int i = depth - 1; i > 0; i--)
    add_into(stack[i - 1].buf, stack[i].buf, n);
}
