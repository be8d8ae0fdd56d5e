/* test_golden_hostile - the golden reader and checker against hostile
 * files (issue 10): many cases load in linear time (finding 13), a layer
 * case's int parameters cannot make the checker allocate more than its
 * arrays hold (finding 14), and numbers FORMAT.md forbids are rejected
 * with the file, the line and the reason (finding 15).
 *
 * usage: test_golden_hostile [TMPDIR]   (default: a new directory in /tmp)
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "as_limit.h"
#include "check.h"
#include "golden_check.h"
#include "golden_file.h"
#include "golden_files.h"
#include "optbench.h"
#include "test_util.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A growing text buffer. */
typedef struct {
  char *s;
  size_t len, cap;
} buf;

static void put(buf *b, const char *text) {
  const size_t n = strlen(text);
  if (b->len + n + 1 > b->cap) {
    b->cap = 2 * (b->len + n + 1);
    if (!(b->s = realloc(b->s, b->cap)))
      exit(1);
  }
  memcpy(b->s + b->len, text, n + 1);
  b->len += n;
}

/* ---- finding 13: case ids checked in linear time ---------------------- */

/* 2^17 cases: on the quadratic check this took about 5 minutes (40,000
 * took 30 s); a linear one reads them in about a second on this machine. */
#define MANY_CASES         ((size_t)1 << 17)
/* far above a linear load (also under the sanitizers, ~10x slower) and far
 * below the quadratic one's minutes */
#define MANY_CASES_SECONDS 60.0

/* MANY_CASES copies of `body` after `header` and their `case` line, the
 * last a repeat of `dup` if given. */
static void many_cases(buf *b, const char *header, const char *body, const char *dup) {
  char line[64];
  put(b, header);
  snprintf(line, sizeof line, "cases %zu\n", MANY_CASES);
  put(b, line);
  for (size_t i = 0; i < MANY_CASES; i++) {
    if (dup && i == MANY_CASES - 1)
      snprintf(line, sizeof line, "case %s\n", dup);
    else
      snprintf(line, sizeof line, "case c%zu\n", i);
    put(b, line);
    put(b, body);
  }
}

static void test_many_cases(void) {
  for (int ops = 0; ops < 2; ops++) {
    for (int dup = 0; dup < 2; dup++) {
      buf b = {0};
      /* the repeat is of case 12345, one in the middle */
      /* the smallest case blocks of each format: n = 0 */
      if (ops)
        many_cases(&b, "optbench-golden 4\nfamily dropout\n",
                   "note empty\nop dropout_test\nword kind book\nfloat ratio 0x0p+0\nin x 0\n"
                   "out y 0\nend\n",
                   dup ? "c12345" : NULL);
      else
        many_cases(&b, "optbench-golden 4\nfamily sgd\n",
                   "note empty\nop sgd\nfloat lr 0x1p-2\nint t 1\nin p 0\nin g 0\nout p 0\nend\n",
                   dup ? "c12345" : NULL);
      const char *path = gt_write_kept(ops ? "many_ops.txt" : "many.txt", b.s, b.len);
      free(b.s);
      char err[512] = "";
      const double t0 = now();
      gd_file f;
      const int r = gd_load(path, &f, err, sizeof err);
      const double dt = now() - t0;
      const size_t n = f.ncases;
      gd_free(&f);
      printf("test_golden_hostile: %zu %s cases%s read in %.2f s\n", MANY_CASES,
             ops ? "layer" : "rule", dup ? " (last a repeat)" : "", dt);
      CHECK(dt < MANY_CASES_SECONDS, "%zu cases took %.1f s: quadratic id check?", MANY_CASES, dt);
      if (!dup) {
        CHECK(r == 0 && n == MANY_CASES, "load: %s", err);
      } else {
        char first[32];
        /* its line: after the header (3 lines), 12345 cases of 8 lines (9
         * for the rule's) */
        snprintf(first, sizeof first, "first at line %d)", 4 + (ops ? 8 : 9) * 12345);
        CHECK(r == -1 && strstr(err, "duplicate case id 'c12345'") && strstr(err, first) &&
                  strstr(err, path),
              "want the duplicate named with both lines, got: %s", err);
      }
    }
  }
}

/* A trajectory of MANY_CASES steps: the steps grow geometrically, read in
 * linear time (one realloc per step copied them all: quadratic). */
static void test_many_steps(void) {
  buf b = {0};
  char line[96];
  put(&b, "optbench-golden 4\nfamily sgd\ncases 1\ncase long\nnote x\nop sgd\n");
  for (size_t j = 1; j <= MANY_CASES; j++) {
    snprintf(line, sizeof line, "step %zu\nfloat lr 0x1p-7\nint t %zu\n%sin g 0\nout p 0\n", j, j,
             j == 1 ? "in p 0\n" : "");
    put(&b, line);
  }
  put(&b, "end\n");
  const char *path = gt_write_kept("many_steps.txt", b.s, b.len);
  free(b.s);
  char err[512] = "";
  const double t0 = now();
  gd_file f;
  const int r = gd_load(path, &f, err, sizeof err);
  const double dt = now() - t0;
  CHECK(r == 0 && f.ncases == 1 && f.cases[0].steps == MANY_CASES, "load: %s", err);
  gd_free(&f);
  printf("test_golden_hostile: a trajectory of %zu steps read in %.2f s\n", MANY_CASES, dt);
  CHECK(dt < MANY_CASES_SECONDS, "%zu steps took %.1f s: quadratic growth?", MANY_CASES, dt);
}

/* ---- finding 14: parameters beyond the arrays ------------------------ */

/* batchnorm_test declaring 2^28 rows of one feature with one element given
 * (the fuzzer's 502-byte file: 12 s and 2.6 GB of guard buffers a variant),
 * and 2^62 x 4, whose product wraps to 0 in 64 bits and matched the empty x. */
static const char huge_bn[] = "optbench-golden 4\n"
                              "family batchnorm\n"
                              "cases 2\n"
                              "case huge\n"
                              "note batch 2^28 declared, one element given\n"
                              "op batchnorm_test\n"
                              "int batch 268435456\n"
                              "int features 1\n"
                              "float eps 0x1p-20\n"
                              "in x 1 0x1p+0\n"
                              "in gamma 1 0x1p+0\n"
                              "in beta 1 0x0p+0\n"
                              "in running_mean 1 0x0p+0\n"
                              "in running_var 1 0x1p+0\n"
                              "out y 1\n"
                              "0x1p+0 0x1p+0 0x1p+0\n"
                              "end\n"
                              "case wrap\n"
                              "note batch x features wraps to 0\n"
                              "op batchnorm_test\n"
                              "int batch 4611686018427387904\n"
                              "int features 4\n"
                              "float eps 0x1p-20\n"
                              "in x 0\n"
                              "in gamma 4 0x1p+0 0x1p+0 0x1p+0 0x1p+0\n"
                              "in beta 4 0x0p+0 0x0p+0 0x0p+0 0x0p+0\n"
                              "in running_mean 4 0x0p+0 0x0p+0 0x0p+0 0x0p+0\n"
                              "in running_var 4 0x1p+0 0x1p+0 0x1p+0 0x1p+0\n"
                              "out y 0\n"
                              "end\n";

/* peak resident memory of the process, KiB */
static long peak_kib(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void test_huge_params(void) {
  char err[512] = "";
  gd_file f;
  const char *path = gt_write_kept("batchnorm.txt", huge_bn, strlen(huge_bn));
  CHECK(gd_load(path, &f, err, sizeof err) == 0 && f.ncases == 2, "load: %s", err);
  if (f.ncases != 2)
    return;
  const ob_variant *v = ob_variant_find("scalar");
  const long before = peak_kib();
  const double t0 = now();
  gc_stats st[2];
  for (int k = 0; k < 2; k++) {
    gc_stats_init(&st[k]);
    CHECK(gc_run_case(&f, &f.cases[k], v, NULL, &st[k]) == 0, "case %d must fail", k);
  }
  const double dt = now() - t0;
  const long grown = peak_kib() - before;
  printf("test_golden_hostile: the two cases took %.3f s, %ld KiB more peak memory\n", dt, grown);
  /* the arrays hold a few floats: anything near the 1 GiB the declared
   * shape would need means a buffer was sized from the parameters */
  CHECK(grown < 64 * 1024, "peak memory grew by %ld KiB", grown);
  CHECK(strstr(st[0].first, "'in x' has 1 elements, op batchnorm_test needs 268435456") &&
            strstr(st[0].first, path),
        "%s", st[0].first);
  CHECK(strstr(st[1].first, "batch x features: 4611686018427387904 x 4 elements overflow"), "%s",
        st[1].first);
  gd_free(&f);
}

/* The fuzzer's reproducers (h-fuzz, fuzz/regressions/golden/): a real
 * batchnorm_train case with `int batch 10000000` and two elements of x
 * (alloc-batchnorm-batch-1e7, shortened to the records that matter), and an
 * `out u 16777216` with one element line (alloc-out-count-declared). */
static const char fuzz_bn[] = "optbench-golden 4\n"
                              "family batchnorm\n"
                              "cases 1\n"
                              "case train_2x1\n"
                              "note batch 10000000 declared, x has 2 elements\n"
                              "op batchnorm_train\n"
                              "int batch 10000000\n"
                              "int features 1\n"
                              "float eps 0x1.0c6f7ap-20\n"
                              "float momentum 0x1.ccccccp-1\n"
                              "in x 2 0x1.7b9b3ap-4 -0x1.dd9faep-2\n"
                              "in gamma 1 0x1.97dcep+0\n"
                              "in beta 1 0x1.beb042p-3\n"
                              "in running_mean 1 -0x1.457acap-3\n"
                              "in running_var 1 0x1.2b2156p+1\n"
                              "out y 2\n"
                              "0x1.cfb23d3c8cc57p+0 0x1.cfb23ep+0 0x1.97dc34fc8cc57p+1\n"
                              "-0x1.60062cbc8cc57p+0 -0x1.60062cp+0 0x1.10177da52a232p+2\n"
                              "end\n";
static const char fuzz_out[] = "optbench-golden 4\n"
                               "family rand\n"
                               "cases 1\n"
                               "case a\n"
                               "note x\n"
                               "op rand_uniform\n"
                               "int seed 1\n"
                               "int stream 0\n"
                               "int n 1\n"
                               "out u 16777216\n"
                               "0x1p-1 0x1p-1 0x1p-1\n"
                               "end\n";

/* 16 MiB: less than the 40 MB of one array of 10^7 floats, or the 320 MiB
 * of 2^24 elements of an out record */
#define FUZZ_LIMIT ((size_t)16 << 20)

/* For tu_limited: loads the file at p and runs its case on scalar; 0 if the
 * first failure is the mismatch of x (not an allocation), else 1. */
static int run_fuzz_bn(void *p) {
  char err[512] = "";
  gd_file f;
  if (gd_load(p, &f, err, sizeof err) < 0 || f.ncases != 1) {
    printf("test_golden_hostile: %s\n", err);
    return 1;
  }
  gc_stats st;
  gc_stats_init(&st);
  const int r = gc_run_case(&f, &f.cases[0], ob_variant_find("scalar"), NULL, &st);
  printf("test_golden_hostile: fuzz batchnorm (address space limited): %s\n", st.first);
  const int ok =
      r == 0 && strstr(st.first, "'in x' has 2 elements, op batchnorm_train needs 10000000");
  gd_free(&f);
  return ok ? 0 : 1;
}

/* For tu_limited: loads the file at p; 0 if it fails at the second element
 * line, the "end" (not for want of memory), else 1. */
static int load_fuzz_out(void *p) {
  char err[512] = "";
  gd_file f;
  const int r = gd_load(p, &f, err, sizeof err);
  printf("test_golden_hostile: fuzz out count (address space limited): %s\n", err);
  if (r == 0)
    gd_free(&f);
  return r < 0 && strstr(err, "for element 2 of 16777216 of 'out u'") ? 0 : 1;
}

static void test_fuzz_reproducers(void) {
  const char *bn = gt_write_kept("fuzz_batchnorm.txt", fuzz_bn, strlen(fuzz_bn));
  CHECK(tu_limited(FUZZ_LIMIT, run_fuzz_bn, (void *)bn) == 0, "fuzz finding 5: see above");
  const char *out = gt_write_kept("fuzz_rand.txt", fuzz_out, strlen(fuzz_out));
  CHECK(tu_limited(FUZZ_LIMIT, load_fuzz_out, (void *)out) == 0, "fuzz finding 6: see above");
}

/* ---- finding 15: numbers FORMAT.md forbids -------------------------- */

/* SGD, lr = 1/4, exact in float32: 1 - 0.5/4 = 0.875; inf stays inf, its
 * scale |lr*g| = 1/4. */
static const char good_sgd[] = "optbench-golden 4\n"
                               "family sgd\n"
                               "cases 1\n"
                               "case basic\n"
                               "note one exact, one infinite\n"
                               "op sgd\n"
                               "float lr 0x1p-2\n"
                               "int t 1\n"
                               "in p 2 0x1p+0 inf\n"
                               "in g 2 0x1p-1 0x1p+0\n"
                               "out p 2\n"
                               "0x1.cp-1 0x1.cp-1 0x1p+0\n"
                               "inf inf 0x1p-2\n"
                               "end\n";

/* good_sgd with `from` replaced by `to` must fail to load with
 * "PATH:LINE: " (LINE that of `to`) and reason in the message. */
static void reject(const char *from, const char *to, const char *reason) {
  char *text = gt_replace(good_sgd, from, to);
  const char *path = gt_write_kept("bad_number.txt", text, strlen(text));
  char want[700], err[512] = "";
  snprintf(want, sizeof want, "%s:%zu: ", path, gt_line_of(text, to));
  gd_file f;
  const int r = gd_load(path, &f, err, sizeof err);
  CHECK(r == -1 && !strncmp(err, want, strlen(want)) && strstr(err, reason),
        "'%s' must be rejected with\n    %s...%s\n    got: %s", to, want, reason,
        r == 0 ? "(loaded)" : err);
  if (r == 0)
    gd_free(&f);
  free(text);
}

static void test_numbers(void) {
  char err[512] = "";
  gd_file f;
  const int r = gd_load(gt_write_kept("good.txt", good_sgd, strlen(good_sgd)), &f, err, sizeof err);
  CHECK(r == 0, "the good file must load: %s", err);
  if (r == 0)
    gd_free(&f);
  /* 1 + 2^-80: strtod rounds it to 1 (a float32 field) */
  reject("lr 0x1p-2", "lr 0x1.00000000000000000001p-2", "not exactly a double");
  /* 0.875 + 2^-100 in a double field */
  reject("0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.c0000000000000000000000001p-1 0x1.cp-1 0x1p+0",
         "not exactly a double");
  /* 2^-1100 is below the smallest subnormal double, 2^-1074: read as 0 */
  reject("0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 0x1p-1100", "underflows to zero");
  /* a double that is not a float32, in a float32 field */
  reject("g 2 0x1p-1", "g 2 0x1.0000000001p-1", "not exactly representable as float32");
  /* the scale is a finite double >= 0, also where rounded is infinite */
  reject("inf inf 0x1p-2", "inf inf nan", "must be finite and >= 0");
  reject("inf inf 0x1p-2", "inf inf -0x1p-2", "must be finite and >= 0");
  reject("0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 -0x0p+0", "not -0");
  /* spellings %a never prints */
  reject("0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 0x1p+00", "leading zero");
  reject("0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 0x1p-0", "-0");
  reject("0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.c0p-1 0x1.cp-1 0x1p+0", "would read as 0x1.cp-1");
  reject("g 2 0x1p-1", "g 2 0x2p-2", "not a hex float");
  reject("in p 2", "in p 02", "leading zero"); /* counts too: one spelling per number */
  /* a subnormal double as %a writes it loads; written normalised it does not */
  reject("0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 0x1p-1074",
         "would read as 0x0.0000000000001p-1022");
  char *sub = gt_replace(good_sgd, "inf inf 0x1p-2", "inf inf 0x0.0000000000001p-1022");
  CHECK(gd_load(gt_write_kept("subnormal.txt", sub, strlen(sub)), &f, err, sizeof err) == 0 &&
            gd_find(&f.cases[0].step[0], GD_OUT, "p")->scale[1] == 0x1p-1074,
        "the smallest subnormal double as %%a prints it: %s", err);
  gd_free(&f);
  free(sub);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    snprintf(gt_dir, sizeof gt_dir, "%s", argv[1]);
    mkdir(gt_dir, 0777);
  } else if (tu_temp_dir(gt_dir, sizeof gt_dir, "test_golden_hostile") < 0) {
    perror("scratch directory");
    return 1;
  }
  test_huge_params();
  test_fuzz_reproducers();
  test_numbers();
  test_many_cases();
  test_many_steps();
  gt_remove_written();
  if (argc <= 1)
    rmdir(gt_dir);
  return ob_test_done("test_golden_hostile");
}
