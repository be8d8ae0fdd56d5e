/* mlp.c - see mlp.h. */
#include "mlp.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void mlp_rng_seed(mlp_rng *r, uint64_t seed) {
  r->s = seed;
  r->has_spare = 0;
  r->spare = 0.0;
}

uint64_t mlp_rng_next(mlp_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

double mlp_rng_unit(mlp_rng *r) { return (double)(mlp_rng_next(r) >> 11) * 0x1p-53; }

size_t mlp_rng_below(mlp_rng *r, size_t bound) {
  /* rejection sampling: no modulo bias */
  const uint64_t b = bound, limit = UINT64_MAX - UINT64_MAX % b;
  uint64_t x;
  do
    x = mlp_rng_next(r);
  while (x >= limit);
  return (size_t)(x % b);
}

double mlp_rng_normal(mlp_rng *r) {
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  const double u1 = 1.0 - mlp_rng_unit(r); /* (0, 1]: log is finite */
  const double u2 = mlp_rng_unit(r);
  const double rad = sqrt(-2.0 * log(u1)), th = 6.283185307179586476925 * u2;
  r->spare = rad * sin(th);
  r->has_spare = 1;
  return rad * cos(th);
}

/* ---- Layers ------------------------------------------------------------ */

void mlp_affine_forward(const float *X, const float *W, const float *b, float *Y, size_t B,
                        size_t in, size_t out) {
  for (size_t i = 0; i < B; i++)
    memcpy(Y + i * out, b, out * sizeof *Y);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)out, (int)in, 1.0f, X,
              (int)in, W, (int)out, 1.0f, Y, (int)out);
}

void mlp_affine_backward(const float *X, const float *W, const float *dY, float *dW, float *db,
                         float *dX, size_t B, size_t in, size_t out) {
  /* dW (in x out) = X^T (in x B) dY (B x out) */
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)in, (int)out, (int)B, 1.0f, X, (int)in,
              dY, (int)out, 0.0f, dW, (int)out);
  for (size_t j = 0; j < out; j++)
    db[j] = 0.0f;
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < out; j++)
      db[j] += dY[i * out + j];
  if (dX) /* dX (B x in) = dY (B x out) W^T (out x in) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)in, (int)out, 1.0f, dY,
                (int)out, W, (int)out, 0.0f, dX, (int)in);
}

void mlp_relu_forward(const float *X, float *Y, size_t n) {
  for (size_t i = 0; i < n; i++)
    Y[i] = X[i] > 0.0f ? X[i] : 0.0f;
}

void mlp_relu_backward(const float *X, const float *dY, float *dX, size_t n) {
  for (size_t i = 0; i < n; i++)
    dX[i] = X[i] > 0.0f ? dY[i] : 0.0f;
}

double mlp_softmax_ce(const float *S, const uint8_t *labels, float *dS, size_t B, size_t k) {
  double total = 0.0;
  for (size_t i = 0; i < B; i++) {
    const float *s = S + i * k;
    double mx = s[0];
    for (size_t j = 1; j < k; j++)
      if (s[j] > mx)
        mx = s[j];
    double sum = 0.0;
    for (size_t j = 0; j < k; j++)
      sum += exp((double)s[j] - mx);
    const double lse = mx + log(sum);
    total += lse - (double)s[labels[i]];
    if (dS)
      for (size_t j = 0; j < k; j++) {
        const double y = exp((double)s[j] - lse);
        dS[i * k + j] = (float)((y - (j == labels[i] ? 1.0 : 0.0)) / (double)B);
      }
  }
  return B ? total / (double)B : 0.0;
}

/* ---- The net ----------------------------------------------------------- */

void mlp_free(mlp *net) {
  if (!net)
    return;
  for (size_t i = 0; i < 2 * MLP_MAX_LAYERS; i++) {
    free(net->params[i]);
    free(net->grads[i]);
  }
  for (int l = 0; l < MLP_MAX_LAYERS; l++) {
    free(net->a[l]);
    free(net->z[l]);
  }
  free(net->d0);
  free(net->d1);
  memset(net, 0, sizeof *net);
}

int mlp_init(mlp *net, int layers, const size_t *dims, size_t cap, uint64_t seed) {
  if (!net)
    return -1;
  memset(net, 0, sizeof *net);
  if (layers < 1 || layers > MLP_MAX_LAYERS || !dims || cap == 0 || cap > (1u << 20))
    return -1;
  size_t widest = 0;
  for (int l = 0; l <= layers; l++) {
    if (dims[l] == 0 || dims[l] > (1u << 16))
      return -1;
    if (dims[l] > widest)
      widest = dims[l];
  }
  net->layers = layers;
  net->cap = cap;
  net->count = 2 * (size_t)layers;
  memcpy(net->dims, dims, ((size_t)layers + 1) * sizeof *dims);
  mlp_rng r;
  mlp_rng_seed(&r, seed);
  for (int l = 0; l < layers; l++) {
    const size_t in = dims[l], out = dims[l + 1];
    net->sizes[2 * l] = in * out;
    net->sizes[2 * l + 1] = out;
    for (int k = 0; k < 2; k++) {
      net->params[2 * l + k] = calloc(net->sizes[2 * l + k], sizeof(float));
      net->grads[2 * l + k] = calloc(net->sizes[2 * l + k], sizeof(float));
      if (!net->params[2 * l + k] || !net->grads[2 * l + k])
        goto oom;
    }
    const double std = sqrt(2.0 / (double)in); /* He: the book's weight_init_std='relu' */
    for (size_t i = 0; i < in * out; i++)
      net->params[2 * l][i] = (float)(std * mlp_rng_normal(&r));
    net->a[l] = malloc(cap * out * sizeof(float));
    if (!net->a[l])
      goto oom;
    if (l < layers - 1 && !(net->z[l] = malloc(cap * out * sizeof(float))))
      goto oom;
  }
  net->d0 = malloc(cap * widest * sizeof(float));
  net->d1 = malloc(cap * widest * sizeof(float));
  if (!net->d0 || !net->d1)
    goto oom;
  return 0;
oom:
  mlp_free(net);
  return -1;
}

int mlp_copy_params(mlp *dst, const mlp *src) {
  if (!dst || !src || dst->layers != src->layers)
    return -1;
  for (size_t i = 0; i < src->count; i++)
    if (dst->sizes[i] != src->sizes[i])
      return -1;
  for (size_t i = 0; i < src->count; i++)
    memcpy(dst->params[i], src->params[i], src->sizes[i] * sizeof(float));
  return 0;
}

const float *mlp_forward(mlp *net, const float *X, size_t B) {
  const float *in = X;
  for (int l = 0; l < net->layers; l++) {
    mlp_affine_forward(in, net->params[2 * l], net->params[2 * l + 1], net->a[l], B, net->dims[l],
                       net->dims[l + 1]);
    if (l < net->layers - 1) {
      mlp_relu_forward(net->a[l], net->z[l], B * net->dims[l + 1]);
      in = net->z[l];
    }
  }
  return net->a[net->layers - 1];
}

double mlp_loss(mlp *net, const float *X, const uint8_t *labels, size_t B) {
  const float *s = mlp_forward(net, X, B);
  return mlp_softmax_ce(s, labels, NULL, B, net->dims[net->layers]);
}

double mlp_loss_grad(mlp *net, const float *X, const uint8_t *labels, size_t B) {
  const int L = net->layers;
  const float *s = mlp_forward(net, X, B);
  float *dy = net->d0, *dx = net->d1;
  const double loss = mlp_softmax_ce(s, labels, dy, B, net->dims[L]);
  for (int l = L - 1; l >= 0; l--) {
    const float *in = l ? net->z[l - 1] : X;
    mlp_affine_backward(in, net->params[2 * l], dy, net->grads[2 * l], net->grads[2 * l + 1],
                        l ? dx : NULL, B, net->dims[l], net->dims[l + 1]);
    if (l) {
      mlp_relu_backward(net->a[l - 1], dx, dx, B * net->dims[l]);
      float *t = dy;
      dy = dx;
      dx = t;
    }
  }
  return loss;
}

size_t mlp_count_correct(const float *S, const uint8_t *labels, size_t B, size_t k) {
  size_t correct = 0;
  for (size_t i = 0; i < B; i++) {
    size_t best = 0;
    for (size_t j = 1; j < k; j++)
      if (S[i * k + j] > S[i * k + best])
        best = j;
    correct += best == labels[i];
  }
  return correct;
}

size_t mlp_correct(mlp *net, const float *X, const uint8_t *labels, size_t n) {
  const size_t in = net->dims[0], k = net->dims[net->layers];
  size_t correct = 0;
  for (size_t at = 0; at < n; at += net->cap) {
    const size_t B = n - at < net->cap ? n - at : net->cap;
    correct += mlp_count_correct(mlp_forward(net, X + at * in, B), labels + at, B, k);
  }
  return correct;
}
