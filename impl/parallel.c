/* The +omp variants: one contiguous chunk per thread, chunk boundaries on
 * 64-byte lines of p, each chunk run by the ISA's own kernel. The kernels are
 * position-independent, so the result is the same bits for every thread
 * count. Below the threshold the call stays on the calling thread: waking a
 * team costs more than it saves. */
#include <omp.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h"

#define LINE_FLOATS (64 / sizeof(float))

/* 0: each rule's own threshold from the algorithm list (where two threads
 * beat one on the benchmark machine); otherwise one value for all rules. */
static atomic_size_t override;

size_t ob_omp_threshold(ob_algo algo) {
  const size_t o = atomic_load_explicit(&override, memory_order_relaxed);
  return o && ob_algo_valid(algo) ? o : ob_omp_builtin_threshold(algo);
}

size_t ob_omp_threshold_override(void) {
  return atomic_load_explicit(&override, memory_order_relaxed);
}

void ob_set_omp_threshold(size_t elements) {
  atomic_store_explicit(&override, elements, memory_order_relaxed);
}

/* Start of chunk k of `parts`: the even split point, moved up to the next
 * 64-byte line of p. Monotonic in k, 0 for k = 0 and n for k = parts. */
static size_t chunk_start(size_t n, size_t k, size_t parts, size_t first_line) {
  if (k == 0)
    return 0;
  if (k >= parts)
    return n;
  const size_t even = (n / parts) * k + (n % parts) * k / parts;
  if (even <= first_line)
    return first_line < n ? first_line : n;
  const size_t up = first_line + (even - first_line + LINE_FLOATS - 1) / LINE_FLOATS * LINE_FLOATS;
  return up < n ? up : n;
}

void ob_run(const ob_variant *v, ob_algo algo, const ob_coeffs *c, float *p, const float *g,
            float *s0, float *s1, size_t n) {
  const ob_kernel_fn f = v->kernels[algo];
  /* the size first: a small call must not pay even the query of the team size */
  const int threads = v->parallel && n >= ob_omp_threshold(algo) ? omp_get_max_threads() : 1;
  if (threads <= 1) {
    f(c, p, g, s0, s1, n);
    return;
  }
  const size_t misalign = (size_t)((uintptr_t)p % 64) / sizeof(float);
  const size_t first_line = misalign ? LINE_FLOATS - misalign : 0;
#pragma omp parallel num_threads(threads)
  {
    const size_t parts = (size_t)omp_get_num_threads(), k = (size_t)omp_get_thread_num();
    const size_t lo = chunk_start(n, k, parts, first_line);
    const size_t hi = chunk_start(n, k + 1, parts, first_line);
    if (hi > lo)
      f(c, p + lo, g + lo, s0 ? s0 + lo : NULL, s1 ? s1 + lo : NULL, hi - lo);
  }
}

/* Start of chunk k of `parts` over [0, n): the even split point rounded up to
 * a multiple of align. Monotonic in k, 0 for k = 0 and n for k = parts. */
static size_t aligned_start(size_t n, size_t k, size_t parts, size_t align) {
  if (k >= parts)
    return n;
  const size_t even = (n / parts) * k + (n % parts) * k / parts;
  const size_t up = (even + align - 1) / align * align;
  return up < n ? up : n;
}

void ob_run_chunks(const ob_variant *v, size_t n, size_t threshold, size_t align, ob_chunk_fn f,
                   void *ctx) {
  const int threads = v->parallel && n >= threshold ? omp_get_max_threads() : 1;
  if (threads <= 1) {
    f(ctx, 0, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const size_t parts = (size_t)omp_get_num_threads(), k = (size_t)omp_get_thread_num();
    const size_t lo = aligned_start(n, k, parts, align), hi = aligned_start(n, k + 1, parts, align);
    if (hi > lo)
      f(ctx, lo, hi);
  }
}
