/* plugin_load - an outside kernel (optbench.h, "Outside kernels") from a
 * shared object: `optbench verify --kernel` and `optbench_bench --kernel`.
 * No output but the message in err. */
#ifndef OPTBENCH_PLUGIN_LOAD_H
#define OPTBENCH_PLUGIN_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "optbench.h"

/* Which signature to look for (optbench.h, "Outside kernels"). */
typedef enum {
  OB_PLUGIN_AUTO,  /* no SYMBOL: OB_KERNEL_STATES_SYMBOL, else OB_KERNEL_SYMBOL;
                      PATH:SYMBOL: the pair form */
  OB_PLUGIN_PAIR,  /* ob_step_fn: OB_KERNEL_SYMBOL or the SYMBOL named */
  OB_PLUGIN_STATES /* ob_step_states_fn: OB_KERNEL_STATES_SYMBOL or the SYMBOL named */
} ob_plugin_form;

/* "auto", "pair", "states": the form, or -1. */
int ob_plugin_form_from_name(const char *name);

typedef struct {
  void *handle;
  /* What the kernel exports: the states form if it was found (then symbol
   * names it and ob_plugin_step calls it), the pair form if it was found or,
   * looked up with no SYMBOL, exported beside the states form. */
  ob_step_fn fn;
  ob_step_states_fn states;
  char path[4096];  /* as given */
  char symbol[256]; /* the symbol found */
  char name[480];   /* the table's variant column: kernel:<file name>:<symbol> */
} ob_plugin;

/* Loads "PATH[:SYMBOL]" (RTLD_NOW | RTLD_LOCAL; a PATH without '/' is a file
 * in the current folder, not a library to search for) and finds the kernel
 * of `form`. Returns 0, or -1 with a message naming the file (and the
 * symbols looked for) in err. ob_plugin_open is ob_plugin_open_form with
 * OB_PLUGIN_AUTO. */
int ob_plugin_open_form(const char *spec, ob_plugin_form form, ob_plugin *pl, char *err,
                        size_t errlen);
int ob_plugin_open(const char *spec, ob_plugin *pl, char *err, size_t errlen);
void ob_plugin_close(ob_plugin *pl);

/* One step through whichever form the kernel has, the states as a list
 * (ob_step_states' arguments less the variant). The pair form gets states[0]
 * and states[1] (states may be NULL: no state), and a rule whose third state
 * the step uses (ob_state_used) is OB_EINVAL without a call: it cannot take it. */
ob_status ob_plugin_step(const ob_plugin *pl, ob_algo algo, const ob_hparams *hp, int64_t t,
                         float *p, const float *g, float *const states[], size_t n);

#endif /* OPTBENCH_PLUGIN_LOAD_H */
