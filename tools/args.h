/* args - the command line of `optbench`, parsed with no I/O and no exit, so
 * that a fuzz target (and a test) can call it on any argv. */
#ifndef OPTBENCH_ARGS_H
#define OPTBENCH_ARGS_H

#include <stddef.h>
#include <stdio.h>

#include "golden_check.h" /* GC_MAX_OFFSET */
#include "optbench.h"
#include "plugin_load.h" /* ob_plugin_form */

#define CLI_MAX_VARIANTS 64 /* more than the library's list will ever hold */

typedef enum { CLI_CMD_HELP, CLI_CMD_INFO, CLI_CMD_VERIFY } cli_cmd;

typedef struct {
  cli_cmd cmd;
  int info_json; /* info --json */
  /* verify */
  const ob_variant *variants[CLI_MAX_VARIANTS]; /* named with --variant, no repeats */
  size_t nvariants;
  int algo[OB_ALGO_COUNT], algo_given; /* the rules --algo names (resolved, see below) */
  int op[OB_OP_COUNT], op_given;
  const char *golden_dir; /* NULL: the default */
  const char *json;       /* NULL: no JSON */
  size_t offsets[GC_MAX_OFFSET + 1];
  size_t noffsets;
  int own_state, quiet;
  size_t omp_threshold; /* 0: each rule's own */
  /* --convention: NULL, or a convention of the list ("book", "torch"): only
   * its rules, and each --algo and --rule name resolved to the rule of that
   * convention (ob_algo_find: adam -> torch_adam, adamw -> torch_adamw);
   * without it a name is a rule of the list */
  const char *convention;
  const char *names[OB_ALGO_COUNT + 1]; /* the --algo values, then --rule's, as given */
  size_t nnames;
  const char *rule_name;
  /* verify --kernel (plugin_verify.c) */
  const char *kernel;         /* PATH.so[:SYMBOL], or NULL */
  ob_plugin_form kernel_form; /* --kernel-form: which signature the kernel has */
  int rule, rule_given;       /* --rule: the ob_algo the kernel implements */
  double bound;               /* --bound: < 0 the rule's own */
  size_t timeout;             /* --timeout: seconds per case */
} cli_opts;

#define CLI_KERNEL_TIMEOUT 10 /* seconds a kernel may take on one case by default */

/* Return values of cli_parse. */
#define CLI_PARSE_OK    0
#define CLI_PARSE_USAGE (-1) /* bad usage: print err, then the usage (exit 2) */
#define CLI_PARSE_ERROR (-2) /* a valid request this machine cannot do: print err (exit 2) */

/* Parses argv (argv[0] the program, argv[1] the command) into *out. Returns
 * CLI_PARSE_OK, or one of the errors with a one-line message in err. Reads
 * nothing but argv and the library's lists; writes nothing but *out and err. */
int cli_parse(int argc, char **argv, cli_opts *out, char *err, size_t errlen);

/* The verify options, one a line, from the table cli_parse reads. */
void cli_verify_usage(FILE *f);

#endif /* OPTBENCH_ARGS_H */
