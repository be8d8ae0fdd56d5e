/* plugin_load - an outside kernel (optbench.h, "Outside kernels") from a
 * shared object: `optbench verify --kernel` and `optbench_bench --kernel`.
 * No output but the message in err. */
#ifndef OPTBENCH_PLUGIN_LOAD_H
#define OPTBENCH_PLUGIN_LOAD_H

#include <stddef.h>

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

#endif /* OPTBENCH_PLUGIN_LOAD_H */
