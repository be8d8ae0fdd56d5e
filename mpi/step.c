/* The contributions and the step (optbench_mpi.h): the fixed-order
 * reduction, the owned range's update, the exchange of the updated ranges. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TAG_GATHER OBM_MAX_NODES /* node j's slices travel with tag j */

static float *take(obm_optimizer *o) {
  if (o->pooled > 0)
    return o->pool[--o->pooled];
  float *buf = malloc((o->total ? o->total : 1) * sizeof(float));
  if (buf)
    o->pool_bytes += o->total * sizeof(float);
  return buf;
}

/* Ends the step's contributions, keeping their buffers for the next one. */
static void reset(obm_optimizer *o) {
  for (int d = 0; d < o->depth; d++)
    o->pool[o->pooled++] = o->stack[d].buf;
  o->depth = 0;
  o->next_id = -1;
  o->first_id = -1;
  o->sticky = OB_OK;
}

int obm_accumulate(obm_optimizer *o, int64_t id, const float *const grads[]) {
  if (!o)
    return OB_EINVAL;
  int st = o->sticky;
  if (st == OB_OK && (id < 0 || (o->next_id >= 0 && id != o->next_id)))
    st = OBM_EORDER;
  for (size_t i = 0; st == OB_OK && i < o->count; i++)
    if (!grads || (o->sizes[i] && !grads[i]))
      st = OB_EINVAL;
  float *buf = st == OB_OK ? take(o) : NULL;
  if (st == OB_OK && !buf)
    st = OB_ENOMEM;
  if (st != OB_OK) {
    o->sticky = st;
    return st;
  }
  for (size_t i = 0; i < o->count; i++)
    if (o->sizes[i])
      memcpy(buf + o->offsets[i], grads[i], o->sizes[i] * sizeof(float));
  if (o->next_id < 0)
    o->first_id = id;
  o->next_id = id + 1;
  float *freed[OBM_MAX_NODES];
  const int k = obm_tree_push(o->stack, &o->depth, (obm_node){id, 0, buf}, o->total, freed);
  for (int i = 0; i < k; i++)
    o->pool[o->pooled++] = freed[i];
  return OB_OK;
}

/* This rank's checks and buffers for a step of m micro-batches. */
static int prepare(obm_optimizer *o, int64_t m, float *const params[]) {
  if (o->sticky != OB_OK)
    return o->sticky;
  if (m < 1)
    return OB_EINVAL;
  for (size_t i = 0; i < o->count; i++)
    if (!params || (o->sizes[i] && !params[i]))
      return OB_EINVAL;
  int64_t f, e;
  obm_microbatches(m, o->ranks, o->rank, &f, &e);
  if (e > f ? o->first_id != f || o->next_id != e : o->next_id >= 0)
    return OBM_EORDER;
  /* the subtrees the owners will wait for are the ones held: a mismatch
   * would leave a receive unmatched, a hang, so it is a status */
  int64_t lo[OBM_MAX_NODES];
  int lvl[OBM_MAX_NODES];
  if (obm_subtrees(f, e, lo, lvl, OBM_MAX_NODES) != o->depth)
    return OBM_EORDER;
  for (int j = 0; j < o->depth; j++)
    if (o->stack[j].lo != lo[j] || o->stack[j].level != lvl[j])
      return OBM_EORDER;
  const size_t len = o->ends[o->rank] - o->begins[o->rank];
  size_t slices = 0;
  for (int q = 0; q < o->ranks && len; q++) {
    int64_t fq, eq;
    obm_microbatches(m, o->ranks, q, &fq, &eq);
    slices += q == o->rank ? 0 : (size_t)obm_subtrees(fq, eq, lo, lvl, OBM_MAX_NODES);
  }
  if (len && !o->grad && !(o->grad = malloc(len * sizeof(float))))
    return OB_ENOMEM;
  if (slices * len > o->slices_cap) {
    free(o->slices);
    o->slices_cap = 0;
    if (!(o->slices = malloc(slices * len * sizeof(float))))
      return OB_ENOMEM;
    o->slices_cap = slices * len;
  }
  const size_t reqs = slices + ((size_t)o->depth + 2) * (size_t)o->ranks;
  if (reqs > o->reqs_cap) {
    free(o->reqs);
    o->reqs_cap = 0;
    if (!(o->reqs = malloc(reqs * sizeof *o->reqs)))
      return OB_ENOMEM;
    o->reqs_cap = reqs;
  }
  return OB_OK;
}

/* The ranks compare their checks, m and scale: the step's status on all. */
static int agree(obm_optimizer *o, int own, int64_t m, float scale) {
  uint32_t bits;
  memcpy(&bits, &scale, sizeof bits);
  const int64_t mine[3] = {own, m, bits};
  if (MPI_Allgather(mine, 3, MPI_INT64_T, o->agree, 3, MPI_INT64_T, o->comm) != MPI_SUCCESS)
    return OBM_EMPI;
  int st = own;
  for (int q = 0; q < o->ranks && st == OB_OK; q++)
    if (o->agree[3 * q])
      st = OBM_EPEER;
  for (int q = 0; q < o->ranks && st == OB_OK; q++)
    if (o->agree[3 * q + 1] != m || o->agree[3 * q + 2] != (int64_t)bits)
      st = OBM_EDIFFER;
  return st;
}

static void check_mpi(const obm_optimizer *o, int rc, const char *what) {
  if (rc != MPI_SUCCESS) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS)
      strcpy(msg, "unknown MPI error");
    obm_abort(o, what, msg);
  }
}

/* Posts the receives of every other rank's slices of the owned range, then
 * the sends of this rank's subtrees to every owner. Returns the number of
 * receives (first in o->reqs); *nreq counts all. */
static size_t post_reduce(obm_optimizer *o, int64_t m, size_t *nreq) {
  const size_t len = o->ends[o->rank] - o->begins[o->rank];
  size_t n = 0;
  for (int q = 0; q < o->ranks && len; q++) {
    int64_t lo[OBM_MAX_NODES], fq, eq;
    int lvl[OBM_MAX_NODES];
    obm_microbatches(m, o->ranks, q, &fq, &eq);
    const int k = q == o->rank ? 0 : obm_subtrees(fq, eq, lo, lvl, OBM_MAX_NODES);
    for (int j = 0; j < k; j++, n++)
      check_mpi(o, MPI_Irecv(o->slices + n * len, (int)len, MPI_FLOAT, q, j, o->comm, &o->reqs[n]),
                "MPI_Irecv of a gradient slice");
  }
  const size_t nrecv = n;
  for (int s = 0; s < o->ranks; s++) {
    const size_t b = o->begins[s], ls = o->ends[s] - b;
    for (int j = 0; j < o->depth && s != o->rank && ls; j++, n++)
      check_mpi(o, MPI_Isend(o->stack[j].buf + b, (int)ls, MPI_FLOAT, s, j, o->comm, &o->reqs[n]),
                "MPI_Isend of a gradient slice");
  }
  *nreq = n;
  return nrecv;
}

/* The owned range's gradient: every rank's subtrees' slices, in leaf order,
 * up the tree, times scale. */
static void fold(obm_optimizer *o, int64_t m, float scale) {
  const size_t b = o->begins[o->rank], len = o->ends[o->rank] - b;
  obm_node nodes[OBM_MAX_NODES];
  float *unused[OBM_MAX_NODES];
  int depth = 0;
  size_t slot = 0;
  for (int q = 0; q < o->ranks; q++) {
    int64_t lo[OBM_MAX_NODES], fq, eq;
    int lvl[OBM_MAX_NODES];
    obm_microbatches(m, o->ranks, q, &fq, &eq);
    const int k = obm_subtrees(fq, eq, lo, lvl, OBM_MAX_NODES);
    for (int j = 0; j < k; j++) {
      /* this rank's own subtrees are written in place: only the slices
       * outside the owned range are still being sent */
      float *buf = q == o->rank ? o->stack[j].buf + b : o->slices + len * slot++;
      obm_tree_push(nodes, &depth, (obm_node){lo[j], lvl[j], buf}, len, unused);
    }
  }
  obm_tree_finish(nodes, depth, len);
  for (size_t i = 0; i < len; i++)
    o->grad[i] = nodes[0].buf[i] * scale;
}

/* The pieces of params that make range [b, e): n blocks in o->blen/bdisp. */
static int blocks(obm_optimizer *o, float *const params[], size_t b, size_t e) {
  size_t lo = 0, hi = o->count; /* the first tensor ending past b */
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (o->offsets[mid + 1] <= b)
      lo = mid + 1;
    else
      hi = mid;
  }
  int n = 0;
  for (size_t i = lo; i < o->count && o->offsets[i] < e; i++) {
    const size_t s = o->offsets[i] > b ? o->offsets[i] : b;
    const size_t t = o->offsets[i + 1] < e ? o->offsets[i + 1] : e;
    if (t <= s)
      continue;
    check_mpi(o, MPI_Get_address(params[i] + (s - o->offsets[i]), &o->bdisp[n]), "MPI_Get_address");
    o->blen[n++] = (int)(t - s);
  }
  return n;
}

static MPI_Datatype range_type(obm_optimizer *o, float *const params[], int q) {
  MPI_Datatype t;
  const int n = blocks(o, params, o->begins[q], o->ends[q]);
  check_mpi(o, MPI_Type_create_hindexed(n, o->blen, o->bdisp, MPI_FLOAT, &t),
            "MPI_Type_create_hindexed");
  check_mpi(o, MPI_Type_commit(&t), "MPI_Type_commit");
  return t;
}

/* Every other rank's updated range straight into params, this rank's to
 * every other: derived datatypes over the tensors, no staging copy. */
static void post_gather(obm_optimizer *o, float *const params[], size_t *nreq) {
  const size_t len = o->ends[o->rank] - o->begins[o->rank];
  MPI_Datatype mine = MPI_DATATYPE_NULL;
  if (len)
    mine = range_type(o, params, o->rank);
  for (int q = 0; q < o->ranks; q++) {
    if (q == o->rank)
      continue;
    if (o->ends[q] > o->begins[q]) {
      MPI_Datatype t = range_type(o, params, q);
      check_mpi(o, MPI_Irecv(MPI_BOTTOM, 1, t, q, TAG_GATHER, o->comm, &o->reqs[(*nreq)++]),
                "MPI_Irecv of an updated range");
      check_mpi(o, MPI_Type_free(&t), "MPI_Type_free");
    }
    if (len)
      check_mpi(o, MPI_Isend(MPI_BOTTOM, 1, mine, q, TAG_GATHER, o->comm, &o->reqs[(*nreq)++]),
                "MPI_Isend of the updated range");
  }
  if (len)
    check_mpi(o, MPI_Type_free(&mine), "MPI_Type_free");
}

static void update(obm_optimizer *o, float *const params[]) {
  const size_t b = o->begins[o->rank], e = o->ends[o->rank];
  size_t n = 0;
  for (size_t i = o->first; i < o->last; i++) {
    const size_t s = o->offsets[i] > b ? o->offsets[i] : b;
    const size_t t = o->offsets[i + 1] < e ? o->offsets[i + 1] : e;
    if (t <= s)
      continue;
    o->vp[n] = params[i] + (s - o->offsets[i]);
    o->vg[n] = o->grad + (s - b);
    for (int k = 0; k < o->nstates; k++)
      if (o->vs[k])
        o->vs[k][n] = o->state[k] + (s - b);
    o->vsize[n++] = t - s;
  }
  const ob_status st = ob_step_list_states(o->variant, o->algo, &o->hp, o->steps + 1, n, o->vp,
                                           o->vg, (float *const *const *)o->vs, o->vsize);
  if (st != OB_OK)
    obm_abort(o, "ob_step_list_states refused the owned range", ob_strerror(st));
}

int obm_step(obm_optimizer *o, int64_t m, float scale, float *const params[]) {
  if (!o)
    return OB_EINVAL;
  obm_times *tm = &o->times;
  double t = MPI_Wtime();
  const int st = agree(o, prepare(o, m, params), m, scale);
  if (st != OB_OK) {
    reset(o);
    return st;
  }
  double now = MPI_Wtime();
  tm->wait = now - t;
  t = now;

  size_t nreq = 0;
  const size_t nrecv = post_reduce(o, m, &nreq);
  check_mpi(o, MPI_Waitall((int)nrecv, o->reqs, MPI_STATUSES_IGNORE), "MPI_Waitall (gradients)");
  now = MPI_Wtime();
  tm->reduce = now - t;
  t = now;

  const int owns = o->ends[o->rank] > o->begins[o->rank];
  if (owns)
    fold(o, m, scale);
  now = MPI_Wtime();
  tm->fold = now - t;
  t = now;
  if (owns)
    update(o, params);
  now = MPI_Wtime();
  tm->update = now - t;
  t = now;

  post_gather(o, params, &nreq);
  check_mpi(o, MPI_Waitall((int)(nreq - nrecv), o->reqs + nrecv, MPI_STATUSES_IGNORE),
            "MPI_Waitall (parameters)");
  tm->gather = MPI_Wtime() - t;
  reset(o);
  o->steps++;
  return OB_OK;
}
