/* plugin_load - dlopen an outside kernel and find its symbol (plugin_load.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin_load.h"

/* "PATH:SYMBOL" splits at the last ':' when what follows is a C identifier;
 * otherwise (a ':' inside a folder name) the whole is the path. */
static int split(const char *spec, ob_plugin *pl, char *err, size_t errlen) {
  const char *colon = strrchr(spec, ':');
  int ident = colon && colon[1] && !(colon[1] >= '0' && colon[1] <= '9');
  for (const char *c = colon ? colon + 1 : ""; ident && *c; c++)
    ident = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '_';
  const size_t plen = ident ? (size_t)(colon - spec) : strlen(spec);
  const char *sym = ident ? colon + 1 : OB_KERNEL_SYMBOL;
  const int dot = memchr(spec, '/', plen) == NULL; /* a file here, not a library to search */
  if (plen == 0 || plen + 2 * dot >= sizeof pl->path || strlen(sym) >= sizeof pl->symbol) {
    snprintf(err, errlen, "--kernel '%.200s': %s", spec,
             plen ? "the path or the symbol is too long" : "no path before the ':'");
    return -1;
  }
  snprintf(pl->path, sizeof pl->path, "%s%.*s", dot ? "./" : "", (int)plen, spec);
  snprintf(pl->symbol, sizeof pl->symbol, "%s", sym);
  const char *base = strrchr(pl->path, '/');
  snprintf(pl->name, sizeof pl->name, "kernel:%.200s:%.255s", base ? base + 1 : pl->path,
           pl->symbol);
  return 0;
}

int ob_plugin_open(const char *spec, ob_plugin *pl, char *err, size_t errlen) {
  memset(pl, 0, sizeof *pl);
  if (split(spec, pl, err, errlen) < 0)
    return -1;
  struct stat sb;
  const int found = stat(pl->path, &sb) == 0;
  if (!found || !S_ISREG(sb.st_mode)) {
    snprintf(err, errlen, "cannot load kernel %s: %s", pl->path,
             found ? "not a regular file" : strerror(errno));
    return -1;
  }
  dlerror();
  pl->handle = dlopen(pl->path, RTLD_NOW | RTLD_LOCAL);
  if (!pl->handle) {
    const char *why = dlerror();
    snprintf(err, errlen, "cannot load kernel %s: %s", pl->path, why ? why : "dlopen failed");
    return -1;
  }
  dlerror();
  void *sym = dlsym(pl->handle, pl->symbol);
  const char *why = dlerror();
  if (why || !sym) {
    snprintf(err, errlen, "kernel %s has no symbol '%s' (%s); name another as %s:SYMBOL", pl->path,
             pl->symbol, why ? why : "it is NULL", pl->path);
    ob_plugin_close(pl);
    return -1;
  }
  /* POSIX dlsym returns functions as void *; the memcpy states the cast */
  memcpy(&pl->fn, &sym, sizeof pl->fn);
  return 0;
}

void ob_plugin_close(ob_plugin *pl) {
  if (pl->handle)
    dlclose(pl->handle);
  pl->handle = NULL;
  pl->fn = NULL;
}
