/* The optbench command-line tool: shared declarations. */
#ifndef OPTBENCH_CLI_H
#define OPTBENCH_CLI_H

#include <stddef.h>

#include "args.h"
#include "golden_verify.h"

/* The machine's CPU name (cpuinfo's package name), or "unknown". */
const char *cli_cpu_name(void);

/* `optbench info`: the CPU, OpenMP and the library's variants. Returns the
 * exit status. */
int cli_info(void);

/* `optbench verify` with the parsed options. Returns the exit status. */
int cli_verify(const cli_opts *o);

/* `optbench verify --kernel` (plugin_verify.c). Returns the exit status. */
int cli_verify_kernel(const cli_opts *o);

/* The run, the table (or with --quiet the failing rows), the summary line
 * and the JSON of a verify whose header is printed. Returns the exit
 * status: 0 passed, 1 failed or a file did not load, 2 an unwritable
 * --json. */
int cli_verify_run(const cli_opts *o, const gv_config *cfg, const ob_variant *const *skipped,
                   size_t nskipped);

/* Prints the usage message to stderr (or stdout if to_stdout). */
void cli_usage(int to_stdout);

#endif /* OPTBENCH_CLI_H */
