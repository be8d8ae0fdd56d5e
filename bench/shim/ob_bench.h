/* ob_bench - a C API over Google Benchmark (after IREE's testing/benchmark.h).
 *
 * A benchmark is a C function and a context pointer, registered under a
 * name. The function loops on ob_bench_keep_running(); only the time spent
 * inside that loop is measured. ob_bench_main() passes the command line to
 * Google Benchmark, so every --benchmark_* flag works (filter, repetitions,
 * min_time, out, out_format). ob_bench.cc is the only C++ in the project.
 */
#ifndef OB_BENCH_H
#define OB_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque: a benchmark::State underneath. */
typedef struct ob_bench_state ob_bench_state;

typedef void (*ob_bench_fn)(ob_bench_state *state, void *ctx);

enum {
  /* Measure wall-clock time, not the main thread's CPU time: required for
   * code that runs on other threads (OpenMP). */
  OB_BENCH_REAL_TIME = 1u << 0,
};

typedef struct {
  const char *name; /* copied by ob_bench_register */
  ob_bench_fn run;
  void *ctx;      /* passed to run; owned by the caller, must outlive ob_bench_main */
  unsigned flags; /* OB_BENCH_* */
} ob_bench_def;

/* 0 on success, -1 if def, its name or its function is NULL. */
int ob_bench_register(const ob_bench_def *def);

/* Nonzero while the benchmark should run one more iteration. */
int ob_bench_keep_running(ob_bench_state *state);
/* Iterations run so far (valid after the loop: the total). */
int64_t ob_bench_iterations(const ob_bench_state *state);

/* Per-iteration amounts, reported as totals divided by the measured time.
 * Call these and the counters after the loop (they read the iteration count). */
void ob_bench_set_bytes_processed(ob_bench_state *state, int64_t bytes);
void ob_bench_set_items_processed(ob_bench_state *state, int64_t items);

/* Counter kinds for ob_bench_set_counter_kind. */
typedef enum {
  OB_COUNTER_PLAIN = 0,   /* the value as given */
  OB_COUNTER_RATE,        /* value / seconds */
  OB_COUNTER_PER_ITEM_NS, /* seconds / (value * iterations), in ns: value = items
                             per iteration, e.g. ns per element */
} ob_counter_kind;

void ob_bench_set_counter(ob_bench_state *state, const char *name, double value);
void ob_bench_set_counter_kind(ob_bench_state *state, const char *name, double value,
                               ob_counter_kind kind);

/* Stop and restart the clock around work that must not be measured. */
void ob_bench_pause_timing(ob_bench_state *state);
void ob_bench_resume_timing(ob_bench_state *state);

/* Mark the benchmark failed; call before the loop or break out of it. */
void ob_bench_skip_with_error(ob_bench_state *state, const char *message);

/* A key and value stored in the "context" object of the JSON output. */
void ob_bench_add_context(const char *key, const char *value);

/* Initialize Google Benchmark with argv (it consumes its own flags), report
 * anything left over as unrecognized (returns 2), run the benchmarks that
 * match the filter, shut down. 0 on success, 1 if nothing matched. */
int ob_bench_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif /* OB_BENCH_H */
