/* What the tuning-cache tests share: the built-in thresholds read from the
 * lists themselves, a valid cache file with thresholds no built-in has, and
 * the check that a set of thresholds is in force. Header-only; the
 * including test defines _POSIX_C_SOURCE first. */
#ifndef OB_TEST_TUNE_FILE_H
#define OB_TEST_TUNE_FILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

static char dir[64]; /* the tests' folder: tu_temp_dir */
static char machine[17], version[32];

/* The built-in thresholds, from the lists' omp_log2 columns (not from the
 * library's code that reads them). */
static const size_t builtin_algo[OB_ALGO_COUNT] = {
#define OB_ALGO(ID, nm, title, states, hparams, cost, bound, omp, ...) [OB_##ID] = (size_t)1 << omp,
#include "optbench_algos.def"
#undef OB_ALGO
};
static const size_t builtin_op[OB_OP_COUNT] = {
#define OB_OP(ID, nm, fam, rd, wr, bx, bf, omp) [OB_OP_##ID] = (size_t)1 << omp,
#include "optbench_ops.def"
#undef OB_OP
};

/* Thresholds no built-in value has: 1000 + 7k is never a power of two
 * for these k. */
static size_t tuned_value(int k) { return 1000 + 7 * (size_t)k; }

static void write_file(const char *path, const char *text, size_t len) {
  FILE *f = fopen(path, "wb");
  CHECK(f && fwrite(text, 1, len, f) == len && fclose(f) == 0, "writing %s", path);
}

/* A valid cache: header, comments, every rule and op, end. */
static size_t valid_text(char *buf, size_t cap, const char *ver, const char *mach) {
  size_t n = (size_t)snprintf(buf, cap,
                              "optbench-tune 1\nversion %s\nmachine %s\n# a comment\ncpu Some "
                              "CPU, 2 cores\nthreads 2\nteam_start_ns 700\nteam_wake_ns 2600\n",
                              ver, mach);
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    n += (size_t)snprintf(buf + n, cap - n, "algo %s %zu\n", ob_algo_name((ob_algo)a),
                          tuned_value(a));
  for (int o = 0; o < OB_OP_COUNT; o++)
    n += (size_t)snprintf(buf + n, cap - n, "op %s %zu\n", ob_op_name((ob_op)o),
                          tuned_value(OB_ALGO_COUNT + o));
  n += (size_t)snprintf(buf + n, cap - n, "end\n");
  return n;
}

static int thresholds_are(const size_t *algo, const size_t *op) {
  int same = 1;
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    same &= ob_omp_threshold((ob_algo)a) == algo[a];
  for (int o = 0; o < OB_OP_COUNT; o++)
    same &= ob_op_omp_threshold((ob_op)o) == op[o];
  return same;
}

/* The scratch folder, this machine's id and the library's version. */
static int tune_test_setup(void) {
  if (tu_temp_dir(dir, sizeof dir, "ob_tune") != 0) {
    perror("tu_temp_dir");
    return -1;
  }
  CHECK(ob_machine_id(machine, sizeof machine) == OB_OK && strlen(machine) == 16, "machine id");
  snprintf(version, sizeof version, "%d.%d.%d", OB_VERSION_MAJOR, OB_VERSION_MINOR,
           OB_VERSION_PATCH);
  return 0;
}

#endif
