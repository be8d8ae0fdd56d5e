/* The data cache sizes, so the benchmark's size bands (L1, L2, L3, DRAM)
 * exist on every machine. cpuid first: a VM may have no cache entries in
 * /sys (the issue 14 VM had none, and libcpuinfo then knew nothing either),
 * while the CPU's own description is always there. /sys fills the levels
 * cpuid does not tell (another architecture, an old CPU). */
#define _POSIX_C_SOURCE 200809L /* snprintf into the static source line */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "machine.h"

#if defined(__x86_64__) || defined(__i386__)
/* Leaf 4 and 0x8000001D describe one cache per subleaf in the same layout:
 * EAX type (1 data, 2 instruction, 3 unified) and level; EBX line size,
 * partitions and ways, ECX sets, each stored minus one. */
static int deterministic_leaf(unsigned leaf, ob_caches *out) {
  int found = 0;
  for (unsigned i = 0; i < 16; i++) {
    unsigned a, b, c, d;
    __cpuid_count(leaf, i, a, b, c, d);
    const unsigned type = a & 31, level = (a >> 5) & 7;
    if (type == 0)
      break;
    if (type == 2) /* instruction cache */
      continue;
    const size_t size =
        (size_t)((b >> 22) + 1) * (((b >> 12) & 0x3ff) + 1) * ((b & 0xfff) + 1) * ((size_t)c + 1);
    size_t *slot = level == 1 ? &out->l1d : level == 2 ? &out->l2 : level == 3 ? &out->l3 : NULL;
    if (slot && !*slot) {
      *slot = size;
      found = 1;
    }
  }
  return found;
}
#endif

void ob_caches_cpuid(ob_caches *out) {
  memset(out, 0, sizeof *out);
#if defined(__x86_64__) || defined(__i386__)
  unsigned max, b, c, d, ext, a;
  if (!__get_cpuid(0, &max, &b, &c, &d))
    return;
  const int intel = b == 0x756e6547u && d == 0x49656e69u && c == 0x6c65746eu; /* GenuineIntel */
  if (!__get_cpuid(0x80000000u, &ext, &b, &c, &d))
    ext = 0;
  if (intel && max >= 4 && deterministic_leaf(4, out)) {
    out->source = "cpuid 4";
    return;
  }
  /* AMD (and Hygon): 0x8000001D where the topology extensions bit says it exists */
  if (ext >= 0x8000001du && __get_cpuid(0x80000001u, &a, &b, &c, &d) && (c >> 22 & 1) &&
      deterministic_leaf(0x8000001du, out)) {
    out->source = "cpuid 0x8000001d";
    return;
  }
  /* older AMD: L1d KiB in 0x80000005 ECX[31:24]; L2 KiB in 0x80000006
   * ECX[31:16], L3 in 512 KiB units in EDX[31:18] */
  if (!intel && ext >= 0x80000006u) {
    __cpuid(0x80000005u, a, b, c, d);
    out->l1d = (size_t)(c >> 24) * 1024;
    __cpuid(0x80000006u, a, b, c, d);
    out->l2 = (size_t)(c >> 16) * 1024;
    out->l3 = (size_t)(d >> 18) * 512 * 1024;
    if (out->l1d || out->l2 || out->l3)
      out->source = "cpuid 0x80000006";
  }
#endif
}

/* The whole file as one line of at most len - 1 bytes; 0, or -1 if absent,
 * empty or longer. */
static int read_line(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  const size_t n = fread(buf, 1, len - 1, f);
  const int more = fgetc(f) != EOF;
  fclose(f);
  if (n == 0 || more)
    return -1;
  buf[n] = '\0';
  if (buf[n - 1] == '\n')
    buf[n - 1] = '\0';
  return 0;
}

/* "32K", "1024K", "32M", "65536": digits and an optional K, M or G; 0 if malformed. */
static size_t parse_size(const char *s) {
  size_t v = 0;
  const char *p = s;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > ((size_t)1 << 40))
      return 0;
    v = v * 10 + (size_t)(*p - '0');
  }
  if (p == s)
    return 0;
  const size_t unit = *p == 'K'   ? 1024
                      : *p == 'M' ? 1024 * 1024
                      : *p == 'G' ? 1024u * 1024 * 1024
                                  : 1;
  if (p[unit > 1] != '\0' || v > ((size_t)1 << 50) / unit) /* 1 PiB: past any cache */
    return 0;
  return v * unit;
}

void ob_caches_sysfs(const char *dir, ob_caches *out) {
  memset(out, 0, sizeof *out);
  for (int i = 0; i < 32; i++) {
    char path[4096], level[16], type[32], size[32];
    int ok = 1;
    snprintf(path, sizeof path, "%s/index%d/level", dir, i);
    ok &= read_line(path, level, sizeof level) == 0;
    snprintf(path, sizeof path, "%s/index%d/type", dir, i);
    ok &= read_line(path, type, sizeof type) == 0;
    snprintf(path, sizeof path, "%s/index%d/size", dir, i);
    ok &= read_line(path, size, sizeof size) == 0;
    if (!ok || strcmp(type, "Instruction") == 0)
      continue;
    if (strcmp(type, "Data") != 0 && strcmp(type, "Unified") != 0)
      continue;
    const size_t bytes = parse_size(size);
    size_t *slot = strcmp(level, "1") == 0   ? &out->l1d
                   : strcmp(level, "2") == 0 ? &out->l2
                   : strcmp(level, "3") == 0 ? &out->l3
                                             : NULL;
    if (slot && !*slot && bytes) {
      *slot = bytes;
      out->source = "sysfs";
    }
  }
}

static ob_caches caches;
static char source[64];
static pthread_once_t caches_once = PTHREAD_ONCE_INIT;

static void detect(void) {
  ob_caches sys;
  ob_caches_cpuid(&caches);
  if (caches.l1d && caches.l2 && caches.l3)
    return;
  ob_caches_sysfs("/sys/devices/system/cpu/cpu0/cache", &sys);
  size_t *const mine[] = {&caches.l1d, &caches.l2, &caches.l3};
  const size_t theirs[] = {sys.l1d, sys.l2, sys.l3};
  int filled = 0;
  for (int i = 0; i < 3; i++)
    if (!*mine[i] && theirs[i]) {
      *mine[i] = theirs[i];
      filled = 1;
    }
  if (filled) {
    snprintf(source, sizeof source, "%s%s", caches.source ? caches.source : "",
             caches.source ? ", sysfs" : "sysfs");
    caches.source = source;
  }
}

ob_status ob_cpu_caches(ob_caches *out) {
  if (!out)
    return OB_EINVAL;
  pthread_once(&caches_once, detect);
  *out = caches;
  if (!out->source)
    out->source = "none";
  return OB_OK;
}
