/* Under mpirun -np 3: ranks that pass different lists, rules,
 * hyperparameters, micro-batch counts or scales, or wrong arguments of their
 * own, all get a status - the same verdict on every rank, never a hang (the
 * test's timeout would catch one) - and after a refused step a good one
 * still gives every rank the same parameters. */
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
  } else
    CHECK(ranks == 3, "run with mpirun -np 3, not %d", ranks);
  int mine = ob_failures, worst = 0;
  MPI_Allreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst ? 1 : ob_test_done("test_mpi_refuse");
}
