#!/usr/bin/env bash
# bench.sh BUILD: everything `make bench` does, into a new results folder
# BUILD/results/<UTC time>/ (BUILD/results/latest points at it):
#   info.json     the rule list, variants and caches (optbench info --json)
#   speed.json    the speed benchmark with its roofline (Google Benchmark JSON)
#   mask.json     dropout's mask as bits against bytes (bench/mask_layout.c)
#   verify.json   the correctness table (optbench verify)
#   peers.json    PyTorch and NumPy on the same sizes, if python3-torch is installed
#   model.json    the whole-model step (bench/model.c) on bench/models' lists;
#   model_peers.t<T>.json  PyTorch 2.x and DeepSpeed on the same lists, from
#                 BUILD/venv (make bench-peers) or else Debian's python3-torch
#   convergence/  the book's figures 6-8 and 6-9 (scripts/convergence.sh)
#   data/, *.png, report/index.html   charts and the report, from the files above
# QUICK=1 runs the short sweep; BENCH_ARGS passes filters to optbench_bench,
# MODEL_ARGS to optbench_model (--list=, --algo=, --rounds=, --all);
# RESULTS=DIR writes there instead; PEERS=0 skips the peers even if installed;
# ITERS=N sets the convergence runs' length (QUICK=1: 100).
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
quick=${QUICK:+--quick}
if [ -n "${RESULTS:-}" ]; then
  dir=$RESULTS
  mkdir -p "$dir"
else
  dir=$build/results/$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "$dir"
  ln -sfn "$(basename "$dir")" "$build/results/latest"
fi
say() { echo "bench: $*"; }
# the rules, variants and caches of this build: what every later step and the
# report read (scripts/obinfo.py), kept with the results they describe
"$build/optbench" info --json >"$dir/info.json.tmp"
mv "$dir/info.json.tmp" "$dir/info.json"

# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
total=$("$build/bench/optbench_bench" $quick ${BENCH_ARGS:-} --benchmark_list_tests=true | wc -l)
say "[1/5] speed: $total benchmarks${quick:+ (quick)} -> $dir/speed.json"
# shellcheck disable=SC2086
"$build/bench/optbench_bench" $quick ${BENCH_ARGS:-} \
  --benchmark_out="$dir/speed.json.tmp" --benchmark_out_format=json 2>&1 |
  tee "$dir/speed.log" |
  awk -v total="$total" '/^(step|op|roofline)\// && !/_(mean|stddev|cv) / { n++; if (n % 100 == 0 || n == total) printf "bench:   %d/%d\n", n, total }'
mv "$dir/speed.json.tmp" "$dir/speed.json"
if [ -x "$build/bench/optbench_mask_layout" ]; then
  say "      mask layout: bits against bytes -> $dir/mask.json"
  # shellcheck disable=SC2046 # the quick flags are a list
  "$build/bench/optbench_mask_layout" $([ -n "$quick" ] && echo --benchmark_repetitions=1 --benchmark_min_time=0.02) \
    --benchmark_out="$dir/mask.json" --benchmark_out_format=json >"$dir/mask.log" 2>&1
fi

say "[2/5] correctness: optbench verify -> $dir/verify.json"
"$build/optbench" verify --quiet --json "$dir/verify.json"

if [ "${PEERS:-1}" = 0 ]; then
  say "[3/5] peers: skipped (PEERS=0)"
elif /usr/bin/python3 -c 'import numpy, torch' 2>/dev/null; then
  say "[3/5] peers: PyTorch and NumPy -> $dir/peers.json"
  "$root/bench/peers/run_peers.sh" "$dir" $quick
else
  say "[3/5] peers: skipped (python3-torch, python3-numpy not installed: make bench-peers installs them)"
fi

say "      model step: bench/models lists${quick:+ (quick)} -> $dir/model.json"
# shellcheck disable=SC2086 # the quick flag, if any
"$build/bench/optbench_model" $quick ${MODEL_ARGS:-} --benchmark_out="$dir/model.json.tmp" \
  --benchmark_out_format=json >"$dir/model.log" 2>&1
mv "$dir/model.json.tmp" "$dir/model.json"
if [ "${PEERS:-1}" != 0 ] && { [ -x "$build/venv/bin/python" ] ||
  /usr/bin/python3 -c 'import torch' 2>/dev/null; }; then
  say "      model peers: PyTorch / DeepSpeed on the same lists -> $dir/model_peers.t*.json"
  # shellcheck disable=SC2086
  OPTBENCH_LIB=$build/impl/liboptbench.so \
    "$root/bench/peers/run_model_peers.sh" "$dir" "$build/venv" $quick >"$dir/model_peers.log" 2>&1 ||
    say "      model peers failed (see $dir/model_peers.log); the report goes on without them"
fi

if [ -d /usr/share/datasets/fashion-mnist ]; then
  say "[4/5] convergence: figures 6-8 and 6-9 -> $dir/convergence"
  ITERS=${ITERS:-${QUICK:+100}} "$root/scripts/convergence.sh" "$build" "$dir/convergence" |
    sed 's/^/bench:   /'
else
  say "[4/5] convergence: skipped (dataset-fashion-mnist not installed)"
fi

say "[5/5] charts and report"
"$root/plots/make_report.sh" "$dir" "$dir/verify.json"
"$root/plots/check_report.sh" "$dir/report/index.html" | sed 's/^/bench:   /'
[ -n "${RESULTS:-}" ] || ln -sfn "results/$(basename "$dir")/report" "$build/report"
say "done: open $dir/report/index.html${RESULTS:+}${RESULTS:-" (also $build/report/index.html)"}"
