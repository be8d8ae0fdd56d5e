/* test_cli_args: `optbench`'s argument parsing (tools/args.c) and the shared
 * numeric option parser (tools/numarg.c) refuse what they cannot represent:
 * overflow, a sign, junk after the number, an empty value (issue 10, 18). */
#include <stdint.h>
#include <string.h>

#include "args.h"
#include "check.h"
#include "numarg.h"

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
  return ob_test_done("test_cli_args");
}
