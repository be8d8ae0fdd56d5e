/* The layer kernels as optbench_bench calls them: one runner per kernel of
 * optbench_ops.def (the table is expanded from the list, so a kernel without
 * its runner does not compile), each with the arrays it streams, which give
 * its roofline shape. */
#include "bench.h"

#define DROPOUT_RATIO 0.5f /* the book's default */
#define BENCH_SEED    0x6f70746265e0c0deull

static ob_status op_rand_uniform(const bench_op_io *io, uint64_t it) {
  return ob_rand_uniform(io->v, BENCH_SEED, it, io->y, io->n);
}
static ob_status op_rand_normal(const bench_op_io *io, uint64_t it) {
  return ob_rand_normal(io->v, BENCH_SEED, it, 1.0f, io->y, io->n);
}
static ob_status op_init(const bench_op_io *io, uint64_t it) {
  return ob_init_weights(io->v, OB_INIT_HE, 0.0f, BENCH_BN_FEATURES, BENCH_SEED, it, io->y, io->n);
}
static ob_status op_dropout_train(const bench_op_io *io, uint64_t it) {
  return ob_dropout_forward_train(io->v, OB_DROPOUT_BOOK, DROPOUT_RATIO, BENCH_SEED, it, io->x,
                                  io->y, io->mask, io->n);
}
static ob_status op_dropout_test(const bench_op_io *io, uint64_t it) {
  (void)it;
  return ob_dropout_forward_test(io->v, OB_DROPOUT_BOOK, DROPOUT_RATIO, io->x, io->y, io->n);
}
static ob_status op_dropout_backward(const bench_op_io *io, uint64_t it) {
  if (it == 0) { /* the mask of a training forward */
    const ob_status st = op_dropout_train(io, 0);
    if (st != OB_OK)
      return st;
  }
  return ob_dropout_backward(io->v, OB_DROPOUT_BOOK, DROPOUT_RATIO, io->mask, io->dout, io->y,
                             io->n);
}
static ob_status op_batchnorm_train(const bench_op_io *io, uint64_t it) {
  (void)it;
  return ob_batchnorm_forward_train(io->v, io->batch, BENCH_BN_FEATURES, io->x, io->gamma, io->beta,
                                    OB_BATCHNORM_MOMENTUM, OB_BATCHNORM_EPS, io->rmean, io->rvar,
                                    io->y, io->mean, io->std);
}
static ob_status op_batchnorm_test(const bench_op_io *io, uint64_t it) {
  (void)it;
  return ob_batchnorm_forward_test(io->v, io->batch, BENCH_BN_FEATURES, io->x, io->gamma, io->beta,
                                   OB_BATCHNORM_EPS, io->rmean, io->rvar, io->y);
}
static ob_status op_batchnorm_backward(const bench_op_io *io, uint64_t it) {
  if (it == 0) { /* mean and std of a training forward */
    const ob_status st = op_batchnorm_train(io, 0);
    if (st != OB_OK)
      return st;
  }
  return ob_batchnorm_backward(io->v, io->batch, BENCH_BN_FEATURES, io->x, io->gamma, io->mean,
                               io->std, io->dout, io->y, io->dgamma, io->dbeta);
}

static const bench_op_def def_rand_uniform = {op_rand_uniform, 0, 1, OB_MASK_NONE, 0, 1};
static const bench_op_def def_rand_normal = {op_rand_normal, 0, 1, OB_MASK_NONE, 0, 1};
static const bench_op_def def_init = {op_init, 0, 1, OB_MASK_NONE, 0, 1};
static const bench_op_def def_dropout_train = {op_dropout_train, 1, 1, OB_MASK_WRITE, 0, 1};
static const bench_op_def def_dropout_test = {op_dropout_test, 1, 1, OB_MASK_NONE, 0, 0};
static const bench_op_def def_dropout_backward = {op_dropout_backward, 1, 1, OB_MASK_READ, 0, 0};
static const bench_op_def def_batchnorm_train = {op_batchnorm_train, 1, 1, OB_MASK_NONE, 1, 0};
static const bench_op_def def_batchnorm_test = {op_batchnorm_test, 1, 1, OB_MASK_NONE, 1, 0};
static const bench_op_def def_batchnorm_backward = {op_batchnorm_backward, 2, 1,
                                                    OB_MASK_NONE,          1, 0};

const bench_op_def *const bench_op_defs[OB_OP_COUNT] = {
#define OB_OP(ID, name, ...) [OB_OP_##ID] = &def_##name,
#include <optbench_ops.def>
#undef OB_OP
};

int bench_op_shape(ob_op op, ob_stream_shape *sh) {
  const bench_op_def *d = bench_op_defs[op];
  *sh = (ob_stream_shape){d->inputs, d->outputs, 1, d->mask};
  const double rd = ob_op_bytes_read(op), wr = ob_op_bytes_written(op);
  if (d->inputs > 0) {
    const double p = (rd - (d->mask == OB_MASK_READ ? 0.125 : 0.0)) / (4.0 * d->inputs);
    sh->passes = (int)(p + 0.5);
    if (sh->passes < 1 || p != (double)sh->passes)
      return -1;
  }
  if (ob_shape_bytes_read(sh) != rd || ob_shape_bytes_written(sh) != wr ||
      (d->mask != OB_MASK_NONE && d->inputs != 1))
    return -1;
  return 0;
}
