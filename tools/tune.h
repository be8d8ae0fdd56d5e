/* `optbench tune`: the +omp thresholds measured on this machine (tune.c),
 * the kernels it times (tune_kernels.c), the timing (tune_time.c), the cache
 * file it writes (tune_file.c) and the lines it adds to `optbench info`
 * (tune_info.c). */
#ifndef OPTBENCH_TUNE_H
#define OPTBENCH_TUNE_H

#include <stddef.h>
#include <stdio.h>

#include "optbench.h"

/* `optbench tune ...`: argv[0] is "tune". Returns the exit status. */
int cli_tune(int argc, char **argv);

/* The caches, the thresholds in force and where they came from, and the
 * golden vectors' folder, for `optbench info`. */
void cli_info_machine(void);

/* ---- the kernels: every rule, then every layer op ---------------------- */

#define TUNE_KERNELS  (OB_ALGO_COUNT + OB_OP_COUNT)
#define TUNE_FEATURES 256 /* batch norm: n elements are a batch of n / 256 */

typedef struct tune_bufs tune_bufs;
/* Arrays for every kernel up to n elements, filled with values inside every
 * kernel's domain; NULL if out of memory. */
tune_bufs *tune_bufs_new(size_t n);
void tune_bufs_free(tune_bufs *);
/* "sgd", ..., "rand_uniform", ... */
const char *tune_kernel_name(int k);
/* One call of kernel k on n elements (n a multiple of TUNE_FEATURES). */
ob_status tune_kernel_run(int k, const ob_variant *, tune_bufs *, size_t n);
/* The threshold in force for kernel k (ob_omp_threshold, ob_op_omp_threshold). */
size_t tune_kernel_threshold(int k);

/* ---- timing -------------------------------------------------------------- */

/* Median ns per call of kernel k at size n for variants a and b, over reps
 * rounds (fastest: the fastest round's instead); each round times a then b,
 * or b then a (alternating), for as many calls as make a sample last ~1 ms. */
ob_status tune_pair(int k, const ob_variant *a, const ob_variant *b, tune_bufs *, size_t n,
                    int reps, int fastest, double *ns_a, double *ns_b);
/* The same for single calls, each after `gap_ns` of sleep (the team's
 * workers asleep by then), reps rounds. */
ob_status tune_wake(int k, const ob_variant *a, const ob_variant *b, tune_bufs *, size_t n,
                    int reps, int fastest, double *ns_a, double *ns_b);
/* What the CPUs did (/proc/stat, all CPUs) and this process's CPU time. */
typedef struct {
  unsigned long long busy, total, steal; /* clock ticks */
  double own_s;
} tune_cpu;
void tune_cpu_now(tune_cpu *);
/* Between a and b: the share of all CPUs' time that other processes used
 * (busy minus this process), and in *steal the share the hypervisor took;
 * negative if unknown. */
double tune_cpu_others(const tune_cpu *a, const tune_cpu *b, double *steal);
/* The 1-, 5- and 15-minute load averages (/proc/loadavg), negative if unknown. */
void tune_load(double load[3]);

/* ---- the cache file ------------------------------------------------------ */

typedef struct {
  size_t threshold[TUNE_KERNELS];
  int threads;
  double team_ns; /* start of a team of `threads`, back to back */
  double wake_ns; /* the same after 20 ms idle: the workers asleep */
} tune_result;

/* The cache text for r (the format of impl/tune_cache.c) into f. */
void tune_write_text(FILE *f, const tune_result *r);
/* Whether the cache may be written at path (ob_out_check: a regular file or
 * none), first creating its folder (0700) if make_dirs. 0, or -1 with a
 * message in err. */
int tune_check_target(const char *path, int make_dirs, char *err, size_t errlen);
/* Writes the cache to path through the safe writer. 0, or -1 with a
 * message in err. */
int tune_write_file(const char *path, const tune_result *r, char *err, size_t errlen);

#endif /* OPTBENCH_TUNE_H */
