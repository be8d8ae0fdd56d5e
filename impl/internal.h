/* Private declarations shared by the files of the library core. */
#ifndef OB_INTERNAL_H
#define OB_INTERNAL_H

#include "kernel.h"

struct ob_variant {
  const char *name;  /* "avx2+omp" */
  const char *isa;   /* "avx2" */
  unsigned features; /* OB_FEAT_* the ISA's code needs */
  int fma;           /* kernels fuse multiply-adds: the bound_fma column */
  int exact_nans;    /* NaN payloads independent of position (ob_variant_exact_nans) */
  int parallel;      /* +omp: chunks over OpenMP threads */
  const ob_kernel_fn *kernels;
};

unsigned ob_cpu_features(void);                     /* detected once, cached */
int ob_variant_valid(const ob_variant *);           /* one of the registry's own entries */
ob_status ob_resolve_variant(const ob_variant **v); /* NULL -> default; checks support */

/* Runs the kernel on n elements, split over threads for +omp variants. */
void ob_run(const ob_variant *, ob_algo, const ob_coeffs *, float *p, const float *g, float *s0,
            float *s1, size_t n);

/* Argument checks shared by ob_step and the optimizer object. */
int ob_algo_valid(ob_algo);
size_t ob_omp_builtin_threshold(ob_algo); /* the list's omp_log2 column */
ob_status ob_check_arrays(ob_algo, const float *p, const float *g, const float *s0, const float *s1,
                          size_t n);
int ob_ranges_overlap(const void *a, size_t abytes, const void *b, size_t bbytes);

#endif
