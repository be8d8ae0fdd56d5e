/* The optbench command-line tool: shared declarations. */
#ifndef OPTBENCH_CLI_H
#define OPTBENCH_CLI_H

#include <stddef.h>

/* The machine's CPU name (cpuinfo's package name), or "unknown". */
const char *cli_cpu_name(void);

/* `optbench info`: the CPU, OpenMP and the library's variants. Returns the
 * exit status. */
int cli_info(void);

/* `optbench verify ...` (argv[0] is "verify"). Returns the exit status. */
int cli_verify(int argc, char **argv);

/* Prints the usage message to stderr (or stdout if to_stdout). */
void cli_usage(int to_stdout);

#endif /* OPTBENCH_CLI_H */
