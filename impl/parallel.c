/* The +omp variants. Every parallel call goes through one team primitive:
 * ob_team_threads decides how many threads a piece of work gets, and
 * ob_team_run runs one part per thread. The kernels are position-independent,
 * so the result is the same bits for every thread count. Below a threshold a
 * call stays on the calling thread: waking a team costs more than it saves.
 *
 * The edges (optbench.h, "Threads"): the team is capped at the units of work
 * and at OB_OMP_THREADS_PER_PROC threads a processor; a forked child runs on one
 * thread; workers run in the caller's floating-point environment and hand
 * the exception flags they raise back to it. */
#include <limits.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h" /* OB_HAVE_MXCSR, OB_FP_FLAGS */

/* 0: each kernel's tuned or built-in threshold; otherwise one value for all. */
static atomic_size_t override;

size_t ob_threshold_in_force(size_t tuned, size_t builtin) {
  const size_t o = atomic_load_explicit(&override, memory_order_relaxed);
  return o ? o : tuned ? tuned : builtin;
}

size_t ob_omp_threshold(ob_algo algo) {
  return ob_algo_valid(algo)
             ? ob_threshold_in_force(ob_tuned_algo(algo), ob_omp_builtin_threshold(algo))
             : 0;
}

size_t ob_omp_threshold_override(void) {
  return atomic_load_explicit(&override, memory_order_relaxed);
}

void ob_set_omp_threshold(size_t elements) {
  atomic_store_explicit(&override, elements, memory_order_relaxed);
}

/* Set in a forked child: libgomp keeps the parent's pool of threads, which
 * do not exist in the child, and its next parallel region waits for them
 * forever. Results do not depend on the thread count, so the child simply
 * runs every call on its own thread. */
static atomic_int forked;

static void in_child(void) { atomic_store_explicit(&forked, 1, memory_order_relaxed); }

/* Registered while the library loads: a child of a process whose own code
 * (not the library) started a team would hang just the same. */
__attribute__((constructor)) static void watch_fork(void) { pthread_atfork(NULL, NULL, in_child); }

/* The processor count, read once: omp_get_num_procs asks the kernel for the
 * affinity mask on every call, which a small call must not pay. */
static atomic_int procs;

static int team_cap(void) {
  int p = atomic_load_explicit(&procs, memory_order_relaxed);
  if (p == 0) {
    p = omp_get_num_procs();
    p = p < 1 ? 1 : p;
    atomic_store_explicit(&procs, p, memory_order_relaxed);
  }
  return p > INT_MAX / OB_OMP_THREADS_PER_PROC ? INT_MAX : p * OB_OMP_THREADS_PER_PROC;
}

int ob_team_threads(const ob_variant *v, size_t work, size_t threshold, size_t units) {
  /* the size first: a small call must not pay even the query of the team size */
  if (!v->parallel || work < threshold || units < 2 ||
      atomic_load_explicit(&forked, memory_order_relaxed))
    return 1;
  int max = omp_get_max_threads();
  const int cap = team_cap();
  max = max < cap ? max : cap;
  return (size_t)max < units ? max : (int)units;
}

/* The caller's floating-point environment, which every worker takes on for
 * its part: rounding mode and, on x86, flush-to-zero and denormals-are-zero
 * (MXCSR), which threads created earlier do not share. */
#ifdef OB_HAVE_MXCSR
typedef unsigned fp_env;
static fp_env fp_get(void) { return _mm_getcsr(); }
/* Takes on env with no flags raised (to collect only the part's); returns
 * the thread's own. ldmxcsr costs ~15 ns, stmxcsr ~1: load only on change. */
static fp_env fp_enter(fp_env env) {
  const fp_env own = _mm_getcsr();
  if (own != (env & ~OB_FP_FLAGS))
    _mm_setcsr(env & ~OB_FP_FLAGS);
  return own;
}
static unsigned fp_leave(fp_env own) {
  const fp_env now = _mm_getcsr();
  if (now != own)
    _mm_setcsr(own);
  return now & OB_FP_FLAGS;
}
static void fp_raise(unsigned flags) { _mm_setcsr(_mm_getcsr() | flags); }
#else
typedef int fp_env; /* elsewhere the rounding mode, through <fenv.h> */
static fp_env fp_get(void) { return fegetround(); }
static fp_env fp_enter(fp_env env) {
  const fp_env own = fegetround();
  feclearexcept(FE_ALL_EXCEPT);
  fesetround(env);
  return own;
}
static unsigned fp_leave(fp_env own) {
  const unsigned raised = (unsigned)fetestexcept(FE_ALL_EXCEPT);
  fesetround(own);
  return raised;
}
static void fp_raise(unsigned flags) { feraiseexcept((int)flags); }
#endif

void ob_team_run(int threads, ob_part_fn f, void *ctx) {
  if (threads <= 1 || atomic_load_explicit(&forked, memory_order_relaxed)) {
    f(ctx, 0, 1);
    return;
  }
  const fp_env caller = fp_get();
  atomic_uint raised = 0;
#pragma omp parallel num_threads(threads)
  {
    const size_t k = (size_t)omp_get_thread_num(), parts = (size_t)omp_get_num_threads();
    if (k == 0) { /* the calling thread itself, already in its environment */
      f(ctx, k, parts);
    } else {
      const fp_env own = fp_enter(caller);
      f(ctx, k, parts);
      atomic_fetch_or_explicit(&raised, fp_leave(own), memory_order_relaxed);
    }
  }
  const unsigned flags = atomic_load_explicit(&raised, memory_order_relaxed);
  if (flags)
    fp_raise(flags);
}

/* Start of chunk k of `parts`: the even split point, moved up to the next
 * 64-byte line of p. Monotonic in k, 0 for k = 0 and n for k = parts. */
static size_t chunk_start(size_t n, size_t k, size_t parts, size_t first_line) {
  if (k == 0)
    return 0;
  if (k >= parts)
    return n;
  const size_t even = (n / parts) * k + (n % parts) * k / parts;
  return ob_line_up(even, first_line, n);
}

typedef struct {
  ob_kernel_fn f;
  const ob_coeffs *c;
  float *p;
  const float *g;
  float *s[OB_MAX_STATES];
  size_t n, first_line;
} rule_job;

static void rule_part(void *ctx, size_t k, size_t parts) {
  const rule_job *j = ctx;
  const size_t lo = chunk_start(j->n, k, parts, j->first_line);
  const size_t hi = chunk_start(j->n, k + 1, parts, j->first_line);
  if (hi > lo)
    j->f(j->c, j->p + lo, j->g + lo, j->s[0] ? j->s[0] + lo : NULL, j->s[1] ? j->s[1] + lo : NULL,
         j->s[2] ? j->s[2] + lo : NULL, hi - lo);
}

void ob_run(const ob_variant *v, ob_algo algo, const ob_coeffs *c, float *p, const float *g,
            float *const s[OB_MAX_STATES], size_t n) {
  const ob_kernel_fn f = v->kernels[algo];
  const int threads = ob_team_threads(v, n, ob_omp_threshold(algo), n / OB_LINE_FLOATS);
  if (threads <= 1) {
    f(c, p, g, s[0], s[1], s[2], n);
    return;
  }
  rule_job j = {f, c, p, g, {s[0], s[1], s[2]}, n, ob_first_line(p)};
  ob_team_run(threads, rule_part, &j);
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

typedef struct {
  ob_chunk_fn f;
  void *ctx;
  size_t n, align;
} chunk_job;

static void chunk_part(void *ctx, size_t k, size_t parts) {
  const chunk_job *j = ctx;
  const size_t lo = aligned_start(j->n, k, parts, j->align);
  const size_t hi = aligned_start(j->n, k + 1, parts, j->align);
  if (hi > lo)
    j->f(j->ctx, lo, hi);
}

void ob_run_chunks(const ob_variant *v, size_t n, size_t threshold, size_t align, ob_chunk_fn f,
                   void *ctx) {
  const int threads = ob_team_threads(v, n, threshold, (n + align - 1) / align);
  if (threads <= 1) {
    f(ctx, 0, n);
    return;
  }
  chunk_job j = {f, ctx, n, align};
  ob_team_run(threads, chunk_part, &j);
}
