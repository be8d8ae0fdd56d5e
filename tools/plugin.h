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
#include "plugin_load.h"

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
