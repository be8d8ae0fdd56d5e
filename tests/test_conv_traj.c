/* Figure 6-8: every supported variant follows the golden book_quadratic
 * trajectory of every rule of the list (golden_check's own-state rule: step
 * j within j x ob_error_bound scale-ULPs), at the list's book rates. */
#define _POSIX_C_SOURCE 200809L /* test_util.h: posix_spawn, mkdtemp */
#include <math.h>

#include "conv.h"
#include "test_util.h"

int main(void) {
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
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
  /* a missing golden directory is an error with a message, not a crash */
  conv_traj r;
  char err[1024] = "";
  CHECK(conv_traj_run("/nonexistent/golden", OB_SGD, NULL, &r, err, sizeof err) == -1 &&
            strstr(err, "/nonexistent/golden/sgd.txt"),
        "missing golden dir: '%s'", err);
  return ob_test_done("test_conv_traj");
}
