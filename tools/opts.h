/* opts - the one command-line parser of every optbench program (optbench,
 * optbench_bench, optbench_model, optbench_convergence, optbench_figures):
 * each describes its options in a table (name, kind, target, help) and
 * parses argv with it. Numbers go through numarg's strict parser; an
 * unknown option, a missing or empty value is an error with a one-line
 * message, never skipped. No I/O but ob_opts_usage and ob_opts_parse_main's
 * messages, no exit. */
#ifndef OB_OPTS_H
#define OB_OPTS_H

#include <stddef.h>
#include <stdio.h>

typedef enum {
  OB_OPT_FLAG,  /* no value: *(int *)target = 1 */
  OB_OPT_CLEAR, /* no value: *(int *)target = 0 (--no-...) */
  OB_OPT_STR,   /* *(const char **)target = the value, which may not be empty */
  OB_OPT_STRS,  /* appended to *(ob_opt_strs *)target (repeatable), not empty */
  OB_OPT_INT,   /* *(int *)target = an integer min..max (max at most INT_MAX) */
  OB_OPT_SIZE,  /* *(size_t *)target = an integer min..max */
  OB_OPT_U64,   /* *(unsigned long long *)target = an integer min..max (numflags) */
  OB_OPT_FN,    /* fn(target, name, value, err, errlen): names, lists */
  OB_OPT_HELP   /* no value: ob_opts_parse stops and returns OB_OPTS_HELP */
} ob_opt_kind;

/* The values of a repeatable option, in order. */
#define OB_OPTS_MAX_REPEAT 16
typedef struct {
  const char *v[OB_OPTS_MAX_REPEAT];
  int n;
} ob_opt_strs;

/* An OB_OPT_FN option's value: 0, or OB_OPTS_BAD / OB_OPTS_CANNOT with the
 * message (naming the option) in err. */
typedef int (*ob_opt_fn)(void *target, const char *name, const char *value, char *err,
                         size_t errlen);

typedef struct {
  const char *name;  /* "--iters" */
  const char *alias; /* "-q", or NULL */
  ob_opt_kind kind;
  void *target;
  unsigned long long min, max; /* numbers */
  int numflags;                /* numbers: OB_NUMARG_HEX */
  ob_opt_fn fn;                /* OB_OPT_FN */
  const char *arg;             /* the value in the usage ("N", "DIR"); NULL: no value */
  const char *help;            /* one line; NULL: not listed */
} ob_opt;

/* Return values of ob_opts_parse (and of an OB_OPT_FN). */
#define OB_OPTS_OK     0
#define OB_OPTS_HELP   1
#define OB_OPTS_BAD    (-1) /* bad usage: err says what (exit 2 with the usage) */
#define OB_OPTS_CANNOT (-2) /* a valid request this machine cannot do (exit 2) */

/* Parses argv[1 .. *argc) (argv[0] the program or the command) against the
 * n options of table, as "--name value" or "--name=value". An argument no
 * option matches is kept in argv (which is compacted, *argc updated and
 * argv[*argc] set to NULL) if it starts with pass (e.g. "--benchmark_",
 * the flags of Google Benchmark), else refused. With pass NULL every
 * argument must be an option, and argv and *argc are not written.
 * Returns OB_OPTS_OK, OB_OPTS_HELP, or an error with a one-line message in
 * err: "unknown option '--x'", "option --x needs a value", numarg's
 * "--x takes an integer MIN..MAX, not 'V' (why)". */
int ob_opts_parse(const ob_opt *table, size_t n, const char *pass, int *argc, char **argv,
                  char *err, size_t errlen);

/* ob_opts_parse for a program's main. After an error it prints
 * "prog: message" and, for bad usage, the usage ("usage: prog synopsis" and
 * the table) to stderr; after --help the usage to stdout. Returns -1 to go
 * on, else the exit status: 0 after --help, 2 after an error. */
int ob_opts_parse_main(const char *prog, const char *synopsis, const ob_opt *table, size_t n,
                       const char *pass, int *argc, char **argv);

/* A comma-separated list of integers min..max (numarg's rules for each)
 * into out[0 .. *count), at most cap of them; no empty item. 0, or
 * OB_OPTS_BAD with the message in err. */
int ob_opts_u64_list(const char *name, const char *value, unsigned long long min,
                     unsigned long long max, unsigned long long *out, size_t cap, size_t *count,
                     char *err, size_t errlen);

/* The table's options, one a line ("  --name ARG  help"), to f. */
void ob_opts_usage(FILE *f, const ob_opt *table, size_t n);

#endif /* OB_OPTS_H */
