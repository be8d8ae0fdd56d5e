/* Where the library looks for the tuning cache, once a process: the file
 * OPTBENCH_TUNE names, none for OPTBENCH_TUNE=off, else
 * $XDG_CACHE_HOME/optbench/tune-<version>-<machine>.txt, else the same under
 * $HOME/.cache. Each case runs in a forked child, which sets its
 * environment before its first threshold. Also: the machine id is FNV-1a of
 * the CPU's model name (as /proc/cpuinfo shows it) and processor count. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv, fork */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "optbench.h"
#include "test_tune_file.h"

static size_t tuned_algo[OB_ALGO_COUNT], tuned_op[OB_OP_COUNT];

/* Runs the case in a child with these variables (NULL: unset); the child
 * expects the tuned thresholds (tuned) or the built-in ones, and a source
 * line starting with `source`. */
static void run_case(const char *what, const char *tune, const char *xdg, const char *home,
                     int tuned, const char *source) {
  fflush(NULL);
  const pid_t pid = fork();
  if (pid == 0) {
    const char *names[] = {"OPTBENCH_TUNE", "XDG_CACHE_HOME", "HOME"};
    const char *values[] = {tune, xdg, home};
    for (int i = 0; i < 3; i++)
      if (values[i])
        setenv(names[i], values[i], 1);
      else
        unsetenv(names[i]);
    ob_failures = 0;
    CHECK(tuned ? thresholds_are(tuned_algo, tuned_op) : thresholds_are(builtin_algo, builtin_op),
          "%s: expected the %s thresholds", what, tuned ? "tuned" : "built-in");
    char s[8192];
    ob_omp_threshold_source(s, sizeof s);
    CHECK(strncmp(s, source, strlen(source)) == 0, "%s: source '%s', expected '%s...'", what, s,
          source);
    fflush(NULL);
    _exit(ob_failures ? 1 : 0);
  }
  int st = 0;
  CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
        "%s: the child failed", what);
}

static void make_dir(const char *path) { CHECK(mkdir(path, 0700) == 0, "mkdir %s", path); }

/* FNV-1a over "model name/processors", independently of the library's cpuid */
static void check_machine_id(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[512], model[256] = "";
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "model name", 10) == 0) {
      const char *v = strchr(line, ':');
      snprintf(model, sizeof model, "%s", v ? v + 1 + strspn(v + 1, " \t") : "");
      model[strcspn(model, "\n")] = '\0';
      break;
    }
  if (f)
    fclose(f);
  if (!model[0]) {
    printf("test_tune_env: no model name in /proc/cpuinfo, machine id not cross-checked\n");
    return;
  }
  char key[400];
  snprintf(key, sizeof key, "%s/%ld", model, sysconf(_SC_NPROCESSORS_CONF));
  uint64_t h = 0xcbf29ce484222325u;
  for (const char *c = key; *c; c++)
    h = (h ^ (unsigned char)*c) * 0x100000001b3u;
  char expect[17];
  snprintf(expect, sizeof expect, "%016llx", (unsigned long long)h);
  CHECK(strcmp(expect, machine) == 0, "machine id %s, FNV-1a of '%s' is %s", machine, key, expect);
}

int main(void) {
  if (tune_test_setup() < 0)
    return 1;
  check_machine_id();
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    tuned_algo[a] = tuned_value(a);
  for (int o = 0; o < OB_OP_COUNT; o++)
    tuned_op[o] = tuned_value(OB_ALGO_COUNT + o);
  static char text[16384];
  const size_t len = valid_text(text, sizeof text, version, machine);

  /* a cache named by OPTBENCH_TUNE; one at the XDG path; one at the HOME path */
  char named[600], xdg[600], home[600], path[700], tuned_src[800];
  snprintf(named, sizeof named, "%s/named.txt", dir);
  write_file(named, text, len);
  snprintf(xdg, sizeof xdg, "%s/xdg", dir);
  make_dir(xdg);
  snprintf(path, sizeof path, "%s/optbench", xdg);
  make_dir(path);
  snprintf(path, sizeof path, "%s/optbench/tune-%s-%s.txt", xdg, version, machine);
  write_file(path, text, len);
  snprintf(home, sizeof home, "%s/home", dir);
  make_dir(home);
  snprintf(path, sizeof path, "%s/.cache", home);
  make_dir(path);
  snprintf(path, sizeof path, "%s/.cache/optbench", home);
  make_dir(path);
  snprintf(path, sizeof path, "%s/.cache/optbench/tune-%s-%s.txt", home, version, machine);
  write_file(path, text, len);
  char empty[600];
  snprintf(empty, sizeof empty, "%s/empty", dir);
  make_dir(empty);

  snprintf(tuned_src, sizeof tuned_src, "tuned: %s", named);
  run_case("OPTBENCH_TUNE=file", named, empty, empty, 1, tuned_src);
  run_case("OPTBENCH_TUNE=off", "off", xdg, home, 0, "built-in (OPTBENCH_TUNE=off)");
  snprintf(tuned_src, sizeof tuned_src, "tuned: %s/optbench/tune-%s-%s.txt", xdg, version, machine);
  run_case("XDG_CACHE_HOME", NULL, xdg, empty, 1, tuned_src);
  run_case("OPTBENCH_TUNE empty", "", xdg, empty, 1, tuned_src);
  snprintf(tuned_src, sizeof tuned_src, "tuned: %s/.cache/optbench/tune-%s-%s.txt", home, version,
           machine);
  run_case("relative XDG_CACHE_HOME: HOME", NULL, "relative/cache", home, 1, tuned_src);
  run_case("HOME", NULL, NULL, home, 1, tuned_src);
  run_case("neither", NULL, NULL, NULL, 0, "built-in (no tuning cache");
  run_case("a missing file", "/nonexistent/optbench-tune.txt", xdg, home, 0,
           "built-in (tuning cache /nonexistent/optbench-tune.txt: no such file)");
  run_case("nothing at XDG", NULL, empty, home, 0, "built-in (tuning cache");

  /* the default path itself */
  setenv("XDG_CACHE_HOME", "/x/y", 1);
  char got[4096], expect[4096];
  snprintf(expect, sizeof expect, "/x/y/optbench/tune-%s-%s.txt", version, machine);
  CHECK(ob_tune_default_path(got, sizeof got) == OB_OK && strcmp(got, expect) == 0,
        "default path %s, expected %s", got, expect);
  CHECK(ob_tune_default_path(got, 10) == OB_EINVAL, "a short buffer");
  unsetenv("XDG_CACHE_HOME");
  unsetenv("HOME");
  CHECK(ob_tune_default_path(got, sizeof got) == OB_EINVAL, "no HOME, no XDG_CACHE_HOME");

  char cleanup[800];
  snprintf(cleanup, sizeof cleanup, "rm -rf '%s'", dir);
  CHECK(system(cleanup) == 0, "cleanup");
  return ob_test_done("test_tune_env");
}
