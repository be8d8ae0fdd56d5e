/* optbench - the update rules of chapter 6 of "Deep Learning from Scratch",
 * verified against exact golden vectors and implemented once per instruction
 * set.
 *
 * Conventions
 *   - Every function that can fail returns an ob_status; nothing aborts and
 *     nothing prints. A refused call changes no array.
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
#define OB_VERSION_MINOR 1
#define OB_VERSION_PATCH 0

/* Hyperparameters an algorithm may read (the `uses` column of the list). */
enum {
  OB_HP_LR = 1 << 0,
  OB_HP_MOMENTUM = 1 << 1,
  OB_HP_DECAY = 1 << 2,
  OB_HP_BETA1 = 1 << 3,
  OB_HP_BETA2 = 1 << 4,
  OB_HP_EPS = 1 << 5,
  OB_HP_STEP = 1 << 6 /* not a field: the rule reads the step number t */
};

typedef enum {
#define OB_ALGO(ID, name, ...) OB_##ID,
#include "optbench_algos.def"
#undef OB_ALGO
  OB_ALGO_COUNT
} ob_algo;

/* float32 hyperparameters. Fields an algorithm does not use are ignored. */
typedef struct {
  float lr;
  float momentum;   /* Momentum, Nesterov: [0, 1) */
  float decay_rate; /* RMSProp: [0, 1) */
  float beta1;      /* Adam: [0, 1) */
  float beta2;      /* Adam: [0, 1) */
  float eps;        /* AdaGrad, RMSProp, Adam: >= 0 */
} ob_hparams;

typedef enum {
  OB_OK = 0,
  OB_EINVAL,       /* a NULL array with n > 0, an unknown algorithm, n too large */
  OB_EHPARAM,      /* a hyperparameter outside its domain (NaN, Inf, < 0, >= 1) */
  OB_ESTEP,        /* step number t < 1 for an algorithm that uses it (Adam) */
  OB_EOVERLAP,     /* two arrays of one call share memory */
  OB_ESHAPE,       /* optimizer update with other array count or sizes than before */
  OB_EUNSUPPORTED, /* the variant's instruction set is not available on this CPU */
  OB_ENOVARIANT,   /* OPTBENCH_VARIANT names an unknown or unsupported variant */
  OB_ENOMEM,       /* allocation failed */
  OB_STATUS_COUNT
} ob_status;

OB_API const char *ob_strerror(ob_status);

/* ---- Algorithms -------------------------------------------------------- */

OB_API ob_hparams ob_defaults(ob_algo);     /* textbook defaults, unused fields 0 */
OB_API const char *ob_algo_name(ob_algo);   /* "sgd", "momentum", ...; NULL if unknown */
OB_API int ob_algo_from_name(const char *); /* the ob_algo, or -1 if unknown */
OB_API int ob_state_count(ob_algo);         /* 0, 1 or 2 state arrays; -1 if unknown */
OB_API unsigned ob_hparams_used(ob_algo);   /* OB_HP_* bits the rule reads */
OB_API ob_status ob_hparams_check(ob_algo, const ob_hparams *);

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

/* The +omp variants run on one thread below this many elements: each rule's
 * own value (measured, in the algorithm list) unless ob_set_omp_threshold
 * set one for all. 0 for an unknown algorithm. */
OB_API size_t ob_omp_threshold(ob_algo);
OB_API void ob_set_omp_threshold(size_t elements); /* 0 restores the per-rule values */

/* ---- One update of a flat array --------------------------------------- */

/* One step of `algo` on n elements in place: p and the state arrays s0, s1
 * (as many as ob_state_count says; pass NULL for the others) are updated
 * from the gradient g. t is the 1-based step number (Adam's bias correction;
 * ignored by the others). Arrays need no alignment and must not overlap. */
OB_API ob_status ob_step(const ob_variant *, ob_algo, const ob_hparams *, int64_t t, float *p,
                         const float *g, float *s0, float *s1, size_t n);

/* ---- The book's optimizer object -------------------------------------- */

/* Holds the hyperparameters, the step counter and the state of every
 * parameter array, allocated (zeroed) on the first update - as the book's
 * classes do. Every later update must pass the same number of arrays with
 * the same sizes. An update with no arrays counts as a step
 * but fixes no shape. */
typedef struct ob_optimizer ob_optimizer;

/* NULL on failure; *status (if not NULL) says why. */
OB_API ob_optimizer *ob_optimizer_new(ob_algo, const ob_hparams *, const ob_variant *,
                                      ob_status *status);
OB_API ob_status ob_optimizer_update(ob_optimizer *, size_t count, float *const params[],
                                     const float *const grads[], const size_t sizes[]);
OB_API ob_status ob_optimizer_set_hparams(ob_optimizer *, const ob_hparams *);
OB_API int64_t ob_optimizer_steps(const ob_optimizer *); /* updates applied so far */
/* State array `which` (0 or 1) of parameter array i; NULL before the first
 * update or if out of range. */
OB_API const float *ob_optimizer_state(const ob_optimizer *, size_t i, int which);
OB_API void ob_optimizer_free(ob_optimizer *);

#ifdef __cplusplus
}
#endif
#endif /* OPTBENCH_H */
