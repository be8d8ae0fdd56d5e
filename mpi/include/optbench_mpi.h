/* optbench_mpi - the optimizer step sharded over the ranks of an MPI
 * communicator (ZeRO stage 1/2), bitwise identical for every rank count.
 *
 * The model's tensors are laid end to end in one flat space of N floats, cut
 * into 16-float (64-byte) units; rank r of R owns units
 * [floor(r*U/R), floor((r+1)*U/R)) of the U = ceil(N/16), a contiguous range
 * a tensor may straddle. A rank holds the optimizer state of its range only.
 *
 * A step's gradient is the sum of M micro-batch gradients, each computed on
 * one rank: micro-batch k is the leaf k of a fixed binary tree over
 * 0..M-1 (node [i*2^j, (i+1)*2^j), a node past M is absent and its parent
 * is its left child), every sum is left + right. The tree depends on M
 * alone, so the bits depend on neither R nor which rank computed what.
 * Each rank sums its leaves into the whole subtrees it holds, sends each
 * owner that owner's slice of them, and the owner adds the slices up the
 * same tree; the owned range is stepped with ob_step_list_states on views
 * of the tensors it covers, and every rank receives the others' updated ranges
 * into its own parameter arrays.
 *
 * Statuses: an int, either an ob_status (below OB_STATUS_COUNT, its
 * ob_strerror text) or one of OBM_E*. obm_create and obm_step are
 * collective and give every rank a status: a rank whose own arguments are
 * wrong gets its ob_status, the others OBM_EPEER; ranks that disagree on the
 * list get OBM_EDIFFER. obm_accumulate is local; the next obm_step reports
 * its refusals on every rank. Nothing prints and nothing aborts, except one case: a
 * rank that fails after the step's data began to move (its owned range
 * refused by ob_step_list_states, an MPI call failing) would leave the parameters
 * differing across ranks, so it prints "optbench_mpi: rank K of R: ..." on
 * stderr and ends the job with MPI_Abort.
 */
#ifndef OPTBENCH_MPI_H
#define OPTBENCH_MPI_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "optbench.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  OBM_EDIFFER = 64, /* the ranks passed different lists, rules or hyperparameters */
  OBM_EPEER,        /* another rank refused its own arguments (its status says why) */
  OBM_EORDER,       /* a micro-batch that is not this rank's next one, or missing ones */
  OBM_EMPI          /* an MPI call failed before any data moved */
};

#define OBM_UNIT 16 /* floats per unit of the split: one 64-byte line */

const char *obm_strerror(int status);

/* ---- The split (pure arithmetic, no MPI) -------------------------------- */

/* Elements [*begin, *end) of a flat space of `total` floats owned by `rank`
 * of `ranks` (> 0). Empty when ranks exceed the units. */
void obm_shard_range(size_t total, int ranks, int rank, size_t *begin, size_t *end);
/* Micro-batches [*first, *end) of `rank` when m are split over `ranks`:
 * floor(rank*m/ranks) to floor((rank+1)*m/ranks). */
void obm_microbatches(int64_t m, int ranks, int rank, int64_t *first, int64_t *end);
/* The whole subtrees of the tree over m leaves that make up [first, end), in
 * order: at most `max` of them, node i is leaves [lo[i], lo[i] + 2^level[i]).
 * Returns their number (2*64 at most). */
int obm_subtrees(int64_t first, int64_t end, int64_t lo[], int level[], int max);

/* ---- The sharded optimizer ---------------------------------------------- */

typedef struct obm_optimizer obm_optimizer;

/* Collective over comm (which it duplicates). The list is `count` tensors of
 * sizes[] elements; every rank must pass the same list, algorithm and
 * hyperparameters (a 64-bit digest of them is compared first: every field of
 * the library's list, by name, read from no more than hp->size bytes as
 * optbench.h's "Hyperparameters and the ABI" says). variant NULL:
 * ob_variant_default() on this rank. *out is NULL unless the status is OB_OK. */
int obm_create(MPI_Comm comm, size_t count, const size_t sizes[], ob_algo algo,
               const ob_hparams *hp, const ob_variant *variant, obm_optimizer **out);
void obm_free(obm_optimizer *); /* collective: it frees the duplicated communicator */

/* Adds the gradient of micro-batch `id` (grads: one array per tensor,
 * copied). Local. A rank contributes the ids obm_microbatches gives it for
 * the step's m, in increasing order. A refusal (OBM_EORDER for an id out of
 * that order, OB_EINVAL, OB_ENOMEM) adds nothing and is reported again by
 * the next obm_step, on every rank. */
int obm_accumulate(obm_optimizer *, int64_t id, const float *const grads[]);

/* One step, collective: the sum of the m micro-batches' gradients, times
 * scale (rounded once), is the gradient; params (this rank's copy of every
 * tensor) get the updated values of every rank's range. Adam's t is the
 * number of steps taken + 1. m and scale must be the same on every rank
 * (OBM_EDIFFER). The contributions are consumed, also on a refusal. */
int obm_step(obm_optimizer *, int64_t m, float scale, float *const params[]);

/* What the last obm_step spent, in seconds of MPI_Wtime on this rank:
 *   wait     the agreement at the start (a 24-byte all-gather): the time
 *            until the slowest rank arrives, plus its latency;
 *   reduce   the gradient slices' exchange (posting, then waiting for them);
 *   fold     adding the received slices up the tree and the scale;
 *   update   ob_step_list_states on the owned range;
 *   gather   the exchange of the updated ranges into params. */
typedef struct {
  double wait, reduce, fold, update, gather;
} obm_times;

typedef struct {
  int rank, ranks;
  size_t total;        /* N */
  size_t begin, end;   /* the owned range */
  size_t state_bytes;  /* optimizer state held: used states * (end - begin) * 4 */
  size_t buffer_bytes; /* gradient buffers held now (subtrees, slices received) */
  int64_t steps;       /* steps taken */
  obm_times last;      /* of the last step */
} obm_info;

void obm_get_info(const obm_optimizer *, obm_info *);
/* State array `which` of the owned range (end - begin floats); NULL if the
 * rule has none, or if the hyperparameters leave it unused (ob_state_used:
 * only the used states are held, a state with an initial value starting at
 * it, ob_state_initial). */
const float *obm_state(const obm_optimizer *, int which);

#ifdef __cplusplus
}
#endif
#endif /* OPTBENCH_MPI_H */
