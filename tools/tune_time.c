/* Timing for `optbench tune`: two variants of one kernel, interleaved, so
 * their ratio holds when the machine's speed drifts between rounds. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tune.h"

#define SAMPLE_NS  1e6       /* a sample lasts ~1 ms: far above the clock's resolution */
#define MAX_CALLS  (1 << 20) /* and at most this many calls */
#define MAX_ROUNDS 101

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ns per call of `calls` calls; the first failing status stops it */
static ob_status sample(int k, const ob_variant *v, tune_bufs *b, size_t n, long calls,
                        double *ns) {
  const double t0 = now_ns();
  for (long c = 0; c < calls; c++) {
    const ob_status s = tune_kernel_run(k, v, b, n);
    if (s != OB_OK)
      return s;
  }
  *ns = (now_ns() - t0) / (double)calls;
  return OB_OK;
}

static int by_value(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

ob_status tune_pair(int k, const ob_variant *a, const ob_variant *b, tune_bufs *bufs, size_t n,
                    int reps, int fastest, double *ns_a, double *ns_b) {
  double sa[MAX_ROUNDS], sb[MAX_ROUNDS];
  reps = reps < 1 ? 1 : reps > MAX_ROUNDS ? MAX_ROUNDS : reps;
  ob_status s;
  /* warm up (pages, the team), then size the samples by the slower one, each
   * at its fastest of three calls: one call that waits for a descheduled
   * worker must not shrink every sample to a single call */
  double ta = 0, tb = 0;
  for (int w = 0; w < 4; w++) {
    double xa, xb;
    if ((s = sample(k, a, bufs, n, 1, &xa)) || (s = sample(k, b, bufs, n, 1, &xb)))
      return s;
    ta = w == 1 || (w > 1 && xa < ta) ? xa : ta; /* call 0 only warms up */
    tb = w == 1 || (w > 1 && xb < tb) ? xb : tb;
  }
  const double slower = ta > tb ? ta : tb;
  long calls = slower > 0 ? (long)(SAMPLE_NS / slower) : MAX_CALLS;
  calls = calls < 1 ? 1 : calls > MAX_CALLS ? MAX_CALLS : calls;
  for (int r = 0; r < reps; r++) {
    const int a_first = r % 2 == 0;
    if ((s = sample(k, a_first ? a : b, bufs, n, calls, a_first ? &sa[r] : &sb[r])) ||
        (s = sample(k, a_first ? b : a, bufs, n, calls, a_first ? &sb[r] : &sa[r])))
      return s;
  }
  *ns_a = median(sa, reps);
  *ns_b = median(sb, reps);
  if (fastest) { /* median() sorted them */
    *ns_a = sa[0];
    *ns_b = sb[0];
  }
  return OB_OK;
}

void tune_load(double load[3]) {
  load[0] = load[1] = load[2] = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f)
    return;
  if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
    load[0] = load[1] = load[2] = -1;
  fclose(f);
}

#define WAKE_GAP_NS 20000000L /* 20 ms: past libgomp's spinning (GOMP_SPINCOUNT 300000) */

ob_status tune_wake(int k, const ob_variant *a, const ob_variant *b, tune_bufs *bufs, size_t n,
                    int reps, int fastest, double *ns_a, double *ns_b) {
  double sa[MAX_ROUNDS], sb[MAX_ROUNDS];
  const struct timespec gap = {0, WAKE_GAP_NS};
  reps = reps < 1 ? 1 : reps > MAX_ROUNDS ? MAX_ROUNDS : reps;
  ob_status s;
  for (int r = 0; r < reps; r++) {
    nanosleep(&gap, NULL);
    if ((s = sample(k, a, bufs, n, 1, &sa[r])))
      return s;
    nanosleep(&gap, NULL);
    if ((s = sample(k, b, bufs, n, 1, &sb[r])))
      return s;
  }
  *ns_a = median(sa, reps);
  *ns_b = median(sb, reps);
  if (fastest) {
    *ns_a = sa[0];
    *ns_b = sb[0];
  }
  return OB_OK;
}

void tune_cpu_now(tune_cpu *c) {
  c->busy = c->total = c->steal = 0;
  FILE *f = fopen("/proc/stat", "r");
  unsigned long long v[8] = {0};
  if (f) {
    /* cpu user nice system idle iowait irq softirq steal */
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7]) == 8) {
      c->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
      c->total = c->busy + v[3] + v[4];
      c->steal = v[7];
    }
    fclose(f);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  c->own_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

double tune_cpu_others(const tune_cpu *a, const tune_cpu *b, double *steal) {
  const double tick = (double)sysconf(_SC_CLK_TCK);
  const double total = (double)(b->total - a->total);
  if (total <= 0 || tick <= 0) {
    *steal = -1;
    return -1;
  }
  const double others = (double)(b->busy - a->busy) - (b->own_s - a->own_s) * tick;
  *steal = (double)(b->steal - a->steal) / total;
  return others > 0 ? others / total : 0;
}
