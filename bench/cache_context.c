/* The library's cache sizes in the benchmark's context (cache_context.h). */
#include "cache_context.h"

#include <stdio.h>

#include "optbench.h"
#include "shim/ob_bench.h"

void ob_bench_context_caches(void) {
  ob_caches c;
  if (ob_cpu_caches(&c) != OB_OK)
    return;
  const struct {
    const char *key;
    size_t bytes;
  } levels[] = {
      {"optbench_cache_l1d", c.l1d}, {"optbench_cache_l2", c.l2}, {"optbench_cache_l3", c.l3}};
  char buf[32];
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
    snprintf(buf, sizeof buf, "%zu", levels[i].bytes);
    ob_bench_add_context(levels[i].key, buf);
  }
  ob_bench_add_context("optbench_cache_source", c.source);
}
