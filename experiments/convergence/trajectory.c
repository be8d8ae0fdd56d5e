/* trajectory.c - figure 6-8: the book's f(x, y) = x^2/20 + y^2 from (-7, 2),
 * 30 steps of every rule of the book's convention, through every variant,
 * checked against the golden trajectory (golden/<algo>.txt, case
 * book_quadratic). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "golden_check.h"
#include "golden_file.h"
#include "golden_rule.h"
#include "opts.h"

static const gd_case *find_case(const gd_file *f, const char *id) {
  for (size_t i = 0; i < f->ncases; i++)
    if (strcmp(f->cases[i].id, id) == 0)
      return &f->cases[i];
  return NULL;
}

/* 30 steps on the variant's own state from the case's step-1 inputs, with
 * each step's hyperparameters and t; path[j] is p after step j. */
static ob_status run_path(const gd_file *f, const gd_case *c, const ob_variant *v, ob_algo a,
                          float path[CONV_TRAJ_STEPS + 1][2]) {
  gd_rule_step rs;
  if (gd_rule_step_of(f, c, 1, &rs, NULL, 0) != 0 || rs.n != 2)
    return OB_EINVAL;
  float p[2] = {rs.p[0], rs.p[1]}, s[OB_MAX_STATES][2] = {{0}}, g[2], *sp[OB_MAX_STATES];
  const int states = ob_state_count(a);
  for (int i = 0; i < OB_MAX_STATES; i++) {
    const int in_file = i < (int)(sizeof rs.s / sizeof rs.s[0]) && i < states && rs.s[i];
    for (int k = 0; in_file && k < 2; k++)
      s[i][k] = rs.s[i][k];
    sp[i] = i < states ? s[i] : NULL;
  }
  path[0][0] = p[0];
  path[0][1] = p[1];
  for (size_t j = 0; j < CONV_TRAJ_STEPS; j++) {
    if (gd_rule_step_of(f, c, j + 1, &rs, NULL, 0) != 0)
      return OB_EINVAL;
    gd_quadratic_grad(p, g);
    const ob_status st = ob_step_states(v, a, &rs.hp, rs.t, p, g, sp, 2);
    if (st != OB_OK)
      return st;
    path[j + 1][0] = p[0];
    path[j + 1][1] = p[1];
  }
  return OB_OK;
}

int conv_traj_run(const char *golden_dir, ob_algo algo, const ob_variant *path_variant,
                  conv_traj *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  res->algo = algo;
  char file[4096];
  snprintf(file, sizeof file, "%s/%s.txt", golden_dir, ob_algo_name(algo));
  gd_file f;
  if (gd_load(file, &f, err, errlen) != 0) {
    gd_free(&f);
    return -1;
  }
  const gd_case *c = find_case(&f, "book_quadratic");
  gd_rule_step first;
  if (!c || c->steps != CONV_TRAJ_STEPS || c->grad != GD_GRAD_QUADRATIC ||
      gd_rule_step_of(&f, c, 1, &first, NULL, 0) != 0 || first.n != 2) {
    snprintf(err, errlen, "%s: no case book_quadratic of n 2, %d steps, grad quadratic", file,
             CONV_TRAJ_STEPS);
    gd_free(&f);
    return -1;
  }
  res->lr = first.hp.lr;
  if (!path_variant)
    path_variant = ob_variant_default() ? ob_variant_default() : ob_variant_best();
  res->path_variant = ob_variant_name(path_variant);
  const gc_options opt = {.offset = 0, .bound = -1.0, .own_state = 1};
  int rc = 0;
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    if (!ob_variant_supported(v)) {
      res->unsupported++;
      continue;
    }
    res->variants++;
    gc_stats st;
    gc_stats_init(&st);
    const int ok = gc_run_case(&f, c, v, &opt, &st);
    if (ok < 0) {
      snprintf(err, errlen, "%s: out of memory checking %s", file, ob_variant_name(v));
      rc = -1;
      break;
    }
    float path[CONV_TRAJ_STEPS + 1][2];
    const ob_status s = run_path(&f, c, v, algo, path);
    int good = ok == 1 && s == OB_OK;
    if (s == OB_OK) {
      for (size_t j = 1; j <= CONV_TRAJ_STEPS; j++)
        for (int k = 0; k < 2; k++) {
          const gd_record *o = gd_find(&c->step[j - 1], GD_OUT, "p");
          const double d = o && o->n == 2 ? fabs((double)path[j][k] - (double)o->rounded[k]) : NAN;
          if (!(d <= res->max_dev)) /* NaN too */
            res->max_dev = d;
        }
      if (v == path_variant)
        memcpy(res->path, path, sizeof path);
    }
    const double ratio = st.bound > 0 ? st.own_max / st.bound : st.own_max;
    if (ratio > res->worst)
      res->worst = ratio;
    if (good)
      res->passed++;
    else {
      const size_t used = strlen(res->failed);
      snprintf(res->failed + used, sizeof res->failed - used, "%s%s", used ? " " : "",
               ob_variant_name(v));
    }
  }
  if (rc == 0 && !ob_variant_supported(path_variant)) {
    snprintf(err, errlen, "variant %s is not supported on this CPU", res->path_variant);
    rc = -1;
  }
  gd_free(&f);
  return rc;
}

int conv_trajectory_main(int argc, char **argv) {
  const char *golden = OB_GOLDEN_DIR, *out = "convergence", *vname = NULL;
  const ob_opt table[] = {
      {"--golden-dir", NULL, OB_OPT_STR, &golden, 0, 0, 0, NULL, "DIR",
       "the golden vectors (default the repository's)"},
      {"--out", NULL, OB_OPT_STR, &out, 0, 0, 0, NULL, "DIR",
       "the trajectories' folder (default convergence)"},
      {"--variant", NULL, OB_OPT_STR, &vname, 0, 0, 0, NULL, "V",
       "the variant whose path is written (default the default variant)"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  const int done = ob_opts_parse_main("optbench_convergence trajectory", "[options]", table,
                                      sizeof table / sizeof *table, NULL, &argc, argv);
  if (done >= 0)
    return done;
  const ob_variant *pv = NULL;
  if (vname && !(pv = ob_variant_find(vname))) {
    fprintf(stderr, "trajectory: unknown variant '%s'\n", vname);
    return 2;
  }
  char err[1024];
  if (conv_mkdir_p(out, err, sizeof err) != 0) {
    fprintf(stderr, "trajectory: %s\n", err);
    return 1;
  }
  int failures = 0;
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    if (!conv_book_rule((ob_algo)a))
      continue;
    conv_traj r;
    if (conv_traj_run(golden, (ob_algo)a, pv, &r, err, sizeof err) != 0) {
      fprintf(stderr, "trajectory: %s\n", err);
      return 1;
    }
    const int ok = r.passed == r.variants && r.variants > 0;
    failures += !ok;
    printf("trajectory: %-9s lr %-4g %s: %zu/%zu variants follow the golden trajectory "
           "(worst %.3f of the j x bound allowance, max |diff| %.3g)%s%s; "
           "after 30 steps (%.4g, %.4g)\n",
           ob_algo_name((ob_algo)a), (double)r.lr, ok ? "all variants agree" : "FAILED", r.passed,
           r.variants, r.worst, r.max_dev, ok ? "" : ", failing: ", r.failed,
           (double)r.path[CONV_TRAJ_STEPS][0], (double)r.path[CONV_TRAJ_STEPS][1]);
    char name[64];
    snprintf(name, sizeof name, "traj_%s.dat", ob_algo_name((ob_algo)a));
    conv_out o;
    if (conv_out_open(&o, out, name, err, sizeof err) != 0) {
      fprintf(stderr, "trajectory: %s\n", err);
      return 1;
    }
    fprintf(o.f,
            "# figure 6-8: %s on f(x, y) = x^2/20 + y^2 from (-7, 2), lr %.9g, variant %s\n"
            "# step x y f\n",
            ob_algo_name((ob_algo)a), (double)r.lr, r.path_variant);
    for (int j = 0; j <= CONV_TRAJ_STEPS; j++)
      fprintf(o.f, "%d %.9g %.9g %.9g\n", j, (double)r.path[j][0], (double)r.path[j][1],
              conv_quadratic(r.path[j][0], r.path[j][1]));
    if (conv_out_commit(&o, err, sizeof err) != 0) {
      fprintf(stderr, "trajectory: %s\n", err);
      return 1;
    }
  }
  /* the contour grid: the book's x in [-10, 10), y in [-5, 5); gnuplot
   * splot order (blank line between rows of constant x) */
  conv_out o;
  if (conv_out_open(&o, out, "traj_contour.dat", err, sizeof err) != 0) {
    fprintf(stderr, "trajectory: %s\n", err);
    return 1;
  }
  fprintf(o.f, "# f(x, y) = x^2/20 + y^2 on x in [-10, 10], y in [-5, 5], step 0.1\n# x y f\n");
  for (int i = -100; i <= 100; i++) {
    for (int j = -50; j <= 50; j++)
      fprintf(o.f, "%.1f %.1f %.6g\n", i / 10.0, j / 10.0, conv_quadratic(i / 10.0, j / 10.0));
    fputc('\n', o.f);
  }
  if (conv_out_commit(&o, err, sizeof err) != 0) {
    fprintf(stderr, "trajectory: %s\n", err);
    return 1;
  }
  printf("trajectory: data in %s (traj_<algo>.dat, traj_contour.dat)%s\n", out,
         failures ? "; SOME VARIANTS LEAVE THE GOLDEN TRAJECTORY" : "");
  return failures ? 1 : 0;
}
