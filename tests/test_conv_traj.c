/* Figure 6-8: every supported variant follows the golden book_quadratic
 * trajectory of every algorithm (golden_check's own-state rule: step j within
 * j x ob_error_bound scale-ULPs), with the book's learning rates. */
#define _POSIX_C_SOURCE 200809L /* test_util.h: posix_spawn, mkdtemp */
#include <math.h>

#include "conv.h"
#include "test_util.h"

int main(void) {
  static const struct {
    const char *name;
    float lr;
  } book[] = {{"sgd", 0.95f},    {"momentum", 0.1f}, {"nesterov", 0.1f},
              {"adagrad", 1.5f}, {"rmsprop", 0.1f},  {"adam", 0.3f}};
  for (size_t i = 0; i < sizeof book / sizeof book[0]; i++) {
    const int a = ob_algo_from_name(book[i].name);
    CHECK(a >= 0, "%s", book[i].name);
    if (a < 0)
      continue;
    conv_traj r;
    char err[1024] = "";
    const int rc = conv_traj_run(OB_GOLDEN_DIR, (ob_algo)a, NULL, &r, err, sizeof err);
    CHECK(rc == 0, "%s: %s", book[i].name, err);
    if (rc != 0)
      continue;
    printf("test_conv_traj: %-9s %zu/%zu variants on the golden path (worst %.3f of the "
           "allowance), end (%g, %g)\n",
           book[i].name, r.passed, r.variants, r.worst, (double)r.path[CONV_TRAJ_STEPS][0],
           (double)r.path[CONV_TRAJ_STEPS][1]);
    CHECK(r.variants >= 1 && r.passed == r.variants, "%s: failing variants: %s", book[i].name,
          r.failed);
    CHECK(r.lr == book[i].lr, "%s: golden lr %g, want the book's %g", book[i].name, (double)r.lr,
          (double)book[i].lr);
    CHECK(r.path[0][0] == -7.0f && r.path[0][1] == 2.0f, "%s: starts at (-7, 2)", book[i].name);
    /* every rule makes progress on f from (-7, 2), f = 6.45 */
    const double f_end = conv_quadratic(r.path[CONV_TRAJ_STEPS][0], r.path[CONV_TRAJ_STEPS][1]);
    CHECK(isfinite(f_end) && f_end < 1.0, "%s: f after 30 steps %g", book[i].name, f_end);
  }
  /* a missing golden directory is an error with a message, not a crash */
  conv_traj r;
  char err[1024] = "";
  CHECK(conv_traj_run("/nonexistent/golden", OB_SGD, NULL, &r, err, sizeof err) == -1 &&
            strstr(err, "/nonexistent/golden/sgd.txt"),
        "missing golden dir: '%s'", err);
  return ob_test_done("test_conv_traj");
}
