/* The JSON context of optbench_bench's results: the machine, the build,
 * the variants, the traffic models and each layer kernel's roofline shape,
 * which plots/extract.py and the report read. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cache_context.h"

#ifndef OB_GIT_COMMIT
#define OB_GIT_COMMIT "unknown"
#endif
#ifndef OB_C_FLAGS
#define OB_C_FLAGS "unknown"
#endif
#if defined(__clang__)
#define OB_COMPILER "clang " __VERSION__
#elif defined(__GNUC__)
#define OB_COMPILER "gcc " __VERSION__
#else
#define OB_COMPILER __VERSION__
#endif

static void cpu_model(char *out, size_t size) {
  snprintf(out, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) != 0)
      continue;
    const char *colon = strchr(line, ':');
    if (!colon)
      continue;
    colon++;
    while (*colon == ' ' || *colon == '\t')
      colon++;
    snprintf(out, size, "%s", colon);
    out[strcspn(out, "\n")] = '\0';
    break;
  }
  fclose(f);
}

void bench_add_context(int nproc) {
  char buf[1024];
  cpu_model(buf, sizeof buf);
  ob_bench_add_context("optbench_cpu_model", buf);
  snprintf(buf, sizeof buf, "%d.%d.%d", OB_VERSION_MAJOR, OB_VERSION_MINOR, OB_VERSION_PATCH);
  ob_bench_add_context("optbench_version", buf);
  ob_bench_add_context("optbench_compiler", OB_COMPILER);
  ob_bench_add_context("optbench_c_flags", OB_C_FLAGS);
  ob_bench_add_context("optbench_commit", OB_GIT_COMMIT);
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < ob_variant_count() && len < sizeof buf; i++) {
    const ob_variant *v = ob_variant_at(i);
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s:%s", i ? "," : "",
                            ob_variant_name(v), ob_variant_supported(v) ? "yes" : "no");
  }
  ob_bench_add_context("optbench_variants", buf);
  /* the SIMD features the variants rest on (cpuid + xgetbv, as the library sees them);
   * __builtin_cpu_supports takes only a literal, hence the macro */
  __builtin_cpu_init();
#define FEATURE(name)                                                                              \
  { name, __builtin_cpu_supports(name) }
  const struct {
    const char *name;
    int has;
  } features[] = {FEATURE("sse2"),     FEATURE("avx"),     FEATURE("avx2"),
                  FEATURE("fma"),      FEATURE("avx512f"), FEATURE("avx512vl"),
                  FEATURE("avx512bw"), FEATURE("avx512dq")};
#undef FEATURE
  len = 0;
  for (size_t i = 0; i < sizeof features / sizeof *features && len < sizeof buf; i++)
    if (features[i].has)
      len +=
          (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", features[i].name);
  ob_bench_add_context("optbench_cpu_features", buf);
  len = 0; /* per rule, "sgd:131072,...": where the +omp variants start using threads */
  for (int a = 0; a < OB_ALGO_COUNT && len < sizeof buf; a++)
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s:%zu", a ? "," : "",
                            ob_algo_name((ob_algo)a), ob_omp_threshold((ob_algo)a));
  ob_bench_add_context("optbench_omp_threshold", buf);
  snprintf(buf, sizeof buf, "%d", nproc);
  ob_bench_add_context("optbench_threads_max", buf);
  ob_bench_context_caches(); /* the size bands where Google Benchmark sees no caches */
  ob_bench_add_context("optbench_traffic_model",
                       "rules: bytes/element = 4 * ((2 + states) reads + (1 + states) writes), "
                       "with or without weight decay; layer kernels: ob_op_bytes_read + "
                       "ob_op_bytes_written (every pass counted, a mask bit 1/8 byte)");
  /* per layer kernel, as JSON: its traffic, working set, roofline shape and
   * OpenMP threshold, for plots/extract.py */
  enum { OPS_JSON_CAP = 16384 };
  char *ops = malloc(OPS_JSON_CAP);
  if (!ops)
    return;
  len = (size_t)snprintf(ops, OPS_JSON_CAP, "{");
  for (int k = 0; k < OB_OP_COUNT && len < OPS_JSON_CAP; k++) {
    ob_stream_shape sh;
    char shape[64] = "";
    if (bench_op_shape((ob_op)k, &sh) == 0)
      ob_shape_name(&sh, shape, sizeof shape);
    len += (size_t)snprintf(
        ops + len, OPS_JSON_CAP - len,
        "%s\"%s\": {\"family\": \"%s\", \"bytes_read\": %g, \"bytes_written\": %g, "
        "\"footprint\": %g, \"roofline\": \"%s\", \"arith\": \"%s\", "
        "\"omp_threshold\": %zu, \"batch_features\": %d}",
        k ? ", " : "", ob_op_name((ob_op)k), ob_op_family((ob_op)k), ob_op_bytes_read((ob_op)k),
        ob_op_bytes_written((ob_op)k), shape[0] ? ob_shape_footprint(&sh) : 0.0, shape,
        bench_op_defs[k]->draws ? "philox" : "", ob_op_omp_threshold((ob_op)k),
        bench_op_defs[k]->batched ? BENCH_BN_FEATURES : 0);
  }
  if (len < OPS_JSON_CAP)
    len += (size_t)snprintf(ops + len, OPS_JSON_CAP - len, "}");
  if (len < OPS_JSON_CAP) /* complete JSON only: a cut one would break the report */
    ob_bench_add_context("optbench_ops", ops);
  else
    fprintf(stderr,
            "optbench_bench: the layer-kernel context needs more than %d bytes; "
            "left out of the results\n",
            OPS_JSON_CAP);
  free(ops);
  snprintf(buf, sizeof buf, "weight_decay=%g (+l2), decoupled_decay=%g (+decoupled)",
           (double)BENCH_L2_LAMBDA, (double)BENCH_DECOUPLED_LAMBDA);
  ob_bench_add_context("optbench_weight_decay", buf);
}
