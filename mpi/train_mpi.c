/* optbench_mpi_train under mpirun: the sharded step (train_mlp.c says what
 * is trained). Rank 0 writes the files; every rank's state memory and the
 * median step breakdown go to memory.txt and stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "optbench_mpi.h"
#include "train.h"

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return n ? (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) : 0.0;
}

/* memory.txt: one line per rank, gathered to rank 0. */
static int write_memory(const train_opts *op, const obm_info *in, size_t measured, MPI_Comm comm,
                        const char *who) {
  const unsigned long long mine[5] = {(unsigned long long)in->rank, in->begin, in->end, measured,
                                      in->state_bytes};
  unsigned long long *all = in->rank == 0 ? malloc(5 * (size_t)in->ranks * sizeof *all) : NULL;
  MPI_Gather(mine, 5, MPI_UNSIGNED_LONG_LONG, all, 5, MPI_UNSIGNED_LONG_LONG, 0, comm);
  if (in->rank != 0)
    return 0;
  char err[4096];
  conv_out o;
  if (!all || conv_out_open(&o, op->out, "memory.txt", err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, all ? err : "out of memory");
    free(all);
    return 1;
  }
  fprintf(o.f, "# ranks rank begin end state_bytes_measured state_bytes_held\n");
  for (int r = 0; r < in->ranks; r++) {
    const unsigned long long *a = all + 5 * r;
    fprintf(o.f, "%d %llu %llu %llu %llu %llu\n", in->ranks, a[0], a[1], a[2], a[3], a[4]);
    printf("%s: rank %llu of %d: parameters [%llu, %llu), optimizer state %llu bytes (heap, "
           "measured), %llu held\n",
           who, a[0], in->ranks, a[1], a[2], a[3], a[4]);
  }
  free(all);
  if (conv_out_commit(&o, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, err);
    return 1;
  }
  return 0;
}

static int run(const train_opts *op, train_run *tr, MPI_Comm comm, int rank, int ranks,
               const char *who) {
  const size_t heap0 = train_heap_bytes();
  obm_optimizer *o = NULL;
  int st = obm_create(comm, tr->net.count, tr->net.sizes, op->algo, &op->hp, NULL, &o);
  const size_t measured = train_heap_bytes() - heap0;
  if (st != OB_OK) {
    fprintf(stderr, "%s: rank %d: obm_create: %s\n", who, rank, obm_strerror(st));
    return 1;
  }
  const int64_t m = (int64_t)op->micro;
  int64_t first, end;
  obm_microbatches(m, ranks, rank, &first, &end);
  double *mine = malloc(((size_t)(end - first) + 1) * sizeof *mine);
  double *losses = malloc((size_t)m * sizeof *losses);
  int *counts = malloc((size_t)ranks * sizeof *counts),
      *displs = malloc((size_t)ranks * sizeof *displs);
  double *t[4];
  for (int k = 0; k < 4; k++)
    t[k] = malloc(op->iters * sizeof *t[k]);
  int rc = !mine || !losses || !counts || !displs || !t[0] || !t[1] || !t[2] || !t[3];
  for (int q = 0; !rc && q < ranks; q++) {
    int64_t f, e;
    obm_microbatches(m, ranks, q, &f, &e);
    counts[q] = (int)(e - f);
    displs[q] = (int)f;
  }
  if (rc)
    fprintf(stderr, "%s: rank %d: out of memory\n", who, rank);
  int any = rc; /* all ranks start the loop or none */
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, comm);
  rc = any;
  const float scale = 1.0f / (float)m;
  for (unsigned long long it = 0; !rc && it < op->iters; it++) {
    train_draw(op, tr);
    const double c0 = MPI_Wtime();
    /* a refused contribution is reported by obm_step, on every rank */
    for (int64_t k = first; k < end; k++) {
      train_grad(op, tr, k);
      if ((st = obm_accumulate(o, k, (const float *const *)tr->net.grads)) != OB_OK)
        fprintf(stderr, "%s: rank %d: micro-batch %lld: %s\n", who, rank, (long long)k,
                obm_strerror(st));
    }
    const double c1 = MPI_Wtime();
    if ((st = obm_step(o, m, scale, tr->net.params)) != OB_OK) {
      fprintf(stderr, "%s: rank %d: iteration %llu: %s\n", who, rank, it + 1, obm_strerror(st));
      rc = 1;
      break;
    }
    obm_info in;
    obm_get_info(o, &in);
    t[0][it] = c1 - c0;
    t[1][it] = in.last.wait;
    t[2][it] = in.last.reduce + in.last.gather;
    t[3][it] = in.last.fold + in.last.update;
    for (int64_t k = first; k < end; k++)
      mine[k - first] = train_loss(op, tr, k);
    /* the micro-batches' losses in id order on rank 0, added there in order */
    MPI_Gatherv(mine, (int)(end - first), MPI_DOUBLE, losses, counts, displs, MPI_DOUBLE, 0, comm);
    if (rank == 0) {
      double sum = 0.0;
      for (int64_t k = 0; k < m; k++)
        sum += losses[k];
      tr->loss[it] = sum / (double)m;
    }
  }
  obm_info in;
  obm_get_info(o, &in);
  /* rc is the same on every rank here (obm_step's statuses are), so all
   * or none take part in the gather; the loss file first: it makes the folder */
  const int wrote = !rc && rank == 0 ? train_write(op, tr, who) : 0;
  if (!rc)
    rc = write_memory(op, &in, measured, comm, who) || wrote;
  if (!rc && rank == 0) {
    const size_t n = op->iters;
    printf("%s: %d ranks, %llu iterations, %lld micro-batches of %llu; loss %.6f\n"
           "%s: rank 0 median per iteration (ms, OMP/BLAS threads 1, noisy shared machine): "
           "gradients %.3f, wait %.3f, communication %.3f, sum+update %.3f\n",
           who, ranks, op->iters, (long long)m, op->micro_size, tr->loss[n - 1], who,
           1e3 * median(t[0], n), 1e3 * median(t[1], n), 1e3 * median(t[2], n),
           1e3 * median(t[3], n));
  }
  for (int k = 0; k < 4; k++)
    free(t[k]);
  free(mine);
  free(losses);
  free(counts);
  free(displs);
  obm_free(o);
  return rc;
}

int train_mpi(const train_opts *op, int *argc, char ***argv) {
  const char *who = "optbench_mpi_train";
  if (MPI_Init(argc, argv) != MPI_SUCCESS) {
    fprintf(stderr, "%s: MPI_Init failed\n", who);
    return 1;
  }
  int rank, ranks;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  train_run tr;
  int rc = train_load(op, &tr, who);
  /* every rank must know whether all loaded before the first collective */
  int worst = rc;
  MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (worst == 0)
    rc = run(op, &tr, MPI_COMM_WORLD, rank, ranks, who);
  else if (rc == 0)
    rc = worst;
  train_free(&tr);
  /* a rank that failed alone must not leave the others in a collective */
  int any = rc;
  MPI_Allreduce(&rc, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any;
}
