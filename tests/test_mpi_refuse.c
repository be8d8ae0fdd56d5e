/* Under mpirun -np 3: ranks that pass different lists, rules,
 * hyperparameters, micro-batch counts or scales, or wrong arguments of their
 * own, all get a status - the same verdict on every rank, never a hang (the
 * test's timeout would catch one) - and after a refused step a good one
 * still gives every rank the same parameters. Hyperparameters are compared
 * field by field over the library's list, and a caller's struct of the first
 * version's size is read as the full one with 0 past it. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "optbench_mpi.h"

enum { COUNT = 3 };
static const size_t SIZES[COUNT] = {40, 9, 30};
static int rank, ranks;

/* obm_create with this rank's view of the list; frees what it made. */
static int create(size_t count, const size_t *sizes, ob_algo a, const ob_hparams *hp) {
  obm_optimizer *o = NULL;
  const int st = obm_create(MPI_COMM_WORLD, count, sizes, a, hp, NULL, &o);
  CHECK((st == OB_OK) == (o != NULL), "status %d", st);
  obm_free(o);
  return st;
}

/* Every field of the library's list, by name: rank 1 alone sets it to a
 * value in every field's domain and none's default. Fields no rule reads
 * (momentum for Adam) count too: the ranks must pass the same struct. */
static void one_field_differs(const ob_hparams *hp) {
  for (int i = 0; i < ob_hparam_count(); i++) {
    ob_hparams h = *hp;
    const char *name = ob_hparam_name(i);
    double v;
    CHECK(ob_hparams_get(hp, name, &v) == OB_OK && v != 0.25, "%s: %g", name, v);
    if (rank == 1)
      CHECK(ob_hparams_set(&h, name, 0.25) == OB_OK, "%s", name);
    const int st = create(COUNT, SIZES, OB_ADAM, &h);
    CHECK(st == OBM_EDIFFER, "rank %d: %s differs: %s", rank, name, obm_strerror(st));
  }
}

static void creation(void) {
  const ob_hparams hp = ob_defaults(OB_ADAM);
  CHECK(create(COUNT, SIZES, OB_ADAM, &hp) == OB_OK, "the same list refused");
  /* rank 1 has a tensor of another size, rank 2 one tensor more */
  const size_t other[COUNT + 1] = {40, rank == 1 ? 10 : 9, 30, 7};
  int st = create(rank == 2 ? COUNT + 1 : COUNT, other, OB_ADAM, &hp);
  CHECK(st == OBM_EDIFFER, "rank %d: %s", rank, obm_strerror(st));
  /* the same sizes, one tensor split in two on rank 0: the same total */
  const size_t split[COUNT + 1] = {40, 4, 5, 30};
  st = rank == 0 ? create(COUNT + 1, split, OB_ADAM, &hp) : create(COUNT, SIZES, OB_ADAM, &hp);
  CHECK(st == OBM_EDIFFER, "rank %d: %s", rank, obm_strerror(st));
  /* another rule, another learning rate */
  st = create(COUNT, SIZES, rank == 2 ? OB_RMSPROP : OB_ADAM, &hp);
  CHECK(st == OBM_EDIFFER, "rank %d: %s", rank, obm_strerror(st));
  ob_hparams lr = hp;
  lr.lr = rank == 1 ? 0.002f : hp.lr;
  st = create(COUNT, SIZES, OB_ADAM, &lr);
  CHECK(st == OBM_EDIFFER, "rank %d: %s", rank, obm_strerror(st));
  one_field_differs(&hp);
  /* rank 0's own hyperparameters are out of their domain */
  ob_hparams bad = hp;
  bad.beta1 = rank == 0 ? 1.5f : hp.beta1;
  st = create(COUNT, SIZES, OB_ADAM, &bad);
  CHECK(st == (rank == 0 ? OB_EHPARAM : OBM_EPEER), "rank %d: %s", rank, obm_strerror(st));
  st = create(COUNT, rank == 2 ? NULL : SIZES, OB_ADAM, &hp);
  CHECK(st == (rank == 2 ? OB_EINVAL : OBM_EPEER), "rank %d: %s", rank, obm_strerror(st));
}

/* One step of the test's optimizer: micro-batches as obm_microbatches says
 * unless `skip` (this rank leaves its last out) or `swap` (its ids in the
 * wrong order); m and scale as given. */
static int step(obm_optimizer *o, float *p, int64_t m, float scale, int skip, int swap,
                int null_params) {
  float g[79];
  for (size_t i = 0; i < 79; i++)
    g[i] = 0.01f * (float)(i % 13) - 0.05f;
  const float *gv[COUNT] = {g, g + 40, g + 49};
  float *pv[COUNT] = {p, p + 40, p + 49};
  int64_t f, e;
  obm_microbatches(m, ranks, rank, &f, &e);
  int refused = 0;
  for (int64_t k = f; k < e - (skip && e > f); k++) {
    const int64_t id = swap && e - f >= 2 ? (k == f ? f + 1 : k == f + 1 ? f : k) : k;
    const int st = obm_accumulate(o, id, gv);
    CHECK(st == OB_OK || st == OBM_EORDER, "rank %d: %s", rank, obm_strerror(st));
    refused += st == OBM_EORDER;
  }
  CHECK(refused == (swap && e - f >= 2 ? (int)(e - f) - 1 : 0), "rank %d: %d refused", rank,
        refused);
  return obm_step(o, m, scale, null_params ? NULL : pv);
}

/* The first version's struct, allocated at exactly its size (so an over-read
 * is an error under `make sanitize`): taken as the full struct with the same
 * values and 0 past it, on one rank or on all. */
static void old_size(const ob_hparams *hp) {
  ob_hparams full = *hp;
  full.lr = 0.002f;
  full.weight_decay = 0.125f;
  full.decoupled_decay = 0.0625f;
  for (int i = ob_hparam_find("decoupled_decay") + 1; i < ob_hparam_count(); i++)
    ob_hparams_set(&full, ob_hparam_name(i), 0.0);
  ob_hparams head = full;
  head.size = (uint32_t)OB_HPARAMS_SIZE_V1;
  void *mem = malloc(OB_HPARAMS_SIZE_V1);
  CHECK(mem != NULL, "malloc");
  if (!mem)
    return;
  memcpy(mem, &head, OB_HPARAMS_SIZE_V1);
  const ob_hparams *v1 = mem;
  int st = create(COUNT, SIZES, OB_ADAM, rank == 1 ? v1 : &full);
  CHECK(st == OB_OK, "rank %d: v1 on rank 1: %s", rank, obm_strerror(st));
  /* read correctly: the same steps as the full struct's, bitwise */
  obm_optimizer *o[2] = {NULL, NULL};
  float p[2][79];
  for (int k = 0; k < 2; k++) {
    st = obm_create(MPI_COMM_WORLD, COUNT, SIZES, OB_ADAM, k ? v1 : &full, NULL, &o[k]);
    CHECK(st == OB_OK, "rank %d: %s struct: %s", rank, k ? "v1" : "full", obm_strerror(st));
    for (size_t i = 0; i < 79; i++)
      p[k][i] = 0.5f - 0.01f * (float)(i % 7);
  }
  free(mem);
  for (int t = 0; o[0] && o[1] && t < 3; t++)
    for (int k = 0; k < 2; k++)
      CHECK(step(o[k], p[k], 6, 1.0f / 6, 0, 0, 0) == OB_OK, "rank %d: step %d", rank, t);
  CHECK(memcmp(p[0], p[1], sizeof p[0]) == 0, "rank %d: the v1 struct steps differently", rank);
  /* and the decays were read: without them the parameters differ */
  ob_hparams none = full;
  none.weight_decay = none.decoupled_decay = 0.0f;
  obm_optimizer *n = NULL;
  float q[79];
  for (size_t i = 0; i < 79; i++)
    q[i] = 0.5f - 0.01f * (float)(i % 7);
  CHECK(obm_create(MPI_COMM_WORLD, COUNT, SIZES, OB_ADAM, &none, NULL, &n) == OB_OK, "create");
  for (int t = 0; n && t < 3; t++)
    step(n, q, 6, 1.0f / 6, 0, 0, 0);
  CHECK(memcmp(p[1], q, sizeof q) != 0, "rank %d: the decays made no difference", rank);
  obm_free(n);
  obm_free(o[0]);
  obm_free(o[1]);
}

static void steps(void) {
  const ob_hparams hp = ob_defaults(OB_ADAM);
  obm_optimizer *o = NULL;
  CHECK(obm_create(MPI_COMM_WORLD, COUNT, SIZES, OB_ADAM, &hp, NULL, &o) == OB_OK,
        "obm_create refused");
  if (!o)
    return;
  float p[79];
  for (size_t i = 0; i < 79; i++)
    p[i] = 0.5f;
  int st = step(o, p, 6, 1.0f / 6, 0, 0, 0);
  CHECK(st == OB_OK, "%s", obm_strerror(st));
  st = step(o, p, rank == 1 ? 7 : 6, 1.0f / 6, 0, 0, 0);
  CHECK(st == OBM_EDIFFER, "rank %d: m differs: %s", rank, obm_strerror(st));
  st = step(o, p, 6, rank == 2 ? 0.5f : 1.0f / 6, 0, 0, 0);
  CHECK(st == OBM_EDIFFER, "rank %d: scale differs: %s", rank, obm_strerror(st));
  st = step(o, p, 6, 1.0f / 6, rank == 0, 0, 0);
  CHECK(st == (rank == 0 ? OBM_EORDER : OBM_EPEER), "rank %d: skipped: %s", rank, obm_strerror(st));
  st = step(o, p, 6, 1.0f / 6, 0, rank == 1, 0);
  CHECK(st == (rank == 1 ? OBM_EORDER : OBM_EPEER), "rank %d: swapped: %s", rank, obm_strerror(st));
  st = step(o, p, 6, 1.0f / 6, 0, 0, rank == 2);
  CHECK(st == (rank == 2 ? OB_EINVAL : OBM_EPEER), "rank %d: NULL params: %s", rank,
        obm_strerror(st));
  st = step(o, p, 0, 1.0f, 0, 0, 0);
  CHECK(st == OB_EINVAL, "rank %d: m = 0: %s", rank, obm_strerror(st));
  /* the refusals changed nothing: a good step, and every rank agrees */
  st = step(o, p, 6, 1.0f / 6, 0, 0, 0);
  CHECK(st == OB_OK, "%s", obm_strerror(st));
  obm_info in;
  obm_get_info(o, &in);
  CHECK(in.steps == 2, "steps %lld", (long long)in.steps);
  float p0[79];
  memcpy(p0, p, sizeof p0);
  MPI_Bcast(p0, 79, MPI_FLOAT, 0, MPI_COMM_WORLD);
  CHECK(memcmp(p0, p, sizeof p) == 0, "rank %d's parameters differ from rank 0's", rank);
  CHECK(p[0] != 0.5f, "the steps changed nothing");
  obm_free(o);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks == 3) {
    creation();
    steps();
    const ob_hparams hp = ob_defaults(OB_ADAM);
    old_size(&hp);
  } else
    CHECK(ranks == 3, "run with mpirun -np 3, not %d", ranks);
  int mine = ob_failures, worst = 0;
  MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst ? 1 : ob_test_done("test_mpi_refuse");
}
