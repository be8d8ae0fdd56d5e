/* Under mpirun -np 3: a rank that fails after its step's data began to move
 * ends the job. At step 2 rank 1 passes parameter arrays of which two
 * overlap inside its owned range (a corrupted list), so ob_step_list_states refuses
 * its range; the others already hold their new values. The library must end
 * the job through MPI_Abort, naming the rank: tests/mpi.cmake expects a
 * nonzero exit and "optbench_mpi: rank 1 of 3: step 2: ob_step_list" on
 * stderr. Reaching the end is the failure. */
#include <stdio.h>

#include "optbench_mpi.h"

enum { COUNT = 6 };
static const size_t SIZES[COUNT] = {32, 32, 32, 32, 32, 32}; /* rank 1 owns tensors 2 and 3 */

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const ob_hparams hp = ob_defaults(OB_MOMENTUM);
  obm_optimizer *o = NULL;
  if (obm_create(MPI_COMM_WORLD, COUNT, SIZES, OB_MOMENTUM, &hp, NULL, &o) != OB_OK) {
    fprintf(stderr, "test_mpi_fault: obm_create failed\n");
    MPI_Finalize();
    return 1;
  }
  float p[192] = {0}, g[192];
  for (int i = 0; i < 192; i++)
    g[i] = 0.001f * (float)i;
  float *pv[COUNT];
  const float *gv[COUNT];
  for (int i = 0; i < COUNT; i++) {
    pv[i] = p + 32 * i;
    gv[i] = g + 32 * i;
  }
  for (int t = 1; t <= 3; t++) {
    if (t == 2 && rank == 1)
      pv[3] = pv[2] + 8; /* overlaps tensor 2 */
    int64_t f, e;
    obm_microbatches(3, 3, rank, &f, &e);
    for (int64_t k = f; k < e; k++)
      obm_accumulate(o, k, gv);
    const int st = obm_step(o, 3, 1.0f / 3, pv);
    printf("test_mpi_fault: rank %d: step %d: %s\n", rank, t, obm_strerror(st));
  }
  obm_free(o);
  MPI_Finalize();
  fprintf(stderr, "test_mpi_fault: rank %d: the job was not ended\n", rank);
  return 0;
}
