/* MPI latency and bandwidth between ranks 0 and 1, and the alpha-beta fit
 * (t = alpha + bytes / beta) the projection in the report uses. */
#ifndef OBM_PINGPONG_H
#define OBM_PINGPONG_H

#include <mpi.h>
#include <stddef.h>
#include <stdio.h>

#define PP_SIZES 13 /* 8 B to 128 MB, times 4 */

typedef struct {
  size_t bytes[PP_SIZES];
  double one_way[PP_SIZES]; /* seconds: median round trip / 2 */
  double best[PP_SIZES];    /* seconds: fastest round trip / 2 */
  int sizes;
  /* The fit is on the fastest round trips: on a shared, oversubscribed
   * machine the median carries the scheduler's delays (a rank waiting for
   * a core), which a dedicated cluster node does not have. */
  double alpha; /* seconds: the fastest one-way time of the smallest message */
  double beta;  /* bytes per second: 1 / least-squares slope over messages of 1 MB and up */
} pp_result;

/* Collective over comm (ranks 0 and 1 take part, the others wait); needs 2
 * ranks or more. max_bytes caps the sizes; messages up to 64 KB take 16 x
 * repeats round trips, larger ones repeats. 0, or -1 (out of memory, on any rank). */
int pp_run(MPI_Comm comm, size_t max_bytes, int repeats, pp_result *out);
void pp_json(FILE *f, const pp_result *);

#endif
