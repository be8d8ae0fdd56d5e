/* Dropout: argument checks, the factors, and the kernels over chunks of
 * whole 64-element groups (whole Philox blocks and mask bytes). */
#include <string.h>

#include "internal.h"

static const char *const dropout_names[OB_DROPOUT_COUNT] = {"book", "inverted"};

const char *ob_dropout_name(ob_dropout_kind k) {
  return (unsigned)k < OB_DROPOUT_COUNT ? dropout_names[k] : NULL;
}

size_t ob_dropout_mask_bytes(size_t n) { return n / 8 + (n % 8 != 0); }

/* kind known, ratio in [0, 1) */
static ob_status check_kind(ob_dropout_kind kind, float ratio) {
  return (unsigned)kind < OB_DROPOUT_COUNT && ratio >= 0.0f && ratio < 1.0f ? OB_OK : OB_ERANGE;
}

/* the factor of a kept element in training: 1, or 1/(1-ratio) in double
 * rounded once */
static float keep_factor(ob_dropout_kind kind, float ratio) {
  return kind == OB_DROPOUT_INVERTED ? (float)(1.0 / (1.0 - (double)ratio)) : 1.0f;
}

typedef struct {
  const ob_variant *v;
  ob_rand_coeffs c;
  const float *x;
  float *y;
  const uint8_t *mask_in;
  uint8_t *mask;
  float factor;
} dropout_job;

static void train_chunk(void *ctx, size_t lo, size_t hi) {
  const dropout_job *j = ctx;
  j->v->dropout->train(&j->c, lo, j->x + lo, j->y + lo, j->mask + lo / 8, hi - lo);
}
static void scale_chunk(void *ctx, size_t lo, size_t hi) {
  const dropout_job *j = ctx;
  j->v->dropout->scale(j->factor, j->x + lo, j->y + lo, hi - lo);
}
static void copy_chunk(void *ctx, size_t lo, size_t hi) {
  const dropout_job *j = ctx;
  memcpy(j->y + lo, j->x + lo, (hi - lo) * sizeof(float));
}
static void backward_chunk(void *ctx, size_t lo, size_t hi) {
  const dropout_job *j = ctx;
  j->v->dropout->backward(j->factor, j->mask_in + lo / 8, j->x + lo, j->y + lo, hi - lo);
}

/* Every call passes its float arrays first, the mask (any byte) last. */
static const size_t buffer_align[3] = {_Alignof(float), _Alignof(float), 1};

/* The checks every call shares: variant, kind, ratio, then the buffers. */
static ob_status check(const ob_variant **v, ob_dropout_kind kind, float ratio, size_t count,
                       const void *const ptr[], const size_t bytes[], size_t n) {
  ob_status st = ob_resolve_variant(v);
  if (st == OB_OK)
    st = check_kind(kind, ratio);
  if (st == OB_OK && n > PTRDIFF_MAX / sizeof(float))
    st = OB_EINVAL;
  if (st == OB_OK)
    st = ob_check_buffers(count, ptr, bytes, buffer_align);
  return st;
}

ob_status ob_dropout_forward_train(const ob_variant *v, ob_dropout_kind kind, float ratio,
                                   uint64_t seed, uint64_t stream, const float *x, float *y,
                                   uint8_t *mask, size_t n) {
  const void *ptr[3] = {x, y, mask};
  const size_t fb = n * sizeof(float), bytes[3] = {fb, fb, ob_dropout_mask_bytes(n)};
  const ob_status st = check(&v, kind, ratio, 3, ptr, bytes, n);
  if (st != OB_OK || n == 0)
    return st;
  const dropout_job j = {
      .v = v,
      .c = {.rng = ob_philox_of(seed, stream), .ratio = ratio, .keep = keep_factor(kind, ratio)},
      .x = x,
      .y = y,
      .mask = mask};
  ob_run_chunks(v, n, ob_op_omp_threshold(OB_OP_DROPOUT_TRAIN), OB_RAND_ALIGN, train_chunk,
                (void *)&j);
  return OB_OK;
}

ob_status ob_dropout_forward_test(const ob_variant *v, ob_dropout_kind kind, float ratio,
                                  const float *x, float *y, size_t n) {
  const void *ptr[2] = {x, y};
  const size_t fb = n * sizeof(float), bytes[2] = {fb, fb};
  const ob_status st = check(&v, kind, ratio, 2, ptr, bytes, n);
  if (st != OB_OK || n == 0)
    return st;
  /* the book: x * (1.0 - ratio), the factor rounded once; inverted: x */
  const dropout_job j = {.v = v, .x = x, .y = y, .factor = (float)(1.0 - (double)ratio)};
  ob_run_chunks(v, n, ob_op_omp_threshold(OB_OP_DROPOUT_TEST), OB_RAND_ALIGN,
                kind == OB_DROPOUT_BOOK ? scale_chunk : copy_chunk, (void *)&j);
  return OB_OK;
}

ob_status ob_dropout_backward(const ob_variant *v, ob_dropout_kind kind, float ratio,
                              const uint8_t *mask, const float *dout, float *dx, size_t n) {
  const void *ptr[3] = {dout, dx, mask};
  const size_t fb = n * sizeof(float), bytes[3] = {fb, fb, ob_dropout_mask_bytes(n)};
  const ob_status st = check(&v, kind, ratio, 3, ptr, bytes, n);
  if (st != OB_OK || n == 0)
    return st;
  const dropout_job j = {
      .v = v, .x = dout, .y = dx, .mask_in = mask, .factor = keep_factor(kind, ratio)};
  ob_run_chunks(v, n, ob_op_omp_threshold(OB_OP_DROPOUT_BACKWARD), OB_RAND_ALIGN, backward_chunk,
                (void *)&j);
  return OB_OK;
}
