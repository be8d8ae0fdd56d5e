/* common.c - see fig.h. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fig.h"

uint64_t fig_seed(const fig_opts *o, unsigned figure, unsigned purpose) {
  uint64_t z = o->seed + 0x9e3779b97f4a7c15u * ((uint64_t)figure << 8 | purpose);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static int load_set(const char *dir, const char *img, const char *lab, idx_set *s,
                    const char *who) {
  char pi[4096], pl[4096], err[8192 + 256];
  snprintf(pi, sizeof pi, "%s/%s", dir, img);
  snprintf(pl, sizeof pl, "%s/%s", dir, lab);
  const idx_status st = idx_read_set(pi, pl, s, err, sizeof err);
  if (st != IDX_OK)
    fprintf(stderr, "%s: %s\n", who, err);
  return st == IDX_OK ? 0 : -1;
}

int fig_data_load(const fig_opts *o, fig_data *d, const char *who) {
  memset(d, 0, sizeof *d);
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/train-images-idx3-ubyte.gz", o->data);
  if (access(probe, R_OK) != 0) {
    fprintf(stderr,
            "%s: the Fashion-MNIST data set is not installed: %s: %s\n"
            "%s: install the Debian package %s (apt-get install %s), or pass --data DIR\n",
            who, probe, strerror(errno), who, FIG_DATA_PACKAGE, FIG_DATA_PACKAGE);
    return 2;
  }
  const double t0 = conv_now();
  if (load_set(o->data, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", &d->train,
               who) != 0 ||
      load_set(o->data, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", &d->test, who) !=
          0) {
    fig_data_free(d);
    return 1;
  }
  if (d->train.x.rows * d->train.x.cols != 784 || d->test.x.rows * d->test.x.cols != 784) {
    fprintf(stderr, "%s: %s: images of %zu x %zu, want 28 x 28\n", who, o->data, d->train.x.rows,
            d->train.x.cols);
    fig_data_free(d);
    return 1;
  }
  printf("%s: %zu training and %zu test images from %s in %.1f s\n", who, d->train.x.n, d->test.x.n,
         o->data, conv_now() - t0);
  return 0;
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
