/* The tuning cache's reader (impl/tune_cache.c) on good and hostile files:
 * a valid file puts its thresholds in force (below ob_set_omp_threshold); a
 * bad number, another version, another machine's hash, any truncation, a
 * repeated, missing or unknown entry, a FIFO, a folder or an oversized
 * file leaves the built-in thresholds, with OB_EINVAL and the reason in
 * ob_omp_threshold_source. No timing. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, mkfifo, setenv */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "optbench.h"
#include "test_tune_file.h"

static int source_starts(const char *prefix) {
  char s[8192];
  ob_omp_threshold_source(s, sizeof s);
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void check_tuned(const char *path) {
  size_t algo[OB_ALGO_COUNT], op[OB_OP_COUNT];
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    algo[a] = tuned_value(a);
  for (int o = 0; o < OB_OP_COUNT; o++)
    op[o] = tuned_value(OB_ALGO_COUNT + o);
  CHECK(ob_tune_load(path) == OB_OK, "valid file %s refused", path);
  CHECK(thresholds_are(algo, op), "a valid file's thresholds are in force");
  CHECK(source_starts("tuned: "), "source says tuned");
  /* ob_set_omp_threshold still overrides, and 0 gives the tuned ones back */
  ob_set_omp_threshold(5);
  CHECK(ob_omp_threshold(OB_ADAM) == 5 && ob_op_omp_threshold(OB_OP_INIT) == 5, "override");
  CHECK(source_starts("ob_set_omp_threshold(5)"), "source names the override");
  ob_set_omp_threshold(0);
  CHECK(thresholds_are(algo, op), "tuned again after the override is reset");
}

/* text must be refused: OB_EINVAL, built-in thresholds, the reason given */
static void check_refused(const char *what, const char *text, size_t len, const char *reason) {
  char path[512], s[8192];
  snprintf(path, sizeof path, "%s/hostile.txt", dir);
  write_file(path, text, len);
  CHECK(ob_tune_load(path) == OB_EINVAL, "%s: accepted", what);
  CHECK(thresholds_are(builtin_algo, builtin_op), "%s: not the built-in thresholds", what);
  ob_omp_threshold_source(s, sizeof s);
  CHECK(strncmp(s, "built-in", 8) == 0 && strstr(s, reason), "%s: source '%s' lacks '%s'", what, s,
        reason);
}

/* the valid text with line `key ...` replaced by `repl` (a whole line) */
static size_t replace_line(char *out, size_t cap, const char *text, const char *key,
                           const char *repl) {
  const char *at = strstr(text, key);
  const char *eol = strchr(at, '\n') + 1;
  return (size_t)snprintf(out, cap, "%.*s%s%s", (int)(at - text), text, repl, eol);
}

int main(void) {
  if (tune_test_setup() < 0)
    return 1;
  char shortbuf[16];
  CHECK(ob_machine_id(shortbuf, sizeof shortbuf) == OB_EINVAL, "16 bytes cannot hold the id");
  static char text[16384], bad[16384];
  const size_t len = valid_text(text, sizeof text, version, machine);
  char path[512];

  snprintf(path, sizeof path, "%s/good.txt", dir);
  write_file(path, text, len);
  check_tuned(path);

  /* every proper prefix is a truncated file */
  for (size_t cut = 0; cut < len; cut++) {
    char what[64];
    snprintf(what, sizeof what, "truncated at byte %zu", cut);
    check_refused(what, text, cut, cut == 0 ? "empty" : "line");
    check_tuned(path); /* and a good file is taken again after each */
  }

  static const struct {
    const char *key, *line, *reason;
  } cases[] = {
      {"algo sgd", "algo sgd 12x\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo sgd -5\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo sgd 0\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo sgd 0131072\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo sgd 1099511627777\n", "algo NAME THRESHOLD"}, /* 2^40 + 1 */
      {"algo sgd", "algo sgd 99999999999999999999999\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo sgd  131072\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo sgd 131072 \n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo sgd 131072\r\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo SGD 131072\n", "algo NAME THRESHOLD"},
      {"algo sgd", "algo lion 131072\n", "algo NAME THRESHOLD"},
      {"algo sgd", "# sgd left out\n", "no threshold for algo sgd"},
      {"op init", "op init 4096\nop init 4096\n", "given twice"},
      {"op init", "op initt 4096\n", "op NAME THRESHOLD"},
      {"threads", "threads two\n", "threads: not a decimal"},
      {"team_start_ns", "team_start_ns 2.6e3\n", "team_start_ns: not a decimal"},
      {"team_wake_ns", "team_wake_ns -1\n", "team_wake_ns: not a decimal"},
      {"cpu", "gpu none\n", "unknown key"},
      {"version", "version 0.0.9\n", "measured with version 0.0.9"},
      {"version", "# version moved\n", "`version` expected"},
      {"machine", "machine 0123456789abcdeg\n", "measured on machine 0123456789abcdeg"},
      {"optbench-tune", "optbench-tune 2\n", "another format"},
      {"end", "end\nalgo sgd 5\n", "text after `end`"},
      {"end", "# no end\n", "no `end` line"},
      {"end", "end \n", "unknown key"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const size_t n = replace_line(bad, sizeof bad, text, cases[i].key, cases[i].line);
    check_refused(cases[i].line, bad, n, cases[i].reason);
  }
  /* another machine's hash: the id of a machine that differs in one hex digit */
  char other[17];
  memcpy(other, machine, sizeof other);
  other[15] = other[15] == '0' ? '1' : '0';
  size_t n = valid_text(bad, sizeof bad, version, other);
  check_refused("another machine", bad, n, "measured on machine");
  /* a NUL byte inside a line */
  memcpy(bad, text, len);
  bad[strstr(bad, "cpu Some") - bad + 5] = '\0';
  check_refused("NUL byte", bad, len, "NUL");
  /* over 64 KiB, all of it comments */
  n = replace_line(bad, sizeof bad, text, "cpu", "cpu x\n");
  static char big[70000];
  memcpy(big, bad, n);
  for (size_t k = n; k < sizeof big; k++)
    big[k] = (k - n) % 64 == 63 ? '\n' : '#';
  check_refused("70000 bytes", big, sizeof big, "larger than 64 KiB");

  /* not regular files, and no file; a FIFO must not block the reader */
  char fifo[512];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
  CHECK(ob_tune_load(fifo) == OB_EINVAL && source_starts("built-in") &&
            thresholds_are(builtin_algo, builtin_op),
        "a FIFO");
  CHECK(ob_tune_load(dir) == OB_EINVAL && thresholds_are(builtin_algo, builtin_op), "a folder");
  snprintf(path, sizeof path, "%s/none.txt", dir);
  CHECK(ob_tune_load(path) == OB_EINVAL && thresholds_are(builtin_algo, builtin_op), "no file");

  unlink(fifo);
  snprintf(path, sizeof path, "%s/hostile.txt", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/good.txt", dir);
  unlink(path);
  rmdir(dir);
  return ob_test_done("test_tune_cache");
}
