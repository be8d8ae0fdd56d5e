/* optbench - the command-line tool: `optbench info`, `optbench verify`. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "golden_dir.h"
#include "golden_verify.h"
#include "info_json.h"
#include "optbench.h"
#include "optnames.h"
#include "outfile.h"
#include "tune.h"

void cli_usage(int to_stdout) {
  FILE *o = to_stdout ? stdout : stderr;
  fprintf(o,
          "usage: optbench info [--json]\n"
          "       optbench verify [--variant V]... [--algo A]... [--op O]... [--convention C]\n"
          "                       [--golden-dir DIR] [--offset N]... [--no-own-state]\n"
          "                       [--omp-threshold N] [--json FILE] [--quiet]\n"
          "       optbench verify --kernel PATH.so[:SYMBOL] --rule R [--convention C]\n"
          "                       [--kernel-form auto|pair|states] [--bound X] [--timeout S]\n"
          "                       [--offset N]... [--json FILE] [--quiet]\n"
          "       optbench tune [--out FILE | --print | --check] ... (optbench tune --help)\n"
          "       optbench help\n"
          "\n"
          "verify runs every case of DIR/<family>.txt (a rule is a family of its own;\n"
          "DIR: %s, or OPTBENCH_GOLDEN_DIR) on every variant (trajectories fresh and\n"
          "on their own state) and checks the error metric of golden/FORMAT.md against\n"
          "each variant's documented bound; one row per op (rule or layer kernel) x variant,\n"
          "the rules grouped by convention: book (the textbook's) and torch (torch.optim's).\n"
          "With --kernel it runs rule R's cases on an outside kernel instead (optbench.h,\n"
          "\"Outside kernels\"), in a child process, every array between guard pages;\n"
          "--rule adam --convention torch is torch_adam. A kernel of the pair form fails\n"
          "each step that uses a third state (torch_adam with amsgrad, torch_rmsprop\n"
          "centered): export the states form for those.\n",
          cli_golden_dir(NULL));
  cli_verify_usage(o);
  fprintf(o, "exit status: 0 all passed, 1 a failure (a kernel's crash or hang included) or an\n"
             "unreadable golden file, 2 bad usage or a kernel that cannot be loaded\n");
  fprintf(o, "algorithms: ");
  ob_optname_list_algos(o);
  fprintf(o, "\nops: ");
  ob_optname_list_ops(o);
  fprintf(o, "\nvariants: ");
  ob_optname_list_variants(o);
  fprintf(o, "\n");
}

int cli_verify(const cli_opts *o) {
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
  const char *golden_dir = o->golden_dir ? o->golden_dir : cli_golden_dir(NULL);
  for (size_t i = 0; i < o->nvariants && i < nv; i++)
    chosen[nchosen++] = o->variants[i];
  if (o->omp_threshold)
    ob_set_omp_threshold(o->omp_threshold);

  for (size_t i = 0; i < nv; i++)
    if (!ob_variant_supported(ob_variant_at(i)))
      skipped[nskipped++] = ob_variant_at(i);
  if (nchosen == 0) /* none named: every supported one */
    for (size_t i = 0; i < nv; i++)
      if (ob_variant_supported(ob_variant_at(i)))
        chosen[nchosen++] = ob_variant_at(i);

  gv_config cfg;
  gv_config_init(&cfg, golden_dir);
  if (o->algo_given || o->op_given) { /* a filter of one kind selects none of the other */
    memcpy(cfg.algo, o->algo, sizeof o->algo);
    memcpy(cfg.op, o->op, sizeof o->op);
  }
  cfg.variants = chosen;
  cfg.nvariants = nchosen;
  cfg.own_state = o->own_state;
  if (o->noffsets) {
    memcpy(cfg.offsets, o->offsets, o->noffsets * sizeof o->offsets[0]);
    cfg.noffsets = o->noffsets;
  }

  if (!o->quiet) {
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
  const int status = cli_verify_run(o, &cfg, skipped, nskipped);
  free(chosen);
  free(skipped);
  return status;
}

int cli_verify_run(const cli_opts *o, const gv_config *cfg, const ob_variant *const *skipped,
                   size_t nskipped) {
  const char *json = o->json;
  char err[1024];
  if (json && ob_out_check(json, err, sizeof err) < 0) { /* before the work, not after */
    fprintf(stderr, "optbench: %s\n", err);
    return 2;
  }
  gv_result res;
  int r = gv_run(cfg, &res, err, sizeof err);
  if (r < 0) {
    fprintf(stderr, "optbench: %s\n", err);
    gv_free(&res);
    return 1;
  }
  if (!o->quiet) {
    gv_print_table(stdout, &res, 1);
  } else if (!res.pass) {
    /* failing rows only, with their details */
    gv_result fails = res;
    size_t k = 0;
    gv_row *rows = calloc(res.nrows + 1, sizeof *rows);
    if (rows) {
      for (size_t i = 0; i < res.nrows; i++)
        if (!res.rows[i].pass)
          rows[k++] = res.rows[i];
      fails.rows = rows;
      fails.nrows = k;
      gv_print_table(stdout, &fails, 1);
    }
    free(rows);
  }
  size_t failed = 0, cases = 0;
  for (size_t i = 0; i < res.nrows; i++) {
    failed += !res.rows[i].pass;
    cases += res.rows[i].st.cases_run;
  }
  printf("%s: %zu op x variant rows (rules and layer kernels), %zu failed (%zu case runs)\n",
         res.pass ? "PASS" : "FAIL", res.nrows, failed, cases);

  int status = res.pass ? 0 : 1;
  if (json && gv_write_json(json, &res, cli_cpu_name(), skipped, nskipped, err, sizeof err) < 0) {
    fprintf(stderr, "optbench: %s\n", err);
    status = 1;
  }
  gv_free(&res);
  return status;
}

int main(int argc, char **argv) {
  cli_opts o;
  char err[512];
  if (argc > 1 && argv[1] && strcmp(argv[1], "tune") == 0)
    return cli_tune(argc - 1, argv + 1);
  const int r = cli_parse(argc, argv, &o, err, sizeof err);
  if (r != CLI_PARSE_OK) {
    if (r == CLI_PARSE_ERROR)
      fprintf(stderr, "optbench: %s (%s)\n", err, cli_cpu_name());
    else
      fprintf(stderr, "optbench: %s\n", err);
    if (r == CLI_PARSE_USAGE)
      cli_usage(0);
    return 2;
  }
  switch (o.cmd) {
  case CLI_CMD_INFO: return o.info_json ? (cli_info_json(stdout) ? 1 : 0) : cli_info();
  case CLI_CMD_VERIFY: return o.kernel ? cli_verify_kernel(&o) : cli_verify(&o);
  case CLI_CMD_HELP: break;
  }
  cli_usage(1);
  return 0;
}
