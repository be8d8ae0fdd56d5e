/* The lines `optbench tune` adds to `optbench info`: the cache sizes the
 * library found, the OpenMP thresholds in force and where they came from,
 * and where `optbench verify` reads the golden vectors. */
#include <stdio.h>

#include "golden_dir.h"
#include "tune.h"

static void print_bytes(const char *label, size_t b) {
  if (!b)
    printf(" %s -", label);
  else if (b % (1024 * 1024) == 0)
    printf(" %s %zu MiB", label, b / (1024 * 1024));
  else
    printf(" %s %zu KiB", label, b / 1024);
}

void cli_info_machine(void) {
  ob_caches c;
  ob_cpu_caches(&c);
  printf("caches (library, from %s):", c.source);
  print_bytes("L1d", c.l1d);
  print_bytes("L2", c.l2);
  print_bytes("L3", c.l3);
  char source[4200];
  ob_omp_threshold_source(source, sizeof source);
  printf("\nthresholds in force: %s\n ", source);
  for (int k = 0; k < TUNE_KERNELS; k++)
    printf(" %s %zu%s", tune_kernel_name(k), tune_kernel_threshold(k),
           k + 1 < TUNE_KERNELS ? "," : "\n");
  const char *origin;
  const char *dir = cli_golden_dir(&origin);
  printf("golden vectors: %s (%s)\n", dir, origin);
}
