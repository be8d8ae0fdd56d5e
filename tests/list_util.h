/* Models for the list tests: the tensor lists of issue 11 scaled down to
 * test size, laid out in memory three ways, each tensor behind a gap that
 * leaves it misaligned (and, where the gap is 0, touching its neighbour). */
#ifndef OB_TEST_LIST_UTIL_H
#define OB_TEST_LIST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

enum { TL_GPT2, TL_EQUAL, TL_TINY, TL_MIXED, TL_MODELS };
static const char *const tl_model_names[TL_MODELS] = {"gpt2/10", "500x100", "1000x13", "mixed"};

/* p, g and every state: the arrays of a tensor */
#define TL_KINDS (2 + OB_MAX_STATES)

/* how the arrays sit in memory: each kind (p, g, s0, s1, s2) in its own block in
 * list order (a few rising runs); the arrays of a tensor side by side, tensor
 * after tensor (as separate allocations made in order); each kind's block in
 * a scrambled order (no runs: the checks must sort) */
enum { TL_BY_KIND, TL_INTERLEAVED, TL_SCRAMBLED, TL_LAYOUTS };
static const char *const tl_layout_names[TL_LAYOUTS] = {"by-kind", "interleaved", "scrambled"};

#define TL_GAP   16   /* gap before tensor i: (7*i) % TL_GAP floats; 0 every 16th (touching) */
#define TL_MAX_N 1000 /* room for the sizes below */

typedef struct {
  size_t count, total;
  size_t *n;
  float **a[TL_KINDS];    /* a[k][i]: array k (p, g, s0, s1, s2) of tensor i; NULL where n[i] = 0 */
  float *block[TL_KINDS]; /* the storage */
  size_t floats;          /* of each block */
} tl_model;

/* The sizes of model m: GPT-2 small with 768 -> 77, the vocabulary 50257 ->
 * 503 and the context 1024 -> 103, one of its 12 layers; 5000 x 1000 and
 * 20000 x 256 with a tenth and a twentieth of the counts and sizes (13: below
 * an AVX-512 vector, above an AVX2 one); 20000 mixed sizes as 1000 drawn from
 * 0 .. 409 (a tenth of 4093; 0 makes empty tensors). */
static inline size_t tl_sizes(int m, size_t *n, tu_rng *rng) {
  size_t c = 0;
  if (m == TL_GPT2) {
    const size_t d = 77;
    const size_t layer[12] = {d, d, d * 3 * d, 3 * d, d * d,     d,
                              d, d, d * 4 * d, 4 * d, 4 * d * d, d};
    n[c++] = 503 * d;
    n[c++] = 103 * d;
    for (int k = 0; k < 12; k++)
      n[c++] = layer[k];
    n[c++] = d;
    n[c++] = d;
  } else {
    const size_t count = m == TL_EQUAL ? 500 : 1000;
    for (; c < count; c++)
      n[c] = m == TL_EQUAL ? 100 : m == TL_TINY ? 13 : (size_t)(tu_next(rng) % 410);
  }
  return c;
}

static inline void *tl_alloc(size_t bytes) {
  void *x = calloc(bytes ? bytes : 1, 1);
  if (!x) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return x;
}

static inline void tl_build(tl_model *md, int m, int layout, tu_rng *rng) {
  memset(md, 0, sizeof *md);
  md->n = tl_alloc(TL_MAX_N * sizeof *md->n);
  md->count = tl_sizes(m, md->n, rng);
  size_t room = 0;
  for (size_t i = 0; i < md->count; i++)
    room += md->n[i] + TL_GAP;
  md->total = room - TL_GAP * md->count;
  size_t *order = tl_alloc(md->count * sizeof *order); /* order[j]: the j-th tensor in memory */
  for (size_t i = 0; i < md->count; i++)
    order[i] = i;
  if (layout == TL_SCRAMBLED)
    for (size_t i = md->count; i > 1; i--) {
      const size_t j = tu_next(rng) % i, x = order[i - 1];
      order[i - 1] = order[j];
      order[j] = x;
    }
  md->floats = (layout == TL_INTERLEAVED ? TL_KINDS : 1) * room;
  for (int k = 0; k < TL_KINDS; k++) {
    md->a[k] = tl_alloc(md->count * sizeof *md->a[k]);
    md->block[k] = tl_alloc(md->floats * sizeof(float));
  }
  size_t at[TL_KINDS] = {0};
  for (size_t j = 0; j < md->count; j++) {
    const size_t i = order[j];
    for (int k = 0; k < TL_KINDS; k++) {
      const int b = layout == TL_INTERLEAVED ? 0 : k; /* interleaved: all in block 0 */
      at[b] += 7 * j % TL_GAP;
      md->a[k][i] = md->n[i] ? md->block[b] + at[b] : NULL;
      at[b] += md->n[i];
    }
  }
  free(order);
}

static inline void tl_free(tl_model *md) {
  for (int k = 0; k < TL_KINDS; k++) {
    free(md->a[k]);
    free(md->block[k]);
  }
  free(md->n);
}

/* Copies every array of src into dst (same model, any layout). */
static inline void tl_copy(tl_model *dst, const tl_model *src) {
  for (int k = 0; k < TL_KINDS; k++)
    for (size_t i = 0; i < src->count; i++)
      if (src->n[i])
        memcpy(dst->a[k][i], src->a[k][i], src->n[i] * sizeof(float));
}

/* The first tensor and kind whose bits differ, as "s0[12][7]"; NULL if none. */
static inline const char *tl_diff(const tl_model *x, const tl_model *y, int kinds, char *buf,
                                  size_t size) {
  static const char *const names[TL_KINDS] = {"p", "g", "s0", "s1", "s2"};
  for (int k = 0; k < kinds; k++)
    for (size_t i = 0; i < x->count; i++) {
      const size_t e = x->n[i] ? tu_diff_bits(x->a[k][i], y->a[k][i], x->n[i]) : 0;
      if (e < x->n[i]) {
        snprintf(buf, size, "%s[%zu][%zu]", names[k], i, e);
        return buf;
      }
    }
  return NULL;
}

#endif
