/* optbench - the training kernels of chapter 6 of "Deep Learning from
 * Scratch" (update rules with weight decay, weight initialisation, dropout,
 * batch normalisation), verified against exact golden vectors and
 * implemented once per instruction set.
 *
 * Conventions
 *   - Every function that can fail returns an ob_status; nothing aborts and
 *     nothing prints. A refused call changes no array.
 *   - Every float array must be aligned to alignof(float) (4 bytes), as C
 *     requires of a float *; one that is not, with elements to touch, is
 *     refused (OB_EINVAL). Nothing needs vector alignment; a dropout mask
 *     may start at any byte.
 *   - NaN and Inf in gradients or state are data, not errors: they propagate
 *     as IEEE arithmetic of the textbook formula says.
 *   - A variant is one implementation of every kernel (scalar, sse2, ...).
 *     Pass NULL wherever a variant is asked for to use the default one
 *     (OPTBENCH_VARIANT, else ob_variant_best()).
 */
#ifndef OPTBENCH_H
#define OPTBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Only the ob_ functions are exported from the shared library. */
#if defined(__GNUC__)
#define OB_API __attribute__((visibility("default")))
#else
#define OB_API
#endif

#define OB_VERSION_MAJOR 0
#define OB_VERSION_MINOR 3
#define OB_VERSION_PATCH 0

typedef enum {
#define OB_ALGO(ID, name, ...) OB_##ID,
#include "optbench_algos.def"
#undef OB_ALGO
  OB_ALGO_COUNT
} ob_algo;

/* ---- Hyperparameters and the ABI ------------------------------------- */

/* Hyperparameters are a list (optbench_hparams.def): ob_hparams has a float
 * field for each row, in list order, after `size`. A rule reads the fields
 * its row of optbench_algos.def names, and the every-rule ones (weight
 * decay): ob_hparams_used. It ignores the others, whatever they hold.
 *
 * The struct grows: a later version appends fields (never reorders or
 * removes one), each meaning "off, the old behaviour" at 0. `size` says
 * which version the caller was built with - OB_HPARAMS_INIT, ob_defaults and
 * ob_hparams_defaults set it to the caller's sizeof(ob_hparams) - and the
 * library reads that many bytes and no more, the convention of Linux's
 * copy_struct_from_user (openat2, clone3):
 *   - size < OB_HPARAMS_SIZE_V1 (the first version's struct), or not a
 *     whole number of 4-byte fields: OB_EINVAL;
 *   - size <= the library's sizeof: the fields past size read as 0, so a
 *     caller built against an older header runs the rules it knew;
 *   - size > the library's sizeof (a caller newer than the library): the
 *     bytes past the library's struct must all be 0, since it cannot honour
 *     a field it does not know; otherwise OB_EHPARAM.
 * Every call that takes an ob_hparams applies this. Named access
 * (ob_hparams_set/get) reaches a field without this header declaring it. */
typedef enum {
#define OB_HPARAM(ID, ...) OB_HPARAM_##ID,
#include "optbench_hparams.def"
#undef OB_HPARAM
  OB_HPARAM_COUNT /* this header's count; ob_hparam_count() is the library's */
} ob_hparam;

/* The bits of ob_hparams_used: bit i is hyperparameter i of the list. */
enum {
#define OB_HPARAM(ID, ...) OB_HP_##ID = 1 << OB_HPARAM_##ID,
#include "optbench_hparams.def"
#undef OB_HPARAM
  OB_HP_DECAY = OB_HP_DECAY_RATE
};
#define OB_HP_STEP 0x80000000u /* not a field: the rule reads the step number t */

typedef struct {
  uint32_t size; /* sizeof(ob_hparams) of the caller's build */
#define OB_HPARAM(ID, field, ...) float field;
#include "optbench_hparams.def"
#undef OB_HPARAM
} ob_hparams;
/* The two weight-decay fields, read by every rule, are 0 by default (then
 * the rule is exactly the textbook one):
 *   weight_decay     the book's L2 form (loss += 0.5*lambda*sum(W^2)): the
 *                    rule sees g + weight_decay*p instead of g;
 *   decoupled_decay  the AdamW form: p -= lr*decoupled_decay*p first, then
 *                    the rule (lr, not Adam's lr_t; the coefficient
 *                    lr*decoupled_decay is computed in double, rounded once). */

/* The first version's struct: size and the eight floats through decoupled_decay. */
#define OB_HPARAMS_SIZE_V1 (offsetof(ob_hparams, decoupled_decay) + sizeof(float))
/* Every field 0, size set: `ob_hparams hp = OB_HPARAMS_INIT;` */
#define OB_HPARAMS_INIT                                                                            \
  { .size = (uint32_t)sizeof(ob_hparams) }

typedef enum {
  OB_OK = 0,
  OB_EINVAL,       /* a NULL array with n > 0, a float array not aligned to alignof(float),
                      an unknown algorithm, n too large, an ob_hparams size below
                      OB_HPARAMS_SIZE_V1 or not a multiple of 4 */
  OB_EHPARAM,      /* a hyperparameter outside its domain (NaN, Inf, < 0, >= 1), or (ob_step)
                      a derived coefficient - lr_t, (1+momentum)*lr, momentum^2,
                      lr*decoupled_decay - that overflows or is subnormal, or a nonzero
                      field this library does not know (ob_hparams) */
  OB_ESTEP,        /* step number t < 1 for an algorithm that uses it (Adam) */
  OB_EOVERLAP,     /* two arrays of one call share memory */
  OB_ESHAPE,       /* optimizer update with other array count or sizes than before */
  OB_EUNSUPPORTED, /* the variant's instruction set is not available on this CPU */
  OB_ENOVARIANT,   /* OPTBENCH_VARIANT names an unknown or unsupported variant */
  OB_ENOMEM,       /* allocation failed */
  OB_ERANGE,       /* a layer argument outside its domain: dropout ratio outside [0, 1),
                      fan_in = 0, a batch or feature count of 0, an unknown kind */
  OB_STATUS_COUNT
} ob_status;

OB_API const char *ob_strerror(ob_status);

/* ---- Hyperparameters by name ------------------------------------------- */

/* The library's list, which may be longer than this header's OB_HPARAM_COUNT. */
OB_API int ob_hparam_count(void);
OB_API const char *ob_hparam_name(int i);    /* "lr", ...; NULL if i is out of range */
OB_API int ob_hparam_find(const char *name); /* the index, or -1 if unknown */
/* Sets field `name` to (float)value (+-Inf past the float range), checking
 * nothing else: the rules check the values they read (ob_hparams_check).
 * OB_EINVAL for a NULL argument, a size below OB_HPARAMS_SIZE_V1 or an
 * unknown name; a field past hp->size (the caller's struct predates it) can
 * only be set to 0 (a no-op), any other value is OB_EHPARAM. */
OB_API ob_status ob_hparams_set(ob_hparams *hp, const char *name, double value);
/* *value = field `name`; 0 for a field past hp->size. Statuses as _set. */
OB_API ob_status ob_hparams_get(const ob_hparams *hp, const char *name, double *value);

/* ---- Algorithms -------------------------------------------------------- */

/* The textbook defaults of `algo` (the list's OB_USES), every other field 0,
 * written over the hp->size bytes of *hp (size kept). OB_EINVAL for an
 * unknown algorithm, a NULL hp or a size below OB_HPARAMS_SIZE_V1. */
OB_API ob_status ob_hparams_defaults(ob_algo, ob_hparams *hp);
/* The same by value, at this header's size (all 0 but size if algo is
 * unknown). Inline: a struct returned by value has the caller's layout. */
static inline ob_hparams ob_defaults(ob_algo a) {
  ob_hparams hp = OB_HPARAMS_INIT;
  ob_hparams_defaults(a, &hp);
  return hp;
}
OB_API const char *ob_algo_name(ob_algo);   /* "sgd", "momentum", ...; NULL if unknown */
OB_API int ob_algo_from_name(const char *); /* the ob_algo, or -1 if unknown */
#define OB_MAX_STATES 3                     /* state arrays a rule has at most */
OB_API int ob_state_count(ob_algo);         /* 0 to OB_MAX_STATES state arrays; -1 if unknown */
/* OB_HP_* bits of what the rule reads: its own fields, the every-rule ones
 * (the weight decays), OB_HP_STEP if it reads t; 0 if unknown. */
OB_API unsigned ob_hparams_used(ob_algo);
/* Every field the rule reads in its domain (optbench_hparams.def): OB_OK,
 * OB_EHPARAM, or OB_EINVAL (unknown algorithm, NULL, a bad size). */
OB_API ob_status ob_hparams_check(ob_algo, const ob_hparams *);

/* A read-only view of the rest of the rule's row in optbench_algos.def, for
 * the tests, benchmarks and experiments; NULL or a negative number for an
 * unknown algorithm or an index out of range. */
OB_API const char *ob_algo_title(ob_algo);        /* "AdaGrad": how a figure names it */
OB_API const char *ob_state_name(ob_algo, int i); /* state i's name in the formula: "h" */
OB_API int ob_state_nonneg(ob_algo, int i);       /* 1: never negative when valid; 0: signed */
/* The hyperparameter that switches state i on ("amsgrad" for torch Adam's
 * max_exp_avg_sq), NULL if the rule always uses it (or out of range). */
OB_API const char *ob_state_condition(ob_algo, int i);
/* The hyperparameter state i starts at ("initial_accumulator_value" for
 * torch Adagrad's sum), NULL if it starts at 0 (or out of range). */
OB_API const char *ob_state_initial(ob_algo, int i);
/* 1 if a step with these hyperparameters reads and writes state i (its
 * condition field is nonzero, or it has none), 0 if not: the caller may pass
 * NULL for it; -1 for an unknown algorithm, an index out of range, a NULL hp
 * or a bad size. The values are not checked (ob_hparams_check does that):
 * amsgrad 0.5 answers 1, and the step then refuses it. */
OB_API int ob_state_used(ob_algo, const ob_hparams *, int i);
/* Where the rule's form comes from: "book" (chapter 6's common/optimizer.py)
 * or "torch" (torch.optim's documented algorithm); NULL if unknown. */
OB_API const char *ob_algo_convention(ob_algo);
/* The rule of `convention` for the name `rule`: the rule itself if it has
 * that convention, else "torch_<rule>" for "torch"; -1 if there is none. */
OB_API int ob_algo_find(const char *rule, const char *convention);
OB_API int ob_algo_reads_step(ob_algo); /* 1 if it reads t (Adam), else 0 */
/* Square roots and divisions per element: the arithmetic that bounds the
 * benchmark's arithmetic roofline (0 and 0: memory-bound, no ceiling). */
OB_API ob_status ob_algo_cost(ob_algo, int *sqrt_count, int *div_count);
typedef enum {
  OB_BOOK_TRAJECTORY, /* figure 6-8: f = x^2/20 + y^2 from (-7, 2), 30 steps */
  OB_BOOK_MNIST       /* figure 6-9: the MNIST MLP */
} ob_book_figure;
OB_API float ob_algo_book_lr(ob_algo, ob_book_figure);           /* the learning rate used */
OB_API const char *ob_algo_book_source(ob_algo, ob_book_figure); /* where it comes from */
/* The torch.optim call that is this rule's peer, in terms of the ob_hparams
 * fields and a parameter list p: "Adagrad(p, lr=lr, eps=eps)"; NULL if
 * torch has none. The note says how torch's rule differs ("" if it does
 * not, or why there is no peer). */
OB_API const char *ob_algo_torch(ob_algo);
OB_API const char *ob_algo_torch_note(ob_algo);
/* The textbook step as NumPy statements on p, g, the states by name, the
 * hyperparameters by field and t (common/optimizer.py). */
OB_API const char *ob_algo_numpy(ob_algo);

/* ---- Variants ---------------------------------------------------------- */

typedef struct ob_variant ob_variant;

OB_API size_t ob_variant_count(void);
OB_API const ob_variant *ob_variant_at(size_t i);           /* NULL if i >= count */
OB_API const ob_variant *ob_variant_find(const char *name); /* NULL if unknown */
OB_API const ob_variant *ob_variant_best(void);             /* fastest supported variant */
OB_API const ob_variant *ob_variant_default(void);          /* OPTBENCH_VARIANT, else best; NULL if
                                                        OPTBENCH_VARIANT is unusable */
OB_API const char *ob_variant_name(const ob_variant *);     /* "avx2+omp" */
OB_API const char *ob_variant_isa(const ob_variant *);      /* "avx2" */
OB_API int ob_variant_is_parallel(const ob_variant *);      /* 1 for the +omp variants */
OB_API int ob_variant_supported(const ob_variant *);
/* Every variant gives the same bits for an element wherever it falls in the
 * array and for any thread count, with one exception: where two NaNs meet,
 * which payload survives may depend on the position in variants that return
 * 0 here (autovec: compiler-generated loops). NaN stays NaN in every case. */
OB_API int ob_variant_exact_nans(const ob_variant *);

/* The documented error bound of `variant` (NULL: the default) for `algo`, in
 * scale-ULPs (DESIGN.md, golden/FORMAT.md). Negative if either is invalid. */
OB_API double ob_error_bound(ob_algo, const ob_variant *);

/* The bound of one ob_step with these hyperparameters: ob_error_bound plus
 * one scale-ULP for each weight-decay term in use (each adds a product and
 * a sum, half a unit each, on the path of g + weight_decay*p or of
 * p - lr*decoupled_decay*p). It holds on each rule's domain of inputs
 * (golden/FORMAT.md, "Domains"). Negative if an argument is invalid. */
OB_API double ob_step_error_bound(ob_algo, const ob_hparams *, const ob_variant *);

/* The +omp variants run on one thread below this many elements: each rule's
 * own value (tuned for the machine, else the algorithm list's: "The machine"
 * below) unless ob_set_omp_threshold set one for all. 0 for an unknown
 * algorithm. */
OB_API size_t ob_omp_threshold(ob_algo);
OB_API void ob_set_omp_threshold(size_t elements); /* 0 restores the per-rule values */

/* Threads, fork and the floating-point environment of the +omp variants:
 *   - A call runs on min(omp_get_max_threads(), chunks of work,
 *     OB_OMP_THREADS_PER_PROC * omp_get_num_procs()) threads (the processor
 *     count read once): OMP_NUM_THREADS=100000 asks for no more than that.
 *     (libgomp ends the process if it cannot create a thread at all; the cap
 *     keeps the request small, it cannot catch that.)
 *   - In a child made by fork() every call runs on the child's one thread:
 *     libgomp's team does not survive fork. The bits are the same.
 *   - Every thread of a call runs in the caller's floating-point environment
 *     (rounding mode, flush-to-zero, denormals-are-zero: MXCSR), and the
 *     exception flags the other threads raise are raised in the caller's
 *     environment when the call returns, so +omp gives its ISA's bits and
 *     flags under any environment. The kernels are verified (golden/) in the
 *     default one: round to nearest, no FTZ/DAZ. */
#define OB_OMP_THREADS_PER_PROC 4 /* oversubscription allowed: 8 threads on 2 cores */

/* ---- One update of a flat array --------------------------------------- */

/* One step of `algo` on n elements in place: p and the state arrays s0, s1
 * (as many as ob_state_count says; pass NULL for the others) are updated
 * from the gradient g. t is the 1-based step number (Adam's bias correction;
 * ignored by the others). Arrays must not overlap; alignof(float) is all
 * the alignment they need (Conventions). */
OB_API ob_status ob_step(const ob_variant *, ob_algo, const ob_hparams *, int64_t t, float *p,
                         const float *g, float *s0, float *s1, size_t n);

/* The same with the state arrays as a list: states[k] is state k, for k <
 * ob_state_count(algo) (states may be NULL if the count is 0). This is the
 * call for a rule with three states (torch_adam with amsgrad,
 * torch_rmsprop centered: grad_avg is its state 2); ob_step is this with {s0, s1}.
 * A state ob_state_used says the step does not use may be NULL. */
OB_API ob_status ob_step_states(const ob_variant *, ob_algo, const ob_hparams *, int64_t t,
                                float *p, const float *g, float *const states[], size_t n);

/* ---- One update of a list of tensors (a whole model) ------------------ */

/* One step of `algo` on `count` tensors, as if ob_step ran on each (the same
 * bits, for every variant and thread count), in one call: tensor i is
 * params[i], grads[i], s0[i], s1[i] with sizes[i] elements. s0 and s1 are
 * lists of state arrays, as many lists as ob_state_count says; pass NULL for
 * the others. The checks and statuses are ob_step's, over the whole list: a
 * NULL array where its size is > 0 (or a NULL list with count > 0) gives
 * OB_EINVAL; any two arrays of the list sharing memory - within one tensor or
 * across two, gradients included - give OB_EOVERLAP; nothing is written on a
 * refusal. A size of 0 is allowed (its arrays may be NULL), as is count 0.
 * The checks cost O(N log N) for N arrays at worst (O(N) when each kind of
 * array lies in a few runs of rising addresses, as allocation in order
 * gives); each thread keeps a copy of the last list it passed (48 bytes per
 * tensor, freed with the thread), and the same list again is compared, not
 * checked. The step runs in one parallel region split by elements over the
 * whole list, so many small tensors use every thread and many large ones
 * start the team once. OB_ENOMEM if the checks' scratch space (32 bytes per
 * array) cannot be allocated. */
OB_API ob_status ob_step_list(const ob_variant *, ob_algo, const ob_hparams *, int64_t t,
                              size_t count, float *const params[], const float *const grads[],
                              float *const s0[], float *const s1[], const size_t sizes[]);
/* The same with the state lists as a list: states[k][i] is state k of
 * tensor i, for k < ob_state_count(algo); a list of a state the step does
 * not use (ob_state_used) may be NULL. */
OB_API ob_status ob_step_list_states(const ob_variant *, ob_algo, const ob_hparams *, int64_t t,
                                     size_t count, float *const params[],
                                     const float *const grads[], float *const *const states[],
                                     const size_t sizes[]);

/* ---- The book's optimizer object -------------------------------------- */

/* Holds the hyperparameters, the step counter and the state of every
 * parameter array, allocated (zeroed) on the first update - as the book's
 * classes do. Every later update must pass the same number of arrays with
 * the same sizes (OB_ESHAPE otherwise). An update with no arrays before the
 * first one with arrays counts as a step but fixes no shape. An update runs as ob_step_list does
 * (the same bits as ob_step on each array, one parallel region for all of them); gradients may
 * share memory with each other, since they are only read, but no parameter
 * array may share memory with any other array of the update (OB_EOVERLAP).
 * An update with the same arrays as the last one that ran is not checked
 * again (whether arrays overlap depends on their addresses and sizes alone). */
typedef struct ob_optimizer ob_optimizer;

/* NULL on failure; *status (if not NULL) says why. */
OB_API ob_optimizer *ob_optimizer_new(ob_algo, const ob_hparams *, const ob_variant *,
                                      ob_status *status);
OB_API ob_status ob_optimizer_update(ob_optimizer *, size_t count, float *const params[],
                                     const float *const grads[], const size_t sizes[]);
OB_API ob_status ob_optimizer_set_hparams(ob_optimizer *, const ob_hparams *);
OB_API int64_t ob_optimizer_steps(const ob_optimizer *); /* updates applied so far */
/* State array `which` (below ob_state_count) of parameter array i; NULL
 * before the first update or if out of range. Every state of the rule is
 * allocated, those the hyperparameters leave unused too (so that
 * ob_optimizer_set_hparams may turn an option on); a state with an initial
 * value (ob_state_initial) starts at the value of the first update's
 * hyperparameters, the others at 0. torch_sgd starts its buffer as d at t = 1
 * (torch creates it at its first step): momentum switched on later by
 * ob_optimizer_set_hparams starts from the zeroed buffer instead,
 * momentum*0 + (1-dampening)*d, where torch would start it as d - the same
 * unless dampening != 0. */
OB_API const float *ob_optimizer_state(const ob_optimizer *, size_t i, int which);
OB_API void ob_optimizer_free(ob_optimizer *);

/* ---- Random numbers ---------------------------------------------------- */

/* Counter-based: Philox4x32-10 (Random123) with key {seed low, seed high}.
 * Element i of a (seed, stream) sequence is word i % 4 of the block with
 * counter {b low, b high, stream low, stream high}, b = i / 4. So element i is
 * a function of (seed, stream, i) alone: every variant and every thread count
 * gives the same bits. Calls start at element 0; a caller who wants fresh
 * numbers per iteration passes a new stream (e.g. the iteration number).
 *
 *   uniform  u = (word >> 8) * 2^-24, in [0, 1)
 *   normal   Box-Muller on the block's words pairwise: words (0, 1) give
 *            elements 4b and 4b+1, words (2, 3) elements 4b+2 and 4b+3, as
 *            r*cos(theta) and r*sin(theta) with r = sqrt(-2 ln u1),
 *            u1 = ((word_even >> 8) + 1) * 2^-24 in (0, 1], and
 *            theta = 2*pi * (word_odd >> 8) * 2^-24. The float32 evaluation
 *            (its own log, sin and cos, no fused operations) is the same
 *            instructions in every variant; it is within
 *            ob_op_error_bound() of the exact transform (golden/FORMAT.md). */
OB_API ob_status ob_rand_uniform(const ob_variant *, uint64_t seed, uint64_t stream, float *u,
                                 size_t n);
/* x[i] = stddev * normal(i), stddev finite and >= 0 */
OB_API ob_status ob_rand_normal(const ob_variant *, uint64_t seed, uint64_t stream, float stddev,
                                float *x, size_t n);

/* ---- Weight initialisation --------------------------------------------- */

typedef enum {
  OB_INIT_STD,    /* the given standard deviation (the book's 1 and 0.01) */
  OB_INIT_XAVIER, /* 1/sqrt(fan_in) */
  OB_INIT_HE,     /* sqrt(2/fan_in) */
  OB_INIT_COUNT
} ob_init;

OB_API const char *ob_init_name(ob_init); /* "std", "xavier", "he"; NULL if unknown */
/* The standard deviation of `kind` (computed in double, rounded once):
 * stddev for OB_INIT_STD (finite, >= 0), else from fan_in (>= 1). */
OB_API ob_status ob_init_stddev(ob_init kind, float stddev, size_t fan_in, float *out);
/* w[i] = ob_init_stddev(...) * normal(i) of (seed, stream): ob_rand_normal. */
OB_API ob_status ob_init_weights(const ob_variant *, ob_init kind, float stddev, size_t fan_in,
                                 uint64_t seed, uint64_t stream, float *w, size_t n);

/* ---- Dropout ------------------------------------------------------------ */

typedef enum {
  OB_DROPOUT_BOOK,     /* common/layers.py: train y = x*mask, test y = x*(1-ratio) */
  OB_DROPOUT_INVERTED, /* the frameworks': train y = x*mask/(1-ratio), test y = x */
  OB_DROPOUT_COUNT
} ob_dropout_kind;

/* The mask is packed: bit i % 8 of byte i / 8 is 1 where element i is kept
 * (uniform(i) > ratio, the book's `rand > ratio`); bits past n in the last
 * byte are 0. */
OB_API size_t ob_dropout_mask_bytes(size_t n);       /* (n + 7) / 8 */
OB_API const char *ob_dropout_name(ob_dropout_kind); /* "book", "inverted" */

/* Training forward: draws the mask from (seed, stream), writes it and y.
 * A dropped element is x*0 (NaN and Inf give NaN, as numpy's x*mask does);
 * a kept one x*1 (book) or x*(1/(1-ratio)) with the factor rounded once.
 * ratio in [0, 1). */
OB_API ob_status ob_dropout_forward_train(const ob_variant *, ob_dropout_kind, float ratio,
                                          uint64_t seed, uint64_t stream, const float *x, float *y,
                                          uint8_t *mask, size_t n);
/* Test forward: y = x*(1-ratio) (book, the factor rounded once) or y = x. */
OB_API ob_status ob_dropout_forward_test(const ob_variant *, ob_dropout_kind, float ratio,
                                         const float *x, float *y, size_t n);
/* Backward: dx = dout*mask (book) or dout*mask/(1-ratio) (inverted). */
OB_API ob_status ob_dropout_backward(const ob_variant *, ob_dropout_kind, float ratio,
                                     const uint8_t *mask, const float *dout, float *dx, size_t n);

/* ---- Batch normalisation ----------------------------------------------- */

/* The book's BatchNormalization layer (common/layers.py) on a row-major
 * batch x features array: statistics per feature (column) over the batch.
 * Reductions run in double, in row order, one feature at a time, so results
 * do not depend on the variant's thread count. std = sqrt(var + eps) and
 * the running share (1-momentum)*var come from the double variance, rounded
 * once: mean, std, dbeta and dgamma are within the bound for all finite
 * inputs, the running averages unless they come within a rounding of
 * FLT_MAX (their two float products may round past it). The
 * element-wise outputs are within it where their float intermediates stay
 * finite: |x - mean| (test: |x - running_mean|) and |xn| at most FLT_MAX,
 * and in the backward |gamma/std| and |dout - dbeta/N| too; outside, that
 * intermediate is +-Inf and so the element is +-Inf or NaN (nothing else
 * is affected). */
#define OB_BATCHNORM_EPS      1e-6f /* the book's 10e-7 */
#define OB_BATCHNORM_MOMENTUM 0.9f

/* Training forward:
 *   mean = sum(x)/N; xc = x - mean; var = sum(xc^2)/N; std = sqrt(var + eps)
 *   y = gamma*(xc/std) + beta
 *   running_mean = momentum*running_mean + (1-momentum)*mean   (in place)
 *   running_var  = momentum*running_var  + (1-momentum)*var    (in place)
 * mean and std (features each) are written for the backward pass.
 * eps >= 0, momentum in [0, 1]. */
OB_API ob_status ob_batchnorm_forward_train(const ob_variant *, size_t batch, size_t features,
                                            const float *x, const float *gamma, const float *beta,
                                            float momentum, float eps, float *running_mean,
                                            float *running_var, float *y, float *mean, float *std);
/* Test forward: y = gamma*((x - running_mean)/sqrt(running_var + eps)) + beta. */
OB_API ob_status ob_batchnorm_forward_test(const ob_variant *, size_t batch, size_t features,
                                           const float *x, const float *gamma, const float *beta,
                                           float eps, const float *running_mean,
                                           const float *running_var, float *y);
/* Backward from the training forward's x, mean and std:
 *   xn = (x - mean)/std; dbeta = sum(dout); dgamma = sum(xn*dout)
 *   dx = (gamma/std) * (dout - dbeta/N - xn*dgamma/N)
 * which is the book's backward (dxn, dxc, dstd, dvar, dmu) in exact
 * arithmetic. Every sum runs in double on exact terms - the variance as
 * sum((x - m)^2) with the double mean m, dgamma as sum((x - mean)*dout)/std -
 * so no output degrades as the batch grows. */
OB_API ob_status ob_batchnorm_backward(const ob_variant *, size_t batch, size_t features,
                                       const float *x, const float *gamma, const float *mean,
                                       const float *std, const float *dout, float *dx,
                                       float *dgamma, float *dbeta);

/* ---- The list of layer kernels ----------------------------------------- */

/* Every kernel besides the update rules, from one list (optbench_ops.def):
 * what `optbench verify`, the tests and the speed benchmark iterate over. */
typedef enum {
#define OB_OP(ID, name, ...) OB_OP_##ID,
#include "optbench_ops.def"
#undef OB_OP
  OB_OP_COUNT
} ob_op;

OB_API const char *ob_op_name(ob_op);     /* "rand_uniform", ...; NULL if unknown */
OB_API int ob_op_from_name(const char *); /* the ob_op, or -1 */
OB_API const char *ob_op_family(ob_op);   /* "rand", "init", "dropout", "batchnorm" */
/* Error bound in scale-ULPs (golden/FORMAT.md) of `variant` (NULL: default);
 * negative if either is invalid. */
OB_API double ob_op_error_bound(ob_op, const ob_variant *);
/* Memory traffic per element of the data array, in bytes, counting every
 * pass over it (the benchmark's model); mask bits count 1/8 byte. */
OB_API double ob_op_bytes_read(ob_op);
OB_API double ob_op_bytes_written(ob_op);
OB_API size_t ob_op_omp_threshold(ob_op); /* elements; ob_set_omp_threshold overrides */

/* ---- The machine: cache sizes and tuned OpenMP thresholds -------------- */

/* The data cache sizes in bytes of one cache of each level (L1d and L2 are
 * per core on most CPUs, L3 per core complex), 0 where unknown; source says
 * where they came from ("cpuid 0x8000001d", "cpuid 4", "cpuid 0x80000006",
 * "sysfs", or "none"; a static string). Detected once: cpuid first, /sys
 * for the levels cpuid does not tell. OB_EINVAL if out is NULL. */
typedef struct {
  size_t l1d, l2, l3;
  const char *source;
} ob_caches;
OB_API ob_status ob_cpu_caches(ob_caches *out);

/* The thresholds of the +omp variants (ob_omp_threshold, ob_op_omp_threshold)
 * come, in this order, from ob_set_omp_threshold; from the tuning cache that
 * `optbench tune` writes for this machine and library version; from the
 * built-in values of the two lists. The cache is read once, at the first
 * threshold asked for: the file OPTBENCH_TUNE names (OPTBENCH_TUNE=off: none),
 * else ob_tune_default_path's. A missing, unreadable or invalid file (another
 * version, another machine, a bad line) leaves the built-in values, silently;
 * ob_omp_threshold_source says which are in force and why. */

/* 16 hex digits naming this machine in the cache: a hash of the CPU's brand
 * string and its count of logical processors. OB_EINVAL if len < 17. */
OB_API ob_status ob_machine_id(char *buf, size_t len);
/* $XDG_CACHE_HOME/optbench/tune-<version>-<machine id>.txt ($HOME/.cache
 * without XDG_CACHE_HOME). OB_EINVAL if neither is set to an absolute path
 * or buf is too short. */
OB_API ob_status ob_tune_default_path(char *buf, size_t len);
/* Reads the cache at path now (NULL: the lookup above, OPTBENCH_TUNE
 * included) in place of what is in force. OB_OK if its thresholds are in
 * force, else OB_EINVAL and the built-in ones are. */
OB_API ob_status ob_tune_load(const char *path);
/* One line on where the thresholds in force come from ("tuned: PATH",
 * "built-in: PATH: line 3: ...", ...), as snprintf: the length it needed. */
OB_API size_t ob_omp_threshold_source(char *buf, size_t len);

/* ---- Outside kernels (`optbench verify --kernel`) -------------------- */

/* An update-rule kernel from outside the library - a port, a fused kernel, a
 * student's version - that `optbench verify --kernel PATH.so[:SYMBOL] --rule
 * R [--convention C]` loads (dlopen) and runs through rule R's whole golden
 * suite: every case, at every --offset, trajectories fresh and on their own
 * state, with the checker, table, failure reports and JSON of the library's
 * own variants. R is a rule of the list, or with --convention the rule of
 * that convention (ob_algo_find: `--rule adam --convention torch` is
 * torch_adam). The kernel has one of two forms, exported with C linkage:
 *   - the states form, ob_step_states less the variant (ob_step_states_fn,
 *     OB_KERNEL_STATES_SYMBOL): every rule, three states included;
 *   - the pair form, ob_step less the variant (ob_step_fn,
 *     OB_KERNEL_SYMBOL): the rules' first two states only. A step that uses
 *     a third state (torch_adam and torch_adamw with amsgrad, torch_rmsprop
 *     centered, with or without momentum: grad_avg is its state 2) is not
 *     called and fails, with a message that says so.
 * With no SYMBOL the states form is looked up first, then the pair form; a
 * SYMBOL named has the pair form unless `--kernel-form states` says
 * otherwise (`--kernel-form pair|states` without a SYMBOL looks up that
 * form's symbol only).
 *
 * What the suite calls: kernel(algo, hp, t, p, g, states, n), or for the
 * pair form kernel(algo, hp, t, p, g, states[0], states[1], n), for one step
 * of rule `algo` (always R) on n elements (n may be 0) in place, as
 * ob_step_states describes: p and the states (ob_state_count(algo) of them,
 * in the order and by the names of optbench_algos.def: states[0] is
 * Momentum's v, AdaGrad's h, Adam's m, torch Adam's exp_avg...; NULL for
 * the others) are updated from g. A state the step's hyperparameters leave
 * unused (ob_state_used: torch_adam's max_exp_avg_sq without amsgrad) is
 * NULL, or, where the case lists it, an array the kernel must leave as it
 * is. The kernel reads the fields of *hp its rule uses and the weight
 * decays (hp->size >= OB_HPARAMS_SIZE_V1); t >= 1 is the step number.
 *
 * The arrays' guarantees: they do not overlap; each is a separate mapping
 * of whole pages between two PROT_NONE pages, the array ending `offset`
 * floats (the --offset, default 0) before the trailing one, so a write (or a
 * read) past the end - at offset 0 the first element past n - faults; every
 * other byte of its pages (at least 64 before the start, and the floats
 * between the end and the page) holds guard words that must be intact after
 * the call, so a write before the start either faults or is found. Every
 * pointer is aligned to alignof(float) only. g must not be written.
 *
 * What counts as failing: an output element farther from the exact value
 * than the rule's bound (ob_error_bound of the exact-rounding variants, plus
 * ob_step_error_bound's allowance with weight decay; --bound states
 * another), a wrong special value (NaN, Inf, the sign of a zero), a status
 * other than OB_OK inside the rule's domain, a status other than OB_EHPARAM
 * or any write on a case marked `outside refused` (a hyperparameter or a
 * derived coefficient outside its domain, golden/FORMAT.md), a write outside
 * an array, to g or to an unused state it was given, a step of a pair-form
 * kernel that uses a third state, and a crash (a signal), or a case that
 * takes longer than --timeout seconds (default 10). The cases run in a
 * child process that is restarted at the next case after a crash or a
 * hang, so either costs that case only. `optbench_bench --kernel PATH.so[:SYMBOL] --algo R` times
 * it beside the library's variants (in-process: verify it first). */
typedef ob_status (*ob_step_fn)(ob_algo, const ob_hparams *, int64_t t, float *p, const float *g,
                                float *s0, float *s1, size_t n);
#define OB_KERNEL_SYMBOL "optbench_step"
/* The states form: ob_step_states less the variant, for every rule (three
 * states included); looked up first when the command names no symbol. */
typedef ob_status (*ob_step_states_fn)(ob_algo, const ob_hparams *, int64_t t, float *p,
                                       const float *g, float *const states[], size_t n);
#define OB_KERNEL_STATES_SYMBOL "optbench_step_states"

#ifdef __cplusplus
}
#endif
#endif /* OPTBENCH_H */
