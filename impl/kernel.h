/* The contract between the dispatcher and the kernels of every instruction
 * set. Private to impl/. */
#ifndef OB_KERNEL_H
#define OB_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "optbench.h"

/* Every per-call scalar a rule needs, derived once from the float32
 * hyperparameters: computed in double and rounded once to float, as the
 * book's Python computes them before numpy casts them to float32. */
typedef struct {
  float lr;
  float momentum;
  float momentum_sq;     /* momentum*momentum (Nesterov) */
  float lr_one_plus_mom; /* (1+momentum)*lr (Nesterov) */
  float decay;           /* decay_rate (RMSProp) */
  float one_minus_decay; /* 1-decay_rate (RMSProp) */
  float beta2;           /* beta2 (Adam: v = beta2*v + (1-beta2)*g*g, no cancellation) */
  float one_minus_beta1; /* 1-beta1 (Adam) */
  float one_minus_beta2; /* 1-beta2 (Adam) */
  float lr_t;            /* lr*sqrt(1-beta2^t)/(1-beta1^t) (Adam) */
  float eps;
  float weight_decay; /* L2: the rule sees g + weight_decay*p */
  float lr_decoupled; /* lr*decoupled_decay: p -= lr_decoupled*p before the rule */
  int wd_mode;        /* OB_WD_* bits: which of the two terms apply */
  /* the torch rules (optbench_algos.def, convention TORCH) */
  float one_minus_dampening; /* 1-dampening (torch SGD) */
  float step_size;           /* lr/(1-beta1^t) (torch Adam) */
  float inv_bc2_sqrt;        /* 1/sqrt(1-beta2^t) (torch Adam) */
  float clr;                 /* lr/(1+(t-1)*lr_decay) (torch Adagrad) */
  unsigned options;          /* OB_OPT_* bits: the options of this step */
  unsigned states_used;      /* bit k: the step reads and writes state k (ob_state_used) */
} ob_coeffs;

/* The torch rules' options, decided once per call from the hyperparameters
 * and t; the kernels branch on them outside their arithmetic. */
enum {
  OB_OPT_MAXIMIZE = 1u << 0, /* g becomes -g (exact) */
  OB_OPT_MOMENTUM = 1u << 1, /* momentum != 0: the momentum buffer is in use */
  OB_OPT_NESTEROV = 1u << 2, /* torch SGD: d + momentum*buf */
  OB_OPT_FIRST = 1u << 3,    /* t == 1: torch SGD's buffer starts as d, ignoring its input */
  OB_OPT_AMSGRAD = 1u << 4,  /* torch Adam: divide by max_exp_avg_sq */
  OB_OPT_CENTERED = 1u << 5  /* torch RMSprop: sqrt(square_avg - grad_avg^2) */
};

/* A weight-decay term applies when its hyperparameter is nonzero (not when
 * its coefficient rounds to zero): with it, an infinite p gives what the
 * formula with the term gives. Kernels have one compiled copy per mode. */
enum { OB_WD_L2 = 1, OB_WD_DECOUPLED = 2, OB_WD_MODES = 4 };
/* The modes and the suffix of their compiled copy (<rule>_<isa>_<suffix>):
 * X(arg, suffix, mode) for each, in the order of the mode's value. */
#define OB_WD_MODE_LIST(X, arg)                                                                    \
  X(arg, plain, 0)                                                                                 \
  X(arg, l2, OB_WD_L2)                                                                             \
  X(arg, decoupled, OB_WD_DECOUPLED)                                                               \
  X(arg, l2_decoupled, OB_WD_L2 | OB_WD_DECOUPLED)

/* One update of n elements. Arrays do not overlap; a rule ignores the states
 * it does not have and those its options leave unused (which may be NULL).
 * Kernels are position-independent: element i's result depends only on
 * element i's inputs, never on where it falls in a vector or a chunk, so
 * any split of the array gives the same bits. */
typedef void (*ob_kernel_fn)(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                             float *s2, size_t n);

/* The coefficients of step t (>= 1 where the rule reads it) from checked
 * hyperparameters. OB_EHPARAM where a derived coefficient is outside what the
 * kernels are verified for (*out is then unspecified). */
ob_status ob_coeffs_make(ob_algo algo, const ob_hparams *hp, int64_t t, ob_coeffs *out);

/* Each instruction set's optim.c defines its table, indexed by ob_algo:
 * ob_optim_<isa>[OB_ALGO_COUNT] (kernel_table.h writes it from the
 * algorithm list). */
#define OB_PASTE2(a, b)           a##b
#define OB_PASTE(a, b)            OB_PASTE2(a, b)
#define OB_KERNEL_TABLE_NAME(isa) OB_PASTE(ob_optim_, isa)

/* <name>_<isa> and <name>_<isa>_<what>: every kernel function carries the
 * instruction set it was compiled for (OB_ISA, defined by the build), so
 * that a profile or `nm` tells the five compiled copies of a body apart. */
#define OB_PASTE_ISA2(name, isa)        name##_##isa
#define OB_PASTE_ISA3(name, isa, what)  name##_##isa##_##what
#define OB_ISA_FN_OF(name, isa)         OB_PASTE_ISA2(name, isa)
#define OB_ISA_FN_MODE_OF(name, isa, w) OB_PASTE_ISA3(name, isa, w)
#define OB_ISA_FN(name)                 OB_ISA_FN_OF(name, OB_ISA)
#define OB_ISA_FN_MODE(name, what)      OB_ISA_FN_MODE_OF(name, OB_ISA, what)

/* The kernels are small functions the compiler must inline (the rule bodies
 * into their per-mode copies, the vector helpers into everything). */
#define OB_INLINE  inline __attribute__((always_inline))
/* The one compiled copy of a vector loop that every element goes through
 * (the tail too, through buffers): never inlined into, or cloned for, a
 * caller that could order an add's operands differently. */
#define OB_VECTORS __attribute__((noinline, noclone))

/* ---- Random numbers and dropout ------------------------------------- */

/* Philox4x32-10 (optbench.h): key {seed lo, seed hi}, counter words 2 and 3
 * the stream. */
typedef struct {
  uint32_t key[2];
  uint32_t stream[2];
} ob_philox;

typedef struct {
  ob_philox rng;
  float stddev; /* normal: x = stddev*z */
  float ratio;  /* dropout: element kept where uniform > ratio */
  float keep;   /* dropout: factor of a kept element, 1 or 1/(1-ratio) */
} ob_rand_coeffs;

/* Chunks of the random and dropout kernels start at multiples of this many
 * elements (whole Philox blocks, whole mask bytes, whole lines). */
#define OB_RAND_ALIGN 64

/* out[k] = value of element i0 + k, k < n; i0 is a multiple of OB_RAND_ALIGN. */
typedef void (*ob_fill_fn)(const ob_rand_coeffs *, uint64_t i0, float *out, size_t n);
typedef struct {
  ob_fill_fn uniform, normal;
} ob_rand_kernels;

/* Dropout training forward of elements i0 .. i0+n-1: x, y and mask already
 * point at element i0 (mask at byte i0/8). */
typedef void (*ob_dropout_train_fn)(const ob_rand_coeffs *, uint64_t i0, const float *x, float *y,
                                    uint8_t *mask, size_t n);
/* y = c*x */
typedef void (*ob_scale_fn)(float c, const float *x, float *y, size_t n);
/* dx = dout*(bit ? keep : 0); mask points at the byte of dout[0], which is
 * element 8*j of the mask for some j */
typedef void (*ob_dropout_backward_fn)(float keep, const uint8_t *mask, const float *dout,
                                       float *dx, size_t n);
typedef struct {
  ob_dropout_train_fn train;
  ob_scale_fn scale;
  ob_dropout_backward_fn backward;
} ob_dropout_kernels;

/* ---- Batch normalisation ---------------------------------------------- */

/* Every argument of the three batch-norm calls; each reads what it needs.
 * Arrays are row-major rows x cols (x, y, dout, dx) or cols long. */
typedef struct {
  size_t rows, cols;
  const float *x, *gamma, *beta, *dout;
  float *y, *mean, *std, *dx, *dgamma, *dbeta;
  float *running_mean, *running_var; /* read-only in the test forward */
  float eps;
  float momentum, one_minus_momentum; /* (1-momentum) in double, rounded once */
} ob_bn_args;

/* One call's work on the features (columns) [c0, c1). Every output of a
 * feature depends only on that feature's column, reduced in row order in
 * double: any split of the columns gives the same bits. */
typedef void (*ob_bn_fn)(const ob_bn_args *, size_t c0, size_t c1);
typedef struct {
  ob_bn_fn train, test, backward;
} ob_bn_kernels;

/* Each instruction set defines ob_rand_<isa>, ob_dropout_<isa> and
 * ob_bn_<isa> in its rand.c, dropout.c and batchnorm.c. */

/* CPU features a variant may need (bits of ob_cpu_features()). */
enum {
  OB_FEAT_SSE2 = 1u << 0,
  OB_FEAT_AVX = 1u << 1,
  OB_FEAT_AVX2 = 1u << 2,
  OB_FEAT_FMA = 1u << 3,
  OB_FEAT_AVX512F = 1u << 4,
  OB_FEAT_AVX512VL = 1u << 5,
  OB_FEAT_AVX512BW = 1u << 6,
  OB_FEAT_AVX512DQ = 1u << 7,
  /* what -mavx512f -mavx512vl -mavx512bw -mavx512dq -mavx2 -mfma code needs */
  OB_FEAT_AVX512 = OB_FEAT_AVX2 | OB_FEAT_FMA | OB_FEAT_AVX512F | OB_FEAT_AVX512VL |
                   OB_FEAT_AVX512BW | OB_FEAT_AVX512DQ
};

#endif
