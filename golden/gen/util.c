/* golden_gen - the algorithm table, error exit and allocation. */
#include "gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The book's defaults (common/optimizer.py), as float32; 0 where unused and
 * for both decays (the textbook rules have none). */
const gg_algo_info gg_algos[GG_ALGO_COUNT] = {
    [GG_SGD] = {"sgd", 0, GG_HP_LR, {0.01f, 0, 0, 0, 0, 0, 0, 0}},
    [GG_MOMENTUM] = {"momentum", 1, GG_HP_LR | GG_HP_MOMENTUM, {0.01f, 0.9f, 0, 0, 0, 0, 0, 0}},
    [GG_NESTEROV] = {"nesterov", 1, GG_HP_LR | GG_HP_MOMENTUM, {0.01f, 0.9f, 0, 0, 0, 0, 0, 0}},
    [GG_ADAGRAD] = {"adagrad", 1, GG_HP_LR | GG_HP_EPS, {0.01f, 0, 0, 0, 0, 1e-7f, 0, 0}},
    [GG_RMSPROP] = {"rmsprop",
                    1,
                    GG_HP_LR | GG_HP_DECAY | GG_HP_EPS,
                    {0.01f, 0, 0.99f, 0, 0, 1e-7f, 0, 0}},
    [GG_ADAM] = {"adam",
                 2,
                 GG_HP_LR | GG_HP_BETA1 | GG_HP_BETA2 | GG_HP_EPS,
                 {0.001f, 0, 0, 0.9f, 0.999f, 1e-7f, 0, 0}},
};

gg_hp gg_hp_mask(gg_algo a, gg_hp hp) {
  unsigned u = gg_algos[a].uses;
  gg_hp m = {0, 0, 0, 0, 0, 0, hp.weight_decay, hp.decoupled_decay};
  if (u & GG_HP_LR)
    m.lr = hp.lr;
  if (u & GG_HP_MOMENTUM)
    m.momentum = hp.momentum;
  if (u & GG_HP_DECAY)
    m.decay_rate = hp.decay_rate;
  if (u & GG_HP_BETA1)
    m.beta1 = hp.beta1;
  if (u & GG_HP_BETA2)
    m.beta2 = hp.beta2;
  if (u & GG_HP_EPS)
    m.eps = hp.eps;
  return m;
}

static char cleanup_path[4096];

void gg_set_cleanup_path(const char *path) {
  if (!path) {
    cleanup_path[0] = '\0';
    return;
  }
  if (strlen(path) >= sizeof cleanup_path)
    gg_die("path too long: %s", path);
  strcpy(cleanup_path, path);
}

_Noreturn void gg_die(const char *fmt, ...) {
  va_list ap;
  fputs("golden_gen: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  if (cleanup_path[0])
    remove(cleanup_path); /* never leave a half-written .tmp */
  exit(1);
}

void *gg_alloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p)
    gg_die("out of memory (%zu x %zu bytes)", count, size);
  return p;
}

void gg_open_out(gg_out *o, const char *dir, const char *name) {
  char path[sizeof o->path], err[4096 + 256];
  const int len = snprintf(path, sizeof path, "%s/%s.txt", dir, name);
  if (len < 0 || (size_t)len >= sizeof path)
    gg_die("output path too long: %s", dir);
  /* tools/outfile: only over a regular file, through a unique temporary */
  if (ob_out_open(o, path, err, sizeof err) < 0)
    gg_die("%s", err);
  gg_set_cleanup_path(o->tmp);
  static char buf[1 << 20]; /* one file is written at a time */
  setvbuf(o->f, buf, _IOFBF, sizeof buf);
}

void gg_commit(gg_out *o, size_t cases) {
  char err[4096 + 256];
  if (ob_out_commit(o, err, sizeof err) < 0) /* removes the temporary file itself */
    gg_die("%s", err);
  gg_set_cleanup_path(NULL);
  printf("golden_gen: wrote %s (%zu cases)\n", o->path, cases);
}
