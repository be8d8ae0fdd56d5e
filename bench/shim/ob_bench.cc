// The C shim over Google Benchmark: the only C++ in the project.
#include "ob_bench.h"

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

benchmark::State *st(ob_bench_state *s) { return reinterpret_cast<benchmark::State *>(s); }
const benchmark::State *st(const ob_bench_state *s) {
  return reinterpret_cast<const benchmark::State *>(s);
}

// Google Benchmark appends "/real_time" to the name of every benchmark that
// measures wall-clock time; ours are named in full by their registrant, so
// the reporters print and write the names exactly as registered.
template <class Reporter> class ExactNames : public Reporter {
public:
  using Reporter::Reporter;
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run> &runs) override {
    std::vector<benchmark::BenchmarkReporter::Run> copy(runs);
    for (auto &r : copy)
      r.run_name.time_type.clear();
    Reporter::ReportRuns(copy);
  }
};

// The value of the last --name=value in argv, or `fallback`. Google
// Benchmark takes its flags only in the --name=value form.
std::string flag(int argc, char **argv, const char *name, const char *fallback) {
  std::string v = fallback;
  const size_t len = std::strlen(name);
  for (int i = 1; i < argc; i++)
    if (std::strncmp(argv[i], name, len) == 0 && argv[i][len] == '=')
      v = argv[i] + len + 1;
  return v;
}

bool truthy(const std::string &v) {
  return v == "true" || v == "yes" || v == "1" || v == "force" || v == "on";
}

// The display reporter Google Benchmark would make, with exact names;
// nullptr (its own choice) for formats we do not wrap (csv).
std::unique_ptr<benchmark::BenchmarkReporter> display_reporter(int argc, char **argv) {
  const std::string format = flag(argc, argv, "--benchmark_format", "console");
  if (format == "json")
    return std::make_unique<ExactNames<benchmark::JSONReporter>>();
  if (format != "console")
    return nullptr;
  const std::string color = flag(argc, argv, "--benchmark_color", "auto");
  const char *term = std::getenv("TERM");
  const bool use_color = color == "auto"
                             ? isatty(STDOUT_FILENO) && term && std::strcmp(term, "dumb") != 0
                             : truthy(color);
  int opts = benchmark::ConsoleReporter::OO_None;
  if (use_color)
    opts |= benchmark::ConsoleReporter::OO_Color;
  if (truthy(flag(argc, argv, "--benchmark_counters_tabular", "false")))
    opts |= benchmark::ConsoleReporter::OO_Tabular;
  return std::make_unique<ExactNames<benchmark::ConsoleReporter>>(
      static_cast<benchmark::ConsoleReporter::OutputOptions>(opts));
}

// The file reporter for --benchmark_out, or nullptr: none asked for (passing
// one then would make Google Benchmark exit), or a format we do not wrap.
std::unique_ptr<benchmark::BenchmarkReporter> file_reporter(int argc, char **argv) {
  if (flag(argc, argv, "--benchmark_out", "").empty())
    return nullptr;
  const std::string format = flag(argc, argv, "--benchmark_out_format", "json");
  if (format == "json")
    return std::make_unique<ExactNames<benchmark::JSONReporter>>();
  if (format == "console")
    return std::make_unique<ExactNames<benchmark::ConsoleReporter>>(
        benchmark::ConsoleReporter::OO_None);
  return nullptr;
}

} // namespace

extern "C" {

int ob_bench_register(const ob_bench_def *def) {
  if (!def || !def->name || !def->run)
    return -1;
  const ob_bench_fn run = def->run;
  void *const ctx = def->ctx;
  // RegisterBenchmark copies the name into the benchmark's own std::string.
  benchmark::internal::Benchmark *b =
      benchmark::RegisterBenchmark(def->name, [run, ctx](benchmark::State &state) {
        run(reinterpret_cast<ob_bench_state *>(&state), ctx);
      });
  if (def->flags & OB_BENCH_REAL_TIME)
    b->UseRealTime();
  return 0;
}

int ob_bench_keep_running(ob_bench_state *state) { return st(state)->KeepRunning() ? 1 : 0; }

int64_t ob_bench_iterations(const ob_bench_state *state) {
  return static_cast<int64_t>(st(state)->iterations());
}

void ob_bench_set_bytes_processed(ob_bench_state *state, int64_t bytes) {
  st(state)->SetBytesProcessed(bytes * static_cast<int64_t>(st(state)->iterations()));
}

void ob_bench_set_items_processed(ob_bench_state *state, int64_t items) {
  st(state)->SetItemsProcessed(items * static_cast<int64_t>(st(state)->iterations()));
}

void ob_bench_set_counter(ob_bench_state *state, const char *name, double value) {
  ob_bench_set_counter_kind(state, name, value, OB_COUNTER_PLAIN);
}

void ob_bench_set_counter_kind(ob_bench_state *state, const char *name, double value,
                               ob_counter_kind kind) {
  benchmark::Counter c;
  switch (kind) {
  case OB_COUNTER_RATE: c = benchmark::Counter(value, benchmark::Counter::kIsRate); break;
  case OB_COUNTER_PER_ITEM_NS:
    // value * iterations / seconds, inverted: seconds per item; 1e-9 scales to ns.
    c = benchmark::Counter(value * 1e-9, benchmark::Counter::kIsIterationInvariantRate |
                                             benchmark::Counter::kInvert);
    break;
  case OB_COUNTER_PLAIN:
  default: c = benchmark::Counter(value); break;
  }
  st(state)->counters[name] = c;
}

void ob_bench_pause_timing(ob_bench_state *state) { st(state)->PauseTiming(); }
void ob_bench_resume_timing(ob_bench_state *state) { st(state)->ResumeTiming(); }

void ob_bench_skip_with_error(ob_bench_state *state, const char *message) {
  st(state)->SkipWithError(message);
}

void ob_bench_add_context(const char *key, const char *value) {
  if (key && value)
    benchmark::AddCustomContext(key, value);
}

int ob_bench_main(int argc, char **argv) {
  const int argc0 = argc;
  std::vector<char *> argv0(argv, argv + argc);
  argv0.push_back(nullptr);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 2;
  // Initialize has validated the formats; it leaves the flags it consumed
  // out of argv, so read them from a copy taken before.
  auto display = display_reporter(argc0, argv0.data());
  auto file = file_reporter(argc0, argv0.data());
  const size_t ran = benchmark::RunSpecifiedBenchmarks(display.get(), file.get());
  benchmark::Shutdown();
  if (ran == 0) {
    std::fprintf(stderr, "%s: no benchmark matches the filter\n", argv[0]);
    return 1;
  }
  return 0;
}

} // extern "C"
