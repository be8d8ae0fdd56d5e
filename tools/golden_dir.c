/* The default folder of the golden vectors (golden_dir.h). The installed
 * program and the build tree's are one binary: the installed one finds the
 * vectors relative to itself, the build tree's falls through to the source
 * tree, which an installed one never reads unless nothing is installed. */
#define _XOPEN_SOURCE 700 /* readlink, realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "golden_dir.h"

#ifndef OB_GOLDEN_FROM_BIN /* the install's bindir -> datadir/optbench/golden */
#define OB_GOLDEN_FROM_BIN "../share/optbench/golden"
#endif
#ifndef OB_GOLDEN_INSTALL_DIR
#define OB_GOLDEN_INSTALL_DIR "/usr/local/share/optbench/golden"
#endif
#ifndef OB_GOLDEN_SOURCE_DIR
#define OB_GOLDEN_SOURCE_DIR "golden"
#endif

/* a folder of vectors: it has the format beside them */
static int has_vectors(const char *dir) {
  char path[PATH_MAX + 16];
  const int k = snprintf(path, sizeof path, "%s/FORMAT.md", dir);
  return k > 0 && (size_t)k < sizeof path && access(path, R_OK) == 0;
}

const char *cli_golden_dir(const char **origin) {
  static char beside[PATH_MAX];
  const char *env = getenv("OPTBENCH_GOLDEN_DIR"), *from = "OPTBENCH_GOLDEN_DIR";
  const char *dir = env && *env ? env : NULL;
  if (!dir) {
    char exe[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = n > 0 ? memchr(exe, '/', (size_t)n) : NULL;
    if (slash) {
      exe[n] = '\0';
      *strrchr(exe, '/') = '\0';
      char joined[PATH_MAX];
      const int k = snprintf(joined, sizeof joined, "%s/%s", exe, OB_GOLDEN_FROM_BIN);
      if (k > 0 && (size_t)k < sizeof joined && has_vectors(joined) &&
          realpath(joined, beside)) { /* no bin/.. in what is shown */
        dir = beside;
        from = "installed beside the program";
      }
    }
  }
  if (!dir && has_vectors(OB_GOLDEN_SOURCE_DIR)) {
    dir = OB_GOLDEN_SOURCE_DIR;
    from = "the source tree";
  }
  if (!dir) {
    dir = OB_GOLDEN_INSTALL_DIR;
    from = "the install path";
  }
  if (origin)
    *origin = from;
  return dir;
}
