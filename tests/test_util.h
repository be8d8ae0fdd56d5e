/* Helpers shared by the test programs: a seeded PRNG and the data it makes,
 * bitwise and NaN-class comparisons, and re-running the test program itself
 * in a child process with a chosen environment (the library reads
 * OPTBENCH_VARIANT and OPTBENCH_CPU_FEATURES_OFF once per process).
 *
 * Header-only (static functions), so each test stays one .c file. The
 * including file defines _POSIX_C_SOURCE (posix_spawn, waitpid) before any
 * #include. */
#ifndef OB_TEST_UTIL_H
#define OB_TEST_UTIL_H

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "optbench.h"

extern char **environ;

/* ---- PRNG: splitmix64 (Steele, Lea, Flood 2014) ------------------------ */

typedef struct {
  uint64_t s;
} tu_rng;

static inline uint64_t tu_next(tu_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* uniform in [0, 1), 53 random bits */
static inline double tu_unit(tu_rng *r) { return (double)(tu_next(r) >> 11) * 0x1p-53; }

/* A seed mixed from the test's fixed seed and the case's coordinates, so that
 * every case has its own data and a failure can be replayed alone. */
static inline tu_rng tu_rng_for(uint64_t seed, uint64_t a, uint64_t b, uint64_t c) {
  /* a through the FNV-1 prime, b and c shifted into their own bit ranges (b < 2^20
   * holds every size used), then one step to spread them over all 64 bits */
  tu_rng r = {seed ^ (a * 0x100000001b3u) ^ (b << 20) ^ (c << 40)};
  (void)tu_next(&r);
  return r;
}

/* The test's seed: `fixed`, unless OB_TEST_SEED (decimal or 0x-hex) overrides
 * it to explore other data. Printed, so a failing log carries it. */
static inline uint64_t tu_seed(const char *test, uint64_t fixed) {
  const char *env = getenv("OB_TEST_SEED");
  const uint64_t seed = env && *env ? strtoull(env, NULL, 0) : fixed;
  printf("%s: seed 0x%016" PRIx64 " (set OB_TEST_SEED to change)\n", test, seed);
  fflush(stdout);
  return seed;
}

/* ---- Float bits -------------------------------------------------------- */

static inline uint32_t tu_u32(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline float tu_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* ---- Test data --------------------------------------------------------- */

/* IEEE corner values a kernel must carry as data: NaNs (quiet, negative,
 * with a payload, signalling), infinities, signed zeros, subnormals, the
 * smallest normal; with `huge`, also +-FLT_MAX (whose products overflow). */
static inline float tu_special(tu_rng *r, int huge) {
  static const uint32_t bits[] = {
      0x7fc00000u, /* quiet NaN */
      0xffc00000u, /* negative quiet NaN */
      0x7fc12345u, /* quiet NaN with a payload */
      0x7fa00001u, /* signalling NaN (quieted by the first operation) */
      0x7f800000u, /* +Inf */
      0xff800000u, /* -Inf */
      0x00000000u, /* +0 */
      0x80000000u, /* -0 */
      0x00000001u, /* smallest subnormal */
      0x80400000u, /* negative subnormal */
      0x00800000u, /* FLT_MIN */
      0x7f7fffffu, /* FLT_MAX: only with `huge` */
      0xff7fffffu, /* -FLT_MAX: only with `huge` */
  };
  const size_t count = sizeof bits / sizeof bits[0] - (huge ? 0 : 2);
  return tu_f32(bits[tu_next(r) % count]);
}

enum {
  TU_PARAM, /* parameters: +-10^[-2, 1) */
  TU_GRAD,  /* gradients: +-10^[-3, 0.5), 1 in 32 an exact (signed) zero */
  TU_STATE  /* state: 10^[-3, 0), 1 in 32 zero; >= 0 like a sum of squares */
};

/* Magnitudes span decades so that every exponent path is exercised; the
 * ranges stay far from overflow and underflow, which tu_special covers. */
static inline float tu_value(tu_rng *r, int kind) {
  const uint64_t u = tu_next(r);
  const int negative = kind != TU_STATE && (u & 1);
  if (kind != TU_PARAM && (u >> 1) % 32 == 0)
    return negative ? -0.0f : 0.0f;
  const double lo = kind == TU_PARAM ? -2.0 : -3.0, hi = kind == TU_PARAM  ? 1.0
                                                         : kind == TU_GRAD ? 0.5
                                                                           : 0.0;
  const float x = (float)pow(10.0, lo + (hi - lo) * tu_unit(r));
  return negative ? -x : x;
}

/* Fills x[0..n) with values of `kind`; with special_every > 0 about one
 * element in special_every is a tu_special value instead. */
static inline void tu_fill(tu_rng *r, float *x, size_t n, int kind, unsigned special_every,
                           int huge) {
  for (size_t i = 0; i < n; i++)
    x[i] =
        special_every && tu_next(r) % special_every == 0 ? tu_special(r, huge) : tu_value(r, kind);
}

/* One step's inputs: p, g and the state arrays s[k], k < ob_state_count(a)
 * (NULL entries, and those past the count, are left alone). */
static inline void tu_fill_states(tu_rng *r, ob_algo a, float *p, float *g, float *const s[],
                                  size_t n, unsigned special_every, int huge) {
  tu_fill(r, p, n, TU_PARAM, special_every, huge);
  tu_fill(r, g, n, TU_GRAD, special_every, huge);
  for (int k = 0; k < ob_state_count(a); k++)
    if (s[k])
      tu_fill(r, s[k], n, TU_STATE, special_every, huge);
}

/* The same for a rule's first two states (a third, if any, left alone). */
static inline void tu_fill_case(tu_rng *r, ob_algo a, float *p, float *g, float *s0, float *s1,
                                size_t n, unsigned special_every, int huge) {
  float *const s[OB_MAX_STATES] = {s0, s1};
  tu_fill_states(r, a, p, g, s, n, special_every, huge);
}

/* ---- Options ------------------------------------------------------------ */

/* The rule's defaults with every option it reads switched on: the fields
 * that switch a state on (ob_state_condition) and the other torch.optim
 * flags, so that every state array is read and written. Written out here
 * (the values torch users pass), not read from the library. */
static inline ob_hparams tu_options_on(ob_algo a) {
  static const struct {
    const char *name;
    float value;
  } on[] = {{"momentum", 0.9f},
            {"nesterov", 1.0f},
            {"maximize", 1.0f},
            {"amsgrad", 1.0f},
            {"centered", 1.0f},
            {"lr_decay", 0.5f},
            {"initial_accumulator_value", 0.25f}};
  ob_hparams hp = ob_defaults(a);
  const unsigned used = ob_hparams_used(a);
  for (size_t i = 0; i < sizeof on / sizeof on[0]; i++) {
    const int f = ob_hparam_find(on[i].name);
    if (f >= 0 && (used >> f & 1u))
      ob_hparams_set(&hp, on[i].name, on[i].value);
  }
  return hp;
}

/* 1 if tu_options_on(a) is another step than the defaults (a torch rule). */
static inline int tu_has_options(ob_algo a) {
  const ob_hparams d = ob_defaults(a), o = tu_options_on(a);
  return memcmp(&d, &o, sizeof d) != 0;
}

/* ---- Comparisons ------------------------------------------------------- */

/* Index of the first element whose bits differ, or n if none does. */
static inline size_t tu_diff_bits(const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (tu_u32(a[i]) != tu_u32(b[i]))
      return i;
  return n;
}

/* The same, except that any NaN equals any NaN: x86 propagates the payload of
 * the first NaN operand, and a compiler may order the operands of a
 * commutative operation either way, so two correct builds of one formula
 * can differ in the payload only. Zeros keep their sign. */
static inline size_t tu_diff_class(const float *a, const float *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!(isnan(a[i]) && isnan(b[i])) && tu_u32(a[i]) != tu_u32(b[i]))
      return i;
  return n;
}

/* "name" of a variant for messages; NULL is the default variant */
static inline const char *tu_vname(const ob_variant *v) {
  return v ? ob_variant_name(v) : "(default)";
}

/* ---- Scratch directories ---------------------------------------------- */

/* Creates a fresh directory /tmp/<name>.<six characters> with mkdtemp and
 * writes its path to buf. 0, or -1 (errno says why; buf too small: ENAMETOOLONG). */
static inline int tu_temp_dir(char *buf, size_t size, const char *name) {
  const int k = snprintf(buf, size, "/tmp/%s.", name);
  if (k < 0 || (size_t)k + 7 > size) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memset(buf + k, 'X', 6); /* the template mkdtemp fills in */
  buf[k + 6] = '\0';
  return mkdtemp(buf) ? 0 : -1;
}

/* ---- Child processes --------------------------------------------------- */

/* Runs this program again as `/proc/self/exe mode` with the parent's
 * environment minus every OPTBENCH_* variable, plus env_add (a NULL-ended
 * list of "NAME=value"). Returns the child's exit status, 128+signal if it
 * was killed, -1 if it could not be started. */
static inline int tu_run_self(const char *mode, const char *const env_add[]) {
  size_t count = 0, extra = 0;
  while (environ && environ[count])
    count++;
  while (env_add && env_add[extra])
    extra++;
  char **envp = calloc(count + extra + 1, sizeof *envp);
  if (!envp)
    return -1;
  size_t k = 0;
  for (size_t i = 0; i < count; i++)
    if (strncmp(environ[i], "OPTBENCH_", 9) != 0)
      envp[k++] = environ[i];
  for (size_t i = 0; i < extra; i++)
    envp[k++] = (char *)env_add[i];
  envp[k] = NULL;
  char *argv[] = {(char *)"/proc/self/exe", (char *)mode, NULL};
  fflush(stdout);
  fflush(stderr);
  pid_t pid;
  const int err = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, envp);
  free(envp);
  if (err != 0)
    return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid)
    return -1;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

#endif
