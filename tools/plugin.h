/* plugin - `optbench verify --kernel`: an outside kernel (optbench.h,
 * "Outside kernels") loaded from a shared object and run through a rule's
 * golden suite in a child process, so that its crash or hang is a failed
 * case with a message, not the end of the run. Tools only: the library
 * never forks, loads or prints.
 */
#ifndef OPTBENCH_PLUGIN_H
#define OPTBENCH_PLUGIN_H

#include <stddef.h>

#include "golden_verify.h"
#include "optbench.h"

typedef struct {
  void *handle;
  ob_step_fn fn;
  char path[4096];  /* as given */
  char symbol[256]; /* OB_KERNEL_SYMBOL unless PATH:SYMBOL named another */
  char name[480];   /* the table's variant column: kernel:<file name>:<symbol> */
} ob_plugin;

/* Loads "PATH[:SYMBOL]" (RTLD_NOW | RTLD_LOCAL; a PATH without '/' is a file
 * in the current folder, not a library to search for). Returns 0, or -1
 * with a message naming the file (and the symbol) in err. */
int ob_plugin_open(const char *spec, ob_plugin *pl, char *err, size_t errlen);
void ob_plugin_close(ob_plugin *pl);

/* How the cases of one rule x offset run (plugin_run.c): in one child
 * process, restarted at the next case after the kernel crashes (a signal)
 * or takes more than timeout seconds on a case. */
typedef struct {
  const ob_plugin *pl;
  size_t timeout;
} ob_plugin_run;

/* A gv_op_runner (golden_verify.h); ctx is an ob_plugin_run. */
long ob_plugin_run_op(void *ctx, const gd_file *f, gd_op op, const ob_variant *v,
                      const gc_options *opt, gc_stats *st, char *err, size_t errlen);

#endif /* OPTBENCH_PLUGIN_H */
