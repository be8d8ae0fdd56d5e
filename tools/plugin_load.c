/* plugin_load - dlopen an outside kernel and find its symbol (plugin_load.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "plugin_load.h"

int ob_plugin_form_from_name(const char *name) {
  static const char *const names[] = {"auto", "pair", "states"};
  for (int k = 0; k < (int)(sizeof names / sizeof *names); k++)
    if (name && strcmp(name, names[k]) == 0)
      return k;
  return -1;
}

/* "PATH:SYMBOL" splits at the last ':' when what follows is a C identifier;
 * otherwise (a ':' inside a folder name) the whole is the path. *sym is the
 * symbol named, or NULL. */
static int split(const char *spec, ob_plugin *pl, const char **sym, char *err, size_t errlen) {
  const char *colon = strrchr(spec, ':');
  int ident = colon && colon[1] && !(colon[1] >= '0' && colon[1] <= '9');
  for (const char *c = colon ? colon + 1 : ""; ident && *c; c++)
    ident = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            *c == '_';
  const size_t plen = ident ? (size_t)(colon - spec) : strlen(spec);
  *sym = ident ? colon + 1 : NULL;
  const int dot = memchr(spec, '/', plen) == NULL; /* a file here, not a library to search */
  if (plen == 0 || plen + 2 * dot >= sizeof pl->path ||
      (*sym && strlen(*sym) >= sizeof pl->symbol)) {
    snprintf(err, errlen, "--kernel '%.200s': %s", spec,
             plen ? "the path or the symbol is too long" : "no path before the ':'");
    return -1;
  }
  snprintf(pl->path, sizeof pl->path, "%s%.*s", dot ? "./" : "", (int)plen, spec);
  return 0;
}

/* The address of `symbol`, or NULL (a symbol whose value is NULL is none). */
static void *lookup(void *handle, const char *symbol) {
  dlerror();
  void *sym = dlsym(handle, symbol);
  return dlerror() ? NULL : sym;
}

int ob_plugin_open_form(const char *spec, ob_plugin_form form, ob_plugin *pl, char *err,
                        size_t errlen) {
  memset(pl, 0, sizeof *pl);
  const char *named;
  if (split(spec, pl, &named, err, errlen) < 0)
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
  /* the candidates in order, each with its form: states first when nothing is named */
  const char *cand[2];
  int states[2], n = 0;
  if (named) {
    cand[n] = named;
    states[n++] = form == OB_PLUGIN_STATES;
  } else {
    if (form != OB_PLUGIN_PAIR) {
      cand[n] = OB_KERNEL_STATES_SYMBOL;
      states[n++] = 1;
    }
    if (form != OB_PLUGIN_STATES) {
      cand[n] = OB_KERNEL_SYMBOL;
      states[n++] = 0;
    }
  }
  for (int k = 0; k < n; k++) {
    void *sym = lookup(pl->handle, cand[k]);
    if (!sym)
      continue;
    /* POSIX dlsym returns functions as void *; the memcpy states the cast */
    if (states[k])
      memcpy(&pl->states, &sym, sizeof pl->states);
    else
      memcpy(&pl->fn, &sym, sizeof pl->fn);
    /* a kernel of both forms keeps its pair form too, for a caller of pl->fn */
    void *pair = states[k] && !named && k + 1 < n ? lookup(pl->handle, cand[k + 1]) : NULL;
    if (pair)
      memcpy(&pl->fn, &pair, sizeof pl->fn);
    snprintf(pl->symbol, sizeof pl->symbol, "%s", cand[k]);
    const char *base = strrchr(pl->path, '/');
    snprintf(pl->name, sizeof pl->name, "kernel:%.200s:%.255s", base ? base + 1 : pl->path,
             pl->symbol);
    return 0;
  }
  if (n == 2)
    snprintf(err, errlen,
             "kernel %s has neither '%s' (the states form) nor '%s' (the pair form); name another "
             "as %s:SYMBOL",
             pl->path, cand[0], cand[1], pl->path);
  else
    snprintf(err, errlen, "kernel %s has no symbol '%s' (the %s form); name another as %s:SYMBOL",
             pl->path, cand[0], states[0] ? "states" : "pair", pl->path);
  ob_plugin_close(pl);
  return -1;
}

int ob_plugin_open(const char *spec, ob_plugin *pl, char *err, size_t errlen) {
  return ob_plugin_open_form(spec, OB_PLUGIN_AUTO, pl, err, errlen);
}

void ob_plugin_close(ob_plugin *pl) {
  if (pl->handle)
    dlclose(pl->handle);
  pl->handle = NULL;
  pl->fn = NULL;
  pl->states = NULL;
}

ob_status ob_plugin_step(const ob_plugin *pl, ob_algo algo, const ob_hparams *hp, int64_t t,
                         float *p, const float *g, float *const states[], size_t n) {
  if (pl->states)
    return pl->states(algo, hp, t, p, g, states, n);
  for (int k = 2; k < ob_state_count(algo); k++)
    if (ob_state_used(algo, hp, k) != 0)
      return OB_EINVAL;
  return pl->fn(algo, hp, t, p, g, states ? states[0] : NULL, states ? states[1] : NULL, n);
}
