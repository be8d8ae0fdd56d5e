/* The speed benchmark's own kernels and buffers: the arrays the library is
 * timed on, and the two roofline ceilings (memory and arithmetic). */
#ifndef OB_BENCH_ROOFLINE_H
#define OB_BENCH_ROOFLINE_H

#include <stddef.h>
#include <stdint.h>

#include "optbench.h"

/* The traffic model, written once: a rule with s state arrays reads p, g and
 * the states and writes p and the states, 4 bytes each (Adam, s = 2: 28). */
static inline int64_t ob_traffic_reads(int states) { return 2 + states; }
static inline int64_t ob_traffic_writes(int states) { return 1 + states; }
static inline int64_t ob_traffic_bytes(int states) {
  return 4 * (ob_traffic_reads(states) + ob_traffic_writes(states));
}

#define OB_BENCH_ARRAYS (2 + OB_MAX_STATES) /* p, g, s0, s1, s2: the most any rule needs */

/* The values of the timed arrays p, g, s0, s1, s2 (ob_bench_buffers below,
 * bench/model.c): no update meets NaN, Inf or subnormals, and torch
 * RMSprop's centered domain holds (s0 >= 2 s2^2). */
extern const float ob_bench_fill[OB_BENCH_ARRAYS];

/* The state arrays of a step of `a` with these hyperparameters over the
 * timed arrays bufs (p, g, s0, ...): states[k] = bufs[2 + k] for each state
 * the step uses (ob_state_used), NULL for the others - so an unused state is
 * neither passed nor counted. Returns how many are used: the traffic model's
 * state count (ob_traffic_bytes). */
int ob_bench_states(ob_algo a, const ob_hparams *hp, float *const bufs[],
                    float *states[OB_MAX_STATES]);

/* OB_BENCH_ARRAYS arrays of n floats, 64-byte aligned, first touched and
 * filled by `threads` threads with the chunking of run_chunked (the +omp
 * variants' own). Kept between calls with the same n and threads; NULL if
 * out of memory. Values are benign: p = 1, g = 0.01, states 0.01 and 1e-4,
 * so no update meets NaN, Inf or subnormals. */
float **ob_bench_buffers(size_t n, int threads);
void ob_bench_buffers_free(void);
/* The mask array that goes with the buffers of the last ob_bench_buffers
 * call: ceil(n/8) bytes (dropout's packed mask), first touched the same way;
 * NULL before any call. */
uint8_t *ob_bench_mask(void);

/* The memory ceiling: in place over a[0..states] (read and written) plus
 * a[states+1] (read only) - the same reads, writes and access pattern as a
 * rule with `states` state arrays - on `threads` threads. */
void ob_stream(float **a, int states, size_t n, int threads);

/* The memory ceiling of a layer kernel: a streaming kernel with the same
 * passes over the same number of distinct arrays. `passes - 1` read-only
 * passes over the inputs (a sum), then a last pass that reads the inputs and
 * writes the outputs: y = c*x (one input), y = c*x0 + x1 (two), y = c (none).
 * A packed mask of n/8 bytes (one bit per element, as dropout stores it) is
 * read or written in the last pass, so its 1/8 byte per element is moved for
 * real: written as the bits of x > c, read to zero the dropped lanes. On an
 * AVX-512 CPU the mask passes use AVX-512 (a compare to a 16-bit mask and a
 * 2-byte store per 16 elements, as the library's dropout does). */
typedef enum { OB_MASK_NONE, OB_MASK_READ, OB_MASK_WRITE } ob_mask_io;
typedef struct {
  int inputs;  /* distinct float arrays read: 0, 1 or 2 (a[1], a[2]) */
  int outputs; /* float arrays written: 1 (a[0]) */
  int passes;  /* full passes over the inputs, the last one writing (>= 1) */
  ob_mask_io mask;
} ob_stream_shape;

/* Bytes per element it moves: 4 (inputs passes + outputs) + 1/8 with a mask. */
double ob_shape_bytes_read(const ob_stream_shape *);
double ob_shape_bytes_written(const ob_stream_shape *);
/* Bytes per element the arrays take (the working set): 4 (inputs + outputs) + 1/8. */
double ob_shape_footprint(const ob_stream_shape *);
/* "in1out1x3+maskw": inputs, outputs, passes if more than one, mask. */
void ob_shape_name(const ob_stream_shape *, char *out, size_t size);
/* Runs the shape over a[0..2] (from ob_bench_buffers) and mask on `threads` threads. */
void ob_stream_shape_run(float **a, uint8_t *mask, const ob_stream_shape *, size_t n, int threads);

/* The arithmetic ceiling of rule `a` (AVX-512, register-resident): per
 * element the exactly rounded square roots and divisions of its row of the
 * list (ob_algo_cost) plus 1 + states FMAs, on `threads` threads, `elems`
 * elements in total. Only call when AVX-512F is usable. */
void ob_arith_avx512(ob_algo a, int64_t elems, int threads);
/* Whether rule `a` has an arithmetic ceiling: a square root or a division
 * per element. Without one (0 and 0) it is bound by memory alone. */
int ob_arith_has_ceiling(ob_algo a);

/* The random-number ceiling (AVX-512, register-resident): Philox4x32-10,
 * one 32-bit word per element, `elems` elements on `threads` threads. A
 * floor for every kernel that draws a number per element (the normal
 * transform's log, sqrt, sin and cos come on top). Only with AVX-512F. */
void ob_arith_philox_avx512(int64_t elems, int threads);
#endif
