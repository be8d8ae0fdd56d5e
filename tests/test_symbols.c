/* test_symbols: every rule's kernel of every instruction set carries its ISA
 * and weight-decay mode in its symbol (adam_avx512_l2), once, and every
 * layer kernel its ISA (dropout_train_avx2), so a profile or `nm` tells the
 * compiled copies apart. The expected names are built
 * here from the lists (the algorithm list, the build's ISA list, the
 * weight-decay modes), not taken from the macros that generate them.
 *
 * Usage: test_symbols NM LIBRARY. Exit 77 (skipped) when NM cannot run. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernel.h" /* OB_WD_MODE_LIST */

static const char *const isas[] = {
#define OB_ISA(name, ...) #name,
#include "ob_isa_list.h"
#undef OB_ISA
};
static const char *const rules[] = {
#define OB_ALGO(ID, name, ...) #name,
#include "optbench_algos.def"
#undef OB_ALGO
};
static const char *const modes[] = {
#define MODE_NAME(arg, suffix, mode) [mode] = #suffix,
    OB_WD_MODE_LIST(MODE_NAME, 0)
#undef MODE_NAME
};

enum { MAX_SYMS = 1 << 16 };
static char *syms[MAX_SYMS];
static size_t nsyms;

/* How many of the library's function symbols are called name. */
static int count(const char *name) {
  int n = 0;
  for (size_t i = 0; i < nsyms; i++)
    n += strcmp(syms[i], name) == 0;
  return n;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_symbols NM LIBRARY\n");
    return 2;
  }
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "'%s' '%s' 2>/dev/null", argv[1], argv[2]);
  FILE *p = popen(cmd, "r");
  if (!p) {
    printf("test_symbols: cannot run %s: skipped\n", argv[1]);
    return 77;
  }
  char line[1024];
  while (fgets(line, sizeof line, p) && nsyms < MAX_SYMS) {
    char addr[64], type[8], name[512];
    /* "<address> <type> <name>": functions are t (local) or T */
    if (sscanf(line, "%63s %7s %511s", addr, type, name) == 3 &&
        (strcmp(type, "t") == 0 || strcmp(type, "T") == 0))
      syms[nsyms++] = strdup(name);
  }
  const int status = pclose(p);
  if (status != 0 && nsyms == 0) { /* 127: no such program */
    printf("test_symbols: %s gave no symbols (status %d): skipped\n", argv[1], status);
    return 77;
  }
  CHECK(nsyms > 0 && nsyms < MAX_SYMS, "%zu function symbols", nsyms);

  const size_t nisa = sizeof isas / sizeof *isas, nrule = sizeof rules / sizeof *rules;
  const size_t nmode = sizeof modes / sizeof *modes;
  CHECK(nisa >= 2 && nrule == OB_ALGO_COUNT && nmode == OB_WD_MODES,
        "%zu ISAs, %zu rules, %zu modes", nisa, nrule, nmode);
  char name[256];
  for (size_t i = 0; i < nisa; i++)
    for (size_t r = 0; r < nrule; r++) {
      /* the table's kernel, then its compiled copy per mode */
      snprintf(name, sizeof name, "%s_%s", rules[r], isas[i]);
      CHECK(count(name) == 1, "%s: %d symbols, want 1", name, count(name));
      for (size_t m = 0; m < nmode; m++) {
        snprintf(name, sizeof name, "%s_%s_%s", rules[r], isas[i], modes[m]);
        CHECK(count(name) == 1, "%s: %d symbols, want 1", name, count(name));
      }
    }
  /* the layer kernels' entry points: the members of kernel.h's
   * ob_rand_kernels, ob_dropout_kernels and ob_bn_kernels, by family */
  static const char *const layer[] = {"uniform",       "normal",           "dropout_train",
                                      "dropout_scale", "dropout_backward", "bn_train",
                                      "bn_test",       "bn_backward"};
  for (size_t i = 0; i < nisa; i++)
    for (size_t k = 0; k < sizeof layer / sizeof *layer; k++) {
      snprintf(name, sizeof name, "%s_%s", layer[k], isas[i]);
      CHECK(count(name) == 1, "%s: %d symbols, want 1", name, count(name));
    }
  /* the names before issue 12, shared by every ISA, are gone */
  snprintf(name, sizeof name, "%s_kernel", rules[0]);
  CHECK(count(name) == 0, "%s still there", name);
  for (size_t i = 0; i < nsyms; i++)
    free(syms[i]);
  return ob_test_done("test_symbols");
}
