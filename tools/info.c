/* `optbench info`: what the machine has and what the library will use. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpuinfo.h>

#include "cli.h"
#include "optbench.h"
#include "tune.h"

static int cpuinfo_ok(void) {
  static int state = -1;
  if (state < 0)
    state = cpuinfo_initialize() ? 1 : 0;
  return state;
}

const char *cli_cpu_name(void) {
  if (cpuinfo_ok()) {
    const struct cpuinfo_package *pkg = cpuinfo_get_package(0);
    if (pkg && pkg->name[0])
      return pkg->name;
  }
  return "unknown";
}

static const char *vendor_name(enum cpuinfo_vendor v) {
  switch (v) {
  case cpuinfo_vendor_intel: return "Intel";
  case cpuinfo_vendor_amd: return "AMD";
  case cpuinfo_vendor_hygon: return "Hygon";
  case cpuinfo_vendor_via: return "VIA";
  case cpuinfo_vendor_arm: return "ARM";
  case cpuinfo_vendor_apple: return "Apple";
  case cpuinfo_vendor_qualcomm: return "Qualcomm";
  case cpuinfo_vendor_ibm: return "IBM";
  default: return "unknown";
  }
}

static void print_size(const char *label, const struct cpuinfo_cache *c, uint32_t count) {
  if (!c || !c->size) {
    printf("  %-4s -\n", label);
    return;
  }
  if (c->size >= 1024u * 1024u && c->size % (1024u * 1024u) == 0)
    printf("  %-4s %u MiB", label, c->size / (1024u * 1024u));
  else
    printf("  %-4s %u KiB", label, c->size / 1024u);
  printf(" x %u (shared by %u logical processors, %u-way, %u-byte lines)\n", count,
         c->processor_count, c->associativity, c->line_size);
}

int cli_info(void) {
  printf("optbench %d.%d.%d\n\n", OB_VERSION_MAJOR, OB_VERSION_MINOR, OB_VERSION_PATCH);
  if (!cpuinfo_ok()) {
    printf("cpu: cpuinfo could not describe this machine\n");
  } else {
    const struct cpuinfo_core *core = cpuinfo_get_core(0);
    printf("cpu: %s\n", cli_cpu_name());
    printf("  vendor %s, %u package(s), %u cores, %u logical processors\n",
           core ? vendor_name(core->vendor) : "unknown", cpuinfo_get_packages_count(),
           cpuinfo_get_cores_count(), cpuinfo_get_processors_count());
    struct {
      const char *name;
      int has;
    } simd[] = {
        {"sse2", cpuinfo_has_x86_sse2()},         {"avx", cpuinfo_has_x86_avx()},
        {"avx2", cpuinfo_has_x86_avx2()},         {"fma3", cpuinfo_has_x86_fma3()},
        {"avx512f", cpuinfo_has_x86_avx512f()},   {"avx512vl", cpuinfo_has_x86_avx512vl()},
        {"avx512bw", cpuinfo_has_x86_avx512bw()}, {"avx512dq", cpuinfo_has_x86_avx512dq()},
        {"avx512cd", cpuinfo_has_x86_avx512cd()},
    };
    printf("simd:");
    for (size_t i = 0; i < sizeof simd / sizeof simd[0]; i++)
      printf(" %s%s", simd[i].has ? "+" : "-", simd[i].name);
    printf("\ncaches:\n");
    print_size("L1d", cpuinfo_get_l1d_caches_count() ? cpuinfo_get_l1d_cache(0) : NULL,
               cpuinfo_get_l1d_caches_count());
    print_size("L2", cpuinfo_get_l2_caches_count() ? cpuinfo_get_l2_cache(0) : NULL,
               cpuinfo_get_l2_caches_count());
    print_size("L3", cpuinfo_get_l3_caches_count() ? cpuinfo_get_l3_cache(0) : NULL,
               cpuinfo_get_l3_caches_count());
  }
  printf("openmp: %d threads at most; the +omp variants use one thread below",
         omp_get_max_threads());
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    printf("%s %s %zu", a ? "," : "", ob_algo_name((ob_algo)a), ob_omp_threshold((ob_algo)a));
  printf(" elements\n");
  cli_info_machine(); /* tools/tune_info.c: caches, thresholds' source, golden vectors */

  const ob_variant *def = ob_variant_default();
  const ob_variant *best = ob_variant_best();
  const char *env = getenv("OPTBENCH_VARIANT");
  printf("\nvariants (%zu):\n", ob_variant_count());
  for (size_t i = 0; i < ob_variant_count(); i++) {
    const ob_variant *v = ob_variant_at(i);
    char line[128];
    snprintf(line, sizeof line, "  %-12s %-11s  %s %s", ob_variant_name(v),
             ob_variant_supported(v) ? "supported" : "unsupported", v == def ? "default" : "",
             v == best ? "best" : "");
    size_t len = strlen(line);
    while (len && line[len - 1] == ' ')
      line[--len] = '\0';
    puts(line);
  }
  if (def)
    printf("default: %s (%s)\n", ob_variant_name(def),
           env && *env ? "from OPTBENCH_VARIANT" : "OPTBENCH_VARIANT unset: the best one");
  else
    printf("default: none - OPTBENCH_VARIANT='%s' is unusable (unknown or unsupported here)\n",
           env ? env : "");
  return 0;
}
