/* util.c - atomic data files, the book's rules and smoothing (see conv.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conv.h"

int conv_mkdir_p(const char *dir, char *err, size_t errlen) {
  char buf[4096];
  if (!dir || !*dir || strlen(dir) >= sizeof buf) {
    snprintf(err, errlen, "%s: bad directory name", dir ? dir : "(null)");
    return -1;
  }
  strcpy(buf, dir);
  for (char *p = buf + 1;; p++) {
    const int end = *p == '\0';
    if (*p == '/' || end) {
      *p = '\0';
      if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
        return -1;
      }
      if (end)
        break;
      *p = '/';
    }
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "%s: not a directory", dir);
    return -1;
  }
  return 0;
}

int conv_out_open(conv_out *o, const char *dir, const char *name, char *err, size_t errlen) {
  char path[sizeof o->path];
  const int k = snprintf(path, sizeof path, "%s/%s", dir, name);
  if (k < 0 || (size_t)k >= sizeof path) {
    memset(o, 0, sizeof *o);
    snprintf(err, errlen, "%s/%s: path too long", dir, name);
    return -1;
  }
  return ob_out_open(o, path, err, errlen);
}

void conv_out_abort(conv_out *o) { ob_out_abort(o); }

int conv_out_commit(conv_out *o, char *err, size_t errlen) { return ob_out_commit(o, err, errlen); }

double conv_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double conv_quadratic(double x, double y) { return x * x / 20.0 + y * y; }

/* I0, the modified Bessel function of order 0, by its power series */
static double bessel_i0(double x) {
  double sum = 1.0, term = 1.0;
  for (int k = 1; k < 60; k++) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

void conv_smooth(const double *x, double *y, size_t n) {
  enum { W = 11 };
  double w[W], wsum = 0.0;
  for (int j = 0; j < W; j++) { /* np.kaiser(11, 2) */
    const double r = 2.0 * j / (W - 1) - 1.0;
    w[j] = bessel_i0(2.0 * sqrt(1.0 - r * r)) / bessel_i0(2.0);
    wsum += w[j];
  }
  const long N = (long)n;
  for (long i = 0; i < N; i++) {
    double acc = 0.0;
    for (int j = 0; j < W; j++) {
      /* padded index m = i + 5 + j: m < 10 reflects x[10 - m], m >= N + 10
       * reflects x[2N + 9 - m] (np.r_[x[10:0:-1], x, x[-1:-11:-1]]) */
      const long m = i + 5 + j;
      long src = m < 10 ? 10 - m : m >= N + 10 ? 2 * N + 9 - m : m - 10;
      if (src < 0)
        src = 0;
      if (src >= N)
        src = N - 1;
      acc += w[j] * x[src];
    }
    y[i] = acc / wsum;
  }
}

int conv_book_rule(ob_algo a) {
  const char *c = ob_algo_convention(a);
  return c && strcmp(c, "book") == 0;
}
