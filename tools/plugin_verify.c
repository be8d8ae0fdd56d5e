/* plugin_verify - `optbench verify --kernel PATH.so[:SYMBOL] --rule R
 * [--convention C]`: rule R's golden suite on an outside kernel, with the
 * table, reports and JSON of `optbench verify` (plugin.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "golden_dir.h"
#include "plugin.h"

int cli_verify_kernel(const cli_opts *o) {
  /* the bounds an outside kernel is held to: those of exact rounding */
  const ob_variant *scalar = ob_variant_find("scalar");
  ob_plugin pl;
  char err[1024];
  if (!scalar) {
    fprintf(stderr, "optbench: the library has no scalar variant to take the bounds from\n");
    return 2;
  }
  if (ob_plugin_open_form(o->kernel, o->kernel_form, &pl, err, sizeof err) < 0) {
    fprintf(stderr, "optbench: %s\n", err);
    return 2;
  }
  const char *golden_dir = o->golden_dir ? o->golden_dir : cli_golden_dir(NULL);
  gv_config cfg;
  gv_config_init(&cfg, golden_dir);
  memset(cfg.algo, 0, sizeof cfg.algo);
  memset(cfg.op, 0, sizeof cfg.op);
  cfg.algo[o->rule] = 1;
  const ob_variant *variants[1] = {scalar};
  cfg.variants = variants;
  cfg.nvariants = 1;
  cfg.own_state = o->own_state;
  if (o->noffsets) {
    memcpy(cfg.offsets, o->offsets, o->noffsets * sizeof o->offsets[0]);
    cfg.noffsets = o->noffsets;
  }
  gc_options base = gc_default_options();
  base.kernel_states = pl.states;
  base.kernel = pl.states ? NULL : pl.fn;
  base.name = pl.name;
  base.guard_pages = 1;
  base.bound = o->bound;
  ob_plugin_run run = {&pl, o->timeout};
  cfg.base = &base;
  cfg.run_op = ob_plugin_run_op;
  cfg.run_ctx = &run;
  if (!o->quiet)
    printf("optbench verify: kernel %s, symbol %s (the %s form), rule %s (%s convention), golden "
           "vectors from %s\nbound: %s; every array between PROT_NONE pages; a child process, "
           "%zu s a case\n\n",
           pl.path, pl.symbol, pl.states ? "states" : "pair", ob_algo_name((ob_algo)o->rule),
           ob_algo_convention((ob_algo)o->rule), golden_dir,
           o->bound >= 0 ? "--bound" : "the rule's for exact rounding (the scalar variant's)",
           o->timeout);
  const ob_algo rule = (ob_algo)o->rule;
  if (!o->quiet && !pl.states && ob_state_count(rule) > 2)
    printf("the pair form takes two states: every step of %s that uses its third, '%s', fails "
           "unrun (export " OB_KERNEL_STATES_SYMBOL " for those)\n\n",
           ob_algo_name(rule), ob_state_name(rule, 2));
  const int status = cli_verify_run(o, &cfg, NULL, 0);
  ob_plugin_close(&pl);
  return status;
}
