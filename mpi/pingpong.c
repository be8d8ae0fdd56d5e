/* Ping-pong between ranks 0 and 1 (pingpong.h). */
#include "pingpong.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int pp_run(MPI_Comm comm, size_t max_bytes, int repeats, pp_result *out) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  *out = (pp_result){0};
  char *buf = malloc(max_bytes ? max_bytes : 1);
  double *rt = malloc(16 * (size_t)repeats * sizeof *rt);
  int ok = buf && rt, all_ok;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
  if (!all_ok) {
    free(buf);
    free(rt);
    return -1;
  }
  for (size_t i = 0; i < max_bytes; i++)
    buf[i] = (char)i;
  for (size_t bytes = 8; bytes <= max_bytes && out->sizes < PP_SIZES; bytes *= 4) {
    /* small messages are cheap: many more rounds, so that the fastest is one
     * that no descheduled rank delayed */
    const int reps = bytes <= 65536 ? 16 * repeats : repeats;
    for (int r = -1; r < reps; r++) { /* r = -1: a warm-up round */
      MPI_Barrier(comm);
      const double t0 = MPI_Wtime();
      if (rank == 0) {
        MPI_Send(buf, (int)bytes, MPI_BYTE, 1, 0, comm);
        MPI_Recv(buf, (int)bytes, MPI_BYTE, 1, 0, comm, MPI_STATUS_IGNORE);
      } else if (rank == 1) {
        MPI_Recv(buf, (int)bytes, MPI_BYTE, 0, 0, comm, MPI_STATUS_IGNORE);
        MPI_Send(buf, (int)bytes, MPI_BYTE, 0, 0, comm);
      }
      if (r >= 0)
        rt[r] = MPI_Wtime() - t0;
    }
    qsort(rt, (size_t)reps, sizeof *rt, cmp_double);
    out->bytes[out->sizes] = bytes;
    out->best[out->sizes] = rt[0] / 2;
    out->one_way[out->sizes++] = rt[reps / 2] / 2;
  }
  /* rank 0 timed the round trips; everyone gets its numbers */
  MPI_Bcast(out->one_way, PP_SIZES, MPI_DOUBLE, 0, comm);
  MPI_Bcast(out->best, PP_SIZES, MPI_DOUBLE, 0, comm);
  out->alpha = out->sizes ? out->best[0] : 0.0;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (int i = 0; i < out->sizes; i++)
    if (out->bytes[i] >= ((size_t)1 << 20)) {
      const double x = (double)out->bytes[i], y = out->best[i];
      sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
    }
  const double slope = n >= 2 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0.0;
  out->beta = slope > 0 ? 1.0 / slope : 0.0;
  free(buf);
  free(rt);
  return 0;
}

void pp_json(FILE *f, const pp_result *p) {
  fprintf(f, "{\"alpha_s\": %.9g, \"beta_Bps\": %.9g, \"points\": [", p->alpha, p->beta);
  for (int i = 0; i < p->sizes; i++)
    fprintf(f, "%s{\"bytes\": %zu, \"one_way_median_s\": %.9g, \"one_way_best_s\": %.9g}",
            i ? ", " : "", p->bytes[i], p->one_way[i], p->best[i]);
  fprintf(f, "]}");
}
