/* Fashion-MNIST as the experiments read it: the Debian package's four
 * gzip'd IDX files, checked to be 28 x 28 images. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conv.h"

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

int conv_load_fashion(const char *dir, idx_set *train, idx_set *test, const char *who) {
  memset(train, 0, sizeof *train);
  memset(test, 0, sizeof *test);
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/train-images-idx3-ubyte.gz", dir);
  if (access(probe, R_OK) != 0) {
    fprintf(stderr,
            "%s: the Fashion-MNIST data set is not installed: %s: %s\n"
            "%s: install the Debian package %s (apt-get install %s), or pass --data DIR\n",
            who, probe, strerror(errno), who, CONV_FASHION_PACKAGE, CONV_FASHION_PACKAGE);
    return 2;
  }
  const double t0 = conv_now();
  if (load_set(dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", train, who) != 0 ||
      load_set(dir, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", test, who) != 0) {
    idx_free_set(train);
    idx_free_set(test);
    return 1;
  }
  if (train->x.rows * train->x.cols != 784 || test->x.rows * test->x.cols != 784) {
    fprintf(stderr, "%s: %s: images of %zu x %zu, want 28 x 28\n", who, dir, train->x.rows,
            train->x.cols);
    idx_free_set(train);
    idx_free_set(test);
    return 1;
  }
  printf("%s: %zu training and %zu test images from %s in %.1f s\n", who, train->x.n, test->x.n,
         dir, conv_now() - t0);
  return 0;
}
