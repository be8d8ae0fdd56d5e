/* optbench_mpi_train's pieces (train_mlp.c): options, data, the net, one
 * micro-batch's gradient and loss, the output files; the two ways to step
 * (train_ref.c without MPI, train_mpi.c sharded). */
#ifndef OBM_TRAIN_H
#define OBM_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "idx.h"
#include "mlp.h"
#include "optbench.h"

#define TRAIN_INIT_SEED  UINT64_C(0x6f70746265e0d001) /* weights */
#define TRAIN_BATCH_SEED UINT64_C(0x6f70746265e0d002) /* batch indices */

typedef struct {
  const char *data, *out;
  unsigned long long iters, micro, micro_size;
  ob_algo algo;
  ob_hparams hp; /* the rule's defaults, lr of the book's figure 6-9 */
  int reference, small;
} train_opts;

typedef struct {
  idx_set data;
  mlp net;
  mlp_rng rng;
  float *xb;
  uint8_t *yb;
  size_t *index; /* the iteration's global batch, micro-batch k at k * micro_size */
  double *loss;  /* per iteration */
} train_run;

/* Before MPI_Init, so every rank refuses alike: -1 to go on, else the exit
 * status (0 after --help, 2 after a bad option; ob_opts_parse_main). */
int train_parse(int argc, char **argv, train_opts *);
/* 0; 2 if the data set is missing; 1 on another failure (message on stderr). */
int train_load(const train_opts *, train_run *, const char *who);
void train_draw(const train_opts *, train_run *);               /* the next global batch */
void train_grad(const train_opts *, train_run *, int64_t id);   /* into run->net.grads */
double train_loss(const train_opts *, train_run *, int64_t id); /* with the current params */
int train_write(const train_opts *, const train_run *, const char *who); /* loss.dat, params.txt */
void train_free(train_run *);
size_t train_heap_bytes(void);

int train_reference(const train_opts *);
int train_mpi(const train_opts *, int *argc, char ***argv);

#endif
