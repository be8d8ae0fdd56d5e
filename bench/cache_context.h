/* The cache sizes the library found (ob_cpu_caches: cpuid, else /sys), in
 * the benchmark's JSON context, for machines where Google Benchmark's own
 * "caches" list is empty (it reads /sys only). */
#ifndef OB_BENCH_CACHE_CONTEXT_H
#define OB_BENCH_CACHE_CONTEXT_H

/* Adds optbench_cache_l1d, optbench_cache_l2, optbench_cache_l3 (bytes of
 * one cache of the level, "0" if unknown) and optbench_cache_source (where
 * they came from, e.g. "cpuid 0x8000001d") through ob_bench_add_context. */
void ob_bench_context_caches(void);

#endif
