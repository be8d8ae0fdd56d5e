/* Private declarations of what the library knows about the machine it runs
 * on: the CPU's name (cpu.c), its cache sizes (cpu_cache.c) and the tuning
 * cache of OpenMP thresholds (tune_cache.c). The tests reach the pieces
 * separately through this header. */
#ifndef OB_MACHINE_H
#define OB_MACHINE_H

#include <stddef.h>

#include "optbench.h"

/* The CPU's brand string (cpuid 0x80000002..4, spaces trimmed), "" where
 * cpuid has none. Fills at most len bytes, always terminated. */
void ob_cpu_brand(char *out, size_t len);

/* The cache sizes from cpuid alone: leaf 4 (Intel), 0x8000001D (AMD with
 * topology extensions), else 0x80000005/6 (older AMD). Fields it cannot
 * tell stay 0; source is NULL if it told nothing. */
void ob_caches_cpuid(ob_caches *out);
/* The cache sizes from a sysfs cache folder (normally
 * /sys/devices/system/cpu/cpu0/cache): index<k>/{level,type,size}. Fields
 * it cannot tell stay 0; a file it cannot parse counts as absent. */
void ob_caches_sysfs(const char *dir, ob_caches *out);

/* The tuning cache's text (the format is in tune_cache.c and README,
 * "Tuning the OpenMP thresholds"): checks its version and machine lines against these,
 * and fills algo[] and op[] with its thresholds (every rule and op exactly
 * once). 0, or -1 with "line N: reason" in why and algo[], op[] untouched. */
int ob_tune_parse(const char *text, size_t len, const char *version, const char *machine,
                  size_t algo[OB_ALGO_COUNT], size_t op[OB_OP_COUNT], char *why, size_t whylen);

#endif
