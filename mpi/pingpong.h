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
  int sizes;
  double alpha; /* seconds: the one-way time of the smallest message */
  double beta;  /* bytes per second: least-squares slope over messages of 1 MB and up */
} pp_result;

/* Collective over comm (ranks 0 and 1 take part, the others wait); needs 2
 * ranks or more. max_bytes caps the sizes. 0, or -1 (out of memory, on any rank). */
int pp_run(MPI_Comm comm, size_t max_bytes, int repeats, pp_result *out);
void pp_json(FILE *f, const pp_result *);

#endif
