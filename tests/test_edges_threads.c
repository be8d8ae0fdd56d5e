/* The +omp variants at the edges of their environment (issue 10), one
 * mode per ctest entry, each against the variant's own ISA bit for bit,
 * over every kernel family (update rules, random numbers, initialisation,
 * dropout, batch norm) above the OpenMP threshold:
 *   cap     omp_set_num_threads(100000): the call completes, and the process
 *           holds no more threads than optbench.h's cap (finding 9);
 *   env     the same with OMP_NUM_THREADS=40000 in the environment, read by
 *           libgomp at start-up (ctest sets it);
 *   fork    after a call that started a team, fork(); the child makes the
 *           same call with an alarm and must give the same bits; the parent
 *           waits a bounded time (finding 10);
 *   fpenv   after the team exists, the caller switches to FE_UPWARD,
 *           FE_DOWNWARD, FE_TOWARDZERO, FTZ, DAZ (and FTZ+DAZ upward):
 *           +omp gives its ISA's bits and raises its exception flags
 *           (finding 11). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <fenv.h>
#include <omp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xmmintrin.h>

#include "check.h"
#include "optbench.h"
#include "test_util.h"

#define SEED    0xed9e5u /* any fixed value: the data */
#define T       64       /* threshold: every call below is many times above it */
#define N       20011    /* prime: ragged chunks for every thread count, > 16 lines per thread */
#define BN_B    50       /* batch: BN_F*BN_B elements, far above T */
#define BN_F    257      /* features: 17 chunks of 16 and a tail of 1 */
#define SPECIAL 16       /* about one input in 16 a NaN, Inf, zero or subnormal */

/* ---- Every family, on fixed inputs ------------------------------------- */

static float in_p[N], in_g[N], in_s0[N], in_s1[N]; /* the rules' inputs, dropout's x/dout */
static float bn_x[BN_B * BN_F], bn_gamma[BN_F], bn_beta[BN_F], bn_rm[BN_F], bn_rv[BN_F];

static void make_inputs(uint64_t seed) {
  tu_rng r = tu_rng_for(seed, 1, N, 0);
  tu_fill_case(&r, OB_ADAM, in_p, in_g, in_s0, in_s1, N, SPECIAL, 1);
  tu_fill(&r, bn_x, BN_B * BN_F, TU_PARAM, SPECIAL, 0);
  tu_fill(&r, bn_gamma, BN_F, TU_PARAM, 0, 0);
  tu_fill(&r, bn_beta, BN_F, TU_PARAM, 0, 0);
  tu_fill(&r, bn_rm, BN_F, TU_PARAM, 0, 0);
  tu_fill(&r, bn_rv, BN_F, TU_STATE, 0, 0);
  for (size_t i = 0; i < N; i += 97) /* a subnormal every 97th gradient: FTZ and DAZ act */
    in_g[i] = (i / 97) % 2 ? 0x1p-140f : -0x1.8p-135f;
}

/* Outputs of one run: calls in a fixed order, each its floats, its mask
 * bytes and the exception flags it raised. */
enum { CALLS = OB_ALGO_COUNT + 9, FLOATS_PER_CALL = 4 * N + 3 * BN_B * BN_F };
typedef struct {
  float f[CALLS][FLOATS_PER_CALL];
  size_t nf[CALLS];
  uint8_t mask[N / 8 + 1];
  int flags[CALLS];
  ob_status st[CALLS];
  const char *what[CALLS];
} run_out;

static run_out ref_run, got_run;

/* Flags from here on belong to call c. */
static void begin(run_out *o, size_t c, const char *what) {
  o->what[c] = what;
  feclearexcept(FE_ALL_EXCEPT);
}
static void end(run_out *o, size_t c, ob_status st, size_t nf) {
  o->flags[c] = fetestexcept(FE_ALL_EXCEPT);
  o->st[c] = st;
  o->nf[c] = nf;
}

static void run_all(const ob_variant *v, run_out *o) {
  size_t c = 0;
  for (int a = 0; a < OB_ALGO_COUNT; a++, c++) {
    float *p = o->f[c], *s0 = p + N, *s1 = p + 2 * N;
    memcpy(p, in_p, sizeof in_p), memcpy(s0, in_s0, sizeof in_s0), memcpy(s1, in_s1, sizeof in_s1);
    const ob_hparams hp = ob_defaults((ob_algo)a);
    const int states = ob_state_count((ob_algo)a);
    begin(o, c, ob_algo_name((ob_algo)a));
    const ob_status st = ob_step(v, (ob_algo)a, &hp, 7, p, in_g, states > 0 ? s0 : NULL,
                                 states > 1 ? s1 : NULL, N); /* t = 7: Adam past its first step */
    end(o, c, st, 3 * N);
  }
  begin(o, c, "rand_uniform");
  end(o, c, ob_rand_uniform(v, 1, 2, o->f[c], N), N), c++;
  begin(o, c, "rand_normal");
  end(o, c, ob_rand_normal(v, 1, 2, 0.5f, o->f[c], N), N), c++;
  begin(o, c, "init_weights");
  end(o, c, ob_init_weights(v, OB_INIT_HE, 0.0f, 100, 3, 4, o->f[c], N), N), c++;
  begin(o, c, "dropout_train");
  end(o, c, ob_dropout_forward_train(v, OB_DROPOUT_INVERTED, 0.3f, 5, 6, in_p, o->f[c], o->mask, N),
      N),
      c++;
  begin(o, c, "dropout_test");
  end(o, c, ob_dropout_forward_test(v, OB_DROPOUT_BOOK, 0.3f, in_p, o->f[c], N), N), c++;
  begin(o, c, "dropout_backward");
  end(o, c, ob_dropout_backward(v, OB_DROPOUT_INVERTED, 0.3f, o->mask, in_g, o->f[c], N), N), c++;
  const size_t e = BN_B * BN_F;
  {
    float *y = o->f[c], *rm = y + e, *rv = rm + BN_F, *mean = rv + BN_F, *std = mean + BN_F;
    memcpy(rm, bn_rm, sizeof bn_rm), memcpy(rv, bn_rv, sizeof bn_rv);
    begin(o, c, "batchnorm_train");
    end(o, c,
        ob_batchnorm_forward_train(v, BN_B, BN_F, bn_x, bn_gamma, bn_beta, OB_BATCHNORM_MOMENTUM,
                                   OB_BATCHNORM_EPS, rm, rv, y, mean, std),
        e + 4 * BN_F),
        c++;
  }
  begin(o, c, "batchnorm_test");
  end(o, c,
      ob_batchnorm_forward_test(v, BN_B, BN_F, bn_x, bn_gamma, bn_beta, OB_BATCHNORM_EPS, bn_rm,
                                bn_rv, o->f[c]),
      e),
      c++;
  {
    const float *mean = o->f[c - 2] + e + 2 * BN_F, *std = mean + BN_F; /* the train's */
    float *dx = o->f[c], *dgamma = dx + e, *dbeta = dgamma + BN_F;
    begin(o, c, "batchnorm_backward");
    end(o, c,
        ob_batchnorm_backward(v, BN_B, BN_F, bn_x, bn_gamma, mean, std, o->f[c - 3] /* dout: the
            dropout backward's dx, N > e floats */
                              ,
                              dx, dgamma, dbeta),
        e + 2 * BN_F),
        c++;
  }
}

/* got equals ref: statuses, bits (NaN payloads too where the variant is
 * exact), mask, and (with_flags) the exception flags of every call. */
static int same_runs(const ob_variant *v, const run_out *ref, const run_out *got, int with_flags,
                     const char *ctx) {
  int ok = 1;
  for (size_t c = 0; c < CALLS; c++) {
    CHECK(got->st[c] == OB_OK && ref->st[c] == OB_OK, "%s %s %s: status %s / %s", ctx,
          ob_variant_name(v), got->what[c], ob_strerror(got->st[c]), ob_strerror(ref->st[c]));
    const size_t n = got->nf[c];
    const size_t i = ob_variant_exact_nans(v) ? tu_diff_bits(got->f[c], ref->f[c], n)
                                              : tu_diff_class(got->f[c], ref->f[c], n);
    if (i < n) {
      CHECK(0, "%s %s %s: [%zu] = %a, its ISA %a", ctx, ob_variant_name(v), got->what[c], i,
            (double)got->f[c][i], (double)ref->f[c][i]);
      ok = 0;
    }
    if (with_flags && got->flags[c] != ref->flags[c]) {
      CHECK(0, "%s %s %s: flags 0x%x, its ISA 0x%x", ctx, ob_variant_name(v), got->what[c],
            (unsigned)got->flags[c], (unsigned)ref->flags[c]);
      ok = 0;
    }
  }
  CHECK(memcmp(got->mask, ref->mask, sizeof got->mask) == 0, "%s %s: dropout masks differ", ctx,
        ob_variant_name(v));
  return ok;
}

/* The supported +omp variants and their ISAs. */
static size_t omp_pairs(const ob_variant *omp[], const ob_variant *isa[], size_t max) {
  size_t k = 0;
  for (size_t i = 0; i < ob_variant_count() && k < max; i++) {
    const ob_variant *v = ob_variant_at(i);
    if (ob_variant_is_parallel(v) && ob_variant_supported(v)) {
      omp[k] = v;
      isa[k] = ob_variant_find(ob_variant_isa(v));
      CHECK(isa[k] != NULL, "%s: no ISA variant", ob_variant_name(v));
      k += isa[k] != NULL;
    }
  }
  return k;
}
#define MAX_PAIRS 16 /* more than the registry holds (5 ISAs) */

/* ---- cap / env: absurd thread counts ------------------------------------ */

/* Threads of this process now (entries of /proc/self/task); -1 if unknown. */
static int process_threads(void) {
  DIR *d = opendir("/proc/self/task");
  if (!d)
    return -1;
  int n = 0;
  for (struct dirent *e; (e = readdir(d));)
    n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

static void mode_cap(int set_threads) {
  if (set_threads)
    omp_set_num_threads(100000); /* segfaulted inside GOMP_parallel before the cap */
  const ob_variant *omp[MAX_PAIRS], *isa[MAX_PAIRS];
  const size_t pairs = omp_pairs(omp, isa, MAX_PAIRS);
  const int cap = OB_OMP_THREADS_PER_PROC * omp_get_num_procs();
  for (size_t k = 0; k < pairs; k++) {
    run_all(isa[k], &ref_run);
    run_all(omp[k], &got_run);
    same_runs(omp[k], &ref_run, &got_run, 0, set_threads ? "100000 threads" : "OMP_NUM_THREADS");
    const int now = process_threads();
    /* libgomp keeps the team's threads parked: the count is the largest team's */
    CHECK(now >= 1 && now <= cap, "%s: %d threads in the process, cap %d", ob_variant_name(omp[k]),
          now, cap);
  }
}

/* ---- fork --------------------------------------------------------------- */

#define CHILD_ALARM 20  /* s: the child's runs take ~0.1 s on one busy core; a hang ends here */
#define WAIT_LIMIT  120 /* s: the parent stops waiting (and kills the child) after this */

/* Waits for pid at most WAIT_LIMIT seconds; the exit status, 128+signal,
 * or -1 after killing a child that did not end. */
static int wait_bounded(pid_t pid) {
  const struct timespec tick = {0, 10 * 1000 * 1000}; /* 10 ms between polls */
  for (long waited = 0; waited < WAIT_LIMIT * 100L; waited++) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0)
      return -1;
    nanosleep(&tick, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

static void mode_fork(void) {
  omp_set_num_threads(3); /* a team of 3 on any machine: pool threads to lose in the child */
  const ob_variant *omp[MAX_PAIRS], *isa[MAX_PAIRS];
  const size_t pairs = omp_pairs(omp, isa, MAX_PAIRS);
  for (size_t k = 0; k < pairs; k++) {
    run_all(isa[k], &ref_run);
    run_all(omp[k], &got_run); /* starts the team in the parent */
    same_runs(omp[k], &ref_run, &got_run, 0, "before fork");
    fflush(stdout), fflush(stderr);
    const pid_t pid = fork();
    if (pid == 0) {
      alarm(CHILD_ALARM);
      memset(&got_run, 0xff, sizeof got_run); /* NaN everywhere: every output must be written */
      run_all(omp[k], &got_run);
      run_all(omp[k], &got_run); /* and again: the first call left nothing broken */
      _exit(same_runs(omp[k], &ref_run, &got_run, 0, "forked child") ? 0 : 1);
    }
    CHECK(pid > 0, "fork failed");
    const int st = pid > 0 ? wait_bounded(pid) : -2;
    CHECK(st == 0, "%s: forked child ended with %d (%s)", ob_variant_name(omp[k]), st,
          st == 128 + SIGALRM ? "hung: killed by its alarm"
          : st == -1          ? "hung: killed by the parent"
                              : "differences or a crash");
    if (st == 128 + SIGALRM || st == -1)
      break;                   /* one hang says it all: the others would cost CHILD_ALARM each */
    run_all(omp[k], &got_run); /* the parent's team still works */
    same_runs(omp[k], &ref_run, &got_run, 0, "parent after fork");
  }
}

/* ---- fpenv -------------------------------------------------------------- */

#define MXCSR_DAZ 0x0040u /* denormals are zero */
#define MXCSR_FTZ 0x8000u /* flush to zero */

typedef struct {
  const char *name;
  int round;      /* fesetround mode */
  unsigned mxcsr; /* bits to set besides the rounding mode */
} fp_case;

static const fp_case fp_cases[] = {
    {"FE_UPWARD", FE_UPWARD, 0},         {"FE_DOWNWARD", FE_DOWNWARD, 0},
    {"FE_TOWARDZERO", FE_TOWARDZERO, 0}, {"FTZ", FE_TONEAREST, MXCSR_FTZ},
    {"DAZ", FE_TONEAREST, MXCSR_DAZ},    {"FTZ+DAZ upward", FE_UPWARD, MXCSR_FTZ | MXCSR_DAZ},
};

static void mode_fpenv(void) {
  omp_set_num_threads(3); /* more threads than one, on any machine */
  const ob_variant *omp[MAX_PAIRS], *isa[MAX_PAIRS];
  const size_t pairs = omp_pairs(omp, isa, MAX_PAIRS);
  const unsigned csr0 = _mm_getcsr();
  for (size_t k = 0; k < pairs; k++) {
    run_all(omp[k], &got_run); /* the team exists, created in the default environment */
    for (size_t e = 0; e < sizeof fp_cases / sizeof fp_cases[0]; e++) {
      const fp_case *fc = &fp_cases[e];
      CHECK(fesetround(fc->round) == 0, "fesetround %s", fc->name);
      _mm_setcsr(_mm_getcsr() | fc->mxcsr);
      const unsigned csr = _mm_getcsr() & ~0x3fu; /* without the flags */
      run_all(isa[k], &ref_run);
      run_all(omp[k], &got_run);
      CHECK((_mm_getcsr() & ~0x3fu) == csr, "%s %s: the caller's environment changed",
            ob_variant_name(omp[k]), fc->name);
      _mm_setcsr(csr0);
      same_runs(omp[k], &ref_run, &got_run, 1, fc->name);
    }
    /* the default environment after the others: workers were restored */
    run_all(isa[k], &ref_run);
    run_all(omp[k], &got_run);
    same_runs(omp[k], &ref_run, &got_run, 1, "default after the others");
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  make_inputs(tu_seed("test_edges_threads", SEED));
  ob_set_omp_threshold(T);
  if (!strcmp(mode, "cap"))
    mode_cap(1);
  else if (!strcmp(mode, "env"))
    mode_cap(0);
  else if (!strcmp(mode, "fork"))
    mode_fork();
  else if (!strcmp(mode, "fpenv"))
    mode_fpenv();
  else {
    fprintf(stderr, "usage: test_edges_threads cap|env|fork|fpenv\n");
    return 2;
  }
  char name[64];
  snprintf(name, sizeof name, "test_edges_threads %s", mode);
  return ob_test_done(name);
}
