/* fuzz_cli - `optbench`'s argument parsing (cli_parse) on the fuzz input
 * split at NUL bytes into argv[1..]: it must return a status with the error
 * contract kept and leave *out within its documented bounds. */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "fuzz.h"

enum { MAX_ARGS = 1024 };

/* aborts (a finding) unless p is NULL or one of the arguments */
static void check_points_into_argv(const char *p, int argc, char **argv) {
  for (int i = 0; p && i < argc; i++)
    if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
      return;
  if (p)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *buf = malloc(size + 1); /* the arguments, each NUL-terminated */
  char **argv = malloc((MAX_ARGS + 2) * sizeof *argv);
  if (!buf || !argv)
    abort();
  memcpy(buf, data, size);
  buf[size] = '\0';
  int argc = 0;
  argv[argc++] = "optbench";
  for (size_t i = 0; i < size && argc <= MAX_ARGS; i += strlen(buf + i) + 1)
    argv[argc++] = buf + i;
  argv[argc] = NULL;

  cli_opts o;
  char err[256];
  int rc = cli_parse(argc, argv, &o, err, sizeof err);
  if (rc != CLI_PARSE_OK && rc != CLI_PARSE_USAGE && rc != CLI_PARSE_ERROR)
    abort();
  fz_check_err(rc, err, sizeof err);
  if (rc == CLI_PARSE_OK) {
    if (o.nvariants > CLI_MAX_VARIANTS || o.noffsets > GC_MAX_OFFSET + 1)
      abort();
    for (size_t i = 0; i < o.noffsets; i++)
      if (o.offsets[i] > GC_MAX_OFFSET)
        abort();
    check_points_into_argv(o.golden_dir, argc, argv);
    check_points_into_argv(o.json, argc, argv);
  }
  free(argv);
  free(buf);
  return 0;
}
