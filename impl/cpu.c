/* CPU features, detected once. The compiler's builtins read cpuid and, for
 * AVX and AVX-512, xgetbv: a feature counts only if the OS saves its
 * registers. OPTBENCH_CPU_FEATURES_OFF=avx512f,fma,... hides features, so
 * the fallback paths can be exercised on a machine that has everything. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct {
  const char *name;
  unsigned bit;
} feature_names[] = {
    {"sse2", OB_FEAT_SSE2},         {"avx", OB_FEAT_AVX},           {"avx2", OB_FEAT_AVX2},
    {"fma", OB_FEAT_FMA},           {"avx512f", OB_FEAT_AVX512F},   {"avx512vl", OB_FEAT_AVX512VL},
    {"avx512bw", OB_FEAT_AVX512BW}, {"avx512dq", OB_FEAT_AVX512DQ},
};

static unsigned features;
static pthread_once_t features_once = PTHREAD_ONCE_INIT;

static unsigned hidden_features(void) {
  const char *off = getenv("OPTBENCH_CPU_FEATURES_OFF");
  unsigned mask = 0;
  if (!off)
    return 0;
  for (size_t i = 0; i < sizeof feature_names / sizeof feature_names[0]; i++) {
    const char *s = off;
    const size_t len = strlen(feature_names[i].name);
    while ((s = strstr(s, feature_names[i].name)) != NULL) {
      const int starts = s == off || s[-1] == ',';
      const int ends = s[len] == '\0' || s[len] == ',';
      if (starts && ends)
        mask |= feature_names[i].bit;
      s += len;
    }
  }
  return mask;
}

static void detect(void) {
  unsigned f = 0;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  f |= __builtin_cpu_supports("sse2") ? OB_FEAT_SSE2 : 0;
  f |= __builtin_cpu_supports("avx") ? OB_FEAT_AVX : 0;
  f |= __builtin_cpu_supports("avx2") ? OB_FEAT_AVX2 : 0;
  f |= __builtin_cpu_supports("fma") ? OB_FEAT_FMA : 0;
  f |= __builtin_cpu_supports("avx512f") ? OB_FEAT_AVX512F : 0;
  f |= __builtin_cpu_supports("avx512vl") ? OB_FEAT_AVX512VL : 0;
  f |= __builtin_cpu_supports("avx512bw") ? OB_FEAT_AVX512BW : 0;
  f |= __builtin_cpu_supports("avx512dq") ? OB_FEAT_AVX512DQ : 0;
#endif
  features = f & ~hidden_features();
}

unsigned ob_cpu_features(void) {
  pthread_once(&features_once, detect);
  return features;
}
