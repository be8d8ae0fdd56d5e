/* The optbench command-line tool: shared declarations. */
#ifndef OPTBENCH_CLI_H
#define OPTBENCH_CLI_H

#include <stddef.h>

#include "args.h"

/* The machine's CPU name (cpuinfo's package name), or "unknown". */
const char *cli_cpu_name(void);

/* `optbench info`: the CPU, OpenMP and the library's variants. Returns the
 * exit status. */
int cli_info(void);

/* `optbench verify` with the parsed options. Returns the exit status. */
int cli_verify(const cli_opts *o);

/* Prints the usage message to stderr (or stdout if to_stdout). */
void cli_usage(int to_stdout);

#endif /* OPTBENCH_CLI_H */
