/* Private declarations shared by the files of the library core. */
#ifndef OB_INTERNAL_H
#define OB_INTERNAL_H

#include "kernel.h"

/* The floating-point control state a computation's bits depend on: on x86
 * MXCSR without its exception flags (rounding mode, FTZ, DAZ, masks), else
 * the rounding mode (<fenv.h>). */
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define OB_HAVE_MXCSR 1
#define OB_FP_FLAGS   0x3fu /* MXCSR's exception flags: IE DE ZE OE UE PE */
static inline unsigned ob_fp_control(void) { return _mm_getcsr() & ~OB_FP_FLAGS; }
#else
#include <fenv.h>
static inline unsigned ob_fp_control(void) { return (unsigned)fegetround(); }
#endif

struct ob_variant {
  const char *name;  /* "avx2+omp" */
  const char *isa;   /* "avx2" */
  unsigned features; /* OB_FEAT_* the ISA's code needs */
  int fma;           /* kernels fuse multiply-adds: the bound_fma column */
  int exact_nans;    /* NaN payloads independent of position (ob_variant_exact_nans) */
  int parallel;      /* +omp: chunks over OpenMP threads */
  const ob_kernel_fn *kernels;
  const ob_rand_kernels *rand;
  const ob_dropout_kernels *dropout;
  const ob_bn_kernels *bn;
};

unsigned ob_cpu_features(void);                     /* detected once, cached */
int ob_variant_valid(const ob_variant *);           /* one of the registry's own entries */
ob_status ob_resolve_variant(const ob_variant **v); /* NULL -> default; checks support */

/* The team: every parallel call of the library goes through these two.
 * ob_team_threads: how many threads `work` elements in `units` indivisible
 * pieces get - 1 for a variant without +omp, below `threshold`, with fewer
 * than two units, or in a forked child; never more than there are units
 * nor than OB_OMP_THREADS_PER_PROC per processor.
 * ob_team_run: f(ctx, k, parts) for k = 0 .. parts-1, one call per thread
 * (parts may come out smaller than `threads`: f must split by `parts`),
 * each in the caller's floating-point environment; the exception flags the
 * parts raise are raised in the caller's. On one thread in a forked child. */
typedef void (*ob_part_fn)(void *ctx, size_t k, size_t parts);
int ob_team_threads(const ob_variant *, size_t work, size_t threshold, size_t units);
void ob_team_run(int threads, ob_part_fn f, void *ctx);

/* The +omp split points fall on 64-byte lines of p, so no two threads write
 * one line. ob_first_line: the elements of p before its first line boundary;
 * ob_line_up: element j moved up to the next line boundary of that p, at most n. */
#define OB_LINE_FLOATS (64 / sizeof(float))
static inline size_t ob_first_line(const float *p) {
  const size_t misalign = (size_t)((uintptr_t)p % 64) / sizeof(float);
  return misalign ? OB_LINE_FLOATS - misalign : 0;
}
static inline size_t ob_line_up(size_t j, size_t first_line, size_t n) {
  const size_t up = j <= first_line ? first_line
                                    : first_line + (j - first_line + OB_LINE_FLOATS - 1) /
                                                       OB_LINE_FLOATS * OB_LINE_FLOATS;
  return up < n ? up : n;
}

/* Runs the kernel on n elements, split over threads for +omp variants. */
void ob_run(const ob_variant *, ob_algo, const ob_coeffs *, float *p, const float *g,
            float *const s[OB_MAX_STATES], size_t n);

/* Runs f(ctx, lo, hi) over [0, n): on the calling thread below `threshold`
 * or for a variant without +omp, else one contiguous chunk per thread with
 * every boundary a multiple of `align`. */
typedef void (*ob_chunk_fn)(void *ctx, size_t lo, size_t hi);
void ob_run_chunks(const ob_variant *, size_t n, size_t threshold, size_t align, ob_chunk_fn f,
                   void *ctx);

/* The +omp thresholds: ob_set_omp_threshold's value if set, else the tuned
 * one if the tuning cache gave one (not 0), else the built-in one from the
 * lists (tune_cache.c, optbench.h "The machine"). ob_tuned_*: 0 if untuned;
 * the first call reads the cache. */
size_t ob_omp_threshold_override(void); /* ob_set_omp_threshold's value, 0 if none */
size_t ob_threshold_in_force(size_t tuned, size_t builtin);
size_t ob_tuned_algo(ob_algo);
size_t ob_tuned_op(ob_op);

/* The Philox key and stream words of (seed, stream) (optbench.h). */
static inline ob_philox ob_philox_of(uint64_t seed, uint64_t stream) {
  const ob_philox r = {{(uint32_t)seed, (uint32_t)(seed >> 32)},
                       {(uint32_t)stream, (uint32_t)(stream >> 32)}};
  return r;
}

/* A rule's row of optbench_algos.def (algos.c expands it; algo_view.c
 * shows it). */
typedef struct {
  const char *name;
  int nonneg;    /* the NONNEG domain: a valid state is never negative */
  int condition; /* OB_STATE_IF: the hyperparameter that switches it on; -1: always on */
  int initial;   /* OB_STATE_INIT: the hyperparameter it starts at; -1: 0 */
} ob_state_col;
typedef struct {
  const char *name, *title;
  int states;
  ob_state_col state[OB_MAX_STATES + 1]; /* `states` of them, then {NULL} */
  ob_hparams defaults; /* at the library's size; fields the rule does not read 0 */
  int sqrt_count, div_count;
  double bound_exact, bound_fma;
  int omp_log2;
  float book_lr[2]; /* by ob_book_figure */
  const char *book_source[2];
  const char *torch, *torch_note, *numpy;
  const char *convention; /* "book" or "torch" */
} ob_algo_row;
extern const ob_algo_row ob_algo_rows[OB_ALGO_COUNT];

/* The caller's hyperparameters at the library's size (optbench.h, "Hyperparameters
 * and the ABI"): the first hp->size bytes, the rest 0. OB_EINVAL for NULL or a
 * size below the first version's; OB_EHPARAM for a nonzero byte past the
 * library's struct. Every entry point reads hp only through this. */
ob_status ob_hparams_load(const ob_hparams *hp, ob_hparams *out);
/* ob_hparams_check on a loaded struct */
ob_status ob_hparams_valid(ob_algo, const ob_hparams *loaded);
/* Field i (an ob_hparam index) of a loaded struct. */
float ob_hparam_value(const ob_hparams *loaded, int i);
/* Whether a step with these (loaded) hyperparameters uses state i of `a`
 * (valid): its condition field is nonzero, or it has none. */
int ob_state_used_by(ob_algo a, const ob_hparams *loaded, int i);

/* finite and >= 0: lr, eps, weight decay, a standard deviation */
int ob_nonneg(float x);

/* Argument checks shared by ob_step and the optimizer object. */
int ob_algo_valid(ob_algo);
size_t ob_omp_builtin_threshold(ob_algo); /* the list's omp_log2 column */
/* The arrays of one step: p, g and the states whose bit is in `need` (the
 * others are not looked at). */
ob_status ob_check_arrays(const float *p, const float *g, float *const s[OB_MAX_STATES],
                          unsigned need, size_t n);

int ob_ranges_overlap(const void *a, size_t abytes, const void *b, size_t bbytes);
/* n elements of `size` bytes from p fit in the address space */
int ob_fits(const void *p, size_t n, size_t size);
/* p is a multiple of align: a float array at another address is undefined
 * behaviour to touch (optbench.h: alignof(float), not more) */
static inline int ob_aligned(const void *p, size_t align) { return (uintptr_t)p % align == 0; }
/* Checks `count` arrays: none NULL or misaligned for its element type
 * (align[i] bytes) when its bytes > 0, each fits, no two overlap. OB_EINVAL
 * or OB_EOVERLAP. */
ob_status ob_check_buffers(size_t count, const void *const ptr[], const size_t bytes[],
                           const size_t align[]);

/* ---- Whole-model steps (coeffs_cache.c, list*.c) ---------------------- */

/* The checks and the coefficients of one step: the variant resolved (NULL ->
 * default), algo, hparams and t checked, ob_coeffs_make's refusals passed on.
 * The last answer is kept per thread, so a step's second tensor costs a
 * comparison. */
ob_status ob_prepare(const ob_variant **v, ob_algo, const ob_hparams *, int64_t t, ob_coeffs *);

/* A list of tensors: tensor i is p[i], g[i], s[k][i], n[i] elements. s[k]
 * is NULL where bit k of `need` is clear (the rule has no state k, or the
 * step does not use it): set by ob_list_make. */
typedef struct {
  size_t count;
  float *const *p;
  const float *const *g;
  float *const *s[OB_MAX_STATES];
  const size_t *n;
  unsigned need; /* the states the step reads and writes */
} ob_list;

static inline ob_list ob_list_make(size_t count, float *const *p, const float *const *g,
                                   float *const *const s[], const size_t *n, unsigned need) {
  ob_list l = {count, p, g, {NULL}, n, need};
  for (int k = 0; k < OB_MAX_STATES; k++)
    l.s[k] = s && (need >> k & 1u) ? s[k] : NULL;
  return l;
}

/* Every list the checks read is there: p, g, the sizes and the needed state
 * lists (count 0 reads none). */
static inline int ob_list_lists(const ob_list *l) {
  int ok = !l->count || (l->p && l->g && l->n);
  for (int k = 0; k < OB_MAX_STATES && l->count; k++)
    ok = ok && (!(l->need >> k & 1u) || l->s[k]);
  return ok;
}

/* Each tensor as ob_check_arrays checks it, then no two arrays of the whole
 * list overlapping - except, with shared_grads (the optimizer object, whose
 * states are its own), gradients with gradients, which are only read. */
ob_status ob_list_check(ob_algo, const ob_list *, int shared_grads);
/* The last list this thread passed through ob_list_check for algo (list_seen.c):
 * ob_list_seen says whether l is that list (its addresses and sizes, so it
 * passes again); ob_list_remember keeps l (or, short of memory, nothing). */
int ob_list_seen(ob_algo, const ob_list *);
void ob_list_remember(ob_algo, const ob_list *);
/* The sum of the sizes; prefix (count + 1 entries, optional) gets the running sums. */
size_t ob_list_total(const ob_list *, size_t *prefix);
/* One step of every tensor of a checked list, one parallel region for all;
 * prefix: ob_list_total's, or NULL to have it computed when threads need it. */
void ob_list_run(const ob_variant *, ob_algo, const ob_coeffs *, const ob_list *,
                 const size_t *prefix);

#endif
