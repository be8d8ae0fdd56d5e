/* test_golden_kernels - the reader of the layer kernels' golden files
 * (golden/FORMAT.md, version 4: the layer kernels' records) loads a good file with the right
 * values and rejects every kind of broken one with the file, the line and
 * what is wrong; the checker runs a good file on the scalar variant with no
 * error and reports wrong values, missing and unused records.
 *
 * usage: test_golden_kernels [TMPDIR]   (default: a new directory in /tmp)
 */
#define _POSIX_C_SOURCE 200809L

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

#define CHECK0(cond) CHECK(cond, "%s", "")

/* Dropout, every result exact in float32 (inverted test y = x; book backward
 * dx = dout*bit), so every correct variant has error 0. The mask 0x2d 0x02 is
 * bits 0, 2, 3, 5 and 9 of 10. */
static const char good[] =
    "optbench-golden 4\n"
    "# a comment\n"
    "family dropout\n"
    "cases 3\n"
    "case test_inv\n"
    "note inverted test forward: y = x, specials included\n"
    "op dropout_test\n"
    "word kind inverted\n"
    "float ratio 0x1p-1\n"
    "in x 5 0x1p+0 -0x0p+0 inf nan 0x1p-149\n"
    "out y 5\n"
    "0x1p+0 0x1p+0 0x1p+0\n"
    "-0x0p+0 -0x0p+0 0x0p+0\n"
    "inf inf 0x0p+0\n"
    "nan nan 0x0p+0\n"
    "0x1p-149 0x1p-149 0x1p-149\n"
    "end\n"
    "case back_book\n"
    "note book backward: dx = dout*bit, a dropped -x gives -0\n"
    "op dropout_backward\n"
    "word kind book\n"
    "float ratio 0x1p-1\n"
    "mask mask 10 2d02\n"
    "in dout 10 0x1p+0 -0x1p+0 0x1.8p+1 -0x1p-3 0x1p+2 0x1p+3 -0x1p+0 0x1p+0 0x1p+0 -0x1p+1\n"
    "out dx 10\n"
    "0x1p+0 0x1p+0 0x1p+0\n"
    "-0x0p+0 -0x0p+0 0x0p+0\n"
    "0x1.8p+1 0x1.8p+1 0x1.8p+1\n"
    "-0x1p-3 -0x1p-3 0x1p-3\n"
    "0x0p+0 0x0p+0 0x0p+0\n"
    "0x1p+3 0x1p+3 0x1p+3\n"
    "-0x0p+0 -0x0p+0 0x0p+0\n"
    "0x0p+0 0x0p+0 0x0p+0\n"
    "0x0p+0 0x0p+0 0x0p+0\n"
    "-0x1p+1 -0x1p+1 0x1p+1\n"
    "end\n"
    "case empty\n"
    "note n = 0\n"
    "op dropout_test\n"
    "word kind book\n"
    "float ratio 0x0p+0\n"
    "in x 0\n"
    "out y 0\n"
    "end\n";

static void test_good(void) {
  char err[512] = "";
  gd_file f;
  const char *path = gt_write("dropout.txt", good, strlen(good));
  CHECK(gd_load(path, &f, err, sizeof err) == 0, "%s", err);
  CHECK0(f.ncases == 3 && f.family && !strcmp(f.family, "dropout") && f.family_line == 3);
  if (f.ncases == 3) {
    const gd_case *c = &f.cases[0];
    CHECK0(!strcmp(c->id, "test_inv") && c->line == 5 &&
           c->op == OB_ALGO_COUNT + OB_OP_DROPOUT_TEST && c->steps == 1);
    const gd_step *s = &c->step[0];
    const gd_record *kind = gd_find(s, GD_WORD, "kind"), *ratio = gd_find(s, GD_FLOAT, "ratio");
    const gd_record *x = gd_find(s, GD_IN, "x"), *y = gd_find(s, GD_OUT, "y");
    CHECK0(s->nrec == 4 && kind && !strcmp(kind->w, "inverted"));
    CHECK0(ratio && ratio->f == 0.5f && ratio->line == 9 && !gd_find(s, GD_INT, "ratio"));
    CHECK0(x && x->n == 5 && isinf(x->v[2]) && signbit(x->v[1]));
    CHECK0(y && y->n == 5 && y->dense && y->line == 11);
    CHECK0(y && y->rounded[4] == 0x1p-149f && isnan(y->exact[3]));
    const gd_record *m = gd_find(&f.cases[1].step[0], GD_MASK, "mask");
    CHECK0(m && m->n == 10 && m->b[0] == 0x2d && m->b[1] == 0x02);
    const gd_record *e = gd_find(&f.cases[2].step[0], GD_IN, "x");
    CHECK0(e && e->n == 0 && e->v == NULL);
  }
  gd_free(&f);
  CHECK0(f.cases == NULL && f.ncases == 0 && f.path == NULL && f.family == NULL);
  gd_free(&f);
}

static void reject_(const char *name, const char *from, const char *to, const char *at, int off,
                    const char *reason, int srcline) {
  char *text = gt_replace(good, from, to);
  size_t line = gt_line_of(text, at) + (size_t)off;
  const char *path = gt_write(name, text, strlen(text));
  char want[700], err[512] = "";
  snprintf(want, sizeof want, "%s:%zu: ", path, line);
  gd_file f;
  int r = gd_load(path, &f, err, sizeof err);
  ob_checks++;
  if (!(r == -1 && !strncmp(err, want, strlen(want)) && strstr(err, reason) && f.ncases == 0)) {
    ob_failures++;
    fprintf(stderr, "%s:%d: %s must be rejected\n    want: %s...%s...\n    got:  %s\n", __FILE__,
            srcline, name, want, reason, r == 0 ? "(loaded)" : err);
  }
  gd_free(&f);
  remove(path);
  free(text);
}
#define REJECT(name, from, to, at, off, reason) reject_(name, from, to, at, off, reason, __LINE__)

static void test_bad(void) {
  /* header */
  REJECT("version.txt", "optbench-golden 4", "optbench-golden 7", "optbench-golden", 0,
         "unknown format version '7' (this reader knows 4)");
  REJECT("ops1.txt", "optbench-golden 4", "optbench-golden-ops 1", "optbench-golden", 0,
         "'optbench-golden-ops 1' is no longer read");
  REJECT("family.txt", "family dropout", "family optim", "family optim", 0,
         "unknown family 'optim' (neither a rule nor a family of layer kernels)");
  REJECT("cases.txt", "cases 3", "cases 4", "n = 0", 6,
         "file has 3 cases, but line 4 says 'cases 4'");
  REJECT("cases_fewer.txt", "cases 3", "cases 2", "case empty", 0, "more cases than line 4");
  /* case head */
  REJECT("op.txt", "op dropout_test\nword kind inverted", "op dropout_eval\nword kind inverted",
         "op dropout_eval", 0, "unknown op 'dropout_eval'");
  REJECT("op_family.txt", "op dropout_test\nword kind inverted",
         "op rand_uniform\nword kind inverted", "op rand_uniform", 0,
         "op 'rand_uniform' belongs to family 'rand', this file is family 'dropout'");
  REJECT("noop.txt", "op dropout_test\nword kind inverted", "word kind inverted", "word kind inv",
         0, "expected 'op' in case 'test_inv', found 'word kind inverted'");
  REJECT("note.txt", "note n = 0", "nota n = 0", "nota", 0, "expected 'note <text>'");
  REJECT("dup_case.txt", "case empty", "case back_book", "case back_book\nnote n", 0,
         "duplicate case id 'back_book' (first at line 18)");
  /* parameters */
  REJECT("int_neg.txt", "float ratio 0x0p+0", "float ratio 0x0p+0\nint seed -1", "int seed", 0,
         "seed '-1' is not a non-negative decimal integer");
  REJECT("int_big.txt", "float ratio 0x0p+0", "float ratio 0x0p+0\nint seed 18446744073709551616",
         "int seed", 0, "seed 18446744073709551616 is too large");
  REJECT("float32.txt", "float ratio 0x1p-1\nin x", "float ratio 0x1.99999999999ap-4\nin x",
         "float ratio 0x1.9", 0, "ratio '0x1.99999999999ap-4' is not exactly representable");
  REJECT("word.txt", "word kind inverted", "word kind Inverted", "word kind", 0,
         "word kind 'Inverted' is not [a-z0-9_]+");
  REJECT("dup_param.txt", "float ratio 0x1p-1\nin x",
         "float ratio 0x1p-1\nfloat ratio 0x1p-2\nin x", "float ratio 0x1p-2", 0,
         "'float ratio': the name 'ratio' is used twice");
  REJECT("param_value.txt", "float ratio 0x1p-1\nin x", "float ratio\nin x", "float ratio\n", 0,
         "expected 'float ratio <value>'");
  REJECT("order.txt", "in x 0\nout y 0", "in x 0\nint seed 1\nout y 0", "int seed", 0,
         "'int seed' out of order: a step lists its parameters");
  REJECT("order_in.txt", "out y 0\nend", "out y 0\nin z 0\nend", "in z", 0, "'in z' out of order");
  REJECT("bogus.txt", "out y 0\nend", "out y 0\nbogus y 0\nend", "bogus", 0,
         "expected step, int, float, word, in, mask, out, outmask or 'end' of case 'empty'");
  /* arrays */
  REJECT("in_count.txt", "in x 5 0x1p+0", "in x 6 0x1p+0", "in x 6", 0,
         "expected 6 values after 'in x', found 5");
  REJECT("in_value.txt", "in x 5 0x1p+0", "in x 5 1.0", "in x 5", 0,
         "value 1 of 'in x' '1.0' is not a hex float");
  REJECT("dup_in.txt", "in x 0\n", "in x 0\nin x 0\n", "in x 0\nin x", 1,
         "'in x': the name 'x' is used twice");
  REJECT("mask_len.txt", "mask mask 10 2d02", "mask mask 10 2d0", "mask mask", 0,
         "mask 'mask' of 10 bits needs 4 hex digits, found 3");
  REJECT("mask_hex.txt", "mask mask 10 2d02", "mask mask 10 2D02", "mask mask", 0,
         "'2D' at byte 0 is not two lowercase hex digits");
  REJECT("mask_tail.txt", "mask mask 10 2d02", "mask mask 10 2d06", "mask mask", 0,
         "bits past 10 in the last byte must be 0");
  REJECT("mask_none.txt", "mask mask 10 2d02", "mask mask 10", "mask mask", 0,
         "expected 'mask <name> <bits> <hex bytes>', found 3 fields");
  REJECT("mask_zero.txt", "mask mask 10 2d02", "mask mask 0 2d02", "mask mask", 0,
         "'mask mask 0' takes no hex bytes");
  REJECT("out_count.txt", "out y 0\nend", "out y 1\nend", "out y 1", 1,
         "expected 3 values (exact rounded scale) for element 1 of 1 of 'out y', found 1");
  REJECT("elem.txt", "0x1p+3 0x1p+3 0x1p+3", "0x1p+3 0x1.000004p+3 0x1p+3", "0x1.000004p+3", 0,
         "rounded 0x1.000004p+3 is not exact 0x1p+3 rounded to float32");
  REJECT("elem_scale.txt", "0x1p+3 0x1p+3 0x1p+3", "0x1p+3 0x1p+3 -0x1p+3", "-0x1p+3", 0,
         "scale -0x1p+3 must be finite and >= 0");
  REJECT("dup_out.txt", "out y 0\nend", "out y 0\nout y 0\nend", "out y 0\nout y 0", 1,
         "'out y': the name 'y' is used twice");
  REJECT("end.txt", "out y 0\nend\n", "out y 0\nend now\n", "end now", 0,
         "'end' takes nothing after it");
  REJECT(
      "noend.txt", "end\ncase empty", "case empty", "case empty", 0,
      "expected step, int, float, word, in, mask, out, outmask or 'end' of case 'back_book', found "
      "'case empty'");
  REJECT("trailing.txt", "out y 0\nend\n", "out y 0\nend\nmore\n", "more", 0,
         "trailing data after the last case: 'more'");
  REJECT("blank.txt", "cases 3\n", "cases 3\n\n", "case test_inv", -1, "blank line");
  {
    char *t = gt_replace(good, "out y 0\nend\n", "out y 0\n");
    const char *path = gt_write("cut.txt", t, strlen(t));
    gd_file f;
    char err[512];
    CHECK0(gd_load(path, &f, err, sizeof err) == -1);
    CHECK(strstr(err, "unexpected end of file: expected 'end' of case 'empty'"), "%s", err);
    remove(path);
    free(t);
  }
  {
    char path[600];
    snprintf(path, sizeof path, "%s/none.txt", gt_dir);
    gd_file f;
    char err[512];
    CHECK0(gd_load(path, &f, err, sizeof err) == -1 && strstr(err, "none.txt:0: cannot open"));
  }
}

/* Runs `text` on the scalar variant; returns the stats. */
static long run_text(const char *name, const char *text, gc_stats *st) {
  const char *path = gt_write(name, text, strlen(text));
  gd_file f;
  char err[512] = "";
  long r = -2;
  gc_stats_init(st);
  if (gd_load(path, &f, err, sizeof err) == 0) {
    const ob_variant *v = ob_variant_find("scalar");
    for (size_t off = 0; off <= 3; off++) {
      gc_options opt = gc_default_options();
      opt.offset = off;
      long k = 0;
      for (gd_op op = 0; op < GD_OP_COUNT; op++)
        k += gc_run_op(&f, op, v, &opt, st);
      r = off == 0 || k > r ? k : r;
    }
  } else {
    fprintf(stderr, "%s\n", err);
  }
  gd_free(&f);
  remove(path);
  return r;
}

static void test_checker(void) {
  gc_stats st;
  long r = run_text("good.txt", good, &st);
  CHECK(r == 0 && st.cases_run == 12 && st.cases_passed == 12 && st.max_err == 0, "%s", st.worst);
  CHECK0(st.elements == 4 * 15 && st.finite == 4 * 13);

  /* a wrong exact value: found, with its line */
  char *t = gt_replace(good, "0x1p+3 0x1p+3 0x1p+3", "0x1.000008p+3 0x1.000008p+3 0x1p+3");
  size_t line = gt_line_of(t, "0x1.000008p+3");
  r = run_text("wrong.txt", t, &st);
  char want[64];
  snprintf(want, sizeof want, "out dx[5] (line %zu): got 0x1p+3", line);
  CHECK(r == 1 && st.failed_elements == 4 && strstr(st.worst, want) &&
            strstr(st.worst, "err 4.000 scale-ULPs > allowed"),
        "%s", st.worst);
  free(t);

  /* a missing parameter, an unused one, a missing output, a wrong count */
  static const struct {
    const char *from, *to, *why;
  } bad[] = {
      {"word kind book\nfloat ratio 0x1p-1\nmask", "word kind book\nmask",
       "the case has no 'float ratio', which op dropout_backward needs"},
      {"float ratio 0x0p+0\n", "float ratio 0x0p+0\nint seed 1\n",
       "op dropout_test does not read 'int seed'"},
      {"in x 0\nout y 0\n", "in x 0\n", "the case has no 'out y', which op dropout_test writes"},
      {"in x 0\nout y 0\n", "in x 0\nin z 0\nout y 0\n", "op dropout_test does not read 'in z'"},
      {"word kind inverted", "word kind sideways", "word kind 'sideways' is not one the library"},
      {"word kind inverted", "int kind 1", "'kind' is int, op dropout_test reads it as word"},
      {"out y 0\nend", "out y 0\nout z 0\nend", "op dropout_test does not write 'out z'"},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    t = gt_replace(good, bad[k].from, bad[k].to);
    r = run_text("bad.txt", t, &st);
    CHECK(r == 1 && st.other_failures >= 1 && strstr(st.worst, bad[k].why), "%zu: %s", k, st.worst);
    free(t);
  }
  /* an output record longer than the array the op writes: the case fails
   * and nothing is read past either (the sanitizer build would see it) */
  char longer[64 + 20 * 24] = "in x 0\nout y 20\n";
  for (int i = 0; i < 20; i++)
    strcat(longer, "0x0p+0 0x0p+0 0x0p+0\n");
  t = gt_replace(good, "in x 0\nout y 0\n", longer);
  r = run_text("long_out.txt", t, &st);
  CHECK(r == 1 && strstr(st.first, "'out y' has 20 elements, op dropout_test writes 0 here"), "%s",
        st.first);
  free(t);
  /* an input record shorter than the op's other arrays */
  t = gt_replace(good, "mask mask 10 2d02", "mask mask 9 2d00");
  r = run_text("short_mask.txt", t, &st);
  CHECK(r == 1 && strstr(st.first, "'mask mask' has 9 bits, op dropout_backward needs 10"), "%s",
        st.first);
  free(t);
  /* a length no memory holds: the case fails with a reason before any
   * allocation, since its record holds 0 elements */
  static const char huge[] = "optbench-golden 4\n"
                             "family rand\n"
                             "cases 1\n"
                             "case huge\n"
                             "note n far beyond memory\n"
                             "op rand_uniform\n"
                             "int seed 1\n"
                             "int stream 0\n"
                             "int n 1152921504606846976\n"
                             "out u 0\n"
                             "end\n";
  r = run_text("huge.txt", huge, &st);
  CHECK(r == 1 &&
            strstr(st.first, "'out u' has 0 elements, op rand_uniform writes 1152921504606846976"),
        "%s", st.first);
}

static void test_metric(void) {
  /* a kernel's output: where exact is a zero, the sign counts only if the
   * scale is 0 (every term an exact zero) */
  CHECK0(gc_scale_ulps(-0.0f, 0.0, 0.0f, 1.0, 0) == 0);
  CHECK0(gc_scale_ulps(0x1p-23f, 0.0, 0.0f, 1.0, 0) == 1.0);
  CHECK0(isinf(gc_scale_ulps(-0.0f, 0.0, 0.0f, 0.0, 1)));
  CHECK0(gc_scale_ulps(-0.0f, -0.0, -0.0f, 0.0, 1) == 0);
  CHECK0(gc_scale_ulps(1.0f + 0x1p-23f, 1.0, 1.0f, 1.0, 0) == 1.0);
  CHECK0(isinf(gc_scale_ulps(1.0f, NAN, NAN, 0.0, 0)));
  /* the checker asks for the sign exactly there: a dropped -x is -0 with
   * scale 0, and +0 in its place fails (test_checker, back_book) */
}

int main(int argc, char **argv) {
  if (argc > 1) {
    snprintf(gt_dir, sizeof gt_dir, "%s", argv[1]);
    mkdir(gt_dir, 0777);
  } else {
    if (tu_temp_dir(gt_dir, sizeof gt_dir, "test_golden_kernels") < 0) {
      perror("scratch directory");
      return 1;
    }
  }
  test_good();
  test_bad();
  test_metric();
  test_checker();
  char p[600];
  snprintf(p, sizeof p, "%s/dropout.txt", gt_dir);
  remove(p);
  if (argc <= 1)
    rmdir(gt_dir);
  return ob_test_done("test_golden_kernels");
}
