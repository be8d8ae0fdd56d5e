/* CPU features, detected once. The compiler's builtins read cpuid and, for
 * AVX and AVX-512, xgetbv: a feature counts only if the OS saves its
 * registers. OPTBENCH_CPU_FEATURES_OFF=avx512f,fma,... hides features, so
 * the fallback paths can be exercised on a machine that has everything. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "internal.h"
#include "machine.h"

static const struct {
  const char *name;
  unsigned bit;
} feature_names[] = {
    {"sse2", OB_FEAT_SSE2},         {"avx", OB_FEAT_AVX},           {"avx2", OB_FEAT_AVX2},
    {"fma", OB_FEAT_FMA},           {"fma3", OB_FEAT_FMA},          {"avx512f", OB_FEAT_AVX512F},
    {"avx512vl", OB_FEAT_AVX512VL}, {"avx512bw", OB_FEAT_AVX512BW}, {"avx512dq", OB_FEAT_AVX512DQ},
};

static unsigned features;
static pthread_once_t features_once = PTHREAD_ONCE_INIT;

/* OPTBENCH_CPU_FEATURES_OFF: names separated by commas or spaces; unknown
 * names are ignored (the library prints nothing). */
static unsigned hidden_features(void) {
  const char *s = getenv("OPTBENCH_CPU_FEATURES_OFF");
  unsigned mask = 0;
  while (s && *s) {
    const size_t len = strcspn(s, ", ");
    for (size_t i = 0; i < sizeof feature_names / sizeof feature_names[0]; i++)
      if (len == strlen(feature_names[i].name) && strncmp(s, feature_names[i].name, len) == 0)
        mask |= feature_names[i].bit;
    s += len;
    s += strspn(s, ", ");
  }
  /* a hidden feature hides what rests on it: AVX2, FMA and AVX-512 need AVX's registers */
  if (mask & OB_FEAT_AVX)
    mask |= OB_FEAT_AVX2 | OB_FEAT_FMA | OB_FEAT_AVX512F;
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

void ob_cpu_brand(char *out, size_t len) {
  char brand[49] = "";
#if defined(__x86_64__) || defined(__i386__)
  unsigned ext, b, c, d;
  if (__get_cpuid(0x80000000u, &ext, &b, &c, &d) && ext >= 0x80000004u) {
    unsigned w[12];
    for (unsigned leaf = 0; leaf < 3; leaf++)
      __cpuid(0x80000002u + leaf, w[4 * leaf], w[4 * leaf + 1], w[4 * leaf + 2], w[4 * leaf + 3]);
    memcpy(brand, w, 48);
  }
#endif
  /* vendors pad the 48 bytes with spaces on either side */
  const char *s = brand + strspn(brand, " ");
  size_t n = strlen(s);
  while (n && s[n - 1] == ' ')
    n--;
  if (len) {
    n = n < len - 1 ? n : len - 1;
    memcpy(out, s, n);
    out[n] = '\0';
  }
}
