/* test_cli_args: `optbench`'s argument parsing (tools/args.c), the option
 * table parser every program uses (tools/opts.c) and the shared numeric
 * option parser (tools/numarg.c) refuse what they cannot represent:
 * overflow, a sign, junk after the number, an empty value (issue 10, 18),
 * an unknown option, a missing value (issue 12). */
#include <stdint.h>
#include <string.h>

#include "args.h"
#include "check.h"
#include "numarg.h"
#include "optnames.h"
#include "opts.h"

/* cli_parse on a NULL-terminated list of words after "optbench". */
static int parse(cli_opts *o, char *err, size_t errlen, const char *const *words) {
  char *argv[24] = {"optbench"}; /* room for the 17-offset case */
  int argc = 1;
  while (words[argc - 1] && argc < 23) {
    argv[argc] = (char *)words[argc - 1];
    argc++;
  }
  argv[argc] = NULL;
  return cli_parse(argc, argv, o, err, errlen);
}

#define PARSE(...) parse(&o, err, sizeof err, (const char *const[]){__VA_ARGS__, NULL})

/* ---- opts: one table of every kind ---------------------------------------- */

typedef struct {
  int flag, keep, small;
  const char *str;
  ob_opt_strs strs;
  size_t size;
  unsigned long long seed;
  int algo;
} targets;

static int take_algo(void *target, const char *name, const char *value, char *err, size_t errlen) {
  const int a = ob_optname_algo(name, value, err, errlen);
  if (a < 0)
    return OB_OPTS_BAD;
  *(int *)target = a;
  return OB_OPTS_OK;
}

/* ob_opts_parse of words (after a program name) into a fresh *t; pass as
 * ob_opts_parse's. *argc_out: argc afterwards, kept[]: argv afterwards. */
static int opts(targets *t, const char *pass, char *err, size_t errlen, int *argc_out, char **kept,
                const char *const *words) {
  memset(t, 0, sizeof *t);
  t->keep = 1;
  t->algo = -1;
  const ob_opt table[] = {
      {"--flag", "-f", OB_OPT_FLAG, &t->flag, 0, 0, 0, NULL, NULL, "a flag"},
      {"--no-keep", NULL, OB_OPT_CLEAR, &t->keep, 0, 0, 0, NULL, NULL, "clears keep"},
      {"--small", NULL, OB_OPT_INT, &t->small, 2, 9, 0, NULL, "N", "2..9"},
      {"--str", NULL, OB_OPT_STR, &t->str, 0, 0, 0, NULL, "S", "a string"},
      {"--strs", NULL, OB_OPT_STRS, &t->strs, 0, 0, 0, NULL, "S", "repeatable"},
      {"--size", NULL, OB_OPT_SIZE, &t->size, 1, SIZE_MAX, 0, NULL, "N", "a size"},
      {"--seed", NULL, OB_OPT_U64, &t->seed, 0, UINT64_MAX, OB_NUMARG_HEX, NULL, "S", "hex too"},
      {"--algo", NULL, OB_OPT_FN, &t->algo, 0, 0, 0, take_algo, "A", "a name"},
      {"--help", "-h", OB_OPT_HELP, NULL, 0, 0, 0, NULL, NULL, "help"},
  };
  static char *argv[40];
  int argc = 1;
  argv[0] = "prog";
  while (words[argc - 1] && argc < 39) {
    argv[argc] = (char *)words[argc - 1];
    argc++;
  }
  argv[argc] = NULL;
  const int rc = ob_opts_parse(table, sizeof table / sizeof *table, pass, &argc, argv, err, errlen);
  if (argc_out)
    *argc_out = argc;
  if (kept)
    for (int i = 0; i <= argc; i++)
      kept[i] = argv[i];
  return rc;
}

#define OPTS(pass, ...)                                                                            \
  opts(&t, pass, err, sizeof err, &n, kept, (const char *const[]){__VA_ARGS__, NULL})

static void test_opts(void) {
  targets t;
  char err[256], *kept[40];
  int n;
  /* every kind, both spellings of a value */
  CHECK(OPTS(NULL, "--flag", "--no-keep", "--small=9", "--str", "x", "--strs", "a", "--strs=b",
             "--size", "18446744073709551615", "--seed=0xff", "--algo", "adam") == OB_OPTS_OK,
        "%s", err);
  CHECK(t.flag == 1 && t.keep == 0 && t.small == 9 && !strcmp(t.str, "x") && t.strs.n == 2 &&
            !strcmp(t.strs.v[0], "a") && !strcmp(t.strs.v[1], "b") && t.size == SIZE_MAX &&
            t.seed == 0xff && t.algo == OB_ADAM,
        "values not stored as given");
  CHECK(n == 14, "pass NULL leaves argc alone: %d", n);
  CHECK(OPTS(NULL, "-f") == OB_OPTS_OK && t.flag == 1, "alias: %s", err);
  CHECK(OPTS(NULL, "-h", "--bogus") == OB_OPTS_HELP, "help stops before what follows");

  /* refusals, each with a message naming the option */
  struct {
    const char *words[3], *want;
  } bad[] = {
      {{"--bogus"}, "unknown option '--bogus'"},
      {{"--flagx"}, "unknown option '--flagx'"}, /* no prefix match */
      {{"--flag=1"}, "--flag takes no value"},
      {{"--small"}, "--small needs a value"},
      {{"--small", "1"}, "too small"},
      {{"--small", "10"}, "too large"},
      {{"--small=3x"}, "junk"},
      {{"--str="}, "--str takes a value, not ''"},
      {{"--strs", ""}, "--strs takes a value"},
      {{"--size", "0"}, "too small"},
      {{"--size", "-1"}, "negative"},
      {{"--seed", "0x"}, "no digits"},
      {{"--seed", "0x10000000000000000"}, "64 bits"},
      {{"--algo", "adamw"}, "--algo: unknown algorithm 'adamw'"},
      {{"stray"}, "unknown option 'stray'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    err[0] = '\0';
    const int rc = opts(&t, NULL, err, sizeof err, NULL, NULL, bad[i].words);
    CHECK(rc == OB_OPTS_BAD && strstr(err, bad[i].want), "%s: %d '%s'", bad[i].words[0], rc, err);
  }
  /* a repeatable option past its limit is refused, not dropped */
  const char *many[2 * OB_OPTS_MAX_REPEAT + 3];
  for (int i = 0; i <= OB_OPTS_MAX_REPEAT; i++)
    many[2 * i] = "--strs", many[2 * i + 1] = "v";
  many[2 * OB_OPTS_MAX_REPEAT + 2] = NULL;
  CHECK(opts(&t, NULL, err, sizeof err, NULL, NULL, many) == OB_OPTS_BAD &&
            strstr(err, "more than"),
        "%d --strs: %s", OB_OPTS_MAX_REPEAT + 1, err);

  /* pass: what starts with it stays in argv, compacted; the rest is refused */
  CHECK(OPTS("--benchmark_", "--benchmark_filter=x", "--flag", "--benchmark_list_tests") ==
                OB_OPTS_OK &&
            n == 3 && !strcmp(kept[1], "--benchmark_filter=x") &&
            !strcmp(kept[2], "--benchmark_list_tests") && !kept[3] && t.flag,
        "kept %d: %s", n, err);
  CHECK(OPTS("--benchmark_", "--v=2") == OB_OPTS_BAD, "only the prefix passes");

  /* ob_opts_u64_list */
  unsigned long long list[3];
  size_t cnt = 9;
  CHECK(ob_opts_u64_list("--l", "1,2,3", 1, 5, list, 3, &cnt, err, sizeof err) == 0 && cnt == 3 &&
            list[0] == 1 && list[2] == 3,
        "%s", err);
  const char *badlists[] = {"", ",1", "1,", "1,,2", "1,2,3,4", "1,6", "1, 2", "1,x"};
  for (size_t i = 0; i < sizeof badlists / sizeof *badlists; i++) {
    cnt = 9;
    CHECK(ob_opts_u64_list("--l", badlists[i], 1, 5, list, 3, &cnt, err, sizeof err) ==
                  OB_OPTS_BAD &&
              cnt == 9 && strstr(err, "--l"),
          "'%s': %s", badlists[i], err);
  }

  /* optnames: a variant the library does not have, and one it has */
  const ob_variant *v = NULL;
  CHECK(ob_optname_variant("--variant", "avx1024", &v, err, sizeof err) == OB_OPTS_BAD &&
            strstr(err, "--variant: unknown variant 'avx1024'"),
        "%s", err);
  CHECK(ob_optname_variant("--variant", "scalar", &v, err, sizeof err) == OB_OPTS_OK && v &&
            !strcmp(ob_variant_name(v), "scalar"),
        "%s", err);
  const ob_variant *set[1];
  size_t nset = 0;
  CHECK(ob_optname_add_variant("--variant", v, set, &nset, 1, err, sizeof err) == 0 &&
            ob_optname_add_variant("--variant", v, set, &nset, 1, err, sizeof err) == 0 &&
            nset == 1,
        "a repeat is stored once");
  CHECK(ob_optname_add_variant("--variant", ob_variant_find("scalar+omp"), set, &nset, 1, err,
                               sizeof err) == OB_OPTS_BAD,
        "past the capacity");
  CHECK(ob_optname_op("--op", "batchnorm_train", err, sizeof err) == OB_OP_BATCHNORM_TRAIN &&
            ob_optname_op("--op", "batchnorm", err, sizeof err) < 0 && strstr(err, "--op:"),
        "%s", err);
}

int main(void) {
  cli_opts o;
  char err[256];

  /* --- numarg: every malformed value, with the reason in the message --- */
  struct {
    const char *s, *why;
  } bad[] = {
      {"99999999999999999999999", "too large for 64 bits"}, /* 2^76: past 64 bits */
      {"18446744073709551616", "too large for 64 bits"},    /* 2^64: one past the top */
      {"-1", "negative"},                                   /* strtoull reads it as 2^64-1 */
      {"", "empty"},
      {"12x", "junk"},
      {" 12", "not a number"}, /* strtoull skips leading space */
      {"+12", "not a number"}, /* and takes a plus sign */
      {"0x10", "junk"},        /* hex only where the option says so */
  };
  unsigned long long v = 7;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    CHECK(ob_parse_u64("--n", bad[i].s, 0, UINT64_MAX, 0, &v, err, sizeof err) == -1, "'%s'",
          bad[i].s);
    CHECK(strstr(err, bad[i].why) && strstr(err, "--n"), "'%s': %s", bad[i].s, err);
  }
  CHECK(v == 7, "a refused value must leave the output alone, got %llu", v);
  CHECK(ob_parse_u64("--n", "18446744073709551615", 0, UINT64_MAX, 0, &v, err, sizeof err) == 0 &&
            v == UINT64_MAX,
        "2^64-1 is representable: %s", err);
  CHECK(ob_parse_u64("--n", "16", 0, 15, 0, &v, err, sizeof err) == -1 && strstr(err, "0..15"),
        "above the maximum: %s", err);
  CHECK(ob_parse_u64("--n", "0", 1, 10, 0, &v, err, sizeof err) == -1 && strstr(err, "too small"),
        "below the minimum: %s", err);
  CHECK(ob_parse_u64("--seed", "0xFfff", 0, UINT64_MAX, OB_NUMARG_HEX, &v, err, sizeof err) == 0 &&
            v == 0xffff,
        "hex where allowed: %s", err);
  CHECK(ob_parse_u64("--seed", "0x", 0, UINT64_MAX, OB_NUMARG_HEX, &v, err, sizeof err) == -1,
        "0x without digits");
  CHECK(ob_parse_u64("--seed", "0x10000000000000000", 0, UINT64_MAX, OB_NUMARG_HEX, &v, err,
                     sizeof err) == -1 &&
            strstr(err, "64 bits"),
        "hex 2^64: %s", err);

  /* --- cli_parse: the numeric options of `optbench verify` --- */
  CHECK(PARSE("verify", "--omp-threshold", "99999999999999999999999") == CLI_PARSE_USAGE &&
            strstr(err, "--omp-threshold"),
        "issue 10 finding 18: %s", err);
  CHECK(PARSE("verify", "--omp-threshold=") == CLI_PARSE_USAGE, "empty value");
  CHECK(PARSE("verify", "--omp-threshold", "0") == CLI_PARSE_USAGE, "0 is not a threshold");
  CHECK(PARSE("verify", "--offset", "-0") == CLI_PARSE_USAGE, "negative zero offset");
  CHECK(PARSE("verify", "--offset", "16") == CLI_PARSE_USAGE, "offset past GC_MAX_OFFSET (15)");
  /* 16 offsets fit (one of each 0..15); the 17th was dropped silently */
  CHECK(PARSE("verify", "--offset=0", "--offset=1", "--offset=2", "--offset=3", "--offset=4",
              "--offset=5", "--offset=6", "--offset=7", "--offset=8", "--offset=9", "--offset=10",
              "--offset=11", "--offset=12", "--offset=13", "--offset=14",
              "--offset=15") == CLI_PARSE_OK &&
            o.noffsets == 16,
        "16 offsets: %s", err);
  CHECK(PARSE("verify", "--offset=0", "--offset=1", "--offset=2", "--offset=3", "--offset=4",
              "--offset=5", "--offset=6", "--offset=7", "--offset=8", "--offset=9", "--offset=10",
              "--offset=11", "--offset=12", "--offset=13", "--offset=14", "--offset=15",
              "--offset=0") == CLI_PARSE_USAGE &&
            strstr(err, "offsets"),
        "a 17th offset is refused, not dropped: %s", err);
  CHECK(PARSE("verify", "--json", "") == CLI_PARSE_USAGE, "empty file name");
  CHECK(PARSE("verify", "--json") == CLI_PARSE_USAGE && strstr(err, "needs a value"), "%s", err);
  CHECK(PARSE("info", "extra") == CLI_PARSE_USAGE, "info takes nothing");
  CHECK(PARSE("frobnicate") == CLI_PARSE_USAGE && strstr(err, "frobnicate"), "%s", err);
  CHECK(cli_parse(1, (char *[]){"optbench", NULL}, &o, err, sizeof err) == CLI_PARSE_USAGE,
        "no command");

  /* --- a good command line lands in the options --- */
  CHECK(PARSE("verify", "--omp-threshold", "4096", "--offset=3", "--offset", "15", "--json",
              "out.json", "--algo", "adam", "--quiet", "--no-own-state") == CLI_PARSE_OK,
        "%s", err);
  CHECK(o.cmd == CLI_CMD_VERIFY && o.omp_threshold == 4096 && o.noffsets == 2 &&
            o.offsets[0] == 3 && o.offsets[1] == 15 && o.json && !strcmp(o.json, "out.json") &&
            o.algo_given && o.algo[OB_ADAM] && o.quiet && !o.own_state,
        "options not stored as given");
  CHECK(PARSE("help") == CLI_PARSE_OK && o.cmd == CLI_CMD_HELP, "help");
  CHECK(PARSE("verify", "--quiet", "-h") == CLI_PARSE_OK && o.cmd == CLI_CMD_HELP, "verify -h");
  CHECK(PARSE("verify", "--quiet=1") == CLI_PARSE_USAGE, "a flag takes no value");
  CHECK(PARSE("verify", "--variant", "avx1024") == CLI_PARSE_USAGE && strstr(err, "avx1024"), "%s",
        err);
  CHECK(PARSE("verify", "--variant", "scalar", "--variant=scalar") == CLI_PARSE_OK &&
            o.nvariants == 1,
        "a repeated variant is stored once");

  /* --- conventions: a filter of rules, and the names --algo and --rule take --- */
  CHECK(PARSE("verify", "--algo", "adam", "--convention", "torch") == CLI_PARSE_OK &&
            o.algo_given && o.algo[OB_TORCH_ADAM] && !o.algo[OB_ADAM],
        "--algo adam --convention torch is torch_adam: %s", err);
  CHECK(PARSE("verify", "--convention", "torch") == CLI_PARSE_OK && o.algo_given, "%s", err);
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    CHECK(o.algo[a] == !strcmp(ob_algo_convention((ob_algo)a), "torch"),
          "--convention torch and rule %s", ob_algo_name((ob_algo)a));
  CHECK(PARSE("verify", "--algo", "adamw") == CLI_PARSE_USAGE &&
            strstr(err, "unknown algorithm 'adamw'"),
        "adamw is a name only with --convention torch: %s", err);
  CHECK(PARSE("verify", "--convention", "book", "--algo", "torch_adam") == CLI_PARSE_USAGE &&
            strstr(err, "--algo torch_adam: no rule of convention book"),
        "%s", err);
  CHECK(PARSE("verify", "--convention", "pytorch") == CLI_PARSE_USAGE &&
            strstr(err, "(book, torch)"),
        "the conventions of the list are named: %s", err);
  CHECK(PARSE("verify", "--kernel", "k.so", "--rule", "adamw", "--convention", "torch",
              "--kernel-form", "states") == CLI_PARSE_OK &&
            o.rule == OB_TORCH_ADAMW && o.kernel_form == OB_PLUGIN_STATES,
        "%s", err);
  CHECK(PARSE("verify", "--kernel", "k.so", "--rule", "adam", "--kernel-form", "tuple") ==
                CLI_PARSE_USAGE &&
            strstr(err, "auto, pair or states"),
        "%s", err);
  CHECK(PARSE("verify", "--kernel-form", "pair") == CLI_PARSE_USAGE, "a --kernel option alone");

  test_opts();
  return ob_test_done("test_cli_args");
}
