/* common.c - see fig.h. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <string.h>

#include "fig.h"

uint64_t fig_seed(const fig_opts *o, unsigned figure, unsigned purpose) {
  uint64_t z = o->seed + 0x9e3779b97f4a7c15u * ((uint64_t)figure << 8 | purpose);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

int fig_data_load(const fig_opts *o, fig_data *d, const char *who) {
  return conv_load_fashion(o->data, &d->train, &d->test, who);
}

void fig_data_free(fig_data *d) {
  idx_free_set(&d->train);
  idx_free_set(&d->test);
}

int fig_open(conv_out *f, const fig_opts *o, const char *name, const char *who) {
  char err[4400];
  if (conv_mkdir_p(o->out, err, sizeof err) != 0 ||
      conv_out_open(f, o->out, name, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, err);
    return -1;
  }
  return 0;
}

int fig_commit(conv_out *f, const char *who) {
  char err[4400];
  if (conv_out_commit(f, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", who, err);
    return -1;
  }
  return 0;
}

int fig_parallel(size_t n, int (*fn)(void *ctx, size_t i), void *ctx) {
  const int blas = openblas_get_num_threads();
  openblas_set_num_threads(1);
  int failed = 0;
  const long count = (long)n;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : failed)
  for (long i = 0; i < count; i++)
    failed += fn(ctx, (size_t)i) != 0;
  openblas_set_num_threads(blas);
  return failed;
}
