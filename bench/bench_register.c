/* What every family's registration needs: the contexts of the registered
 * benchmarks, the size sets, the thread counts, the selection.
 *
 * Sizes: the rules at 2^8 .. 2^26 and three odd sizes; the layer kernels at
 * every second power of two 2^8 .. 2^24 and 100003 (batch norm: 256
 * features, batch = n/256); weight decay at 2^10, 2^16, 2^20, 2^24 (L1, L2,
 * L3, DRAM), as are the torch rows in a run that does not name them
 * (bench_rules.c). The +omp variants run on 2 .. nproc threads (on one thread a
 * +omp variant calls its ISA's kernel directly: plots/extract.py takes the
 * ISA's time for it), with weight decay on nproc threads only. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* Every registered benchmark's context, freed after the run. */
static void **ctxs;
static size_t nctx;

void *bench_new_context(size_t size) {
  void **grown = realloc(ctxs, (nctx + 1) * sizeof *ctxs);
  if (!grown)
    return NULL;
  ctxs = grown;
  void *c = calloc(1, size);
  if (c)
    ctxs[nctx++] = c;
  return c;
}

void bench_free_contexts(void) {
  for (size_t i = 0; i < nctx; i++)
    free(ctxs[i]);
  free(ctxs);
  ctxs = NULL;
  nctx = 0;
}

int bench_cmp_size(const void *x, const void *y) {
  const size_t a = *(const size_t *)x, b = *(const size_t *)y;
  return (a > b) - (a < b);
}

size_t bench_sizes(const bench_options *o, bench_size_set set, size_t *sizes) {
  size_t k = 0;
  if (o->nlist) {
    memcpy(sizes, o->list, o->nlist * sizeof *sizes);
    k = o->nlist;
  } else if (o->quick) {
    /* rules 2^10, 2^16, 2^22; layer kernels 2^10, 2^22; weight decay 2^16 */
    static const int quick_log2[] = {10, 16, 22};
    for (size_t i = 0; i < sizeof quick_log2 / sizeof *quick_log2; i++)
      if (set == SIZES_RULES || (set == SIZES_OPS) == (quick_log2[i] != 16))
        sizes[k++] = (size_t)1 << quick_log2[i];
  } else if (set == SIZES_RULES) {
    for (int e = 8; e <= 26; e++)
      sizes[k++] = (size_t)1 << e;
    /* odd sizes: tails in every vector width and in every thread's chunk */
    static const size_t odd[] = {1000, 100003, 3000017};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
      sizes[k++] = odd[i];
  } else if (set == SIZES_OPS) {
    /* every second power of two, L1 to DRAM (2^24: 64 MB and more), and an odd size */
    for (int e = 8; e <= 24; e += 2)
      sizes[k++] = (size_t)1 << e;
    sizes[k++] = 100003;
  } else {
    /* one size per level: L1, L2, L3, DRAM for every rule's working set */
    static const int decay_log2[] = {10, 16, 20, 24};
    for (size_t i = 0; i < sizeof decay_log2 / sizeof *decay_log2; i++)
      sizes[k++] = (size_t)1 << decay_log2[i];
  }
  size_t out = 0;
  for (size_t i = 0; i < k; i++)
    if (sizes[i] >= o->min_size && sizes[i] <= o->max_size)
      sizes[out++] = sizes[i];
  qsort(sizes, out, sizeof *sizes, bench_cmp_size);
  return out;
}

int bench_wants_algo(const bench_options *o, ob_algo a) {
  return (!o->any_algo && !o->any_op) || o->algo[a];
}

int bench_wants_op(const bench_options *o, ob_op k) {
  return (!o->any_algo && !o->any_op) || o->op[k];
}

int bench_wants_variant(const bench_options *o, const ob_variant *v) {
  if (!ob_variant_supported(v))
    return 0;
  if (o->nvariants == 0)
    return 1;
  for (size_t i = 0; i < o->nvariants; i++)
    if (o->variants[i] == v)
      return 1;
  return 0;
}

int bench_register(const char *name, ob_bench_fn fn, void *ctx) {
  const ob_bench_def def = {name, fn, ctx, OB_BENCH_REAL_TIME};
  return ob_bench_register(&def) ? -1 : 0;
}

long bench_register_all(const bench_options *o, int nproc) {
  int threads[BENCH_MAX_THREADS];
  int nthreads = 0;
  for (int t = 1; t <= BENCH_MAX_THREADS; t++)
    if (o->any_threads ? o->threads[t] : (o->quick ? (t == 1 || t == nproc) : (t <= nproc)))
      threads[nthreads++] = t;
  const long rules = bench_register_rules(o, threads, nthreads);
  if (rules < 0)
    return rules;
  const long layers = bench_register_layers(o, threads, nthreads);
  return layers < 0 ? layers : rules + layers;
}
