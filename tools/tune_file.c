/* The tuning cache `optbench tune` writes; the library reads it
 * (impl/tune_cache.c, which documents the format). */
#define _POSIX_C_SOURCE 200809L /* mkdir */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "outfile.h"
#include "tune.h"

void tune_write_text(FILE *f, const tune_result *r) {
  char id[17] = "";
  ob_machine_id(id, sizeof id);
  fprintf(f, "optbench-tune 1\n");
  fprintf(f, "version %d.%d.%d\n", OB_VERSION_MAJOR, OB_VERSION_MINOR, OB_VERSION_PATCH);
  fprintf(f, "machine %s\n", id);
  fprintf(f, "# written by `optbench tune`; the +omp variants read it (README, \"Tuning the "
             "OpenMP thresholds\").\n");
  fprintf(f, "# A threshold is the smallest size from which +omp on `threads` threads was no\n"
             "# slower than its ISA on one at every larger size measured.\n");
  fprintf(f, "cpu %.200s\n", cli_cpu_name());
  fprintf(f, "threads %d\n", r->threads);
  fprintf(f, "team_start_ns %.0f\n", r->team_ns > 0 ? r->team_ns : 0.0);
  fprintf(f, "team_wake_ns %.0f\n", r->wake_ns > 0 ? r->wake_ns : 0.0);
  for (int k = 0; k < TUNE_KERNELS; k++)
    fprintf(f, "%s %s %zu\n", k < OB_ALGO_COUNT ? "algo" : "op", tune_kernel_name(k),
            r->threshold[k]);
  fprintf(f, "end\n");
}

/* mkdir -p of path's folder, each new folder 0700 (the XDG base directory
 * rule for the cache home) */
static int make_parents(const char *path, char *err, size_t errlen) {
  char dir[4096];
  if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
    snprintf(err, errlen, "%.200s: path too long", path);
    return -1;
  }
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir)
    return 0;
  *slash = '\0';
  for (char *p = dir + 1;; p++) {
    const int last = *p == '\0';
    if (*p == '/' || last) {
      *p = '\0';
      if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%.200s: cannot create the folder: %s", dir, strerror(errno));
        return -1;
      }
      if (last)
        return 0;
      *p = '/';
    }
  }
}

int tune_check_target(const char *path, int make_dirs, char *err, size_t errlen) {
  if (make_dirs && make_parents(path, err, errlen) < 0)
    return -1;
  return ob_out_check(path, err, errlen);
}

int tune_write_file(const char *path, const tune_result *r, char *err, size_t errlen) {
  ob_outfile o;
  if (ob_out_open(&o, path, err, errlen) < 0)
    return -1;
  tune_write_text(o.f, r);
  return ob_out_commit(&o, err, errlen);
}
