/* test_golden_reader - the golden file reader (version 4) rejects broken
 * files with the right file name, line and reason, and older versions with
 * a word on how to regenerate them; it loads a good file with the right
 * values; the error metric and the checker behave as FORMAT.md says, for a
 * rule and a layer kernel alike, for three states and for states the
 * hyperparameters leave unused, through the library and through outside
 * kernels of either form.
 *
 * usage: test_golden_reader [TMPDIR]   (default: a new directory under /tmp)
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "golden_check.h"
#include "golden_file.h"
#include "golden_files.h"
#include "golden_rule.h"
#include "optbench.h"
#include "test_util.h"

#define CHECK0(cond) CHECK(cond, "%s", "")

/* The load of `text` must fail with "PATH:LINE: ..." containing `reason`. */
static void expect_reject_(const char *name, const char *text, size_t line, const char *reason,
                           const char *file, int srcline) {
  const char *path = gt_write_kept(name, text, strlen(text));
  char want[700];
  snprintf(want, sizeof want, "%s:%zu: ", path, line);
  gd_file f;
  char err[512];
  int r = gd_load(path, &f, err, sizeof err);
  ob_checks++;
  int ok = r == -1 && strncmp(err, want, strlen(want)) == 0 && strstr(err, reason) != NULL &&
           f.ncases == 0 && f.cases == NULL;
  if (!ok) {
    ob_failures++;
    fprintf(stderr,
            "%s:%d: check failed: %s must be rejected\n    want: %s...%s...\n    got:  %s\n", file,
            srcline, name, want, reason, r == 0 ? "(loaded)" : err);
  }
  gd_free(&f);
}
#define EXPECT_REJECT(name, text, line, reason)                                                    \
  expect_reject_(name, text, line, reason, __FILE__, __LINE__)

/* SGD, lr = 1/4: every result exact in float32, so every correct variant has
 * error 0; Inf, NaN, a negative zero and an empty case. */
static const char good_sgd[] = "optbench-golden 4\n"
                               "# a comment after the version line\n"
                               "family sgd\n"
                               "cases 2\n"
                               "case basic\n"
                               "note five elements: exact, inf, nan, -0\n"
                               "op sgd\n"
                               "float lr 0x1p-2\n"
                               "int t 1\n"
                               "in p 5 0x1p+0 -0x1p+1 inf 0x1p+0 -0x0p+0\n"
                               "in g 5 0x1p-1 0x1p+2 0x1p+0 nan 0x0p+0\n"
                               "out p 5\n"
                               "0x1.cp-1 0x1.cp-1 0x1p+0\n"
                               "-0x1.8p+1 -0x1.8p+1 0x1p+1\n"
                               "inf inf 0x1p-2\n"
                               "nan nan 0x1p+0\n"
                               "-0x0p+0 -0x0p+0 0x0p+0\n"
                               "# comments may appear anywhere\n"
                               "end\n"
                               "case empty\n"
                               "note n = 0\n"
                               "op sgd\n"
                               "float lr 0x1.47ae14p-7\n"
                               "int t 1\n"
                               "in p 0\n"
                               "in g 0\n"
                               "out p 0\n"
                               "end\n";

/* Momentum on the book's f(x, y) = x^2/20 + y^2 from (10, 2), lr = 5,
 * momentum = 1/2: x goes 10 -> 5 -> 0, every value exact in float32; step
 * 2 starts from step 1's outputs. */
static const char good_momentum[] = "optbench-golden 4\n"
                                    "family momentum\n"
                                    "cases 1\n"
                                    "case book_quadratic\n"
                                    "note x: 10 -> 5 -> 0, y: 2 -> -18 -> 152\n"
                                    "op momentum\n"
                                    "grad quadratic\n"
                                    "step 1\n"
                                    "float lr 0x1.4p+2\n"
                                    "float momentum 0x1p-1\n"
                                    "int t 1\n"
                                    "in p 2 0x1.4p+3 0x1p+1\n"
                                    "in g 2 0x1p+0 0x1p+2\n"
                                    "in v 2 0x0p+0 0x0p+0\n"
                                    "out p 2\n"
                                    "0x1.4p+2 0x1.4p+2 0x1.4p+3\n"
                                    "-0x1.2p+4 -0x1.2p+4 0x1.4p+4\n"
                                    "out v 2\n"
                                    "-0x1.4p+2 -0x1.4p+2 0x1.4p+2\n"
                                    "-0x1.4p+4 -0x1.4p+4 0x1.4p+4\n"
                                    "step 2\n"
                                    "float lr 0x1.4p+2\n"
                                    "float momentum 0x1p-1\n"
                                    "int t 2\n"
                                    "in g 2 0x1p-1 -0x1.2p+5\n"
                                    "out p 2\n"
                                    "0x0p+0 0x0p+0 0x1.4p+2\n"
                                    "0x1.3p+7 0x1.3p+7 0x1.68p+7\n"
                                    "out v 2\n"
                                    "-0x1.4p+2 -0x1.4p+2 0x1.4p+1\n"
                                    "0x1.54p+7 0x1.54p+7 0x1.68p+7\n"
                                    "end\n";

/* Nesterov outside its domain: lr = 3e38, (1+momentum)*lr overflows, the
 * step must be refused; the second case is `outside unbounded` with a
 * deliberately wrong exact value (32 for p = 1): values are not checked. */
static const char good_outside[] = "optbench-golden 4\n"
                                   "family nesterov\n"
                                   "cases 2\n"
                                   "case refused\n"
                                   "note (1+momentum)*lr overflows\n"
                                   "op nesterov\n"
                                   "outside refused\n"
                                   "float lr 0x1.c363ccp+127\n"
                                   "float momentum 0x1.ccccccp-1\n"
                                   "int t 1\n"
                                   "in p 1 0x1p+0\n"
                                   "in g 1 0x0p+0\n"
                                   "in v 1 0x0p+0\n"
                                   "out p 1\n"
                                   "0x1p+0 0x1p+0 0x1p+0\n"
                                   "out v 1\n"
                                   "0x0p+0 0x0p+0 0x0p+0\n"
                                   "end\n"
                                   "case wild\n"
                                   "note values unchecked\n"
                                   "op nesterov\n"
                                   "outside unbounded\n"
                                   "float lr 0x1p+0\n"
                                   "float momentum 0x1.ccccccp-1\n"
                                   "int t 1\n"
                                   "in p 1 0x1p+0\n"
                                   "in g 1 0x0p+0\n"
                                   "in v 1 0x0p+0\n"
                                   "out p 1\n"
                                   "0x1p+5 0x1p+5 0x1p+5\n"
                                   "out v 1\n"
                                   "0x0p+0 0x0p+0 0x0p+0\n"
                                   "end\n";

/* A layer kernel in the same format: the book's dropout at test time,
 * y = x*(1 - 1/2), exact. */
static const char good_dropout[] = "optbench-golden 4\n"
                                   "family dropout\n"
                                   "cases 1\n"
                                   "case half\n"
                                   "note y = x/2\n"
                                   "op dropout_test\n"
                                   "word kind book\n"
                                   "float ratio 0x1p-1\n"
                                   "in x 2 0x1p+0 -0x1p+2\n"
                                   "out y 2\n"
                                   "0x1p-1 0x1p-1 0x1p-1\n"
                                   "-0x1p+1 -0x1p+1 0x1p+1\n"
                                   "end\n";

/* torch RMSprop centered with momentum: three states, every value worked
 * out by hand (decay_rate = lr = momentum = 1/2, eps = 0):
 *   square_avg' = sq/2 + g^2/2, grad_avg' = ga + (g - ga)/2,
 *   avg = sqrt(square_avg' - grad_avg'^2), buf' = buf/2 + g/avg,
 *   p' = p - buf'/2
 * element 0: p 1, g 2, sq 0, buf 0, ga 0 -> sq' 2, ga' 1, avg 1, buf' 2, p' 0
 * element 1: p 3, g -4, sq 18, buf 1, ga -4 -> sq' 17, ga' -4, avg 1,
 *            buf' -3.5, p' 4.75 */
static const char three_states[] = "optbench-golden 4\n"
                                   "family torch_rmsprop\n"
                                   "cases 1\n"
                                   "case centered_momentum\n"
                                   "note all three states in use\n"
                                   "op torch_rmsprop\n"
                                   "float lr 0x1p-1\n"
                                   "float decay_rate 0x1p-1\n"
                                   "float eps 0x0p+0\n"
                                   "float momentum 0x1p-1\n"
                                   "float centered 0x1p+0\n"
                                   "int t 1\n"
                                   "in p 2 0x1p+0 0x1.8p+1\n"
                                   "in g 2 0x1p+1 -0x1p+2\n"
                                   "in square_avg 2 0x0p+0 0x1.2p+4\n"
                                   "in momentum_buffer 2 0x0p+0 0x1p+0\n"
                                   "in grad_avg 2 0x0p+0 -0x1p+2\n"
                                   "out p 2\n"
                                   "0x0p+0 0x0p+0 0x1p+0\n"
                                   "0x1.3p+2 0x1.3p+2 0x1.3p+2\n"
                                   "out square_avg 2\n"
                                   "0x1p+1 0x1p+1 0x1p+1\n"
                                   "0x1.1p+4 0x1.1p+4 0x1.1p+4\n"
                                   "out momentum_buffer 2\n"
                                   "0x1p+1 0x1p+1 0x1p+1\n"
                                   "-0x1.cp+1 -0x1.cp+1 0x1.cp+1\n"
                                   "out grad_avg 2\n"
                                   "0x1p+0 0x1p+0 0x1p+0\n"
                                   "-0x1p+2 -0x1p+2 0x1p+2\n"
                                   "end\n";

/* torch RMSprop plain (momentum 0, not centered): momentum_buffer and
 * grad_avg unused. grad_avg is never in the file; momentum_buffer is in and
 * out of step 1, equal (fresh: an array the call must leave alone; own
 * state: NULL), and not in step 2 (NULL). By hand, sq' = sq/2 + g^2/2,
 * p' = p - g/(2*sqrt(sq')):
 *   p 1, g 2, sq 4 -> sq' 4, p' 0.5; then g -2 -> sq' 4, p' 1. */
static const char unused_states[] = "optbench-golden 4\n"
                                    "family torch_rmsprop\n"
                                    "cases 1\n"
                                    "case unused\n"
                                    "note momentum_buffer listed unchanged, then left out\n"
                                    "op torch_rmsprop\n"
                                    "step 1\n"
                                    "float lr 0x1p-1\n"
                                    "float decay_rate 0x1p-1\n"
                                    "float eps 0x0p+0\n"
                                    "int t 1\n"
                                    "in p 1 0x1p+0\n"
                                    "in g 1 0x1p+1\n"
                                    "in square_avg 1 0x1p+2\n"
                                    "in momentum_buffer 1 0x1.cp+2\n"
                                    "out p 1\n"
                                    "0x1p-1 0x1p-1 0x1p-1\n"
                                    "out square_avg 1\n"
                                    "0x1p+2 0x1p+2 0x1p+2\n"
                                    "out momentum_buffer 1\n"
                                    "0x1.cp+2 0x1.cp+2 0x1.cp+2\n"
                                    "step 2\n"
                                    "float lr 0x1p-1\n"
                                    "float decay_rate 0x1p-1\n"
                                    "float eps 0x0p+0\n"
                                    "int t 2\n"
                                    "in g 1 -0x1p+1\n"
                                    "out p 1\n"
                                    "0x1p+0 0x1p+0 0x1p+0\n"
                                    "out square_avg 1\n"
                                    "0x1p+2 0x1p+2 0x1p+2\n"
                                    "end\n";

static void test_good(void) {
  char err[512] = "";
  gd_file f;
  const char *path = gt_write_kept("sgd.txt", good_sgd, strlen(good_sgd));
  CHECK(gd_load(path, &f, err, sizeof err) == 0, "%s", err);
  CHECK0(f.ncases == 2 && !strcmp(f.family, "sgd") && f.family_line == 3);
  if (f.ncases == 2) {
    const gd_case *c = &f.cases[0];
    CHECK0(!strcmp(c->id, "basic") && c->op == OB_SGD && c->steps == 1 && c->line == 5);
    gd_rule_step rs;
    CHECK(gd_rule_step_of(&f, c, 1, &rs, err, sizeof err) == 0, "%s", err);
    CHECK0(rs.n == 5 && rs.hp.lr == 0.25f && rs.hp.momentum == 0 && rs.t == 1);
    CHECK0(rs.p[2] == INFINITY && isnan(rs.g[3]) && signbit(rs.p[4]));
    CHECK0(rs.out_p->dense && rs.out_p->exact[1] == -3.0 && isnan(rs.out_p->rounded[3]));
    CHECK(gd_rule_step_of(&f, &f.cases[1], 1, &rs, err, sizeof err) == 0 && rs.n == 0, "%s", err);
  }
  gd_free(&f);

  path = gt_write_kept("momentum.txt", good_momentum, strlen(good_momentum));
  CHECK(gd_load(path, &f, err, sizeof err) == 0, "%s", err);
  if (f.ncases == 1) {
    const gd_case *c = &f.cases[0];
    CHECK0(c->steps == 2 && c->grad == GD_GRAD_QUADRATIC && c->domain == GD_INSIDE);
    gd_rule_step rs;
    CHECK(gd_rule_step_of(&f, c, 2, &rs, err, sizeof err) == 0, "%s", err);
    /* step 2's p and v are step 1's rounded outputs */
    CHECK0(rs.p[0] == 5.0f && rs.p[1] == -18.0f && rs.s[0][1] == -20.0f && rs.t == 2);
  }
  gd_free(&f);
}

/* Step j of the first case of `text`, written as file `name` and loaded
 * into *f (which the caller frees): gd_rule_step_of's result, or -2 with
 * the message in err if the file does not load. */
static int first_case_step(const char *name, const char *text, size_t j, gd_file *f,
                           gd_rule_step *rs, char *err, size_t errlen) {
  const char *path = gt_write_kept(name, text, strlen(text));
  if (gd_load(path, f, err, errlen) != 0 || f->ncases == 0)
    return -2;
  return gd_rule_step_of(f, &f->cases[0], j, rs, err, errlen);
}

static void test_good_states(void) {
  char err[512] = "";
  gd_file f;
  gd_rule_step rs;
  /* three states, all in use */
  CHECK(first_case_step("torch_rmsprop.txt", three_states, 1, &f, &rs, err, sizeof err) == 0, "%s",
        err);
  CHECK0(rs.used[0] && rs.used[1] && rs.used[2] && rs.hp.centered == 1.0f);
  CHECK0(rs.s[2] && rs.s[2][1] == -4.0f && rs.out_s[2] && rs.out_s[1]->exact[1] == -3.5);
  gd_free(&f);
  /* unused states: listed and unchanged (step 1), left out (step 2) */
  CHECK(first_case_step("torch_rmsprop.txt", unused_states, 1, &f, &rs, err, sizeof err) == 0, "%s",
        err);
  CHECK0(rs.used[0] && !rs.used[1] && !rs.used[2] && rs.s[1] && rs.s[1][0] == 7.0f && !rs.s[2]);
  gd_free(&f);
  CHECK(first_case_step("torch_rmsprop.txt", unused_states, 2, &f, &rs, err, sizeof err) == 0, "%s",
        err);
  CHECK0(!rs.used[1] && !rs.s[1] && !rs.out_s[1] && !rs.s[2] && rs.p[0] == 0.5f);
  gd_free(&f);
  /* an unused state whose output is not its input: the file is wrong */
  char *t = gt_replace(unused_states, "0x1.cp+2 0x1.cp+2 0x1.cp+2\nstep 2",
                       "0x1.dp+2 0x1.dp+2 0x1.cp+2\nstep 2");
  char want[128];
  snprintf(want, sizeof want, ":%zu: case 'unused': the hyperparameters leave the state unused",
           gt_line_of(t, "out momentum_buffer"));
  CHECK(first_case_step("torch_rmsprop.txt", t, 1, &f, &rs, err, sizeof err) == -1 &&
            strstr(err, want),
        "%s", err);
  gd_free(&f);
  free(t);
}

static void reject_replaced(const char *name, const char *good, const char *from, const char *to,
                            const char *at, const char *reason, int srcline) {
  char *t = gt_replace(good, from, to);
  expect_reject_(name, t, gt_line_of(t, at), reason, __FILE__, srcline);
  free(t);
}
#define REJECT(name, good, from, to, at, reason)                                                   \
  reject_replaced(name, good, from, to, at, reason, __LINE__)

static void test_bad(void) {
  EXPECT_REJECT("empty.txt", "", 1, "empty file");
  EXPECT_REJECT("noversion.txt", "family sgd\n", 1, "expected version line 'optbench-golden 4'");
  EXPECT_REJECT("v5.txt", "optbench-golden 5\n", 1, "unknown format version '5'");
  /* the old formats: a clear word, not a parse error further down */
  EXPECT_REJECT("v3.txt", "optbench-golden 3\nalgo sgd\nstates 0\ncases 0\n", 1,
                "is no longer read: rules and layer kernels share 'optbench-golden 4'");
  EXPECT_REJECT("v1.txt", "optbench-golden 1\n", 1, "regenerate the file with `make golden`");
  EXPECT_REJECT("ops1.txt", "optbench-golden-ops 1\nfamily rand\ncases 0\n", 1,
                "'optbench-golden-ops 1' is no longer read");
  REJECT("family.txt", good_sgd, "family sgd", "family adamw", "family adamw", "unknown family");
  REJECT("op.txt", good_sgd, "op sgd", "op momentum", "op momentum",
         "op 'momentum' belongs to family 'momentum'");
  REJECT("opunk.txt", good_sgd, "op sgd", "op sdg", "op sdg", "unknown op 'sdg'");
  {
    char *t = gt_replace(good_sgd, "cases 2", "cases 3");
    size_t lines = 0;
    for (const char *q = t; *q; q++)
      lines += *q == '\n';
    EXPECT_REJECT("count.txt", t, lines, "file has 2 cases, but line 4 says 'cases 3'");
    free(t);
  }
  REJECT("more.txt", good_sgd, "cases 2", "cases 1", "case empty", "more cases than line");
  REJECT("dup.txt", good_sgd, "case empty", "case basic", "case basic\nnote n", "basic");
  REJECT("order2.txt", good_sgd, "int t 1\nin p 0", "in p 0\nint t 1", "int t 1\nin g 0",
         "out of order");
  REJECT("twice.txt", good_sgd, "in g 0", "in p 0", "in p 0\nout", "used twice");
  REJECT("short.txt", good_sgd, "-0x0p+0 -0x0p+0 0x0p+0\n#", "#", "end\ncase empty",
         "expected 3 values");
  REJECT("inexact.txt", good_sgd, "float lr 0x1p-2", "float lr 0x1.000001p-2", "float lr",
         "float32");
  REJECT("outside.txt", good_outside, "outside refused", "outside maybe", "outside maybe",
         "expected 'outside refused' or 'outside unbounded'");
  REJECT("step.txt", good_momentum, "step 2", "step 3", "step 3", "expected 'step 2'");
  REJECT("carried.txt", good_momentum, "in g 2 0x1p-1", "in p 2 0x1p-1", "in p 2 0x1p-1",
         "carried from the output of step 1");
  REJECT("quad.txt", good_momentum, "in g 2 0x1p-1 -0x1.2p+5", "in g 2 0x1p-1 -0x1.2p+4",
         "in g 2 0x1p-1", "grad quadratic: g[1]");
  REJECT("word.txt", good_dropout, "word kind book", "word kind Book", "word kind", "[a-z0-9_]");
  REJECT("mask.txt", good_dropout, "in x 2 0x1p+0 -0x1p+2", "mask m 9 ff03", "mask m",
         "bits past 9");
}

/* ---- the metric ------------------------------------------------------------ */

static void test_metric(void) {
  CHECK0(gc_ulp(1.0) == 0x1p-23 && gc_ulp(1.99) == 0x1p-23 && gc_ulp(2.0) == 0x1p-22);
  CHECK0(gc_ulp(0x1p-126) == 0x1p-149 && gc_ulp(0x1p-127) == 0x1p-149 && gc_ulp(0.0) == 0x1p-149);
  CHECK0(gc_ulp(FLT_MAX) == 0x1p+104 && gc_ulp(0x1p+200) == 0x1p+177);
  CHECK0(gc_scale_ulps(1.0f + 0x1p-23f, 1.0, 1.0f, 0.5, 1) == 1.0);
  CHECK0(gc_scale_ulps(1.0f, 1.0 + 0x1p-24, 1.0f, 0.0, 1) == 0.5);
  CHECK0(gc_scale_ulps(0.0f, 0x1p-24, 0x1p-24f, 1.0, 1) == 0.5); /* the scale sets the unit */
  CHECK0(gc_scale_ulps(0x1p-148f, 0x1.8p-148, 0x1p-147f, 0.0, 1) == 1.0);
  CHECK0(gc_scale_ulps(-NAN, NAN, NAN, 0.0, 1) == 0 && isinf(gc_scale_ulps(1.0f, NAN, NAN, 0, 1)));
  CHECK0(gc_scale_ulps(INFINITY, 0x1.ffffffp+127, INFINITY, 1.0, 1) == 0);
  CHECK0(isinf(gc_scale_ulps(FLT_MAX, INFINITY, INFINITY, 1.0, 1)));
  CHECK0(isinf(gc_scale_ulps(INFINITY, FLT_MAX, FLT_MAX, 1.0, 1)));
  /* zeros keep their sign where asked (a rule's fresh step, a kernel's
   * output of scale 0); elsewhere either zero is 0 ulps away */
  CHECK0(isinf(gc_scale_ulps(0.0f, -0.0, -0.0f, 1.0, 1)));
  CHECK0(gc_scale_ulps(0.0f, -0.0, -0.0f, 1.0, 0) == 0);
  CHECK0(gc_scale_ulps(0x1p-20f, 0.0, 0.0f, 1.0, 1) == 8.0);
  CHECK0(gc_scale_ulps(-0.0f, 0x1p-160, 0.0f, 0.0, 1) == 0x1p-160 / 0x1p-149);
}

/* ---- the checker ------------------------------------------------------------ */

static long run(const char *name, const char *text, const ob_variant *v, gc_options *opt,
                gc_stats *st) {
  char err[512] = "";
  gd_file f;
  const char *path = gt_write_kept(name, text, strlen(text));
  gc_stats_init(st);
  long failed = -1;
  if (gd_load(path, &f, err, sizeof err) == 0) {
    failed = 0;
    for (size_t i = 0; i < f.ncases && failed >= 0; i++) {
      const int r = gc_run_case(&f, &f.cases[i], v, opt, st);
      failed = r < 0 ? -1 : failed + (r == 0);
    }
  } else {
    CHECK(0, "%s", err);
  }
  gd_free(&f);
  return failed;
}

/* `good` with `from` replaced by `to` fails on v: one failing case, the
 * worst failure's message containing `reason`. */
static void fails_replaced_(const char *name, const char *good, const char *from, const char *to,
                            const ob_variant *v, const char *reason, int srcline) {
  char *t = gt_replace(good, from, to);
  gc_stats st;
  const long failed = run(name, t, v, NULL, &st);
  ob_checks++;
  if (failed != 1 || !strstr(st.worst, reason)) {
    ob_failures++;
    fprintf(stderr, "%s:%d: check failed: %s must fail (%ld failed), with '%s'\n    got: %s\n",
            __FILE__, srcline, name, failed, reason, st.worst);
  }
  free(t);
}
#define FAILS(name, good, from, to, v, reason)                                                     \
  fails_replaced_(name, good, from, to, v, reason, __LINE__)

/* Every case of text passes on v at every offset, exactly (all the
 * examples' values are exact in float32), with `elements` comparisons. */
static void exact_at_every_offset(const char *name, const char *text, const ob_variant *v,
                                  size_t elements, gc_stats *st) {
  for (size_t off = 0; off <= GC_MAX_OFFSET; off++) {
    gc_options opt = gc_default_options();
    opt.offset = off;
    CHECK(run(name, text, v, &opt, st) == 0 && st->cases_passed == st->cases_run,
          "%s offset %zu: %s", name, off, st->worst);
    CHECK(st->elements == elements && st->max_err == 0, "%s offset %zu: %zu elements, max %g", name,
          off, st->elements, st->max_err);
  }
}

static void test_checker(void) {
  const ob_variant *v = ob_variant_find("scalar");
  CHECK0(v != NULL && ob_variant_supported(v));
  if (!v)
    return;
  gc_stats st;
  exact_at_every_offset("sgd.txt", good_sgd, v, 5, &st);
  CHECK0(st.cases_passed == 2 && st.finite == 3 && st.bound == 1.0);
  /* a trajectory fresh and on its own state, g from the own p */
  CHECK(run("momentum.txt", good_momentum, v, NULL, &st) == 0, "%s", st.worst);
  CHECK0(st.elements == 16 && st.own_elements == 8 && st.own_max == 0);
  CHECK(run("outside.txt", good_outside, v, NULL, &st) == 0 && st.cases_passed == 2, "%s",
        st.worst);
  CHECK(run("dropout.txt", good_dropout, v, NULL, &st) == 0 && st.elements == 2, "%s", st.worst);

  /* a refused case the library accepts fails */
  char *t = gt_replace(good_outside, "outside unbounded", "outside refused");
  CHECK0(run("accepted.txt", t, v, NULL, &st) == 1 && st.other_failures == 1);
  CHECK(strstr(st.worst, "outside refused: the call returned 0") != NULL, "%s", st.worst);
  free(t);
  /* a wrong exact value, found and described with its line and inputs */
  t = gt_replace(good_sgd, "-0x1.8p+1 -0x1.8p+1 0x1p+1", "-0x1.80001p+1 -0x1.80001p+1 0x1p+1");
  char want[64];
  snprintf(want, sizeof want, "out p[1] (line %zu): got -0x1.8p+1", gt_line_of(t, "-0x1.80001p+1"));
  gc_options opt = gc_default_options();
  opt.offset = 5;
  CHECK0(run("wrong.txt", t, v, &opt, &st) == 1 && st.failed_elements == 1);
  CHECK(strstr(st.worst, want) && strstr(st.worst, "err 8.000") &&
            strstr(st.worst, "inputs: p -0x1p+1, g 0x1p+2") && strstr(st.worst, "offset 5") &&
            strstr(st.worst, ":5: case 'basic'"),
        "%s", st.worst);
  printf("a deliberate failure, as reported:\n  %s\n", st.worst);
  opt.bound = 8.0; /* an explicit bound overrides the library's */
  CHECK0(run("wrong.txt", t, v, &opt, &st) == 0 && st.max_err == 8.0);
  free(t);
  /* a wrong value in step 2 of a trajectory: it fails fresh and on its own
   * state (two failing elements, p[1] of step 2 in each mode), named with
   * its step and line */
  t = gt_replace(good_momentum, "0x1.3p+7 0x1.3p+7 0x1.68p+7", "0x1.31p+7 0x1.31p+7 0x1.68p+7");
  snprintf(want, sizeof want, "step 2 (line %zu), fresh", gt_line_of(t, "step 2"));
  CHECK0(run("traj.txt", t, v, NULL, &st) == 1 && st.failed_elements == 2);
  CHECK(strstr(st.first, want) && strstr(st.first, "out p[1]"), "%s", st.first);
  free(t);
  /* a hyperparameter the rule does not read (torch SGD's dampening in an
   * SGD case), or one the checker does not know, is not silently dropped */
  FAILS("unread.txt", good_sgd, "float lr 0x1p-2\n", "float lr 0x1p-2\nfloat dampening 0x1p-1\n", v,
        "does not read 'float dampening'");
  FAILS("unknown.txt", good_sgd, "float lr 0x1p-2\n", "float lr 0x1p-2\nfloat stiffness 0x1p-1\n",
        v, "does not read 'float stiffness'");
  /* a missing record is named */
  FAILS("nov.txt", good_momentum, "in v 2 0x0p+0 0x0p+0\n", "", v, "'in v' and 'out v'");
}

/* ---- three states, unused states, outside kernels of either form --------- */

static int kcalls, knull[OB_MAX_STATES], kgiven[OB_MAX_STATES], kscribble;

/* The scalar variant behind the outside-kernel signatures, noting what the
 * checker passes; kscribble: it writes an unused state it is given. */
static ob_status states_kernel(ob_algo a, const ob_hparams *hp, int64_t t, float *p, const float *g,
                               float *const s[], size_t n) {
  kcalls++;
  for (int k = 0; k < OB_MAX_STATES; k++) {
    knull[k] += !s[k];
    kgiven[k] += s[k] != NULL;
  }
  const ob_status st = ob_step_states(ob_variant_find("scalar"), a, hp, t, p, g, s, n);
  if (kscribble && s[1] && n && ob_state_used(a, hp, 1) == 0)
    s[1][0] = 0.0f;
  return st;
}

static ob_status pair_kernel(ob_algo a, const ob_hparams *hp, int64_t t, float *p, const float *g,
                             float *s0, float *s1, size_t n) {
  float *const s[OB_MAX_STATES] = {s0, s1, NULL};
  kcalls++;
  return ob_step_states(ob_variant_find("scalar"), a, hp, t, p, g, s, n);
}

static void reset_kernel(void) {
  kcalls = kscribble = 0;
  memset(knull, 0, sizeof knull);
  memset(kgiven, 0, sizeof kgiven);
}

static void test_states(void) {
  const ob_variant *v = ob_variant_find("scalar");
  if (!v)
    return;
  gc_stats st;
  /* the library with all three states at every offset */
  exact_at_every_offset("three.txt", three_states, v, 8, &st);
  /* unused states: left out, and listed (fresh: compared as unchanged,
   * not as an output; own state: NULL) */
  CHECK(run("unused.txt", unused_states, v, NULL, &st) == 0 && st.cases_passed == 1, "%s",
        st.worst);
  CHECK0(st.elements == 8 && st.own_elements == 4 && st.max_err == 0);

  /* what an outside kernel of the states form is given: the array where the
   * file lists an unused state (fresh step 1), else NULL (fresh step 2, both
   * steps on the own state) */
  gc_options opt = gc_default_options();
  opt.kernel_states = states_kernel;
  opt.name = "kernel:test:states";
  reset_kernel();
  CHECK(run("unused.txt", unused_states, v, &opt, &st) == 0, "%s", st.worst);
  CHECK(kcalls == 4 && kgiven[1] == 1 && knull[1] == 3 && knull[2] == 4 && kgiven[0] == 4,
        "calls %d, momentum_buffer given %d, NULL %d", kcalls, kgiven[1], knull[1]);
  reset_kernel();
  kscribble = 1;
  CHECK0(run("unused.txt", unused_states, v, &opt, &st) == 1);
  CHECK(strstr(st.worst, "modified its unused state 'momentum_buffer'") &&
            strstr(st.worst, "fresh") && strstr(st.worst, "kernel:test:states"),
        "%s", st.worst);
  reset_kernel();
  CHECK(run("three.txt", three_states, v, &opt, &st) == 0 && kgiven[2] == 1, "%s", st.worst);

  /* the pair form: a step that uses the third state fails, not called */
  opt.kernel_states = NULL;
  opt.kernel = pair_kernel;
  opt.name = "kernel:test:pair";
  reset_kernel();
  CHECK0(run("three.txt", three_states, v, &opt, &st) == 1 && kcalls == 0);
  CHECK(strstr(st.worst, "not run: the kernel has the pair form") &&
            strstr(st.worst, "state 2 'grad_avg' (centered = 1)") && st.failed_elements == 0,
        "%s", st.worst);
  printf("a pair-form kernel on a step with three states, as reported:\n  %s\n", st.worst);
  reset_kernel();
  CHECK(run("unused.txt", unused_states, v, &opt, &st) == 0 && kcalls == 4, "%s", st.worst);

  /* a used state missing, an unused one given in but not out, or whose
   * output is not its input */
  FAILS("missing.txt", three_states, "in grad_avg 2 0x0p+0 -0x1p+2\n", "", v,
        "'in grad_avg' and 'out grad_avg'");
  FAILS("half.txt", unused_states, "out momentum_buffer 1\n0x1.cp+2 0x1.cp+2 0x1.cp+2\n", "", v,
        "'in momentum_buffer' and 'out momentum_buffer'");
  FAILS("changed.txt", unused_states, "0x1.cp+2 0x1.cp+2 0x1.cp+2\nstep 2",
        "0x1.dp+2 0x1.dp+2 0x1.cp+2\nstep 2", v,
        "leave state 'momentum_buffer' unused (ob_state_used), yet the file's "
        "'out momentum_buffer' is not its input");
}

int main(int argc, char **argv) {
  if (argc > 1) {
    snprintf(gt_dir, sizeof gt_dir, "%s", argv[1]);
    mkdir(gt_dir, 0777); /* may exist */
  } else if (tu_temp_dir(gt_dir, sizeof gt_dir, "test_golden_reader") < 0) {
    perror("scratch directory");
    return 1;
  }
  test_good();
  test_good_states();
  test_bad();
  test_metric();
  test_checker();
  test_states();
  gt_remove_written();
  if (argc <= 1)
    rmdir(gt_dir);
  return ob_test_done("test_golden_reader");
}
