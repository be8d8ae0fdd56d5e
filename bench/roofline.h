/* The speed benchmark's own kernels and buffers: the arrays the library is
 * timed on, and the two roofline ceilings (memory and arithmetic). */
#ifndef OB_BENCH_ROOFLINE_H
#define OB_BENCH_ROOFLINE_H

#include <stddef.h>
#include <stdint.h>

/* The traffic model, written once: a rule with s state arrays reads p, g and
 * the states and writes p and the states, 4 bytes each (Adam, s = 2: 28). */
static inline int64_t ob_traffic_reads(int states) { return 2 + states; }
static inline int64_t ob_traffic_writes(int states) { return 1 + states; }
static inline int64_t ob_traffic_bytes(int states) {
  return 4 * (ob_traffic_reads(states) + ob_traffic_writes(states));
}

#define OB_BENCH_ARRAYS 4 /* p, g, s0, s1: the most any rule needs */

/* OB_BENCH_ARRAYS arrays of n floats, 64-byte aligned, first touched and
 * filled by `threads` threads with the chunking of run_chunked (the +omp
 * variants' own). Kept between calls with the same n and threads; NULL if
 * out of memory. Values are benign: p = 1, g = 0.01, states 0.01 and 1e-4,
 * so no update meets NaN, Inf or subnormals. */
float **ob_bench_buffers(size_t n, int threads);
void ob_bench_buffers_free(void);

/* The memory ceiling: in place over a[0..states] (read and written) plus
 * a[states+1] (read only) - the same reads, writes and access pattern as a
 * rule with `states` state arrays - on `threads` threads. */
void ob_stream(float **a, int states, size_t n, int threads);

/* The arithmetic ceiling (AVX-512, register-resident): per element one
 * exactly rounded sqrt and division plus 1 + states FMAs, on `threads`
 * threads, `elems` elements in total. Only call when AVX-512F is usable. */
void ob_arith_avx512(int states, int64_t elems, int threads);
#endif
