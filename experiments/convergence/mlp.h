/* mlp - the book's MultiLayerNet (common/multi_layer_net.py) in C: fully
 * connected layers with ReLU between them, He initialisation and softmax
 * with cross-entropy, forward and backward through cblas_sgemm (row-major).
 *
 * Weights are stored as the book stores them: W of layer l is fan_in x
 * fan_out, row-major, and a batch is B rows: A = X W + b. The parameters
 * are listed for ob_optimizer_update as params[2l] = W_l, params[2l+1] =
 * b_l, with the matching grads[] and sizes[].
 *
 * Nothing prints and nothing aborts.
 */
#ifndef OB_CONV_MLP_H
#define OB_CONV_MLP_H

#include <stddef.h>
#include <stdint.h>

#define MLP_MAX_LAYERS 8 /* affine layers */

/* ---- A fixed-seed PRNG of our own: splitmix64, Box-Muller normals ----- */

typedef struct {
  uint64_t s;
  int has_spare;
  double spare;
} mlp_rng;

void mlp_rng_seed(mlp_rng *, uint64_t seed);
uint64_t mlp_rng_next(mlp_rng *);
double mlp_rng_unit(mlp_rng *);                /* uniform in [0, 1), 53 bits */
size_t mlp_rng_below(mlp_rng *, size_t bound); /* uniform in [0, bound), bound > 0 */
double mlp_rng_normal(mlp_rng *);              /* N(0, 1), Box-Muller */

/* ---- The layers, each on its own (the net is built from them) ---------- */

/* Y (B x out) = X (B x in) W (in x out) + b */
void mlp_affine_forward(const float *X, const float *W, const float *b, float *Y, size_t B,
                        size_t in, size_t out);
/* From dY: dW = X^T dY, db = column sums of dY, and (if dX) dX = dY W^T. */
void mlp_affine_backward(const float *X, const float *W, const float *dY, float *dW, float *db,
                         float *dX, size_t B, size_t in, size_t out);
/* Y = max(X, 0) elementwise (the book's mask is X <= 0 -> 0) */
void mlp_relu_forward(const float *X, float *Y, size_t n);
/* dX = dY where X > 0, else 0 (dX may be dY) */
void mlp_relu_backward(const float *X, const float *dY, float *dX, size_t n);
/* Mean cross-entropy of softmax(S) (B x k) against the labels, computed
 * stably as logsumexp(s) - s[label] in double. If dS: dS = (softmax(S) -
 * onehot) / B, the gradient of that mean. */
double mlp_softmax_ce(const float *S, const uint8_t *labels, float *dS, size_t B, size_t k);

/* ---- The net ----------------------------------------------------------- */

typedef struct {
  int layers;                      /* affine layers L */
  size_t dims[MLP_MAX_LAYERS + 1]; /* dims[0] inputs ... dims[L] classes */
  size_t cap;                      /* largest batch */
  size_t count;                    /* 2L parameter arrays */
  float *params[2 * MLP_MAX_LAYERS];
  float *grads[2 * MLP_MAX_LAYERS];
  size_t sizes[2 * MLP_MAX_LAYERS];
  float *a[MLP_MAX_LAYERS]; /* pre-activations of layer l, cap x dims[l+1] */
  float *z[MLP_MAX_LAYERS]; /* ReLU outputs of layers 0..L-2 */
  float *d0, *d1;           /* backward scratch, cap x max dim */
} mlp;

/* dims has layers + 1 entries (784, 100, ..., 10), 1 <= layers <=
 * MLP_MAX_LAYERS. Weights: He, N(0, 2/fan_in) from mlp_rng(seed); biases 0.
 * Returns 0, or -1 on bad arguments / out of memory (*net left empty). */
int mlp_init(mlp *net, int layers, const size_t *dims, size_t cap, uint64_t seed);
void mlp_free(mlp *net);
/* Copies the parameters of src into dst (same shape); 0 or -1. */
int mlp_copy_params(mlp *dst, const mlp *src);

/* Forward pass of B <= cap rows; returns the scores (B x classes), owned by
 * the net. */
const float *mlp_forward(mlp *net, const float *X, size_t B);
/* Loss only. */
double mlp_loss(mlp *net, const float *X, const uint8_t *labels, size_t B);
/* Forward and backward: returns the loss and fills net->grads. */
double mlp_loss_grad(mlp *net, const float *X, const uint8_t *labels, size_t B);
/* Number of the B rows of scores S (B x k) whose argmax is the label. */
size_t mlp_count_correct(const float *S, const uint8_t *labels, size_t B, size_t k);
/* Number of the n rows (any n, run in batches of cap) whose argmax score
 * is the label. */
size_t mlp_correct(mlp *net, const float *X, const uint8_t *labels, size_t n);

#endif /* OB_CONV_MLP_H */
