/* args - `optbench`'s command line (args.h). */
#include "args.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numarg.h"

#if defined(__GNUC__)
static int fail(int code, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#endif
static int fail(int code, char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* The value of option `name` at argv[*i]: "--name=value" or "--name value".
 * Returns NULL if argv[*i] is not this option; sets *missing if the value is
 * absent. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, int *missing) {
  size_t len = strlen(name);
  const char *a = argv[*i];
  if (strncmp(a, name, len) != 0)
    return NULL;
  if (a[len] == '=')
    return a + len + 1;
  if (a[len] != '\0')
    return NULL;
  if (*i + 1 >= argc) {
    *missing = 1;
    return NULL;
  }
  return argv[++*i];
}

static int parse_verify(int argc, char **argv, cli_opts *o, char *err, size_t errlen) {
  for (int i = 1; i < argc; i++) {
    int missing = 0;
    unsigned long long num = 0;
    const char *val;
    if (!argv[i])
      return fail(CLI_PARSE_USAGE, err, errlen, "argument %d is missing", i);
    if ((val = opt_value(argc, argv, &i, "--variant", &missing))) {
      const ob_variant *v = ob_variant_find(val);
      if (!v)
        return fail(CLI_PARSE_USAGE, err, errlen, "unknown variant '%.64s'", val);
      if (!ob_variant_supported(v))
        return fail(CLI_PARSE_ERROR, err, errlen, "variant '%.64s' is not supported on this CPU",
                    val);
      size_t k = 0;
      while (k < o->nvariants && o->variants[k] != v)
        k++;
      if (k == o->nvariants) {
        if (o->nvariants == CLI_MAX_VARIANTS)
          return fail(CLI_PARSE_USAGE, err, errlen, "more than %d variants", CLI_MAX_VARIANTS);
        o->variants[o->nvariants++] = v;
      }
    } else if ((val = opt_value(argc, argv, &i, "--algo", &missing))) {
      int a = ob_algo_from_name(val);
      if (a < 0)
        return fail(CLI_PARSE_USAGE, err, errlen, "unknown algorithm '%.64s'", val);
      o->algo[a] = o->algo_given = 1;
    } else if ((val = opt_value(argc, argv, &i, "--op", &missing))) {
      int op = ob_op_from_name(val);
      if (op < 0)
        return fail(CLI_PARSE_USAGE, err, errlen, "unknown op '%.64s'", val);
      o->op[op] = o->op_given = 1;
    } else if ((val = opt_value(argc, argv, &i, "--golden-dir", &missing))) {
      o->golden_dir = val;
    } else if ((val = opt_value(argc, argv, &i, "--json", &missing))) {
      if (!*val)
        return fail(CLI_PARSE_USAGE, err, errlen, "--json takes a file name, not ''");
      o->json = val;
    } else if ((val = opt_value(argc, argv, &i, "--offset", &missing))) {
      if (ob_parse_u64("--offset", val, 0, GC_MAX_OFFSET, 0, &num, err, errlen) < 0)
        return CLI_PARSE_USAGE;
      if (o->noffsets > GC_MAX_OFFSET) /* as many as there are offsets: never dropped silently */
        return fail(CLI_PARSE_USAGE, err, errlen, "more than %d offsets", GC_MAX_OFFSET + 1);
      o->offsets[o->noffsets++] = (size_t)num;
    } else if ((val = opt_value(argc, argv, &i, "--omp-threshold", &missing))) {
      if (ob_parse_u64("--omp-threshold", val, 1, SIZE_MAX, 0, &num, err, errlen) < 0)
        return CLI_PARSE_USAGE;
      o->omp_threshold = (size_t)num;
    } else if (missing) {
      return fail(CLI_PARSE_USAGE, err, errlen, "option %.64s needs a value", argv[i]);
    } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
      o->quiet = 1;
    } else if (strcmp(argv[i], "--no-own-state") == 0) {
      o->own_state = 0;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      o->cmd = CLI_CMD_HELP;
      return CLI_PARSE_OK;
    } else {
      return fail(CLI_PARSE_USAGE, err, errlen, "unknown argument '%.64s'", argv[i]);
    }
  }
  return CLI_PARSE_OK;
}

int cli_parse(int argc, char **argv, cli_opts *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  out->own_state = 1;
  if (err && errlen)
    err[0] = '\0';
  if (argc < 2 || !argv || !argv[1])
    return fail(CLI_PARSE_USAGE, err, errlen, "no command");
  const char *cmd = argv[1];
  if (strcmp(cmd, "info") == 0) {
    out->cmd = CLI_CMD_INFO;
    out->info_json = argc >= 3 && argv[2] && strcmp(argv[2], "--json") == 0;
    if (argc > 2 + out->info_json)
      return fail(CLI_PARSE_USAGE, err, errlen, "info takes only --json, found '%.64s'",
                  argv[2 + out->info_json] ? argv[2 + out->info_json] : "");
    return CLI_PARSE_OK;
  }
  if (strcmp(cmd, "verify") == 0) {
    out->cmd = CLI_CMD_VERIFY;
    return parse_verify(argc - 1, argv + 1, out, err, errlen);
  }
  if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    out->cmd = CLI_CMD_HELP;
    return CLI_PARSE_OK;
  }
  return fail(CLI_PARSE_USAGE, err, errlen, "unknown command '%.64s'", cmd);
}
