/* optbench - the command-line tool: `optbench info`, `optbench verify`. */
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "golden_verify.h"
#include "optbench.h"

#ifndef OB_GOLDEN_DIR
#define OB_GOLDEN_DIR "golden"
#endif

void cli_usage(int to_stdout) {
  FILE *o = to_stdout ? stdout : stderr;
  fprintf(o,
          "usage: optbench info\n"
          "       optbench verify [--variant V]... [--algo A]... [--op O]... [--golden-dir DIR]\n"
          "                       [--offset N]... [--no-own-state] [--omp-threshold N]\n"
          "                       [--json FILE] [--quiet]\n"
          "       optbench help\n"
          "\n"
          "verify runs every case of DIR/<algo>.txt and DIR/<family>.txt (default %s)\n"
          "on every variant (the rules' cases fresh and on their own state) and checks\n"
          "the error metric of golden/FORMAT.md against each variant's documented bound.\n"
          "  --variant V      only this variant (repeatable; default: every supported one)\n"
          "  --algo A         only this algorithm (repeatable; default: all)\n"
          "  --op O           only this layer op (repeatable; default: all); with --algo\n"
          "                   and no --op no op runs, with --op and no --algo no algorithm\n"
          "  --golden-dir DIR where the <algo>.txt files are\n"
          "  --offset N       place arrays N floats (0..%d) past a 64-byte boundary\n"
          "                   (repeatable; default 0)\n"
          "  --no-own-state   skip the runs of multi-step cases on their own state\n"
          "  --omp-threshold N  run the +omp variants on several threads from N elements\n"
          "                   (default: each rule's own, see optbench info)\n"
          "  --json FILE      also write the table as JSON\n"
          "  --quiet          print only failures and the summary\n"
          "exit status: 0 all passed, 1 a failure or an unreadable golden file, 2 bad usage\n",
          OB_GOLDEN_DIR, GC_MAX_OFFSET);
  fprintf(o, "algorithms:");
  for (int a = 0; a < OB_ALGO_COUNT; a++)
    fprintf(o, " %s", ob_algo_name((ob_algo)a));
  fprintf(o, "\nops:");
  for (int op = 0; op < OB_OP_COUNT; op++)
    fprintf(o, " %s", ob_op_name((ob_op)op));
  fprintf(o, "\nvariants:");
  for (size_t i = 0; i < ob_variant_count(); i++)
    fprintf(o, " %s", ob_variant_name(ob_variant_at(i)));
  fprintf(o, "\n");
}

#if defined(__GNUC__)
static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
static int bad_usage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "optbench: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  cli_usage(0);
  return 2;
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

int cli_verify(int argc, char **argv) {
  size_t nv = ob_variant_count();
  const ob_variant **chosen = calloc(nv + 1, sizeof *chosen);
  const ob_variant **skipped = calloc(nv + 1, sizeof *skipped);
  if (!chosen || !skipped) {
    free(chosen);
    free(skipped);
    fprintf(stderr, "optbench: out of memory\n");
    return 1;
  }
  size_t nchosen = 0, nskipped = 0;
  int algo_given = 0, quiet = 0, own_state = 1;
  int algo[OB_ALGO_COUNT] = {0}, op[OB_OP_COUNT] = {0}, op_given = 0;
  const char *golden_dir = OB_GOLDEN_DIR, *json = NULL;
  size_t offsets[GC_MAX_OFFSET + 1];
  size_t noffsets = 0;
  int rc = 0;

  for (int i = 1; i < argc && rc == 0; i++) {
    int missing = 0;
    const char *val;
    if ((val = opt_value(argc, argv, &i, "--variant", &missing))) {
      const ob_variant *v = ob_variant_find(val);
      if (!v) {
        rc = bad_usage("unknown variant '%s'", val);
      } else if (!ob_variant_supported(v)) {
        fprintf(stderr, "optbench: variant '%s' is not supported on this CPU (%s)\n", val,
                cli_cpu_name());
        rc = 2;
      } else {
        size_t k = 0;
        while (k < nchosen && chosen[k] != v)
          k++;
        if (k == nchosen)
          chosen[nchosen++] = v;
      }
    } else if ((val = opt_value(argc, argv, &i, "--algo", &missing))) {
      int a = ob_algo_from_name(val);
      if (a < 0)
        rc = bad_usage("unknown algorithm '%s'", val);
      else
        algo[a] = algo_given = 1;
    } else if ((val = opt_value(argc, argv, &i, "--op", &missing))) {
      int o = ob_op_from_name(val);
      if (o < 0)
        rc = bad_usage("unknown op '%s'", val);
      else
        op[o] = op_given = 1;
    } else if ((val = opt_value(argc, argv, &i, "--golden-dir", &missing))) {
      golden_dir = val;
    } else if ((val = opt_value(argc, argv, &i, "--json", &missing))) {
      json = val;
    } else if ((val = opt_value(argc, argv, &i, "--offset", &missing))) {
      char *end;
      long o = strtol(val, &end, 10);
      if (*val < '0' || *val > '9' || *end || o < 0 || o > GC_MAX_OFFSET)
        rc = bad_usage("--offset takes an integer 0..15, not '%s'", val);
      else if (noffsets <= GC_MAX_OFFSET)
        offsets[noffsets++] = (size_t)o;
    } else if ((val = opt_value(argc, argv, &i, "--omp-threshold", &missing))) {
      char *end;
      unsigned long long t = strtoull(val, &end, 10);
      if (*val < '0' || *val > '9' || *end || t == 0)
        rc = bad_usage("--omp-threshold takes a positive integer, not '%s'", val);
      else
        ob_set_omp_threshold((size_t)t);
    } else if (missing) {
      rc = bad_usage("option %s needs a value", argv[i]);
    } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
      quiet = 1;
    } else if (strcmp(argv[i], "--no-own-state") == 0) {
      own_state = 0;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      cli_usage(1);
      free(chosen);
      free(skipped);
      return 0;
    } else {
      rc = bad_usage("unknown argument '%s'", argv[i]);
    }
  }
  if (rc) {
    free(chosen);
    free(skipped);
    return rc;
  }

  for (size_t i = 0; i < nv; i++)
    if (!ob_variant_supported(ob_variant_at(i)))
      skipped[nskipped++] = ob_variant_at(i);
  if (nchosen == 0) /* none named: every supported one */
    for (size_t i = 0; i < nv; i++)
      if (ob_variant_supported(ob_variant_at(i)))
        chosen[nchosen++] = ob_variant_at(i);

  gv_config cfg;
  gv_config_init(&cfg, golden_dir);
  if (algo_given || op_given) { /* a filter of one kind selects none of the other */
    memcpy(cfg.algo, algo, sizeof algo);
    memcpy(cfg.op, op, sizeof op);
  }
  cfg.variants = chosen;
  cfg.nvariants = nchosen;
  cfg.own_state = own_state;
  if (noffsets) {
    memcpy(cfg.offsets, offsets, noffsets * sizeof offsets[0]);
    cfg.noffsets = noffsets;
  }

  if (!quiet) {
    printf("optbench verify: %s, golden vectors from %s\n", cli_cpu_name(), golden_dir);
    printf("+omp variants: up to %d threads, from each rule's threshold (optbench info)\n",
           omp_get_max_threads());
    if (nskipped) {
      printf("skipped (not supported on this CPU):");
      for (size_t i = 0; i < nskipped; i++)
        printf(" %s", ob_variant_name(skipped[i]));
      printf("\n");
    }
    printf("\n");
  }

  gv_result res;
  char err[1024];
  int r = gv_run(&cfg, &res, err, sizeof err);
  if (r < 0) {
    fprintf(stderr, "optbench: %s\n", err);
    gv_free(&res);
    free(chosen);
    free(skipped);
    return 1;
  }
  if (!quiet) {
    gv_print_table(stdout, &res, 1);
  } else if (!res.pass) {
    /* failing rows only, with their details */
    gv_result fails = res;
    size_t k = 0;
    gv_row *rows = calloc(res.nrows + 1, sizeof *rows);
    gv_op_row *op_rows = calloc(res.nop_rows + 1, sizeof *op_rows);
    if (rows && op_rows) {
      for (size_t i = 0; i < res.nrows; i++)
        if (!res.rows[i].pass)
          rows[k++] = res.rows[i];
      fails.rows = rows;
      fails.nrows = k;
      k = 0;
      for (size_t i = 0; i < res.nop_rows; i++)
        if (!res.op_rows[i].pass)
          op_rows[k++] = res.op_rows[i];
      fails.op_rows = op_rows;
      fails.nop_rows = k;
      gv_print_table(stdout, &fails, 1);
    }
    free(rows);
    free(op_rows);
  }
  size_t failed = 0, cases = 0, op_failed = 0;
  for (size_t i = 0; i < res.nrows; i++) {
    failed += !res.rows[i].pass;
    cases += res.rows[i].st.cases_run;
  }
  for (size_t i = 0; i < res.nop_rows; i++) {
    op_failed += !res.op_rows[i].pass;
    cases += res.op_rows[i].st.cases_run;
  }
  printf("%s: %zu algorithm x variant rows, %zu failed; %zu op x variant rows, %zu failed (%zu "
         "case runs)\n",
         res.pass ? "PASS" : "FAIL", res.nrows, failed, res.nop_rows, op_failed, cases);

  int status = res.pass ? 0 : 1;
  if (json && gv_write_json(json, &res, cli_cpu_name(), skipped, nskipped, err, sizeof err) < 0) {
    fprintf(stderr, "optbench: %s\n", err);
    status = 1;
  }
  gv_free(&res);
  free(chosen);
  free(skipped);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    cli_usage(0);
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "info") == 0) {
    if (argc > 2)
      return bad_usage("info takes no arguments, found '%s'", argv[2]);
    return cli_info();
  }
  if (strcmp(cmd, "verify") == 0)
    return cli_verify(argc - 1, argv + 1);
  if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    cli_usage(1);
    return 0;
  }
  return bad_usage("unknown command '%s'", cmd);
}
