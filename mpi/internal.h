/* The sharded optimizer's state (optbench_mpi.h), shared by its files. */
#ifndef OBM_INTERNAL_H
#define OBM_INTERNAL_H

#include "optbench_mpi.h"

#define OBM_MAX_NODES 128 /* whole subtrees of one rank's range: 2 per level at most */

/* A node of the micro-batch tree: leaves [lo, lo + 2^level), summed in buf. */
typedef struct {
  int64_t lo;
  int level;
  float *buf;
} obm_node;

struct obm_optimizer {
  MPI_Comm comm; /* a duplicate, errors returned, not fatal */
  int rank, ranks;
  ob_algo algo;
  ob_hparams hp;
  const ob_variant *variant;
  int nstates;     /* ob_state_count */
  int used_states; /* of those, used by hp (allocated) */
  size_t count, total;
  size_t *sizes, *offsets;     /* offsets[i]: tensor i's first element in the flat space */
  size_t *begins, *ends;       /* every rank's range */
  size_t first, last;          /* tensors [first, last) meet the owned range */
  float *state[OB_MAX_STATES]; /* the owned range's state; NULL where the hyperparameters leave it
                                  unused */
  int64_t steps;
  obm_times times;

  /* this step's contributions: the whole subtrees summed so far */
  obm_node stack[OBM_MAX_NODES];
  int depth;
  int64_t next_id;                /* the id obm_accumulate expects; -1 before the first */
  int64_t first_id;               /* of the first contribution */
  int sticky;                     /* a contribution that failed: reported by the step */
  float *pool[OBM_MAX_NODES + 1]; /* free full-size buffers */
  int pooled;
  size_t pool_bytes; /* full-size buffers allocated, pooled or in use */

  /* the step's buffers, grown as needed and kept */
  float *grad;       /* the owned range's summed, scaled gradient */
  float *slices;     /* slices received from the other ranks' subtrees */
  size_t slices_cap; /* floats */
  int64_t *agree;    /* the step's agreement: 3 words per rank */
  MPI_Request *reqs; /* one per message */
  size_t reqs_cap;
  /* views of the owned range for ob_step_list_states, and the gather's blocks */
  float **vp, **vs[OB_MAX_STATES];
  const float **vg;
  size_t *vsize;
  int *blen;
  MPI_Aint *bdisp;
};

/* Pushes node (lo, level, buf) - the next in leaf order - and adds up the
 * siblings it completes (left += right, n floats): the one place that forms
 * the tree's sums. The buffers merged away go to released[] (at most
 * OBM_MAX_NODES); returns their number. */
int obm_tree_push(obm_node stack[], int *depth, obm_node node, size_t n, float *released[]);
/* The sum of what remains after every leaf was pushed: the right fold
 * stack[0] + (stack[1] + (...)), the tree of 2^ceil(log2 m) leaves with the
 * absent ones left out. In stack[0].buf; n floats. */
void obm_tree_finish(obm_node stack[], int depth, size_t n);

/* Prints "optbench_mpi: rank K of R: step T: what: why" and ends the job. */
_Noreturn void obm_abort(const obm_optimizer *, const char *what, const char *why);

#endif
