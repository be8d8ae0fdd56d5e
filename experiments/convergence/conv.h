/* conv - the convergence experiments of issue 4 (the book's figures 6-8 and
 * 6-9): shared pieces of the optbench_convergence program and its tests. */
#ifndef OB_CONV_H
#define OB_CONV_H

#include <stddef.h>
#include <stdio.h>

#include "idx.h"
#include "optbench.h"
#include "outfile.h"

/* ---- Data files, written atomically through tools/outfile.h: a unique
 * temporary file beside DIR/NAME, renamed over it only if it is a regular
 * file or absent ---- */

typedef ob_outfile conv_out;

/* Creates dir (and its parents) if needed. 0, or -1 with a message. */
int conv_mkdir_p(const char *dir, char *err, size_t errlen);
int conv_out_open(conv_out *o, const char *dir, const char *name, char *err, size_t errlen);
/* Flushes, closes and renames into place; on any error removes the
 * temporary file. 0 or -1 with a message. */
int conv_out_commit(conv_out *o, char *err, size_t errlen);
void conv_out_abort(conv_out *o);

/* ---- Which rules: the book's figures are the book's experiments -------- */

/* 1 if rule a is in the book's convention (ob_algo_convention "book"): the
 * trajectories, the MNIST comparison and their charts iterate over these.
 * The torch rows carry their book analogue's figure rates (the list's
 * OB_BOOK), so `mnist --algos torch_adam` runs one on request. */
int conv_book_rule(ob_algo a);

/* ---- Figure 6-8: the trajectories -------------------------------------- */

#define CONV_TRAJ_STEPS 30

typedef struct {
  ob_algo algo;
  float lr;                           /* of step 1 of the golden case */
  size_t variants;                    /* supported variants run */
  size_t passed;                      /* of those, following the golden trajectory */
  size_t unsupported;                 /* variants skipped: this CPU lacks their ISA */
  double worst;                       /* max over variants of (own-state err/j) / bound */
  double max_dev;                     /* max |x - golden rounded| over variants, steps, x and y */
  char failed[256];                   /* names of failing variants, "" if none */
  const char *path_variant;           /* the variant whose path is in path[] */
  float path[CONV_TRAJ_STEPS + 1][2]; /* (x, y) before step 1 .. after step 30 */
} conv_traj;

/* Runs golden_dir/<algo>.txt case book_quadratic through ob_step on every
 * supported variant, each on its own state (gradients from its own path),
 * and checks each against the golden trajectory with golden_check's
 * own-state rule (step j may be off by j x ob_error_bound scale-ULPs).
 * path_variant (NULL: the default variant) gives path[].
 * Returns 0 when it could run (see passed/variants), -1 with a message. */
int conv_traj_run(const char *golden_dir, ob_algo algo, const ob_variant *path_variant,
                  conv_traj *res, char *err, size_t errlen);

/* ---- Fashion-MNIST ------------------------------------------------------ */

#define CONV_FASHION_DATA    "/usr/share/datasets/fashion-mnist"
#define CONV_FASHION_PACKAGE "dataset-fashion-mnist"

/* Reads the training and test sets from dir (28 x 28 images), saying on
 * stdout how many and how long, on stderr what failed, each line prefixed
 * with `who`. 0; 2 when the data set is not installed (the message names the
 * package); 1 on another failure (both sets left empty). */
int conv_load_fashion(const char *dir, idx_set *train, idx_set *test, const char *who);

/* Seconds on a monotonic clock (for durations). */
double conv_now(void);

/* The book's f(x, y) = x^2/20 + y^2. */
double conv_quadratic(double x, double y);

/* ---- Figure 6-9: smoothing as the book's common/util.py smooth_curve --- */

/* y[i] = Kaiser-window (length 11, beta 2) weighted mean of x around i,
 * with the ends reflected as numpy's np.r_ in smooth_curve does. */
void conv_smooth(const double *x, double *y, size_t n);

/* ---- Subcommands ------------------------------------------------------- */

int conv_trajectory_main(int argc, char **argv);
int conv_mnist_main(int argc, char **argv);

#endif /* OB_CONV_H */
