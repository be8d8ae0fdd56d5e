/* One experiment of `make figures` at a tiny size, end to end: runs
 *   FIG_ONLY=<experiment> QUICK=1 scripts/figures.sh BUILD OUT
 * and checks what it must leave in OUT: every data file with its rows and
 * columns, numbers finite and in range (accuracies in [0, 1], histogram
 * counts within the sample), the JSON summary, every chart as a PNG of a
 * sensible size, and the page naming the charts.
 * usage: test_fig_quick EXPERIMENT OUT_DIR. Skips (77) without Debian's
 * dataset-fashion-mnist. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define DATA "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

static const char *out;

static char *slurp(const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", out, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n + 4096 + 1 > cap) {
      cap = 2 * cap + 8192;
      char *b = realloc(buf, cap);
      if (!b) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = b;
    }
    got = fread(buf + n, 1, 4096, f);
    n += got;
  } while (got > 0);
  fclose(f);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

/* `rows` data lines of `cols` finite numbers; columns from `from` (1-based) in [lo, hi] */
static void check_dat(const char *name, size_t rows, int cols, int from, double lo, double hi) {
  char *text = slurp(name, NULL);
  CHECK(text != NULL, "%s/%s: missing", out, name);
  if (!text)
    return;
  size_t got = 0;
  int bad_cols = 0, bad_range = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#')
      continue;
    got++;
    int c = 0;
    for (char *p = line, *end;; p = end) {
      const double v = strtod(p, &end);
      if (end == p)
        break;
      c++;
      if (!isfinite(v) || (c >= from && (v < lo || v > hi)))
        bad_range++;
    }
    bad_cols += c != cols;
  }
  CHECK(got == rows, "%s: %zu data rows, want %zu", name, got, rows);
  CHECK(bad_cols == 0, "%s: %d rows without %d numbers", name, bad_cols, cols);
  CHECK(bad_range == 0, "%s: %d values not finite or outside [%g, %g]", name, bad_range, lo, hi);
  free(text);
}

static unsigned be32(const unsigned char *b) {
  return (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
}

/* a PNG (signature, IHDR) at least 600 x 300 and 5 KB: a drawn chart */
static void check_png(const char *name) {
  size_t len = 0;
  char *png = slurp(name, &len);
  CHECK(png != NULL, "%s/%s: missing", out, name);
  if (!png)
    return;
  const unsigned char *b = (const unsigned char *)png;
  const int sig = len > 24 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8) && !memcmp(b + 12, "IHDR", 4);
  CHECK(sig, "%s: not a PNG", name);
  if (sig)
    CHECK(be32(b + 16) >= 600 && be32(b + 20) >= 300 && len > 5000, "%s: %u x %u, %zu bytes", name,
          be32(b + 16), be32(b + 20), len);
  free(png);
  char *page = slurp("index.html", NULL);
  CHECK(page && strstr(page, name), "index.html does not show %s", name);
  free(page);
}

static void check_json(const char *name, const char *experiment) {
  char *js = slurp(name, NULL), want[128];
  snprintf(want, sizeof want, "\"experiment\": \"%s\"", experiment);
  CHECK(js && js[0] == '{' && strstr(js, want) && strstr(js, "\"seeds\""),
        "%s: missing, or no experiment and seeds", name);
  free(js);
}

static void activations(void) {
  static const char *const names[][2] = {{"sigmoid_std1", "6_10"},   {"sigmoid_std0.01", "6_11"},
                                         {"sigmoid_xavier", "6_12"}, {"tanh_xavier", "6_13"},
                                         {"relu_std0.01", "6_14"},   {"relu_xavier", "6_14"},
                                         {"relu_he", "6_14"}};
  check_json("activations.json", "activations");
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    char f[128];
    snprintf(f, sizeof f, "act_%s.dat", names[k][0]);
    check_dat(f, 30, 7, 3, 0, 200 * 100); /* quick: 200 inputs x 100 units */
    snprintf(f, sizeof f, "act_%s_stats.dat", names[k][0]);
    check_dat(f, 5, 6, 1, -1, 5);
    snprintf(f, sizeof f, "fig%s_%s.png", names[k][1], names[k][0]);
    check_png(f);
  }
}

static void init(void) {
  check_json("init.json", "init");
  check_dat("init_std0.01.dat", 60, 3, 2, 0, 20);
  check_dat("init_xavier.dat", 60, 3, 2, 0, 20);
  check_dat("init_he.dat", 60, 3, 2, 0, 20);
  check_png("fig6_15_init.png");
}

static void batchnorm(void) {
  check_json("bn.json", "batchnorm");
  for (int k = 1; k <= 16; k++) {
    char f[64];
    snprintf(f, sizeof f, "bn_%d.dat", k);
    check_dat(f, 3, 3, 2, 0, 1);
  }
  check_png("fig6_18_batchnorm.png");
}

static void overfit(const char *e, const char *png) {
  char f[64];
  snprintf(f, sizeof f, "%s.json", e);
  check_json(f, e);
  for (int k = 0; k < 2; k++) {
    snprintf(f, sizeof f, "%s_%d.dat", e, k);
    check_dat(f, 11, 3, 2, 0, 1);
  }
  check_png(png);
}

static void hyper(void) {
  check_json("hyper.json", "hyper");
  check_dat("hyper_trials.dat", 6, 6, 3, 0, 1);
  for (int r = 1; r <= 6; r++) {
    char f[64];
    snprintf(f, sizeof f, "hyper_best_%d.dat", r);
    check_dat(f, 5, 3, 2, 0, 1);
  }
  check_png("fig6_24_hyper.png");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_fig_quick EXPERIMENT OUT_DIR\n");
    return 2;
  }
  const char *e = argv[1];
  out = argv[2];
  if (access(DATA, R_OK) != 0) {
    printf("test_fig_quick: SKIP: %s not found; install the Debian package "
           "dataset-fashion-mnist\n",
           DATA);
    return 77;
  }
  char cmd[8192];
  snprintf(cmd, sizeof cmd,
           "rm -rf '%s' && FIG_ONLY='%s' QUICK=1 '%s/scripts/figures.sh' '%s' '%s'", out, e,
           OB_SOURCE_DIR, OB_BINARY_DIR, out);
  printf("test_fig_quick: %s\n", cmd);
  fflush(stdout);
  const int st = system(cmd);
  const int rc = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (rc == 2) {
    printf("test_fig_quick: SKIP: scripts/figures.sh found no data set\n");
    return 77;
  }
  CHECK(rc == 0, "scripts/figures.sh exited with %d", rc);
  if (!strcmp(e, "activations"))
    activations();
  else if (!strcmp(e, "init"))
    init();
  else if (!strcmp(e, "batchnorm"))
    batchnorm();
  else if (!strcmp(e, "weight_decay"))
    overfit(e, "fig6_20_21_weight_decay.png");
  else if (!strcmp(e, "dropout"))
    overfit(e, "fig6_22_23_dropout.png");
  else if (!strcmp(e, "hyper"))
    hyper();
  else
    CHECK(0, "unknown experiment %s", e);
  return ob_test_done("test_fig_quick");
}
