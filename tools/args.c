/* args - `optbench`'s command line (args.h). */
#include "args.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numarg.h"
#include "optnames.h"
#include "opts.h"

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

/* The verify options whose value names something or repeats. */
static int take_variant(void *target, const char *name, const char *value, char *err,
                        size_t errlen) {
  cli_opts *o = target;
  const ob_variant *v;
  const int rc = ob_optname_variant(name, value, &v, err, errlen);
  return rc ? rc
            : ob_optname_add_variant(name, v, o->variants, &o->nvariants, CLI_MAX_VARIANTS, err,
                                     errlen);
}

/* --algo and --rule take names, resolved once --convention is known
 * (resolve_names) */
static int take_algo(void *target, const char *name, const char *value, char *err, size_t errlen) {
  cli_opts *o = target;
  if (o->nnames == OB_ALGO_COUNT)
    return fail(OB_OPTS_BAD, err, errlen, "%s given more than %d times", name, OB_ALGO_COUNT);
  o->names[o->nnames++] = value;
  o->algo_given = 1;
  return OB_OPTS_OK;
}

static int take_op(void *target, const char *name, const char *value, char *err, size_t errlen) {
  cli_opts *o = target;
  const int k = ob_optname_op(name, value, err, errlen);
  if (k < 0)
    return OB_OPTS_BAD;
  o->op[k] = o->op_given = 1;
  return OB_OPTS_OK;
}

static int take_offset(void *target, const char *name, const char *value, char *err,
                       size_t errlen) {
  cli_opts *o = target;
  unsigned long long num;
  if (ob_parse_u64(name, value, 0, GC_MAX_OFFSET, 0, &num, err, errlen) < 0)
    return OB_OPTS_BAD;
  if (o->noffsets > GC_MAX_OFFSET) /* as many as there are offsets: never dropped silently */
    return fail(OB_OPTS_BAD, err, errlen, "more than %d offsets", GC_MAX_OFFSET + 1);
  o->offsets[o->noffsets++] = (size_t)num;
  return OB_OPTS_OK;
}

static int take_rule(void *target, const char *name, const char *value, char *err, size_t errlen) {
  cli_opts *o = target;
  if (o->rule_given)
    return fail(OB_OPTS_BAD, err, errlen, "%s: one rule per kernel, given twice", name);
  o->rule_name = value;
  o->rule_given = 1;
  return OB_OPTS_OK;
}

/* A convention is one some rule of the list has. */
static int take_convention(void *target, const char *name, const char *value, char *err,
                           size_t errlen) {
  cli_opts *o = target;
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    if (strcmp(ob_algo_convention((ob_algo)a), value) == 0) {
      o->convention = value;
      return OB_OPTS_OK;
    }
  char list[256] = "";
  for (int a = 0; a < OB_ALGO_COUNT; a++) {
    const char *c = ob_algo_convention((ob_algo)a);
    int seen = 0;
    for (int k = 0; k < a && !seen; k++)
      seen = strcmp(ob_algo_convention((ob_algo)k), c) == 0;
    const size_t at = strlen(list);
    if (!seen)
      snprintf(list + at, sizeof list - at, "%s%s", at ? ", " : "", c);
  }
  return fail(OB_OPTS_BAD, err, errlen, "%s: '%.64s' is not a convention of the rules (%s)", name,
              value, list);
}

static int take_kernel_form(void *target, const char *name, const char *value, char *err,
                            size_t errlen) {
  cli_opts *o = target;
  const int form = ob_plugin_form_from_name(value);
  if (form < 0)
    return fail(OB_OPTS_BAD, err, errlen, "%s takes auto, pair or states, not '%.64s'", name,
                value);
  o->kernel_form = (ob_plugin_form)form;
  return OB_OPTS_OK;
}

/* The rule `value` of option `name` names: with --convention the rule of
 * that convention (ob_algo_find), else the rule of that name; -1 with the
 * message in err. */
static int rule_of(const cli_opts *o, const char *name, const char *value, char *err,
                   size_t errlen) {
  if (!o->convention)
    return ob_optname_algo(name, value, err, errlen);
  const int a = ob_algo_find(value, o->convention);
  if (a < 0)
    fail(0, err, errlen, "%s %.64s: no rule of convention %s", name, value, o->convention);
  return a;
}

/* --algo and --rule to rules; with --convention and no --algo, every rule of
 * that convention (and, as with --algo, no layer kernel without --op). */
static int resolve_names(cli_opts *o, char *err, size_t errlen) {
  for (size_t k = 0; k < o->nnames; k++) {
    const int a = rule_of(o, "--algo", o->names[k], err, errlen);
    if (a < 0)
      return CLI_PARSE_USAGE;
    o->algo[a] = 1;
  }
  if (o->convention && !o->algo_given) {
    for (int a = 0; a < OB_ALGO_COUNT; a++)
      o->algo[a] = strcmp(ob_algo_convention((ob_algo)a), o->convention) == 0;
    o->algo_given = 1;
  }
  if (o->rule_given && (o->rule = rule_of(o, "--rule", o->rule_name, err, errlen)) < 0)
    return CLI_PARSE_USAGE;
  return CLI_PARSE_OK;
}

static int take_bound(void *target, const char *name, const char *value, char *err, size_t errlen) {
  cli_opts *o = target;
  char *end;
  const double b = strtod(value, &end);
  if (end == value || *end || !isfinite(b) || !(b >= 0) || value[0] == ' ')
    return fail(OB_OPTS_BAD, err, errlen,
                "%s takes a finite number of scale-ULPs >= 0, not '%.64s'", name, value);
  o->bound = b;
  return OB_OPTS_OK;
}

#define STR2(x) #x
#define STR(x)  STR2(x)

/* The verify options, for the parser and the usage; o NULL for the usage. */
static size_t verify_table(cli_opts *o, ob_opt *t) {
  const ob_opt table[] = {
      {"--variant", NULL, OB_OPT_FN, o, 0, 0, 0, take_variant, "V",
       "only this variant (repeatable; default: every supported one)"},
      {"--algo", NULL, OB_OPT_FN, o, 0, 0, 0, take_algo, "A",
       "only this algorithm (repeatable; default: all)"},
      {"--op", NULL, OB_OPT_FN, o, 0, 0, 0, take_op, "O",
       "only this layer op (repeatable; default: all); with --algo and no --op no op runs, "
       "with --op and no --algo no algorithm"},
      {"--golden-dir", NULL, OB_OPT_STR, o ? &o->golden_dir : NULL, 0, 0, 0, NULL, "DIR",
       "where the <family>.txt files are"},
      {"--offset", NULL, OB_OPT_FN, o, 0, 0, 0, take_offset, "N",
       "place arrays N floats (0.." STR(GC_MAX_OFFSET) ") past a 64-byte boundary (repeatable; "
                                                       "default 0)"},
      {"--no-own-state", NULL, OB_OPT_CLEAR, o ? &o->own_state : NULL, 0, 0, 0, NULL, NULL,
       "skip the runs of trajectories on their own state"},
      {"--omp-threshold", NULL, OB_OPT_SIZE, o ? &o->omp_threshold : NULL, 1, SIZE_MAX, 0, NULL,
       "N",
       "run the +omp variants on several threads from N elements (default: each rule's own, see "
       "optbench info)"},
      {"--json", NULL, OB_OPT_STR, o ? &o->json : NULL, 0, 0, 0, NULL, "FILE",
       "also write the table as JSON"},
      {"--convention", NULL, OB_OPT_FN, o, 0, 0, 0, take_convention, "C",
       "only the rules of convention C: book (the textbook's) or torch (torch.optim's); "
       "--algo and --rule names become that convention's rule (adam: torch_adam)"},
      {"--kernel", NULL, OB_OPT_STR, o ? &o->kernel : NULL, 0, 0, 0, NULL, "PATH.so[:SYMBOL]",
       "verify an outside kernel (optbench.h, \"Outside kernels\") instead of the library; "
       "needs --rule. Without SYMBOL: " OB_KERNEL_STATES_SYMBOL
       " (the states form), else " OB_KERNEL_SYMBOL
       " (the pair form); a SYMBOL named has the pair form unless "
       "--kernel-form states"},
      {"--kernel-form", NULL, OB_OPT_FN, o, 0, 0, 0, take_kernel_form, "F",
       "the --kernel's signature: auto (the default, as above), pair (ob_step_fn: a step that "
       "uses a third state fails unrun) or states (ob_step_states_fn)"},
      {"--rule", NULL, OB_OPT_FN, o, 0, 0, 0, take_rule, "R", "the rule the --kernel implements"},
      {"--bound", NULL, OB_OPT_FN, o, 0, 0, 0, take_bound, "X",
       "judge the --kernel against X scale-ULPs (default: the rule's bound for exact rounding)"},
      {"--timeout", NULL, OB_OPT_SIZE, o ? &o->timeout : NULL, 1, 3600, 0, NULL, "S",
       "seconds the --kernel may take on one case (default " STR(CLI_KERNEL_TIMEOUT) ")"},
      {"--quiet", "-q", OB_OPT_FLAG, o ? &o->quiet : NULL, 0, 0, 0, NULL, NULL,
       "print only failures and the summary"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "this message"},
  };
  memcpy(t, table, sizeof table);
  return sizeof table / sizeof *table;
}

enum { MAX_VERIFY_OPTIONS = 24 };

void cli_verify_usage(FILE *f) {
  ob_opt t[MAX_VERIFY_OPTIONS];
  ob_opts_usage(f, t, verify_table(NULL, t));
}

static int parse_verify(int argc, char **argv, cli_opts *o, char *err, size_t errlen) {
  ob_opt t[MAX_VERIFY_OPTIONS];
  const int rc = ob_opts_parse(t, verify_table(o, t), NULL, &argc, argv, err, errlen);
  if (rc == OB_OPTS_HELP)
    o->cmd = CLI_CMD_HELP;
  if (rc == OB_OPTS_OK && !o->kernel != !o->rule_given)
    return fail(CLI_PARSE_USAGE, err, errlen, "--kernel and --rule go together");
  if (rc == OB_OPTS_OK && !o->kernel &&
      (o->kernel_form != OB_PLUGIN_AUTO || o->bound >= 0 || o->timeout != CLI_KERNEL_TIMEOUT))
    return fail(CLI_PARSE_USAGE, err, errlen,
                "--kernel-form, --bound and --timeout are options of --kernel");
  if (rc == OB_OPTS_OK && o->kernel &&
      (o->nvariants || o->algo_given || o->op_given || o->omp_threshold))
    return fail(CLI_PARSE_USAGE, err, errlen,
                "--kernel runs one rule's vectors on the kernel: --variant, --algo, --op and "
                "--omp-threshold do not apply");
  if (rc == OB_OPTS_OK)
    return resolve_names(o, err, errlen);
  return rc == OB_OPTS_CANNOT ? CLI_PARSE_ERROR
         : rc == OB_OPTS_BAD  ? CLI_PARSE_USAGE
                              : CLI_PARSE_OK;
}

int cli_parse(int argc, char **argv, cli_opts *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  out->own_state = 1;
  out->bound = -1;
  out->timeout = CLI_KERNEL_TIMEOUT;
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
