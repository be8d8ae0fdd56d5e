/* Buffers and the memory ceiling of the roofline. */
#include "roofline.h"

#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const float ob_bench_fill[OB_BENCH_ARRAYS] = {1.0f, 0.01f, 0.01f, 1e-4f, 1e-4f};

int ob_bench_states(ob_algo a, const ob_hparams *hp, float *const bufs[],
                    float *states[OB_MAX_STATES]) {
  int used = 0;
  for (int k = 0; k < OB_MAX_STATES; k++) {
    const int u = k < ob_state_count(a) && ob_state_used(a, hp, k) == 1;
    states[k] = u ? bufs[2 + k] : NULL;
    used += u;
  }
  return used;
}

static struct {
  float *a[OB_BENCH_ARRAYS];
  uint8_t *mask;
  size_t n;
  int threads;
} cache;

void ob_bench_buffers_free(void) {
  for (int k = 0; k < OB_BENCH_ARRAYS; k++) {
    free(cache.a[k]);
    cache.a[k] = NULL;
  }
  free(cache.mask);
  cache.mask = NULL;
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
  const size_t mbytes = (n / 8 + 1 + 63) / 64 * 64;
  cache.mask = aligned_alloc(64, mbytes);
  if (!cache.mask) {
    ob_bench_buffers_free();
    return NULL;
  }
  float **a = cache.a;
#pragma omp parallel num_threads(threads)
  {
    const size_t parts = (size_t)omp_get_num_threads(), k = (size_t)omp_get_thread_num();
    const size_t lo = chunk_start(n, k, parts), hi = chunk_start(n, k + 1, parts);
    for (int j = 0; j < OB_BENCH_ARRAYS; j++)
      for (size_t i = lo; i < hi; i++)
        a[j][i] = ob_bench_fill[j];
    /* chunks start on 16-element lines: whole mask bytes; 0x55: half kept */
    memset(cache.mask + lo / 8, 0x55, (hi + 7) / 8 - lo / 8);
  }
  cache.n = n;
  cache.threads = threads;
  return cache.a;
}

uint8_t *ob_bench_mask(void) { return cache.mask; }

/* x = 0.5 x + c (sum of the arrays read), c times the arrays written below
 * 1/2 (0.125; 0.1 for four): a contraction to a fixed point near the fill
 * values, so the data stay benign however often this runs. One clone per
 * ISA, chosen at load time, so the loop is as wide as the CPU allows. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void
stream_chunk(float **a, int states, size_t lo, size_t hi) {
  float *restrict p = a[0], *restrict s0 = a[1], *restrict s1 = a[2], *restrict s2 = a[3];
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
  } else if (states == 2) {
    const float *restrict g = a[3];
#pragma omp simd
    for (size_t i = lo; i < hi; i++) {
      const float x = 0.125f * (p[i] + s0[i] + s1[i] + g[i]);
      p[i] = 0.5f * p[i] + x;
      s0[i] = 0.5f * s0[i] + x;
      s1[i] = 0.5f * s1[i] + x;
    }
  } else {
    const float *restrict g = a[4];
#pragma omp simd
    for (size_t i = lo; i < hi; i++) {
      const float x = 0.1f * (p[i] + s0[i] + s1[i] + s2[i] + g[i]);
      p[i] = 0.5f * p[i] + x;
      s0[i] = 0.5f * s0[i] + x;
      s1[i] = 0.5f * s1[i] + x;
      s2[i] = 0.5f * s2[i] + x;
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

/* ---- The layer kernels' memory ceiling ---------------------------------- */

double ob_shape_bytes_read(const ob_stream_shape *s) {
  return 4.0 * s->inputs * s->passes + (s->mask == OB_MASK_READ ? 0.125 : 0.0);
}
double ob_shape_bytes_written(const ob_stream_shape *s) {
  return 4.0 * s->outputs + (s->mask == OB_MASK_WRITE ? 0.125 : 0.0);
}
double ob_shape_footprint(const ob_stream_shape *s) {
  return 4.0 * (s->inputs + s->outputs) + (s->mask != OB_MASK_NONE ? 0.125 : 0.0);
}

void ob_shape_name(const ob_stream_shape *s, char *out, size_t size) {
  char passes[16] = "";
  if (s->passes > 1)
    snprintf(passes, sizeof passes, "x%d", s->passes);
  snprintf(out, size, "in%dout%d%s%s", s->inputs, s->outputs, passes,
           s->mask == OB_MASK_READ    ? "+maskr"
           : s->mask == OB_MASK_WRITE ? "+maskw"
                                      : "");
}

static volatile float shape_sink; /* the read-only passes' sums */

/* A read-only pass: the sum of the inputs. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static float
read_pass(const float *restrict x0, const float *restrict x1, int inputs, size_t lo, size_t hi) {
  float acc = 0.0f;
  if (inputs == 1) {
#pragma omp simd reduction(+ : acc)
    for (size_t i = lo; i < hi; i++)
      acc += x0[i];
  } else {
#pragma omp simd reduction(+ : acc)
    for (size_t i = lo; i < hi; i++)
      acc += x0[i] + x1[i];
  }
  return acc;
}

/* The last pass without a mask. c = 0.5: the data stay at their fill values'
 * scale, whatever the number of calls (y is never an input). */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void
write_pass(float *restrict y, const float *restrict x0, const float *restrict x1, int inputs,
           size_t lo, size_t hi) {
  const float c = 0.5f;
  if (inputs == 0) {
#pragma omp simd
    for (size_t i = lo; i < hi; i++)
      y[i] = c; /* not a byte pattern: a store loop, not memset */
  } else if (inputs == 1) {
#pragma omp simd
    for (size_t i = lo; i < hi; i++)
      y[i] = c * x0[i];
  } else {
#pragma omp simd
    for (size_t i = lo; i < hi; i++)
      y[i] = c * x0[i] + x1[i];
  }
}

/* The last pass with a mask, one input: y = c*x where the bit is set; the
 * mask written as the bits of x > c*0.02 or read. Portable form. */
static void mask_pass_c(float *restrict y, const float *restrict x, uint8_t *restrict m,
                        ob_mask_io io, size_t lo, size_t hi) {
  const float c = 0.5f, t = 0.01f;
  for (size_t i = lo; i < hi; i += 8) {
    const size_t w = hi - i < 8 ? hi - i : 8;
    unsigned bits = io == OB_MASK_READ ? m[i / 8] : 0u;
    for (size_t k = 0; k < w; k++) {
      if (io == OB_MASK_WRITE)
        bits |= (unsigned)(x[i + k] > t) << k;
      y[i + k] = (bits >> k) & 1u ? c * x[i + k] : 0.0f;
    }
    if (io == OB_MASK_WRITE)
      m[i / 8] = (uint8_t)bits;
  }
}

/* The same with AVX-512: 16 elements, one 16-bit mask word per step. lo is
 * a multiple of 16 (chunks start on 64-byte lines); the tail is masked. */
__attribute__((target("avx512f"))) static void mask_pass_avx512(float *restrict y,
                                                                const float *restrict x,
                                                                uint8_t *restrict m, ob_mask_io io,
                                                                size_t lo, size_t hi) {
  const __m512 c = _mm512_set1_ps(0.5f), t = _mm512_set1_ps(0.01f);
  size_t i = lo;
  for (; i + 16 <= hi; i += 16) {
    const __m512 v = _mm512_load_ps(x + i);
    uint16_t bits;
    if (io == OB_MASK_WRITE) {
      bits = (uint16_t)_mm512_cmp_ps_mask(v, t, _CMP_GT_OQ);
      memcpy(m + i / 8, &bits, 2);
    } else {
      memcpy(&bits, m + i / 8, 2);
    }
    /* as the library's dropout: a full load, times c or 0 (a masked multiply
     * with a memory operand ran at half this speed from DRAM on Zen 5) */
    _mm512_store_ps(y + i, _mm512_mul_ps(v, _mm512_maskz_mov_ps((__mmask16)bits, c)));
  }
  if (i < hi)
    mask_pass_c(y, x, m, io, i, hi);
}

static void shape_chunk(float **a, uint8_t *mask, const ob_stream_shape *s, size_t lo, size_t hi,
                        int avx512) {
  float acc = 0.0f;
  for (int p = 1; p < s->passes; p++)
    acc += read_pass(a[1], a[2], s->inputs, lo, hi);
  if (s->passes > 1)
    shape_sink = acc;
  if (s->mask == OB_MASK_NONE)
    write_pass(a[0], a[1], a[2], s->inputs, lo, hi);
  else if (avx512)
    mask_pass_avx512(a[0], a[1], mask, s->mask, lo, hi);
  else
    mask_pass_c(a[0], a[1], mask, s->mask, lo, hi);
}

void ob_stream_shape_run(float **a, uint8_t *mask, const ob_stream_shape *s, size_t n,
                         int threads) {
  static int avx512 = -1;
  if (avx512 < 0) {
    __builtin_cpu_init();
    avx512 = __builtin_cpu_supports("avx512f") != 0;
  }
  if (threads <= 1) {
    shape_chunk(a, mask, s, 0, n, avx512);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const size_t parts = (size_t)omp_get_num_threads(), k = (size_t)omp_get_thread_num();
    shape_chunk(a, mask, s, chunk_start(n, k, parts), chunk_start(n, k + 1, parts), avx512);
  }
}
