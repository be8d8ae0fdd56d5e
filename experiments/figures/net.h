/* net - the book's MultiLayerNetExtend (common/multi_layer_net_extend.py) in
 * C: hidden layers Affine -> [BatchNorm] -> activation -> [Dropout], then an
 * Affine output layer and softmax with cross-entropy.
 *
 * Everything chapter 6 is about runs on optbench's kernels: the weights come
 * from ob_init_weights (the book's weight_init_std: a number, 'xavier' /
 * 'sigmoid', 'he' / 'relu'), batch normalisation is ob_batchnorm_*, dropout
 * is ob_dropout_* of the book's kind (OB_DROPOUT_BOOK) with a new random
 * stream for every training forward pass. Matrix products are
 * experiments/convergence's cblas_sgemm layers, softmax cross-entropy its
 * mlp_softmax_ce; the activations are act.h.
 *
 * Weight decay: the loss is the book's, cross-entropy + 0.5*lambda*sum(W^2)
 * over every weight matrix (not the biases, gamma or beta). The gradient
 * fig_net_gradient leaves in dw[] is that of the cross-entropy alone: the
 * lambda*W term is added by the update rule (ob_hparams.weight_decay) of the
 * optimizer for the weights - see train.h, fig_opt. The parameters are kept
 * as two lists for that: w[] (the weight matrices) and other[] (biases,
 * gamma, beta).
 *
 * Nothing prints and nothing aborts: a kernel's failure is kept in
 * net->status (the first one) and the pass carries on with what it has.
 */
#ifndef OB_FIG_NET_H
#define OB_FIG_NET_H

#include <stddef.h>
#include <stdint.h>

#include "act.h"
#include "optbench.h"

#define FIG_MAX_HIDDEN 8
#define FIG_MAX_AFFINE (FIG_MAX_HIDDEN + 1)

typedef struct {
  size_t inputs, outputs;
  int hidden_layers; /* 0 .. FIG_MAX_HIDDEN */
  size_t hidden[FIG_MAX_HIDDEN];
  fig_act act;
  ob_init init;   /* OB_INIT_STD (init_std), OB_INIT_XAVIER or OB_INIT_HE */
  float init_std; /* read for OB_INIT_STD */
  int use_batchnorm;
  int use_dropout;
  float dropout_ratio; /* the book's dropout_ration, [0, 1) */
  float weight_decay;  /* the book's weight_decay_lambda, >= 0 */
  size_t cap;          /* largest batch of one forward pass */
  /* W of affine layer l (0-based) is ob_init_weights(init_seed, init_stream + l) */
  uint64_t init_seed, init_stream;
  /* the mask of the k-th training forward pass (k = 0, 1, ...) in hidden
   * layer l is drawn from (dropout_seed, k * FIG_MAX_HIDDEN + l) */
  uint64_t dropout_seed;
  const ob_variant *variant; /* NULL: the default */
} fig_net_config;

typedef struct {
  fig_net_config cfg;
  int L;                           /* affine layers: hidden_layers + 1 */
  size_t dims[FIG_MAX_AFFINE + 1]; /* inputs, hidden..., outputs */
  /* the weight matrices (dims[l] x dims[l+1], row-major, X W + b) */
  size_t n_w;
  float *w[FIG_MAX_AFFINE], *dw[FIG_MAX_AFFINE];
  size_t w_size[FIG_MAX_AFFINE];
  /* biases of every affine layer, then gamma and beta of every batch norm */
  size_t n_other;
  float *other[3 * FIG_MAX_AFFINE], *dother[3 * FIG_MAX_AFFINE];
  size_t other_size[3 * FIG_MAX_AFFINE];
  float *b[FIG_MAX_AFFINE], *db[FIG_MAX_AFFINE]; /* aliases into other[] */
  float *gamma[FIG_MAX_HIDDEN], *dgamma[FIG_MAX_HIDDEN];
  float *beta[FIG_MAX_HIDDEN], *dbeta[FIG_MAX_HIDDEN];
  float *run_mean[FIG_MAX_HIDDEN], *run_var[FIG_MAX_HIDDEN]; /* batch norm's test statistics */
  float *mean[FIG_MAX_HIDDEN], *std[FIG_MAX_HIDDEN];         /* of the last training forward */
  /* per layer, cap x width: affine output, batch norm output, activation
   * output, dropout output and mask */
  float *a[FIG_MAX_AFFINE], *bn[FIG_MAX_HIDDEN], *h[FIG_MAX_HIDDEN], *d[FIG_MAX_HIDDEN];
  uint8_t *mask[FIG_MAX_HIDDEN];
  float *g0, *g1;          /* backward scratch, cap x widest */
  uint64_t forwards;       /* training forward passes so far */
  ob_status status;        /* first kernel failure, OB_OK if none */
  const char *failed_call; /* the kernel that failed */
} fig_net;

/* 0, or -1 with a message (bad configuration, out of memory, a kernel
 * refusing the initialisation); *net is then empty. */
int fig_net_init(fig_net *net, const fig_net_config *cfg, char *err, size_t errlen);
void fig_net_free(fig_net *net);

/* Forward pass of B <= cap rows in training mode (batch statistics, dropout
 * masks) or test mode (running statistics, the book's x*(1-ratio)). Returns
 * the scores (B x outputs), owned by the net. */
const float *fig_net_forward(fig_net *net, const float *X, size_t B, int train);
/* 0.5*lambda*sum(W^2) over every weight matrix, in double. */
double fig_net_decay_loss(const fig_net *net);
/* The book's loss(x, t, train_flg): mean cross-entropy + the decay term. */
double fig_net_loss(fig_net *net, const float *X, const uint8_t *labels, size_t B, int train);
/* Training forward, then backward: fills dw[] (cross-entropy only, see
 * above) and dother[]; returns the loss (with the decay term). */
double fig_net_gradient(fig_net *net, const float *X, const uint8_t *labels, size_t B);
/* Rows of the n (any n, run in test mode in batches of cap) whose argmax
 * score is the label. */
size_t fig_net_correct(fig_net *net, const float *X, const uint8_t *labels, size_t n);

#endif /* OB_FIG_NET_H */
