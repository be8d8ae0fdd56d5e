/* Real data (Debian's dataset-fashion-mnist): the four files read with the
 * expected shapes, and the end-to-end agreement on a short run - the same
 * training with `scalar` and with the best variant (200 iterations) gives
 * smoothed loss curves within the program's tolerance, or, for a rule whose
 * training is chaotic, two runs that both train (below).
 * Skips (exit 77) when the data package is not installed. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conv.h"
#include "idx.h"
#include "test_util.h"

#define DATA "/usr/share/datasets/fashion-mnist"

#define ACC_FLOOR 0.5

/* One run of the program: scalar against `variant` on `algos` (NULL: all). */
static int mnist(const char *variant, const char *algos, char *out) {
  char *argv[10];
  int argc = 0;
  argv[argc++] = (char *)"mnist";
  argv[argc++] = (char *)"--iters";
  argv[argc++] = (char *)"200";
  argv[argc++] = (char *)"--compare-variant";
  argv[argc++] = (char *)variant;
  argv[argc++] = (char *)"--out";
  argv[argc++] = out;
  if (algos) {
    argv[argc++] = (char *)"--algos";
    argv[argc++] = (char *)algos;
  }
  argv[argc] = NULL;
  return conv_mnist_main(argc, argv);
}

/* A rule's two curves from mnist_compare_<rule>.dat (iteration, loss of each,
 * |diff|, smoothed of each, |diff|): the largest differences and the first
 * and last smoothed loss of each run. */
typedef struct {
  double max_diff, max_sdiff, first[2], last[2];
} curves;

static int read_curves(const char *out, const char *rule, curves *c) {
  char path[512], line[512];
  snprintf(path, sizeof path, "%s/mnist_compare_%s.dat", out, rule);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  memset(c, 0, sizeof *c);
  size_t rows = 0;
  while (fgets(line, sizeof line, f)) {
    size_t it;
    double l0, l1, d, s0, s1, sd;
    if (line[0] == '#' ||
        sscanf(line, "%zu %lf %lf %lf %lf %lf %lf", &it, &l0, &l1, &d, &s0, &s1, &sd) != 7)
      continue;
    if (!rows++)
      c->first[0] = s0, c->first[1] = s1;
    c->last[0] = s0, c->last[1] = s1;
    c->max_diff = fmax(c->max_diff, fabs(l0 - l1));
    c->max_sdiff = fmax(c->max_sdiff, fabs(s0 - s1));
  }
  fclose(f);
  return rows > 0;
}

/* The program's tolerance, as its table states it: "(tolerance X on ...". */
static int read_tolerance(const char *out, double *tol) {
  char path[512], line[1024];
  snprintf(path, sizeof path, "%s/mnist_compare.md", out);
  FILE *f = fopen(path, "r");
  int found = 0;
  while (f && !found && fgets(line, sizeof line, f)) {
    const char *at = strstr(line, "(tolerance ");
    found = at && sscanf(at, "(tolerance %lf", tol) == 1;
  }
  if (f)
    fclose(f);
  return found;
}

/* A rule's row of the table: its last field is "<scalar>% / <variant>%". */
static int read_accuracy(const char *out, const char *rule, double acc[2]) {
  char path[512], line[1024];
  snprintf(path, sizeof path, "%s/mnist_compare.md", out);
  FILE *f = fopen(path, "r");
  int found = 0;
  while (f && !found && fgets(line, sizeof line, f)) {
    char name[64];
    if (sscanf(line, "| %63s |", name) != 1 || strcmp(name, rule))
      continue;
    line[strcspn(line, "\n")] = '\0';
    char *end = strrchr(line, '|');
    if (end) {
      *end = '\0';
      const char *last = strrchr(line, '|');
      found = last && sscanf(last, "| %lf%% / %lf%%", &acc[0], &acc[1]) == 2;
      acc[0] /= 100, acc[1] /= 100;
    }
  }
  if (f)
    fclose(f);
  return found;
}

int main(void) {
  if (access(DATA "/train-images-idx3-ubyte.gz", R_OK) != 0) {
    printf("test_conv_mnist: SKIP: %s not found; install the Debian package "
           "dataset-fashion-mnist\n",
           DATA);
    return 77;
  }
  char err[2048];
  idx_set te;
  CHECK(idx_read_set(DATA "/t10k-images-idx3-ubyte.gz", DATA "/t10k-labels-idx1-ubyte.gz", &te, err,
                     sizeof err) == IDX_OK,
        "%s", err);
  CHECK(te.x.n == 10000 && te.x.rows == 28 && te.x.cols == 28 && te.y.n == 10000,
        "test set shape %zu x %zu x %zu", te.x.n, te.x.rows, te.x.cols);
  size_t per[10] = {0};
  for (size_t i = 0; i < te.y.n; i++)
    per[te.y.labels[i]]++;
  for (int k = 0; k < 10; k++)
    CHECK(per[k] == 1000, "class %d: %zu test images", k, per[k]);
  idx_free_set(&te);

  /* The best variant against scalar on every rule, within the program's
   * tolerance on the smoothed loss. A rule whose training is chaotic at its
   * book rate (RMSProp at 0.01, a trial AdaDelta at 1: loss spikes whose
   * timing moves with the last bit of an update) parts from scalar whatever
   * the variant's accuracy; no rule is named for it. Measured instead: a rule
   * whose two runs part passes only if both runs still train (the smoothed
   * loss falls below half its start and the test accuracy is at least
   * ACC_FLOOR, five times chance; a run gone wrong stays near chance or
   * diverges), the parting is reported, and its scalar run is compared
   * against sse2, which must give the same loss bit for bit (it computes in
   * scalar's order without FMA), so the rule's end-to-end path is still
   * checked exactly. */
  const ob_variant *best = ob_variant_best();
  char out[128]; /* /tmp/test_conv_mnist.<6 characters> */
  CHECK(tu_temp_dir(out, sizeof out, "test_conv_mnist") == 0, "scratch directory");
  mnist(ob_variant_name(best), NULL, out); /* 1 when some rule parts */
  double tol = 0;
  CHECK(read_tolerance(out, &tol), "%s/mnist_compare.md: no tolerance line", out);
  char parted[256] = "";
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const char *an = ob_algo_name((ob_algo)a);
    curves cv;
    if (!conv_book_rule((ob_algo)a)) { /* the book's figure: its rules only (conv.h) */
      CHECK(!read_curves(out, an, &cv), "%s: a curve, but the default is the book's rules", an);
      continue;
    }
    if (!read_curves(out, an, &cv)) {
      CHECK(0, "%s/mnist_compare_%s.dat: missing or unreadable", out, an);
      continue;
    }
    double acc[2] = {0, 0};
    CHECK(read_accuracy(out, an, acc), "%s/mnist_compare.md: no row for %s", out, an);
    if (cv.max_sdiff <= tol)
      continue;
    printf("test_conv_mnist: %s: scalar and %s part by %.3g on the smoothed loss (tolerance "
           "%.3g); both must train: loss %.3g -> %.3g and %.3g -> %.3g, accuracy %.2f%% and "
           "%.2f%%\n",
           an, ob_variant_name(best), cv.max_sdiff, tol, cv.first[0], cv.last[0], cv.first[1],
           cv.last[1], 100 * acc[0], 100 * acc[1]);
    for (int k = 0; k < 2; k++)
      CHECK(cv.last[k] < 0.5 * cv.first[k] && acc[k] >= ACC_FLOOR,
            "%s parts from scalar and run %d does not train: smoothed loss %.3g -> %.3g, accuracy "
            "%.2f%%",
            an, k, cv.first[k], cv.last[k], 100 * acc[k]);
    snprintf(parted + strlen(parted), sizeof parted - strlen(parted), "%s%s", *parted ? "," : "",
             an);
  }
  if (*parted) {
    CHECK(mnist("sse2", parted, out) == 0, "scalar vs sse2 (%s)", parted);
    for (const char *r = parted; *r;) {
      char an[64];
      const size_t len = strcspn(r, ",");
      snprintf(an, sizeof an, "%.*s", (int)len, r);
      curves cv;
      CHECK(read_curves(out, an, &cv) && cv.max_diff == 0,
            "%s: scalar and sse2 differ by %.3g on the loss", an, cv.max_diff);
      r += len + (r[len] == ',');
    }
  }
  char path[512];
  for (int a = 0; a <= OB_ALGO_COUNT; a++) { /* a curve per rule, then the table */
    if (a < OB_ALGO_COUNT)
      snprintf(path, sizeof path, "%s/mnist_compare_%s.dat", out, ob_algo_name((ob_algo)a));
    else
      snprintf(path, sizeof path, "%s/mnist_compare.md", out);
    remove(path);
  }
  rmdir(out);
  return ob_test_done("test_conv_mnist");
}
