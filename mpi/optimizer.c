/* Creating and freeing the sharded optimizer; the shape check across ranks
 * (optbench_mpi.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *obm_strerror(int status) {
  switch (status) {
  case OBM_EDIFFER: return "the ranks passed different parameter lists, rules or hyperparameters";
  case OBM_EPEER: return "another rank refused its arguments";
  case OBM_EORDER:
    return "micro-batches contributed out of order or not as obm_microbatches splits them";
  case OBM_EMPI: return "an MPI call failed";
  default:
    return status >= 0 && status < OB_STATUS_COUNT ? ob_strerror((ob_status)status)
                                                   : "unknown status";
  }
}

_Noreturn void obm_abort(const obm_optimizer *o, const char *what, const char *why) {
  fprintf(stderr, "optbench_mpi: rank %d of %d: step %lld: %s: %s; ending the job (MPI_Abort)\n",
          o->rank, o->ranks, (long long)o->steps + 1, what, why);
  fflush(stderr);
  MPI_Abort(o->comm, 1);
  _Exit(1); /* MPI_Abort does not return; the standard does not say so */
}

/* FNV-1a over the 64-bit words of what every rank must agree on. */
static uint64_t fnv(uint64_t h, uint64_t word) {
  for (int i = 0; i < 8; i++) {
    h ^= (word >> (8 * i)) & 0xff;
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

static uint64_t double_bits(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

/* Every hyperparameter of the library's list, by name and value: a field
 * added later takes part without an edit here, and a renamed or reordered
 * one changes the digest rather than comparing the wrong fields. */
static uint64_t digest(size_t count, const size_t sizes[], ob_algo algo, const ob_hparams *hp) {
  uint64_t h = fnv(UINT64_C(0xcbf29ce484222325), count);
  for (size_t i = 0; i < count; i++)
    h = fnv(h, sizes[i]);
  h = fnv(h, (uint64_t)algo);
  for (int i = 0; i < ob_hparam_count(); i++) {
    const char *name = ob_hparam_name(i);
    double v = 0.0;
    ob_hparams_get(hp, name, &v); /* hp is the library's own copy: cannot fail */
    for (const char *c = name; *c; c++)
      h = fnv(h, (unsigned char)*c);
    h = fnv(h, double_bits(v));
  }
  return h;
}

/* The caller's hyperparameters into the library's struct, field by field
 * through the public API, which reads no more than hp->size bytes (a caller
 * built against an older header passes a smaller struct; ob_hparams_check
 * refuses a newer caller's fields this library cannot honour). */
static int copy_hparams(ob_algo algo, ob_hparams *dst, const ob_hparams *hp) {
  if (hp->size < OB_HPARAMS_SIZE_V1)
    return OB_EINVAL;
  const ob_status cs = ob_hparams_check(algo, hp);
  if (cs != OB_OK)
    return cs;
  *dst = (ob_hparams)OB_HPARAMS_INIT;
  for (int i = 0; i < ob_hparam_count(); i++) {
    const char *name = ob_hparam_name(i);
    double v;
    ob_status st = ob_hparams_get(hp, name, &v);
    if (st == OB_OK)
      st = ob_hparams_set(dst, name, v);
    if (st != OB_OK)
      return st;
  }
  return OB_OK;
}

void obm_free(obm_optimizer *o) {
  if (!o)
    return;
  if (o->comm != MPI_COMM_NULL)
    MPI_Comm_free(&o->comm);
  for (int d = 0; d < o->depth; d++)
    free(o->stack[d].buf);
  for (int i = 0; i < o->pooled; i++)
    free(o->pool[i]);
  free(o->sizes);
  free(o->offsets);
  free(o->begins);
  free(o->ends);
  for (int k = 0; k < OB_MAX_STATES; k++) {
    free(o->state[k]);
    free(o->vs[k]);
  }
  free(o->grad);
  free(o->slices);
  free(o->reqs);
  free(o->agree);
  free(o->vp);
  free(o->vg);
  free(o->vsize);
  free(o->blen);
  free(o->bdisp);
  free(o);
}

/* Everything this rank needs, checked and allocated before the ranks
 * compare notes: OB_OK or why not. */
static int build(obm_optimizer *o, size_t count, const size_t sizes[], ob_algo algo,
                 const ob_hparams *hp, const ob_variant *variant) {
  if ((count > 0 && !sizes) || !hp || ob_state_count(algo) < 0)
    return OB_EINVAL;
  const int hs = copy_hparams(algo, &o->hp, hp);
  if (hs != OB_OK)
    return hs;
  o->variant = variant ? variant : ob_variant_default();
  if (!o->variant)
    return OB_ENOVARIANT;
  if (!ob_variant_supported(o->variant))
    return OB_EUNSUPPORTED;
  o->algo = algo;
  o->nstates = ob_state_count(algo);
  o->count = count;
  o->next_id = -1;
  const size_t n1 = count + 1, nr = (size_t)o->ranks;
  o->sizes = malloc(n1 * sizeof *o->sizes);
  o->offsets = malloc(n1 * sizeof *o->offsets);
  o->begins = malloc(nr * sizeof *o->begins);
  o->ends = malloc(nr * sizeof *o->ends);
  o->agree = malloc(3 * nr * sizeof *o->agree);
  if (!o->sizes || !o->offsets || !o->begins || !o->ends || !o->agree)
    return OB_ENOMEM;
  o->offsets[0] = 0;
  for (size_t i = 0; i < count; i++) {
    if (sizes[i] > SIZE_MAX / sizeof(float) - o->offsets[i])
      return OB_EINVAL;
    o->sizes[i] = sizes[i];
    o->offsets[i + 1] = o->offsets[i] + sizes[i];
  }
  o->total = o->offsets[count];
  for (int r = 0; r < o->ranks; r++) {
    obm_shard_range(o->total, o->ranks, r, &o->begins[r], &o->ends[r]);
    if (o->ends[r] - o->begins[r] > INT_MAX) /* MPI counts are int */
      return OB_EINVAL;
  }
  const size_t b = o->begins[o->rank], e = o->ends[o->rank];
  o->first = o->last = 0;
  if (e > b) {
    while (o->offsets[o->first + 1] <= b)
      o->first++;
    o->last = o->first;
    while (o->last < count && o->offsets[o->last] < e)
      o->last++;
  }
  /* only the states these hyperparameters use (ob_state_used): the point
   * of the sharding is the memory, and they cannot change (no set_hparams) */
  const size_t nv = count ? count : 1;
  for (int k = 0; k < o->nstates; k++) {
    if (ob_state_used(algo, &o->hp, k) != 1)
      continue;
    o->used_states++;
    double init = 0.0;
    const char *field = ob_state_initial(algo, k);
    if (field && ob_hparams_get(&o->hp, field, &init) != OB_OK)
      return OB_EINVAL;
    if (e > b && !(o->state[k] = calloc(e - b, sizeof(float))))
      return OB_ENOMEM;
    for (size_t i = 0; i < e - b; i++)
      o->state[k][i] = (float)init; /* the field's float value: hp holds floats */
    if (!(o->vs[k] = malloc(nv * sizeof *o->vs[k])))
      return OB_ENOMEM;
  }
  o->vp = malloc(nv * sizeof *o->vp);
  o->vg = malloc(nv * sizeof *o->vg);
  o->vsize = malloc(nv * sizeof *o->vsize);
  o->blen = malloc(nv * sizeof *o->blen);
  o->bdisp = malloc(nv * sizeof *o->bdisp);
  if (!o->vp || !o->vg || !o->vsize || !o->blen || !o->bdisp)
    return OB_ENOMEM;
  return OB_OK;
}

int obm_create(MPI_Comm comm, size_t count, const size_t sizes[], ob_algo algo,
               const ob_hparams *hp, const ob_variant *variant, obm_optimizer **out) {
  if (out)
    *out = NULL;
  int rank, ranks;
  if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &ranks) != MPI_SUCCESS)
    return OBM_EMPI;
  obm_optimizer *o = calloc(1, sizeof *o);
  int own = !out ? OB_EINVAL : !o ? OB_ENOMEM : OB_OK;
  if (o) {
    o->comm = MPI_COMM_NULL;
    o->rank = rank;
    o->ranks = ranks;
    if (own == OB_OK)
      own = build(o, count, sizes, algo, hp, variant);
  }
  /* one all-reduce: the largest status, and the largest and smallest digest
   * (as the largest of its complement) */
  const uint64_t h = own == OB_OK ? digest(count, sizes, algo, &o->hp) : 0;
  uint64_t mine[3] = {(uint64_t)own, h, ~h}, all[3];
  int st = MPI_Allreduce(mine, all, 3, MPI_UINT64_T, MPI_MAX, comm) != MPI_SUCCESS ? OBM_EMPI
           : own != OB_OK                                                          ? own
           : all[0]                                                                ? OBM_EPEER
           : all[1] != ~all[2]                                                     ? OBM_EDIFFER
                                                                                   : OB_OK;
  if (st == OB_OK && (MPI_Comm_dup(comm, &o->comm) != MPI_SUCCESS ||
                      MPI_Comm_set_errhandler(o->comm, MPI_ERRORS_RETURN) != MPI_SUCCESS))
    st = OBM_EMPI;
  if (st != OB_OK) {
    obm_free(o);
    return st;
  }
  *out = o;
  return OB_OK;
}

void obm_get_info(const obm_optimizer *o, obm_info *info) {
  memset(info, 0, sizeof *info);
  if (!o)
    return;
  info->rank = o->rank;
  info->ranks = o->ranks;
  info->total = o->total;
  info->begin = o->begins[o->rank];
  info->end = o->ends[o->rank];
  info->state_bytes = (size_t)o->used_states * (info->end - info->begin) * sizeof(float);
  info->buffer_bytes = o->pool_bytes + o->slices_cap * sizeof(float) +
                       (o->grad ? (info->end - info->begin) * sizeof(float) : 0);
  info->steps = o->steps;
  info->last = o->times;
}

const float *obm_state(const obm_optimizer *o, int which) {
  return o && which >= 0 && which < o->nstates ? o->state[which] : NULL; /* NULL if unused */
}
