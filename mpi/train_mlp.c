/* optbench_mpi_train - the book's figure 6-9 network (784-100-100-100-100-10,
 * ReLU, He init, softmax cross-entropy; experiments/convergence/mlp.c) trained
 * data-parallel under `mpirun -np R` with the sharded step of optbench_mpi.
 *
 * Every iteration draws a global batch of M micro-batches of B images (the
 * same indices on every rank); rank r computes the gradients of its
 * micro-batches (obm_microbatches), the sharded step sums them in the fixed
 * tree and applies gradient = sum / M. The recorded loss is the book's: the
 * loss on the iteration's batch after the update, the mean of the
 * micro-batches' losses added in id order.
 *
 * --reference runs the same on one process without MPI (never MPI_Init): all
 * M gradients kept, summed by a recursive pairwise sum written here, and
 * ob_optimizer_update on the whole tensors. The loss curve (loss.dat) and the
 * parameter digest (params.txt) must be the same files for every R and for
 * --reference; memory.txt says what each rank's optimizer state took.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "mlp.h"
#include "optbench_mpi.h"
#include "optnames.h"
#include "opts.h"
#include "train.h"

/* the figure 6-9 network of experiments/convergence/mnist.c */
static const size_t DIMS[] = {784, 100, 100, 100, 100, 10};
#define LAYERS 5

/* the book's figure 6-9 rate of each rule, from the one list */
static const float MNIST_LR[] = {
#define OB_BOOK(traj_lr, traj_source, mnist_lr, mnist_source)                       mnist_lr
#define OB_ALGO(ID, name, title, states, hparams, cost, bound, omp_log2, book, ...) book,
#include "optbench_algos.def"
#undef OB_ALGO
#undef OB_BOOK
};

/* Heap bytes in use (glibc: arena plus mmap'd blocks): what an allocation
 * really costs, measured, not what the code says it asked for. */
size_t train_heap_bytes(void) {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

static int take_algo(void *target, const char *name, const char *value, char *err, size_t errlen) {
  const int a = ob_optname_algo(name, value, err, errlen);
  if (a < 0)
    return OB_OPTS_BAD;
  *(ob_algo *)target = (ob_algo)a;
  return OB_OPTS_OK;
}

int train_parse(int argc, char **argv, train_opts *op) {
  *op = (train_opts){.data = CONV_FASHION_DATA,
                     .out = "mpi-train",
                     .iters = 2000,
                     .micro = 8,
                     .micro_size = 16,
                     .algo = OB_ADAM};
  const ob_opt table[] = {
      {"--data", NULL, OB_OPT_STR, &op->data, 0, 0, 0, NULL, "DIR", "Fashion-MNIST's IDX files"},
      {"--small", NULL, OB_OPT_FLAG, &op->small, 0, 0, 0, NULL, NULL,
       "the 10000 test images instead of the 60000 training images"},
      {"--out", NULL, OB_OPT_STR, &op->out, 0, 0, 0, NULL, "DIR",
       "loss.dat, params.txt, memory.txt (default mpi-train)"},
      /* 10^7 iterations is days here, past any experiment */
      {"--iters", NULL, OB_OPT_U64, &op->iters, 1, 10000000, 0, NULL, "N",
       "training iterations (default 2000)"},
      /* 4096 x 4096: 16M images a step, far past the 60000 there are */
      {"--micro", NULL, OB_OPT_U64, &op->micro, 1, 4096, 0, NULL, "M",
       "micro-batches per iteration (default 8)"},
      {"--micro-size", NULL, OB_OPT_U64, &op->micro_size, 1, 4096, 0, NULL, "B",
       "images per micro-batch (default 16)"},
      {"--algo", NULL, OB_OPT_FN, &op->algo, 0, 0, 0, take_algo, "NAME",
       "the update rule (default adam)"},
      {"--reference", NULL, OB_OPT_FLAG, &op->reference, 0, 0, 0, NULL, NULL,
       "one process without MPI: the curve every rank count must match"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  const int done = ob_opts_parse_main("optbench_mpi_train", "[options]", table,
                                      sizeof table / sizeof *table, NULL, &argc, argv);
  if (done >= 0)
    return done;
  op->hp = ob_defaults(op->algo);
  op->hp.lr = MNIST_LR[op->algo];
  return -1;
}

int train_load(const train_opts *op, train_run *run, const char *who) {
  memset(run, 0, sizeof *run);
  char pi[4096], pl[4096], err[4096];
  const char *set = op->small ? "t10k" : "train";
  snprintf(pi, sizeof pi, "%s/%s-images-idx3-ubyte.gz", op->data, set);
  snprintf(pl, sizeof pl, "%s/%s-labels-idx1-ubyte.gz", op->data, set);
  FILE *probe = fopen(pi, "rb");
  if (!probe) {
    fprintf(stderr, "%s: %s: not readable; install the Debian package %s\n", who, pi,
            CONV_FASHION_PACKAGE);
    return 2;
  }
  fclose(probe);
  if (idx_read_set(pi, pl, &run->data, err, sizeof err) != IDX_OK) {
    fprintf(stderr, "%s: %s\n", who, err);
    return 1;
  }
  if (run->data.x.rows * run->data.x.cols != DIMS[0]) {
    fprintf(stderr, "%s: %s: images of %zu x %zu, want 28 x 28\n", who, pi, run->data.x.rows,
            run->data.x.cols);
    return 1;
  }
  const size_t b = op->micro_size;
  run->xb = malloc(b * DIMS[0] * sizeof *run->xb);
  run->yb = malloc(b);
  run->index = malloc(op->micro * b * sizeof *run->index);
  run->loss = calloc(op->iters, sizeof *run->loss);
  if (!run->xb || !run->yb || !run->index || !run->loss ||
      mlp_init(&run->net, LAYERS, DIMS, b, TRAIN_INIT_SEED) != 0) {
    fprintf(stderr, "%s: out of memory\n", who);
    return 1;
  }
  /* the reference's and the ranks' sgemm must not depend on a thread count */
  openblas_set_num_threads(1);
  mlp_rng_seed(&run->rng, TRAIN_BATCH_SEED);
  return 0;
}

void train_draw(const train_opts *op, train_run *run) {
  for (size_t i = 0; i < op->micro * op->micro_size; i++)
    run->index[i] = mlp_rng_below(&run->rng, run->data.x.n);
}

static void micro_batch(const train_opts *op, train_run *run, int64_t id) {
  const size_t b = op->micro_size, in = DIMS[0];
  for (size_t i = 0; i < b; i++) {
    const size_t k = run->index[(size_t)id * b + i];
    memcpy(run->xb + i * in, run->data.x.pixels + k * in, in * sizeof *run->xb);
    run->yb[i] = run->data.y.labels[k];
  }
}

void train_grad(const train_opts *op, train_run *run, int64_t id) {
  micro_batch(op, run, id);
  mlp_loss_grad(&run->net, run->xb, run->yb, op->micro_size);
}

double train_loss(const train_opts *op, train_run *run, int64_t id) {
  micro_batch(op, run, id);
  return mlp_loss(&run->net, run->xb, run->yb, op->micro_size);
}

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

int train_write(const train_opts *op, const train_run *run, const char *who) {
  char err[4096];
  if (conv_mkdir_p(op->out, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, err);
    return 1;
  }
  conv_out o;
  if (conv_out_open(&o, op->out, "loss.dat", err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, err);
    return 1;
  }
  fprintf(o.f,
          "# figure 6-9 network, %s lr %g, %llu micro-batches of %llu (%s images)\n"
          "# iteration loss(hex) loss: the batch's loss after the update\n",
          ob_algo_name(op->algo), (double)op->hp.lr, op->micro, op->micro_size,
          op->small ? "t10k" : "train");
  for (size_t i = 0; i < op->iters; i++)
    fprintf(o.f, "%zu %a %.9g\n", i + 1, run->loss[i], run->loss[i]);
  if (conv_out_commit(&o, err, sizeof err) != 0 ||
      conv_out_open(&o, op->out, "params.txt", err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, err);
    return 1;
  }
  uint64_t all = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < run->net.count; i++) {
    const size_t bytes = run->net.sizes[i] * sizeof(float);
    all = fnv_bytes(all, run->net.params[i], bytes);
    fprintf(o.f, "tensor %zu: %zu floats, FNV-1a 0x%016" PRIx64 "\n", i, run->net.sizes[i],
            fnv_bytes(UINT64_C(0xcbf29ce484222325), run->net.params[i], bytes));
  }
  fprintf(o.f, "all: FNV-1a 0x%016" PRIx64 "\n", all);
  if (conv_out_commit(&o, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, err);
    return 1;
  }
  return 0;
}

void train_free(train_run *run) {
  idx_free_set(&run->data);
  mlp_free(&run->net);
  free(run->xb);
  free(run->yb);
  free(run->index);
  free(run->loss);
  memset(run, 0, sizeof *run);
}

int main(int argc, char **argv) {
  train_opts op;
  const int done = train_parse(argc, argv, &op);
  if (done >= 0)
    return done;
  return op.reference ? train_reference(&op) : train_mpi(&op, &argc, &argv);
}
