/* test_golden_reader - the golden file reader rejects every kind of broken
 * file with the right file name, line and reason, loads a good one with the
 * right values; the error metric and the checker behave as FORMAT.md says.
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
#include "optbench.h"
#include "test_util.h"

/* ---- assertions: tests/check.h (CHECK0(cond, fmt, ...)) ------------------ */

#define CHECK0(cond) CHECK(cond, "%s", "")

/* ---- files -------------------------------------------------------------- */

static char written[128][600]; /* files to remove at the end */
static int nwritten;

/* gt_write, remembering the path for the cleanup at the end */
static const char *write_file(const char *name, const char *text, size_t len) {
  const char *path = gt_write(name, text, len);
  if (nwritten < 128)
    snprintf(written[nwritten++], sizeof written[0], "%s", path);
  return path;
}

static size_t count_lines(const char *text) {
  size_t n = 0;
  for (; *text; text++)
    n += *text == '\n';
  return n;
}

/* The load of `text` must fail with "PATH:LINE: ..." containing `reason`. */
static void expect_reject_(const char *name, const char *text, size_t len, size_t line,
                           const char *reason, const char *file, int srcline) {
  const char *path = write_file(name, text, len);
  char want[700];
  snprintf(want, sizeof want, "%s:%zu: ", path, line);
  gf_file f;
  char err[512];
  int r = gf_load(path, &f, err, sizeof err);
  ob_checks++;
  int ok = r == -1 && strncmp(err, want, strlen(want)) == 0 && strstr(err, reason) != NULL &&
           f.ncases == 0 && f.cases == NULL;
  if (!ok) {
    ob_failures++;
    fprintf(stderr,
            "%s:%d: check failed: %s must be rejected\n    want: %s...%s...\n    got:  %s\n", file,
            srcline, name, want, reason, r == 0 ? "(loaded)" : err);
  }
  gf_free(&f);
}
#define EXPECT_REJECT(name, text, line, reason)                                                    \
  expect_reject_(name, text, strlen(text), line, reason, __FILE__, __LINE__)

/* ---- the good files ------------------------------------------------------ */

/* SGD, lr = 1/4: every result is exact in float32, so every correct variant
 * has error 0; includes Inf, NaN, a negative zero and an empty case. */
static const char good_sgd[] = "optbench-golden 1\n"
                               "# a comment after the version line\n"
                               "algo sgd\n"
                               "states 0\n"
                               "cases 2\n"
                               "case basic\n"
                               "note five elements: exact, inf, nan, -0\n"
                               "n 5\n"
                               "steps 1\n"
                               "grad data\n"
                               "init p 0x1p+0 -0x1p+1 inf 0x1p+0 -0x0p+0\n"
                               "step 1\n"
                               "hp 0x1p-2 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0\n"
                               "t 1\n"
                               "g 0x1p-1 0x1p+2 0x1p+0 nan 0x0p+0\n"
                               "out p\n"
                               "0x1.cp-1 0x1.cp-1 0x1p+0\n"
                               "-0x1.8p+1 -0x1.8p+1 0x1p+1\n"
                               "inf inf 0x1p-2\n"
                               "nan nan 0x1p+0\n"
                               "-0x0p+0 -0x0p+0 0x0p+0\n"
                               "# comments may appear anywhere\n"
                               "end\n"
                               "case empty\n"
                               "note n = 0\n"
                               "n 0\n"
                               "steps 1\n"
                               "grad data\n"
                               "init p\n"
                               "step 1\n"
                               "hp 0x1.47ae14p-7 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0\n"
                               "t 1\n"
                               "g\n"
                               "out p\n"
                               "end\n";

/* Momentum on the book's f(x, y) = x^2/20 + y^2 from (10, 2), lr = 5,
 * momentum = 1/2: x goes 10 -> 5 -> 0, every value exact in float32. */
static const char good_momentum[] = "optbench-golden 1\n"
                                    "algo momentum\n"
                                    "states 1\n"
                                    "cases 1\n"
                                    "case book_quadratic\n"
                                    "note x: 10 -> 5 -> 0, y: 2 -> -18 -> 152\n"
                                    "n 2\n"
                                    "steps 2\n"
                                    "grad quadratic\n"
                                    "init p 0x1.4p+3 0x1p+1\n"
                                    "init s0 0x0p+0 0x0p+0\n"
                                    "step 1\n"
                                    "hp 0x1.4p+2 0x1p-1 0x0p+0 0x0p+0 0x0p+0 0x0p+0\n"
                                    "t 1\n"
                                    "g 0x1p+0 0x1p+2\n"
                                    "out p\n"
                                    "0x1.4p+2 0x1.4p+2 0x1.4p+3\n"
                                    "-0x1.2p+4 -0x1.2p+4 0x1.4p+4\n"
                                    "out s0\n"
                                    "-0x1.4p+2 -0x1.4p+2 0x1.4p+2\n"
                                    "-0x1.4p+4 -0x1.4p+4 0x1.4p+4\n"
                                    "step 2\n"
                                    "hp 0x1.4p+2 0x1p-1 0x0p+0 0x0p+0 0x0p+0 0x0p+0\n"
                                    "t 2\n"
                                    "g 0x1p-1 -0x1.2p+5\n"
                                    "out p\n"
                                    "0x0p+0 0x0p+0 0x1.4p+2\n"
                                    "0x1.3p+7 0x1.3p+7 0x1.68p+7\n"
                                    "out s0\n"
                                    "-0x1.4p+2 -0x1.4p+2 0x1.4p+1\n"
                                    "0x1.54p+7 0x1.54p+7 0x1.68p+7\n"
                                    "end\n";

/* Version 2: SGD with weight decay. p = 2, g = 1, lr = 1/4, weight_decay =
 * 1/8, decoupled_decay = 1/2: p' = 2 - (1/8)*2 = 7/4, g' = 1 + (1/8)*2 =
 * 5/4, p = 7/4 - (1/4)*(5/4) = 23/16; scale max(max(2, 1/4), (1/4)*max(1, 1/4)). */
static const char good_v2[] = "optbench-golden 2\n"
                              "algo sgd\n"
                              "states 0\n"
                              "cases 1\n"
                              "case decay\n"
                              "note both decays, exact in float32\n"
                              "n 1\n"
                              "steps 1\n"
                              "grad data\n"
                              "init p 0x1p+1\n"
                              "step 1\n"
                              "hp 0x1p-2 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x1p-3 0x1p-1\n"
                              "t 1\n"
                              "g 0x1p+0\n"
                              "out p\n"
                              "0x1.7p+0 0x1.7p+0 0x1p+1\n"
                              "end\n";

/* Version 3: cases outside the domain. Nesterov with lr = 3e38 (in float32
 * 0x1.c363ccp+127): (1+momentum)*lr overflows, the step must be refused; the
 * exact p = 1, v = 0 (g = v = 0). The second case is `outside unbounded`
 * with a deliberately wrong exact value (32 for p = 1): values are not checked
 * there. */
static const char good_v3[] = "optbench-golden 3\n"
                              "algo nesterov\n"
                              "states 1\n"
                              "cases 2\n"
                              "case refused\n"
                              "note (1+momentum)*lr overflows\n"
                              "outside refused\n"
                              "n 1\n"
                              "steps 1\n"
                              "grad data\n"
                              "init p 0x1p+0\n"
                              "init s0 0x0p+0\n"
                              "step 1\n"
                              "hp 0x1.c363ccp+127 0x1.ccccccp-1 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0 "
                              "0x0p+0\n"
                              "t 1\n"
                              "g 0x0p+0\n"
                              "out p\n"
                              "0x1p+0 0x1p+0 0x1p+0\n"
                              "out s0\n"
                              "0x0p+0 0x0p+0 0x0p+0\n"
                              "end\n"
                              "case wild\n"
                              "note values unchecked\n"
                              "outside unbounded\n"
                              "n 1\n"
                              "steps 1\n"
                              "grad data\n"
                              "init p 0x1p+0\n"
                              "init s0 0x0p+0\n"
                              "step 1\n"
                              "hp 0x1p+0 0x1.ccccccp-1 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0\n"
                              "t 1\n"
                              "g 0x0p+0\n"
                              "out p\n"
                              "0x1p+5 0x1p+5 0x1p+5\n"
                              "out s0\n"
                              "0x0p+0 0x0p+0 0x0p+0\n"
                              "end\n";

static int same(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_good(void) {
  char err[512] = "";
  gf_file f;
  const char *path = write_file("sgd.txt", good_sgd, strlen(good_sgd));
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  CHECK0(f.algo == (ob_algo)ob_algo_from_name("sgd"));
  CHECK0(f.states == 0);
  CHECK0(f.algo_line == 3);
  CHECK0(f.path && strcmp(f.path, path) == 0);
  CHECK0(f.ncases == 2);
  if (f.ncases == 2) {
    const gf_case *c = &f.cases[0];
    CHECK0(strcmp(c->id, "basic") == 0);
    CHECK0(strcmp(c->note, "five elements: exact, inf, nan, -0") == 0);
    CHECK0(c->n == 5 && c->steps == 1 && c->grad == GF_GRAD_DATA && c->line == 6);
    CHECK0(c->init[GF_P][0] == 1.0f && c->init[GF_P][1] == -2.0f && isinf(c->init[GF_P][2]));
    CHECK0(same(c->init[GF_P][4], -0.0f));
    CHECK0(c->init[GF_S0] == NULL && c->init[GF_S1] == NULL);
    const gf_step *s = &c->step[0];
    CHECK0(s->line == 12 && s->t == 1);
    CHECK0(s->hp.lr == 0.25f && s->hp.momentum == 0 && s->hp.eps == 0);
    CHECK0(s->g[0] == 0.5f && s->g[1] == 4.0f && isnan(s->g[3]) && same(s->g[4], 0.0f));
    CHECK0(s->out[GF_P].exact[0] == 0.875 && s->out[GF_P].rounded[0] == 0.875f);
    CHECK0(s->out[GF_P].scale[1] == 2.0 && s->out[GF_P].exact[1] == -3.0);
    CHECK0(isinf(s->out[GF_P].rounded[2]) && s->out[GF_P].rounded[2] > 0);
    CHECK0(isnan(s->out[GF_P].exact[3]) && isnan(s->out[GF_P].rounded[3]));
    CHECK0(same(s->out[GF_P].rounded[4], -0.0f) && signbit(s->out[GF_P].exact[4]));
    CHECK0(s->out[GF_S0].exact == NULL && s->out[GF_S1].rounded == NULL);
    const gf_case *e = &f.cases[1];
    CHECK0(strcmp(e->id, "empty") == 0 && e->n == 0 && e->init[GF_P] == NULL);
    CHECK0(e->step[0].g == NULL && e->step[0].out[GF_P].exact == NULL);
    CHECK0(e->step[0].hp.lr == 0.01f);
  }
  gf_free(&f);
  CHECK0(f.cases == NULL && f.ncases == 0 && f.path == NULL);
  gf_free(&f); /* twice is harmless */

  path = write_file("v2.txt", good_v2, strlen(good_v2));
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  CHECK0(f.version == 2 && f.ncases == 1);
  if (f.ncases == 1) {
    const gf_step *s = &f.cases[0].step[0];
    CHECK0(s->hp.lr == 0.25f && s->hp.weight_decay == 0.125f && s->hp.decoupled_decay == 0.5f);
    CHECK0(s->out[GF_P].exact[0] == 1.4375);
  }
  gf_free(&f);

  path = write_file("momentum.txt", good_momentum, strlen(good_momentum));
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  CHECK0(f.version == 1 && f.states == 1 && f.ncases == 1);
  if (f.ncases == 1) {
    const gf_case *c = &f.cases[0];
    CHECK0(c->grad == GF_GRAD_QUADRATIC && c->steps == 2 && c->n == 2);
    CHECK0(c->init[GF_S0][0] == 0 && c->init[GF_S0][1] == 0);
    CHECK0(c->step[1].t == 2 && c->step[1].g[1] == -36.0f);
    CHECK0(c->step[1].out[GF_S0].exact[1] == 170.0 && c->step[1].out[GF_S0].scale[1] == 180.0);
    CHECK0(c->step[1].out[GF_P].rounded[1] == 152.0f);
  }
  gf_free(&f);
}

/* ---- the bad files ------------------------------------------------------- */

static void reject_replaced(const char *name, const char *good, const char *from, const char *to,
                            const char *at_line_of, const char *reason, int line_offset,
                            const char *file, int srcline) {
  char *text = gt_replace(good, from, to);
  size_t line = gt_line_of(text, at_line_of) + (size_t)line_offset;
  expect_reject_(name, text, strlen(text), line, reason, file, srcline);
  free(text);
}
/* Replace `from` by `to` in the good file; the error must be on the line
 * holding `at` (+ off) and contain `reason`. */
#define REJECT(name, good, from, to, at, off, reason)                                              \
  reject_replaced(name, good, from, to, at, reason, off, __FILE__, __LINE__)

static void test_bad(void) {
  const char *S = good_sgd, *M = good_momentum, *V2 = good_v2, *V3 = good_v3;

  /* the version line */
  REJECT("version4.txt", S, "optbench-golden 1", "optbench-golden 4", "optbench-golden", 0,
         "unknown format version '4' (this reader knows 1 to 3)");
  REJECT("noversion.txt", S, "optbench-golden 1\n", "", "# a comment", 0,
         "expected version line 'optbench-golden 3'");
  REJECT("commentfirst.txt", S, "optbench-golden 1\n", "# hi\noptbench-golden 1\n", "# hi", 0,
         "expected version line");
  EXPECT_REJECT("empty.txt", "", 1, "empty file");

  /* version 3's `outside` line: one of two words, right after the note */
  REJECT("outside_word.txt", V3, "outside refused", "outside maybe", "outside maybe", 0,
         "expected 'outside refused' or 'outside unbounded'");
  REJECT("outside_v2.txt", V3, "optbench-golden 3", "optbench-golden 2", "outside refused", 0,
         "expected 'n' in case 'refused', found 'outside'");

  /* header */
  REJECT("algo.txt", S, "algo sgd", "algo adamw", "algo adamw", 0, "unknown algorithm 'adamw'");
  REJECT("states.txt", S, "states 0", "states 1", "states 1", 0,
         "states 1 does not match algorithm 'sgd', which has 0");
  REJECT("states_m.txt", M, "states 1", "states 2", "states 2", 0, "does not match");
  {
    char *t = gt_replace(S, "cases 2", "cases 3");
    expect_reject_("cases_more.txt", t, strlen(t), count_lines(t),
                   "file has 2 cases, but line 5 says 'cases 3'", __FILE__, __LINE__);
    free(t);
  }
  REJECT("cases_fewer.txt", S, "cases 2", "cases 1", "case empty", 0, "more cases than line 5");
  REJECT("casesbad.txt", S, "cases 2", "cases two", "cases two", 0, "not a non-negative decimal");

  /* values */
  REJECT("count_g.txt", S, "g 0x1p-1 0x1p+2 0x1p+0 nan 0x0p+0", "g 0x1p-1 0x1p+2 0x1p+0 nan",
         "g 0x1p-1", 0, "expected 5 values after 'g', found 4");
  REJECT("count_init.txt", S, "init p 0x1p+0 -0x1p+1 inf 0x1p+0 -0x0p+0",
         "init p 0x1p+0 -0x1p+1 inf 0x1p+0 -0x0p+0 0x1p+0", "init p", 0,
         "expected 5 values after 'init p', found 6");
  REJECT("count_hp.txt", S, "hp 0x1p-2 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0",
         "hp 0x1p-2 0x0p+0 0x0p+0 0x0p+0 0x0p+0", "hp 0x1p-2", 0,
         "expected 6 values after 'hp' (format version 1), found 5");
  /* version 2 needs the two decays; a version 1 file must not have them */
  REJECT("v2_hp6.txt", S, "optbench-golden 1", "optbench-golden 2", "hp 0x1p-2", 0,
         "expected 8 values after 'hp' (format version 2), found 6");
  REJECT("v1_hp8.txt", S, "hp 0x1p-2 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0",
         "hp 0x1p-2 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0", "hp 0x1p-2", 0,
         "expected 6 values after 'hp' (format version 1), found 8");
  REJECT("v2_wd.txt", V2, "0x1p-3 0x1p-1\nt 1", "0x1.99999999999ap-4 0x1p-1\nt 1", "hp 0x1p-2", 0,
         "weight_decay '0x1.99999999999ap-4' is not exactly representable as float32");
  REJECT("count_elem.txt", S, "-0x1.8p+1 -0x1.8p+1 0x1p+1", "-0x1.8p+1 -0x1.8p+1", "-0x1.8p+1", 0,
         "expected 3 values (exact rounded scale) for element 2 of 5");
  REJECT("corrupt.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.gp-1 0x1.cp-1 0x1p+0", "0x1.gp-1", 0,
         "exact '0x1.gp-1' is not a hex float (as %a prints)");
  REJECT("corrupt_exp.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 0x1p+", "0x1p+\n", 0,
         "scale '0x1p+' is not a hex float");
  REJECT("corrupt_digit.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 0x1cp+0", "0x1cp+0",
         0, "scale '0x1cp+0' is not a hex float");
  REJECT("corrupt_lead.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x01.cp-1 0x1p+0",
         "0x01.cp-1", 0, "rounded '0x01.cp-1' is not a hex float");
  REJECT("unnormal.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 0x0.8p+1", "0x0.8p+1", 0,
         "scale '0x0.8p+1' is not normalised");
  REJECT("upper.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0X1.Cp-1 0x1.cp-1 0x1p+0", "0X1.Cp-1", 0,
         "exact '0X1.Cp-1' is not a hex float");
  REJECT("corrupt2.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 1.0", "0x1.cp-1 1.0", 0,
         "scale '1.0' is not a hex float");
  REJECT("decimal.txt", S, "g 0x1p-1 0x1p+2", "g 0.5 0x1p+2", "g 0.5", 0,
         "value 1 of 'g' '0.5' is not a hex float");
  REJECT("nannan.txt", S, "nan nan 0x1p+0", "nan -nan 0x1p+0", "-nan", 0,
         "rounded '-nan' is not a hex float (as %a prints), inf, -inf or nan");
  REJECT("float32.txt", S, "init p 0x1p+0 -0x1p+1", "init p 0x1.000001p+0 -0x1p+1", "init p", 0,
         "'0x1.000001p+0' is not exactly representable as float32");
  REJECT("float32_hp.txt", S, "hp 0x1p-2 ", "hp 0x1.99999999999ap-4 ", "hp 0x1.9", 0,
         "lr '0x1.99999999999ap-4' is not exactly representable as float32");
  REJECT("float32_big.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1p+128 0x1p+0", "0x1p+128",
         0, "rounded '0x1p+128' is not exactly representable as float32");
  REJECT("rounded.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.c8p-1 0x1p+0", "0x1.c8p-1", 0,
         "is not exact 0x1.cp-1 rounded to float32");
  REJECT("scale.txt", S, "0x1.cp-1 0x1.cp-1 0x1p+0", "0x1.cp-1 0x1.cp-1 inf", "0x1.cp-1 inf", 0,
         "scale inf must be finite");
  REJECT("t0.txt", S, "t 1\ng 0x1p-1", "t 0\ng 0x1p-1", "t 0", 0, "t must be >= 1");
  REJECT("n_big.txt", S, "n 5", "n 16777217", "n 16777217", 0, "n 16777217 is too large");
  REJECT("n_neg.txt", S, "n 5", "n -5", "n -5", 0, "'-5' is not a non-negative decimal");

  /* structure */
  REJECT("order.txt", M, "step 2", "step 3", "step 3", 0,
         "steps out of order: expected 'step 2', found 'step 3'");
  REJECT("noend.txt", S, "end\ncase empty", "case empty", "case empty", 0,
         "expected 'end' of case 'basic', found 'case empty'");
  REJECT("extrastep.txt", M, "steps 2", "steps 1", "step 2", 0,
         "expected 'end' of case 'book_quadratic' after 1 steps, found 'step 2'");
  REJECT("dup.txt", S, "case empty", "case basic", "case basic\nnote n", 0,
         "duplicate case id 'basic' (first at line 6)");
  REJECT("badid.txt", S, "case empty", "case Empty", "case Empty", 0, "one id of [a-z0-9_]+");
  REJECT("nos0.txt", M, "init s0 0x0p+0 0x0p+0\n", "", "step 1", 0,
         "expected 'init s0' in case 'book_quadratic', found 'step 1'");
  REJECT("noout.txt", M, "out s0\n-0x1.4p+2 -0x1.4p+2 0x1.4p+2\n-0x1.4p+4 -0x1.4p+4 0x1.4p+4\n", "",
         "step 2", 0, "expected 'out s0' (step 1 of case 'book_quadratic'), found 'step 2'");
  REJECT("grad.txt", S, "grad data", "grad random", "grad random", 0, "'grad data' or");
  REJECT("quad_n.txt", S, "grad data", "grad quadratic", "grad quadratic", 0,
         "grad quadratic needs n = 2");
  REJECT("quad_g.txt", M, "g 0x1p-1 -0x1.2p+5", "g 0x1p-1 -0x1.1p+5", "g 0x1p-1", 0,
         "grad quadratic: g[1] is -0x1.1p+5, but 2*y of the step's input is -0x1.2p+5");
  REJECT("trailing.txt", S, "out p\nend\n", "out p\nend\ngarbage\n", "garbage", 0,
         "trailing data after the last case: 'garbage'");
  REJECT("blank.txt", S, "states 0\n", "states 0\n\n", "cases 2", -1, "blank line");
  REJECT("space.txt", S, "n 5", "n 5 ", "n 5", 0, "empty field");
  REJECT("double_space.txt", S, "n 5", "n  5", "n  5", 0, "empty field");
  REJECT("crlf.txt", S, "n 5\n", "n 5\r\n", "n 5", 0, "control or non-ASCII byte 0x0d");
  REJECT("tab.txt", S, "n 5", "n\t5", "n\t5", 0, "control or non-ASCII byte 0x09");
  REJECT("note.txt", S, "note n = 0", "nota n = 0", "nota", 0, "expected 'note <text>'");

  /* truncation: mid-case, mid-line, at every line */
  {
    size_t len = strlen(S);
    const char *cut = strstr(S, "out p\n") + strlen("out p\n"); /* after 'out p' of case 1 */
    size_t lines = count_lines(S) - count_lines(cut);
    expect_reject_("cut_case.txt", S, (size_t)(cut - S), lines,
                   "unexpected end of file: expected "
                   "element 1 of 5 of 'out p'",
                   __FILE__, __LINE__);
    const char *mid = strstr(S, "-0x1.8p+1 -0x1.8p+1") + 12; /* inside an element line */
    lines = count_lines(S) - count_lines(mid) + 1;
    expect_reject_("cut_line.txt", S, (size_t)(mid - S), lines, "last line has no newline",
                   __FILE__, __LINE__);
    expect_reject_("cut_end.txt", S, len - 1, count_lines(S), "last line has no newline", __FILE__,
                   __LINE__);
    /* every proper prefix ending at a line boundary is rejected */
    int all = 1;
    for (size_t i = 0; i + 1 < len; i++) {
      if (S[i] != '\n')
        continue;
      const char *path = write_file("prefix.txt", S, i + 1);
      gf_file f;
      char err[512];
      if (gf_load(path, &f, err, sizeof err) == 0 || !strstr(err, "prefix.txt:")) {
        fprintf(stderr, "    prefix of %zu bytes: %s\n", i + 1, err);
        all = 0;
      }
      gf_free(&f);
    }
    CHECK0(all);
    nwritten--; /* prefix.txt written many times */
  }

  /* a file that is not there */
  {
    char path[600];
    snprintf(path, sizeof path, "%s/none.txt", gt_dir);
    gf_file f;
    char err[512];
    CHECK0(gf_load(path, &f, err, sizeof err) == -1);
    CHECK(strstr(err, "none.txt:0: cannot open") != NULL, "%s", err);
    /* a tiny error buffer is truncated, not overrun */
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK0(gf_load(path, &f, small, 5) == -1 && small[4] == '\0' && small[5] == 'x');
    CHECK0(gf_load(path, &f, NULL, 0) == -1);
  }
}

/* ---- the metric ----------------------------------------------------------- */

static void test_metric(void) {
  CHECK0(gc_ulp(1.0) == 0x1p-23);
  CHECK0(gc_ulp(1.99) == 0x1p-23);
  CHECK0(gc_ulp(2.0) == 0x1p-22);
  CHECK0(gc_ulp(-3.0) == 0x1p-22);
  CHECK0(gc_ulp(0x1p-126) == 0x1p-149);
  CHECK0(gc_ulp(0x1.8p-126) == 0x1p-149);
  CHECK0(gc_ulp(0x1p-127) == 0x1p-149);
  CHECK0(gc_ulp(0.0) == 0x1p-149);
  CHECK0(gc_ulp(FLT_MAX) == 0x1p+104);
  CHECK0(gc_ulp(0x1p+200) == 0x1p+177); /* scales may exceed the float range */

  /* plain errors */
  CHECK0(gc_scale_ulps(1.0f, 1.0, 1.0f, 0.0) == 0);
  CHECK0(gc_scale_ulps(1.0f + 0x1p-23f, 1.0, 1.0f, 0.5) == 1.0);
  CHECK0(gc_scale_ulps(1.0f, 1.0 + 0x1p-24, 1.0f, 0.0) == 0.5);
  /* the scale, not |exact|, sets the unit under cancellation */
  CHECK0(gc_scale_ulps(0.0f, 0x1p-24, 0x1p-24f, 1.0) == 0.5);
  CHECK0(gc_scale_ulps(0x1p-24f, 0x1p-24, 0x1p-24f, 1.0) == 0);
  CHECK0(gc_scale_ulps(0x1.000002p-24f, 0x1p-24, 0x1p-24f, 4.0) == 0x1p-47 / 0x1p-21);
  /* subnormals: the unit is 2^-149 */
  CHECK0(gc_scale_ulps(0x1p-148f, 0x1.8p-148, 0x1p-147f, 0.0) == 1.0);
  /* specials */
  CHECK0(gc_scale_ulps(NAN, NAN, NAN, NAN) == 0);
  CHECK0(gc_scale_ulps(-NAN, NAN, NAN, 0.0) == 0);
  CHECK0(isinf(gc_scale_ulps(1.0f, NAN, NAN, 0.0)));
  CHECK0(isinf(gc_scale_ulps(NAN, 1.0, 1.0f, 1.0)));
  CHECK0(gc_scale_ulps(INFINITY, INFINITY, INFINITY, 1.0) == 0);
  CHECK0(gc_scale_ulps(INFINITY, 0x1.ffffffp+127, INFINITY, 1.0) == 0);
  CHECK0(isinf(gc_scale_ulps(-INFINITY, INFINITY, INFINITY, 1.0)));
  CHECK0(isinf(gc_scale_ulps(FLT_MAX, INFINITY, INFINITY, 1.0)));
  CHECK0(isinf(gc_scale_ulps(INFINITY, FLT_MAX, FLT_MAX, 1.0)));
  CHECK0(isinf(gc_scale_ulps(NAN, INFINITY, INFINITY, 1.0)));
  /* zeros keep their sign */
  CHECK0(gc_scale_ulps(-0.0f, -0.0, -0.0f, 1.0) == 0);
  CHECK0(gc_scale_ulps(0.0f, 0.0, 0.0f, 1.0) == 0);
  CHECK0(isinf(gc_scale_ulps(0.0f, -0.0, -0.0f, 1.0)));
  CHECK0(isinf(gc_scale_ulps(-0.0f, 0.0, 0.0f, 1.0)));
  /* a nonzero result where the exact one is zero is measured (an FMA variant
   * may leave a tiny residue where rounded operations cancel exactly) */
  CHECK0(gc_scale_ulps(0x1p-149f, 0.0, 0.0f, 1.0) == 0x1p-149 / 0x1p-23);
  CHECK0(gc_scale_ulps(0x1p-20f, 0.0, 0.0f, 1.0) == 8.0);
  /* an underflow to zero is measured, either sign of zero */
  CHECK0(gc_scale_ulps(0.0f, 0x1p-160, 0.0f, 0.0) == 0x1p-160 / 0x1p-149);
  CHECK0(gc_scale_ulps(-0.0f, 0x1p-160, 0.0f, 0.0) == 0x1p-160 / 0x1p-149);
}

/* ---- the checker, on the library's scalar variant -------------------------- */

/* Runs every case of f on v; the worst failure, described, in buf. */
static long run_file_described(const gf_file *f, const ob_variant *v, gc_stats *st, char *buf,
                               size_t len) {
  gc_stats_init(st);
  const long r = gc_run_file(f, v, NULL, st);
  gc_format_failure(&st->worst, f, v, "    ", buf, len);
  return r;
}

static void test_checker(void) {
  const ob_variant *v = ob_variant_find("scalar");
  if (!v)
    v = ob_variant_at(0);
  CHECK0(v != NULL && ob_variant_supported(v));
  if (!v)
    return;
  char err[512] = "";
  gf_file f;
  const char *path = write_file("sgd.txt", good_sgd, strlen(good_sgd));
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  for (size_t off = 0; off <= GC_MAX_OFFSET; off++) {
    gc_options opt = gc_default_options();
    opt.offset = off;
    gc_stats st;
    gc_stats_init(&st);
    long r = gc_run_file(&f, v, &opt, &st);
    char buf[2048];
    gc_format_failure(&st.worst, &f, v, "    ", buf, sizeof buf);
    CHECK(r == 0 && st.cases_run == 2 && st.cases_passed == 2, "offset %zu:\n%s", off, buf);
    CHECK0(st.elements == 5 && st.finite == 3 && st.max_err == 0 && gc_mean_err(&st) == 0);
    CHECK0(st.bound == ob_error_bound(f.algo, v));
  }
  gf_free(&f);

  /* version 2: both decays, every intermediate exact in float32 */
  path = write_file("v2.txt", good_v2, strlen(good_v2));
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  {
    gc_stats st;
    char buf[2048];
    const long r = run_file_described(&f, v, &st, buf, sizeof buf);
    CHECK(r == 0 && st.cases_passed == 1 && st.max_err == 0, "%s", buf);
  }
  gf_free(&f);

  /* own-state mode, grad quadratic */
  path = write_file("momentum.txt", good_momentum, strlen(good_momentum));
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  {
    gc_stats st;
    gc_stats_init(&st);
    gc_options opt = gc_default_options();
    opt.offset = 3;
    long r = gc_run_file(&f, v, &opt, &st);
    char buf[2048];
    gc_format_failure(&st.worst, &f, v, "    ", buf, sizeof buf);
    CHECK(r == 0 && st.cases_passed == 1, "%s", buf);
    CHECK0(st.elements == 16 && st.own_elements == 8); /* 2 steps x 2 arrays x 2, both modes */
  }
  gf_free(&f);

  /* version 3: a refused case passes when ob_step refuses it with nothing
   * changed, an unbounded one whatever its values; marking a case that the
   * library accepts as refused fails */
  path = write_file("v3.txt", good_v3, strlen(good_v3));
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  CHECK0(f.version == 3 && f.ncases == 2);
  if (f.ncases == 2) {
    CHECK0(f.cases[0].domain == GF_REFUSED && f.cases[1].domain == GF_UNBOUNDED);
    gc_stats st;
    char buf[2048];
    const long r = run_file_described(&f, v, &st, buf, sizeof buf);
    CHECK(r == 0 && st.cases_passed == 2 && st.failed_elements == 0, "%s", buf);
  }
  gf_free(&f);
  {
    char *t = gt_replace(good_v3, "outside unbounded", "outside refused");
    path = write_file("v3_accepted.txt", t, strlen(t));
    free(t);
    CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
    gc_stats st;
    char buf[2048];
    CHECK0(run_file_described(&f, v, &st, buf, sizeof buf) == 1 && st.other_failures == 1);
    CHECK(strstr(buf, "outside refused: ob_step returned 0") != NULL, "%s", buf);
    gf_free(&f);
  }

  /* a wrong exact value is found and described */
  char *bad =
      gt_replace(good_sgd, "-0x1.8p+1 -0x1.8p+1 0x1p+1", "-0x1.80001p+1 -0x1.80001p+1 0x1p+1");
  path = write_file("sgd_wrong.txt", bad, strlen(bad));
  size_t case_line = gt_line_of(bad, "case basic"), step_line = gt_line_of(bad, "step 1");
  size_t elem_line = gt_line_of(bad, "-0x1.80001p+1");
  free(bad);
  CHECK(gf_load(path, &f, err, sizeof err) == 0, "%s", err);
  {
    gc_stats st;
    gc_stats_init(&st);
    gc_options opt = gc_default_options();
    opt.offset = 5;
    long r = gc_run_file(&f, v, &opt, &st);
    CHECK0(r == 1 && st.cases_run == 2 && st.cases_passed == 1 && st.failed_elements == 1);
    const gc_failure *w = &st.worst;
    CHECK0(w->set && strcmp(w->case_id, "basic") == 0 && w->step == 1 && w->array == GF_P);
    CHECK0(w->index == 1 && w->got == -3.0f && w->err == 8.0 && w->offset == 5);
    CHECK0(w->case_line == case_line && w->step_line == step_line && w->elem_line == elem_line);
    CHECK0(w->in[0] == -2.0f && w->in[1] == 4.0f);
    CHECK0(memcmp(&st.first, &st.worst, sizeof st.first) == 0);
    char buf[2048];
    gc_format_failure(w, &f, v, "  ", buf, sizeof buf);
    CHECK(strstr(buf, "case 'basic' step 1") && strstr(buf, "p[1]: got -0x1.8p+1") &&
              strstr(buf, "err 8.000"),
          "%s", buf);
    printf("a deliberate failure, as reported:\n%s\n", buf);
    /* an explicit bound overrides the library's */
    gc_stats_init(&st);
    opt.bound = 8.0;
    CHECK0(gc_run_file(&f, v, &opt, &st) == 0 && st.max_err == 8.0);
  }
  gf_free(&f);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    snprintf(gt_dir, sizeof gt_dir, "%s", argv[1]);
    mkdir(gt_dir, 0777); /* may exist */
  } else {
    if (tu_temp_dir(gt_dir, sizeof gt_dir, "test_golden_reader") < 0) {
      perror("scratch directory");
      return 1;
    }
  }
  test_good();
  test_bad();
  test_metric();
  test_checker();
  for (int i = 0; i < nwritten; i++)
    remove(written[i]);
  char prefix[600];
  snprintf(prefix, sizeof prefix, "%s/prefix.txt", gt_dir);
  remove(prefix);
  if (argc <= 1)
    rmdir(gt_dir);
  return ob_test_done("test_golden_reader");
}
