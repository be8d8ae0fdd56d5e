/* The contract between the dispatcher and the kernels of every instruction
 * set. Private to impl/. */
#ifndef OB_KERNEL_H
#define OB_KERNEL_H

#include <stddef.h>

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
  float one_minus_beta1; /* 1-beta1 (Adam) */
  float one_minus_beta2; /* 1-beta2 (Adam) */
  float lr_t;            /* lr*sqrt(1-beta2^t)/(1-beta1^t) (Adam) */
  float eps;
} ob_coeffs;

/* One update of n elements. Arrays do not overlap; a rule with fewer than
 * two states ignores s1 (and s0). Kernels are position-independent: element
 * i's result depends only on element i's inputs, never on where it falls in
 * a vector or a chunk, so any split of the array gives the same bits. */
typedef void (*ob_kernel_fn)(const ob_coeffs *c, float *p, const float *g, float *s0, float *s1,
                             size_t n);

ob_coeffs ob_coeffs_make(ob_algo algo, const ob_hparams *hp, int64_t t);

/* Each instruction set's file defines its table, indexed by ob_algo:
 * ob_optim_<isa>[OB_ALGO_COUNT]. OB_KERNEL_TABLE(isa) writes it from the
 * algorithm list, naming each rule's kernel <name>_kernel. */
#define OB_PASTE2(a, b)           a##b
#define OB_PASTE(a, b)            OB_PASTE2(a, b)
#define OB_KERNEL_TABLE_NAME(isa) OB_PASTE(ob_optim_, isa)

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
