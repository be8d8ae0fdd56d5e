/* The cache sizes (impl/cpu_cache.c): on x86 cpuid tells L1d and L2 (and
 * the library's answer has them); where /sys describes the caches, cpuid's
 * sizes equal its (read here by the test itself); the sysfs parser on a
 * made-up tree, including entries it must skip. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "machine.h"
#include "optbench.h"
#include "test_util.h"

#define SYS_CACHE "/sys/devices/system/cpu/cpu0/cache"

/* /sys's size of the data or unified cache of `level`, 0 if none: the
 * test's own reading, "<digits>K" as the kernel writes it. */
static size_t sys_size(int level) {
  for (int i = 0; i < 16; i++) {
    char path[256], type[32] = "", size[32] = "";
    int lvl = 0;
    snprintf(path, sizeof path, SYS_CACHE "/index%d/level", i);
    FILE *f = fopen(path, "r");
    if (!f)
      continue;
    const int ok = fscanf(f, "%d", &lvl) == 1;
    fclose(f);
    snprintf(path, sizeof path, SYS_CACHE "/index%d/type", i);
    f = fopen(path, "r");
    const int ok2 = f && fscanf(f, "%31s", type) == 1;
    if (f)
      fclose(f);
    snprintf(path, sizeof path, SYS_CACHE "/index%d/size", i);
    f = fopen(path, "r");
    const int ok3 = f && fscanf(f, "%31s", size) == 1;
    if (f)
      fclose(f);
    if (!ok || !ok2 || !ok3 || lvl != level || strcmp(type, "Instruction") == 0)
      continue;
    char *end;
    const unsigned long kib = strtoul(size, &end, 10);
    if (strcmp(end, "K") == 0)
      return (size_t)kib * 1024;
  }
  return 0;
}

static void put(const char *root, int index, const char *file, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/index%d", root, index);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/index%d/%s", root, index, file);
  FILE *f = fopen(path, "w");
  CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0, "writing %s", path);
}

static void entry(const char *root, int index, const char *level, const char *type,
                  const char *size) {
  put(root, index, "level", level);
  put(root, index, "type", type);
  if (size)
    put(root, index, "size", size);
}

static void made_up_trees(void) {
  char root[64];
  if (tu_temp_dir(root, sizeof root, "ob_sysfs") != 0) {
    CHECK(0, "tu_temp_dir");
    return;
  }
  ob_caches c;
  ob_caches_sysfs(root, &c);
  CHECK(!c.l1d && !c.l2 && !c.l3 && !c.source, "an empty folder tells nothing");
  /* instruction cache first (skipped), L2 with no size (absent), a level 4 */
  entry(root, 0, "1\n", "Instruction\n", "64K\n");
  entry(root, 1, "1\n", "Data\n", "48K\n");
  entry(root, 2, "2\n", "Unified\n", NULL);
  entry(root, 3, "3\n", "Unified\n", "32768K\n");
  entry(root, 4, "4\n", "Unified\n", "128M\n");
  ob_caches_sysfs(root, &c);
  CHECK(c.l1d == 48 * 1024 && c.l2 == 0 && c.l3 == 32u << 20 && c.source &&
            strcmp(c.source, "sysfs") == 0,
        "L1d %zu L2 %zu L3 %zu", c.l1d, c.l2, c.l3);
  /* malformed sizes count as absent; a later good entry of the level is used */
  put(root, 2, "size", "2M\n");
  put(root, 1, "size", "48 K\n");
  put(root, 3, "size", "-1K\n");
  entry(root, 5, "1\n", "Data\n", "32K\n");
  ob_caches_sysfs(root, &c);
  CHECK(c.l1d == 32 * 1024 && c.l2 == 2u << 20 && c.l3 == 0, "L1d %zu L2 %zu L3 %zu", c.l1d, c.l2,
        c.l3);
  put(root, 5, "size", "99999999999999999999999K\n");
  put(root, 2, "type", "Unified\nextra\n");
  ob_caches_sysfs(root, &c);
  CHECK(c.l1d == 0 && c.l2 == 0, "overflow and junk: L1d %zu L2 %zu", c.l1d, c.l2);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK(system(cmd) == 0, "cleanup");
}

int main(void) {
  CHECK(ob_cpu_caches(NULL) == OB_EINVAL, "NULL");
  ob_caches lib, id;
  CHECK(ob_cpu_caches(&lib) == OB_OK && lib.source, "ob_cpu_caches");
  ob_caches_cpuid(&id);
  printf("test_cpu_cache: library L1d %zu L2 %zu L3 %zu (%s); cpuid %zu %zu %zu (%s)\n", lib.l1d,
         lib.l2, lib.l3, lib.source, id.l1d, id.l2, id.l3, id.source ? id.source : "nothing");
#if defined(__x86_64__) || defined(__i386__)
  CHECK(id.l1d > 0 && id.l2 > 0 && id.source, "cpuid tells L1d and L2 on x86");
  CHECK(lib.l1d == id.l1d && lib.l2 == id.l2, "the library's answer is cpuid's");
#endif
  const size_t *const mine[] = {&id.l1d, &id.l2, &id.l3};
  int compared = 0;
  for (int level = 1; level <= 3; level++) {
    const size_t sys = sys_size(level);
    if (sys && *mine[level - 1]) {
      CHECK(sys == *mine[level - 1], "L%d: /sys %zu, cpuid %zu", level, sys, *mine[level - 1]);
      compared++;
    }
  }
  if (!compared)
    printf("test_cpu_cache: /sys has no cache sizes here; cpuid not compared with it\n");
  made_up_trees();
  return ob_test_done("test_cpu_cache");
}
