/* optbench_mask_layout: dropout's mask stored as bits (the library's choice:
 * bit i % 8 of byte i / 8) against one byte per element, in AVX-512 kernels
 * that differ in nothing else, at an L1, L2, L3 and DRAM working set.
 *
 *   mask/<bits|bytes>/forward/n:<n>    y = x * keep, mask written
 *   mask/<bits|bytes>/backward/n:<n>   dx = dout * mask, mask read
 *
 * The forward draws its keep decisions from a counter hash (two multiplies
 * and a shift per 16 elements) instead of the library's Philox (about
 * 0.5 ns per element, ten times the memory time), so what is timed is the
 * data movement the layout changes: 1/8 byte against 1 byte of mask per
 * element, next to 8 bytes of x and y. The library's own kernels, Philox
 * included, are op/dropout_train/avx512 and op/dropout_backward/avx512 in
 * optbench_bench.
 *
 * The kernels are compiled for AVX-512 F/BW/VL (target attributes); on a CPU
 * without them the program says so and exits with status 0. Google
 * Benchmark's flags pass through (defaults: 5 repetitions of 0.05 s,
 * medians reported). */
#include "shim/ob_bench.h"

#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AVX512    __attribute__((target("avx512f,avx512bw,avx512vl")))
#define RATIO_U32 0x80000000u /* the book's ratio 0.5: keep where r > 2^31 */

typedef enum { BITS, BYTES } layout;
typedef enum { FORWARD, BACKWARD } direction;

typedef struct {
  layout lay;
  direction dir;
  size_t n;
} mask_case;

static struct {
  float *x, *y;
  uint8_t *mask;
  size_t n;
} buf;

static void buf_free(void) {
  free(buf.x);
  free(buf.y);
  free(buf.mask);
  memset(&buf, 0, sizeof buf);
}

/* x, y and a mask of n bytes (room for either layout), first touched */
static int buf_get(size_t n) {
  if (buf.x && buf.n == n)
    return 0;
  buf_free();
  const size_t fb = (n * sizeof(float) + 63) / 64 * 64, mb = (n + 63) / 64 * 64;
  buf.x = aligned_alloc(64, fb);
  buf.y = aligned_alloc(64, fb);
  buf.mask = aligned_alloc(64, mb);
  if (!buf.x || !buf.y || !buf.mask) {
    buf_free();
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    buf.x[i] = 0.01f;
    buf.y[i] = 0.0f;
  }
  memset(buf.mask, 0x55, mb); /* bits: half kept; bytes: all nonzero */
  buf.n = n;
  return 0;
}

/* Keep decisions from a counter hash (multiply, xor-shift): no chain from one
 * vector to the next, so it costs throughput, not latency. */
AVX512 static __m512i hash(__m512i ctr) {
  __m512i h = _mm512_mullo_epi32(ctr, _mm512_set1_epi32((int)0x9E3779B1u));
  h = _mm512_xor_si512(h, _mm512_srli_epi32(h, 15));
  return _mm512_mullo_epi32(h, _mm512_set1_epi32((int)0x85EBCA6Bu));
}

/* n a multiple of 16 (the sizes are powers of two) */
AVX512 static void forward(layout lay, const float *x, float *y, uint8_t *mask, size_t n,
                           __m512i *state) {
  const __m512i ratio = _mm512_set1_epi32((int)RATIO_U32);
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512i step = _mm512_set1_epi32(16);
  __m512i ctr = *state;
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = _mm512_cmpgt_epu32_mask(hash(ctr), ratio);
    ctr = _mm512_add_epi32(ctr, step);
    _mm512_store_ps(y + i, _mm512_mul_ps(_mm512_load_ps(x + i), _mm512_maskz_mov_ps(m, one)));
    if (lay == BITS) {
      const uint16_t w = (uint16_t)m;
      memcpy(mask + i / 8, &w, 2);
    } else {
      _mm_storeu_si128((__m128i *)(mask + i), _mm_maskz_set1_epi8(m, 1));
    }
  }
  *state = ctr;
}

AVX512 static void backward(layout lay, const uint8_t *mask, const float *dout, float *dx,
                            size_t n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (size_t i = 0; i < n; i += 16) {
    __mmask16 m;
    if (lay == BITS) {
      uint16_t w;
      memcpy(&w, mask + i / 8, 2);
      m = (__mmask16)w;
    } else {
      const __m128i b = _mm_loadu_si128((const __m128i *)(mask + i));
      m = _mm_test_epi8_mask(b, b);
    }
    _mm512_store_ps(dx + i, _mm512_mul_ps(_mm512_load_ps(dout + i), _mm512_maskz_mov_ps(m, one)));
  }
}

AVX512 static void run(ob_bench_state *st, void *ctx) {
  const mask_case *c = ctx;
  if (buf_get(c->n)) {
    ob_bench_skip_with_error(st, "out of memory");
    return;
  }
  __m512i state = _mm512_set_epi32(16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
  if (c->dir == FORWARD) {
    forward(c->lay, buf.x, buf.y, buf.mask, c->n, &state); /* warm-up */
    while (ob_bench_keep_running(st))
      forward(c->lay, buf.x, buf.y, buf.mask, c->n, &state);
  } else {
    forward(c->lay, buf.x, buf.y, buf.mask, c->n, &state); /* a mask to read */
    while (ob_bench_keep_running(st))
      backward(c->lay, buf.mask, buf.x, buf.y, c->n);
  }
  /* traffic: x and y (8 bytes) and the mask's share */
  const double bpe = 8.0 + (c->lay == BITS ? 0.125 : 1.0);
  ob_bench_set_items_processed(st, (int64_t)c->n);
  ob_bench_set_bytes_processed(st, (int64_t)(bpe * (double)c->n));
  ob_bench_set_counter_kind(st, "ns_per_elem", (double)c->n, OB_COUNTER_PER_ITEM_NS);
}

int main(int argc, char **argv) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512vl")) {
    printf("optbench_mask_layout: this CPU lacks AVX-512 F/BW/VL; nothing to measure\n");
    return 0;
  }
  /* working set 8 B + mask per element: L1 (48 KiB here), L2 (1 MiB), L3 (32 MiB), DRAM */
  static const size_t sizes[] = {1u << 12, 1u << 16, 1u << 20, 1u << 24};
  static const char *const lay_name[] = {"bits", "bytes"}, *const dir_name[] = {"forward",
                                                                                "backward"};
  static mask_case cases[2 * 2 * (sizeof sizes / sizeof *sizes)];
  size_t k = 0;
  char name[128];
  for (int d = FORWARD; d <= BACKWARD; d++)
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
      for (int l = BITS; l <= BYTES; l++) {
        cases[k] = (mask_case){(layout)l, (direction)d, sizes[si]};
        snprintf(name, sizeof name, "mask/%s/%s/n:%zu", lay_name[l], dir_name[d], sizes[si]);
        const ob_bench_def def = {name, run, &cases[k], 0};
        if (ob_bench_register(&def))
          return 1;
        k++;
      }
  char **args = calloc((size_t)argc + 4, sizeof *args);
  if (!args)
    return 1;
  memcpy(args, argv, (size_t)argc * sizeof *args);
  int nargs = argc, has_time = 0, has_reps = 0;
  for (int i = 1; i < argc; i++) {
    has_time |= strncmp(argv[i], "--benchmark_min_time", 20) == 0;
    has_reps |= strncmp(argv[i], "--benchmark_repetitions", 23) == 0;
  }
  static char min_time[] = "--benchmark_min_time=0.05", reps[] = "--benchmark_repetitions=5",
              aggr[] = "--benchmark_report_aggregates_only=true";
  if (!has_time)
    args[nargs++] = min_time;
  if (!has_reps) {
    args[nargs++] = reps;
    args[nargs++] = aggr;
  }
  ob_bench_add_context("optbench_mask_ratio", "0.5 (keep decisions from a counter hash)");
  const int rc = ob_bench_main(nargs, args);
  free(args);
  buf_free();
  return rc;
}
