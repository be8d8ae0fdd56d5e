/* Figure 6-8: every supported variant follows the golden book_quadratic
 * trajectory of every rule of the book's convention (golden_check's
 * own-state rule: step j within j x ob_error_bound scale-ULPs), at the
 * list's book rates. A torch row is not in the book's figures, but carries
 * figure rates for a run on request: they must be its book analogue's
 * (torch.optim's documentation: AdamW is Adam with decoupled decay, SGD at
 * momentum 0 is plain SGD), in both figures. */
#define _POSIX_C_SOURCE 200809L /* test_util.h: posix_spawn, mkdtemp */
#include <math.h>

#include "conv.h"
#include "test_util.h"

/* The book rule each torch rule's defaults reduce to (by hand, from the
 * two formulas); a torch rule missing here fails the test. */
static const struct {
  const char *torch, *book;
} analogue[] = {{"torch_sgd", "sgd"},
                {"torch_adam", "adam"},
                {"torch_adamw", "adam"},
                {"torch_adagrad", "adagrad"},
                {"torch_rmsprop", "rmsprop"}};

static void check_torch_rates(ob_algo a) {
  const char *name = ob_algo_name(a), *book = NULL;
  for (size_t i = 0; i < sizeof analogue / sizeof analogue[0]; i++)
    if (strcmp(analogue[i].torch, name) == 0)
      book = analogue[i].book;
  const int b = book ? ob_algo_from_name(book) : -1;
  CHECK(b >= 0 && conv_book_rule((ob_algo)b), "%s: no book analogue in this test's table", name);
  if (b < 0)
    return;
  const ob_book_figure figs[] = {OB_BOOK_TRAJECTORY, OB_BOOK_MNIST};
  for (size_t f = 0; f < 2; f++)
    CHECK(ob_algo_book_lr(a, figs[f]) == ob_algo_book_lr((ob_algo)b, figs[f]),
          "%s: figure %s rate %g, %s's %g", name, f ? "6-9" : "6-8",
          (double)ob_algo_book_lr(a, figs[f]), book, (double)ob_algo_book_lr((ob_algo)b, figs[f]));
}

int main(void) {
  int book_rules = 0;
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    if (!conv_book_rule((ob_algo)a)) {
      check_torch_rates((ob_algo)a);
      continue;
    }
    book_rules++;
    const char *name = ob_algo_name((ob_algo)a);
    const float book_lr = ob_algo_book_lr((ob_algo)a, OB_BOOK_TRAJECTORY);
    conv_traj r;
    char err[1024] = "";
    const int rc = conv_traj_run(OB_GOLDEN_DIR, (ob_algo)a, NULL, &r, err, sizeof err);
    CHECK(rc == 0, "%s: %s", name, err);
    if (rc != 0)
      continue;
    printf("test_conv_traj: %-9s %zu/%zu variants on the golden path (worst %.3f of the "
           "allowance), end (%g, %g)\n",
           name, r.passed, r.variants, r.worst, (double)r.path[CONV_TRAJ_STEPS][0],
           (double)r.path[CONV_TRAJ_STEPS][1]);
    CHECK(r.variants >= 1 && r.passed == r.variants, "%s: failing variants: %s", name, r.failed);
    /* the generator's rate (golden/gen) against the list's: both the book's */
    CHECK(r.lr == book_lr, "%s: golden lr %g, the list's %g (%s)", name, (double)r.lr,
          (double)book_lr, ob_algo_book_source((ob_algo)a, OB_BOOK_TRAJECTORY));
    CHECK(r.path[0][0] == -7.0f && r.path[0][1] == 2.0f, "%s: starts at (-7, 2)", name);
    /* every rule makes progress on f from (-7, 2), f = 6.45 */
    const double f_end = conv_quadratic(r.path[CONV_TRAJ_STEPS][0], r.path[CONV_TRAJ_STEPS][1]);
    CHECK(isfinite(f_end) && f_end < 1.0, "%s: f after 30 steps %g", name, f_end);
  }
  CHECK(book_rules == 6, "%d rules of the book's convention, the chapter has 6", book_rules);
  /* a missing golden directory is an error with a message, not a crash */
  conv_traj r;
  char err[1024] = "";
  CHECK(conv_traj_run("/nonexistent/golden", OB_SGD, NULL, &r, err, sizeof err) == -1 &&
            strstr(err, "/nonexistent/golden/sgd.txt"),
        "missing golden dir: '%s'", err);
  return ob_test_done("test_conv_traj");
}
