/* Buffers and the memory ceiling of the roofline. */
#include "roofline.h"

#include <omp.h>
#include <stdlib.h>

#define LINE_FLOATS (64 / sizeof(float))

/* Start of chunk k of `parts`: the even split moved up to the next 64-byte
 * line, as the +omp variants split an aligned array (impl/parallel.c). */
static size_t chunk_start(size_t n, size_t k, size_t parts) {
  if (k == 0)
    return 0;
  if (k >= parts)
    return n;
  const size_t even = (n / parts) * k + (n % parts) * k / parts;
  const size_t up = (even + LINE_FLOATS - 1) / LINE_FLOATS * LINE_FLOATS;
  return up < n ? up : n;
}

static struct {
  float *a[OB_BENCH_ARRAYS];
  size_t n;
  int threads;
} cache;

void ob_bench_buffers_free(void) {
  for (int k = 0; k < OB_BENCH_ARRAYS; k++) {
    free(cache.a[k]);
    cache.a[k] = NULL;
  }
  cache.n = 0;
  cache.threads = 0;
}

float **ob_bench_buffers(size_t n, int threads) {
  if (cache.a[0] && cache.n == n && cache.threads == threads)
    return cache.a;
  ob_bench_buffers_free();
  const size_t bytes = (n * sizeof(float) + 63) / 64 * 64; /* aligned_alloc wants a multiple */
  for (int k = 0; k < OB_BENCH_ARRAYS; k++) {
    cache.a[k] = aligned_alloc(64, bytes ? bytes : 64);
    if (!cache.a[k]) {
      ob_bench_buffers_free();
      return NULL;
    }
  }
  static const float fill[OB_BENCH_ARRAYS] = {1.0f, 0.01f, 0.01f, 1e-4f};
  float **a = cache.a;
#pragma omp parallel num_threads(threads)
  {
    const size_t parts = (size_t)omp_get_num_threads(), k = (size_t)omp_get_thread_num();
    const size_t lo = chunk_start(n, k, parts), hi = chunk_start(n, k + 1, parts);
    for (int j = 0; j < OB_BENCH_ARRAYS; j++)
      for (size_t i = lo; i < hi; i++)
        a[j][i] = fill[j];
  }
  cache.n = n;
  cache.threads = threads;
  return cache.a;
}

/* x = 0.5 x + 0.125 (sum of the arrays read): a fixed point near the fill
 * values, so the data stay benign however often this runs. One clone per
 * ISA, chosen at load time, so the loop is as wide as the CPU allows. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void
stream_chunk(float **a, int states, size_t lo, size_t hi) {
  float *restrict p = a[0], *restrict s0 = a[1], *restrict s1 = a[2];
  if (states == 0) {
    const float *restrict g = a[1];
#pragma omp simd
    for (size_t i = lo; i < hi; i++)
      p[i] = 0.5f * p[i] + 0.125f * g[i];
  } else if (states == 1) {
    const float *restrict g = a[2];
#pragma omp simd
    for (size_t i = lo; i < hi; i++) {
      const float x = 0.125f * (p[i] + s0[i] + g[i]);
      p[i] = 0.5f * p[i] + x;
      s0[i] = 0.5f * s0[i] + x;
    }
  } else {
    const float *restrict g = a[3];
#pragma omp simd
    for (size_t i = lo; i < hi; i++) {
      const float x = 0.125f * (p[i] + s0[i] + s1[i] + g[i]);
      p[i] = 0.5f * p[i] + x;
      s0[i] = 0.5f * s0[i] + x;
      s1[i] = 0.5f * s1[i] + x;
    }
  }
}

void ob_stream(float **a, int states, size_t n, int threads) {
  if (threads <= 1) {
    stream_chunk(a, states, 0, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const size_t parts = (size_t)omp_get_num_threads(), k = (size_t)omp_get_thread_num();
    stream_chunk(a, states, chunk_start(n, k, parts), chunk_start(n, k + 1, parts));
  }
}
