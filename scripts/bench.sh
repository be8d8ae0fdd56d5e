#!/usr/bin/env bash
# bench.sh BUILD: everything `make bench` does, into a new results folder
# BUILD/results/<UTC time>/ (BUILD/results/latest points at it once the run
# has completed; an interrupted or failed run leaves latest where it was):
#   info.json     the rule list, variants and caches (optbench info --json)
#   speed.json    the speed benchmark with its roofline (Google Benchmark JSON,
#                 every repetition, repetitions randomly interleaved)
#   load.txt      load, steal time and CPU clock, sampled every 5 s (plots/noise.py)
#   stages.txt    when each stage started (epoch seconds)
#   mask.json     dropout's mask as bits against bytes (bench/mask_layout.c)
#   verify.json   the correctness table (optbench verify)
#   peers.json    PyTorch and NumPy on the same sizes, if python3-torch is installed
#   model.json    the whole-model step (bench/model.c) on bench/models' lists;
#   model_peers.t<T>.json  PyTorch 2.x and DeepSpeed on the same lists, from
#                 BUILD/venv (make bench-peers) or else Debian's python3-torch
#   convergence/  the book's figures 6-8 and 6-9 (scripts/convergence.sh)
#   mpi/          the sharded step over MPI (mpi/bench.sh), if the build has it;
#                 MPI=0 skips it
#   data/, *.png, report/index.html   charts and the report, from the files above
# QUICK=1 runs the short sweep; BENCH_ARGS passes filters to optbench_bench
# (--algo, --op, --variant, --min-size, --max-size, --benchmark_*), and
# --algo/--op/--variant/--min-size/--max-size on to every other stage;
# MODEL_ARGS to optbench_model (--list=, --algo=, --rounds=, --all);
# RESULTS=DIR writes there instead; PEERS=0 skips the peers even if installed;
# ITERS=N sets the convergence runs' length (QUICK=1: 100); REPS=N the speed
# benchmark's repetitions (default 3; at least 2, the spread needs two).
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
quick=${QUICK:+--quick}
qflag=(${QUICK:+--quick}) # the same as a list: nothing at all when not quick
py=/usr/bin/python3 # Debian's: python3-numpy and python3-torch live there
[ -x "$py" ] || py=python3
if [ -n "${RESULTS:-}" ]; then
  dir=$RESULTS
else
  dir=$build/results/$(date -u +%Y%m%dT%H%M%SZ)
fi
mkdir -p "$dir"
t0=$(date +%s)
say() { echo "bench: [$(($(date +%s) - t0)) s] $*"; }
stage() { echo "$(date +%s) $1" >>"$dir/stages.txt"; }
# The +omp team's threads bound one to a core unless the caller binds them:
# unbound, a worker woken while the other core is busy often lands on the
# caller's core and the call waits for a time slice (~9 ms; `optbench tune`
# measured ratios of 2421 unbound and 23 bound at the same load). Kept in
# the results (binding.txt).
export OMP_PROC_BIND=${OMP_PROC_BIND:-spread} OMP_PLACES=${OMP_PLACES:-cores}
echo "OMP_PROC_BIND=$OMP_PROC_BIND OMP_PLACES=$OMP_PLACES" >"$dir/binding.txt"
# the rules, variants and caches of this build: what every later step and the
# report read (scripts/obinfo.py), kept with the results they describe
"$build/optbench" info --json >"$dir/info.json.tmp"
mv "$dir/info.json.tmp" "$dir/info.json"

# The filters, once, for every stage: optbench_bench takes them as they are;
# the others get their own spelling of the same selection.
read -ra bench_args <<<"${BENCH_ARGS:-}" # split on blanks, no glob expansion
algos=() variants=() ops=() verify_args=() peer_args=() model_args=() has_reps=0
for ((i = 0; i < ${#bench_args[@]}; i++)); do
  a=${bench_args[i]} v=
  case $a in
    --algo=* | --variant=* | --op=* | --min-size=* | --max-size=*) v=${a#*=} a=${a%%=*} ;;
    --algo | --variant | --op | --min-size | --max-size) v=${bench_args[i + 1]:-} i=$((i + 1)) ;;
    --benchmark_repetitions*) has_reps=1 ;;
  esac
  case $a in
    --algo) algos+=("$v") verify_args+=(--algo "$v") peer_args+=(--algo "$v") model_args+=("--algo=$v") ;;
    --variant) variants+=("$v") verify_args+=(--variant "$v") model_args+=("--variant=$v") ;;
    --op) ops+=("$v") verify_args+=(--op "$v") ;;
    --min-size | --max-size) peer_args+=("$a" "$v") ;;
  esac
done
filtered=$((${#algos[@]} + ${#variants[@]} + ${#ops[@]}))
# Repetitions, randomly interleaved over the whole run: every kernel and its
# ceilings are sampled in one shuffled sequence in one process, so a slow
# minute hits a kernel and its roofline alike, and each point's spread says
# how far its median can be trusted (plots/noise.py).
noise_args=(--benchmark_enable_random_interleaving=true)
[ "$has_reps" = 1 ] || noise_args+=("--benchmark_repetitions=${REPS:-3}")

# Load, steal time and clock for the whole run, every 5 s, until the end.
"$py" "$root/plots/noise.py" sample "$dir/load.txt" 5 $$ &
sampler=$!
trap 'kill "$sampler" 2>/dev/null || true' EXIT
# set -e stops at the first failing stage: say where, and that latest did not move
trap 'echo "bench: failed at scripts/bench.sh line $LINENO; $dir is incomplete and results/latest was not moved" >&2' ERR

stage speed
total=$("$build/bench/optbench_bench" "${qflag[@]}" "${bench_args[@]}" --benchmark_list_tests=true | wc -l)
say "[1/6] speed: $total benchmarks x ${REPS:-3} interleaved repetitions${quick:+ (quick)} -> $dir/speed.json"
# Google Benchmark reports a benchmark when its last repetition is done: with
# the repetitions interleaved, most finish in the run's second half.
# The benchmark's stdout is line-buffered (bench/speed_main.c) and awk
# flushes: the progress as it happens, not in one burst at the end. (Not
# stdbuf: its LD_PRELOAD breaks a sanitizer build, whose runtime must load first.)
"$build/bench/optbench_bench" "${qflag[@]}" "${bench_args[@]}" "${noise_args[@]}" \
  --benchmark_out="$dir/speed.json.tmp" --benchmark_out_format=json 2>&1 |
  tee "$dir/speed.log" |
  awk -v total="$total" -v step="$(((total + 19) / 20))" '
    /^(step|op|roofline)\// && / *_median / { n++; if (n % step == 0 || n == total) { printf "bench:   %d/%d benchmarks done\n", n, total; fflush() } }'
mv "$dir/speed.json.tmp" "$dir/speed.json"
# dropout's mask layout: in a full run, or one whose filters name a dropout kernel
mask=
[ "$filtered" = 0 ] && mask=1
for o in "${ops[@]}"; do
  case $o in dropout*) mask=1 ;; esac
done
if [ -x "$build/bench/optbench_mask_layout" ] && [ -n "$mask" ]; then
  say "      mask layout: bits against bytes -> $dir/mask.json"
  # shellcheck disable=SC2046 # the quick flags are a list
  "$build/bench/optbench_mask_layout" $([ -n "$quick" ] && echo --benchmark_repetitions=1 --benchmark_min_time=0.02) \
    --benchmark_out="$dir/mask.json" --benchmark_out_format=json >"$dir/mask.log" 2>&1
fi

stage verify
say "[2/6] correctness: optbench verify ${verify_args[*]} -> $dir/verify.json"
# a failing row is a result for the report's correctness table, not the end of the run
"$build/optbench" verify --quiet "${verify_args[@]}" --json "$dir/verify.json" ||
  say "      verify: FAILURES (exit $?): the report's correctness table shows them"

stage peers
# the peers time update rules only: a run filtered to layer kernels has none
if [ "${PEERS:-1}" = 0 ]; then
  say "[3/6] peers: skipped (PEERS=0)"
elif [ ${#ops[@]} -gt 0 ] && [ ${#algos[@]} = 0 ]; then
  say "[3/6] peers: skipped (the filters select layer kernels only)"
elif "$py" -c 'import numpy, torch' 2>/dev/null; then
  say "[3/6] peers: PyTorch and NumPy ${peer_args[*]} -> $dir/peers.json"
  "$root/bench/peers/run_peers.sh" "$dir" "${qflag[@]}" "${peer_args[@]}"
else
  say "[3/6] peers: skipped (python3-torch, python3-numpy not installed: make bench-peers installs them)"
fi

stage model
if [ ${#ops[@]} -gt 0 ] && [ ${#algos[@]} = 0 ]; then
  say "      model step: skipped (the filters select layer kernels only)"
else
  say "      model step: bench/models lists${quick:+ (quick)} ${model_args[*]} -> $dir/model.json"
  # shellcheck disable=SC2086 # the quick flag and MODEL_ARGS, if any
  "$build/bench/optbench_model" $quick "${model_args[@]}" ${MODEL_ARGS:-} \
    --benchmark_out="$dir/model.json.tmp" --benchmark_out_format=json >"$dir/model.log" 2>&1
  mv "$dir/model.json.tmp" "$dir/model.json"
  if [ "${PEERS:-1}" != 0 ] && { [ -x "$build/venv/bin/python" ] ||
    "$py" -c 'import torch' 2>/dev/null; }; then
    say "      model peers: PyTorch / DeepSpeed on the same lists -> $dir/model_peers.t*.json"
    # shellcheck disable=SC2086
    OPTBENCH_LIB=$build/impl/liboptbench.so \
      "$root/bench/peers/run_model_peers.sh" "$dir" "$build/venv" $quick >"$dir/model_peers.log" 2>&1 ||
      say "      model peers failed (see $dir/model_peers.log); the report goes on without them"
  fi
fi

stage convergence
if [ ${#ops[@]} -gt 0 ] && [ ${#algos[@]} = 0 ]; then
  say "[4/6] convergence: skipped (the filters select layer kernels only)"
elif [ -d /usr/share/datasets/fashion-mnist ]; then
  say "[4/6] convergence: figures 6-8 and 6-9 -> $dir/convergence"
  conv_algos=$(IFS=,; echo "${algos[*]}")
  ITERS=${ITERS:-${QUICK:+100}} CONV_ALGOS=$conv_algos CONV_VARIANT=${variants[0]:-} \
    "$root/scripts/convergence.sh" "$build" "$dir/convergence" | sed -u 's/^/bench:   /'
else
  say "[4/6] convergence: skipped (dataset-fashion-mnist not installed)"
fi

stage mpi
# The sharded step over MPI (mpi/, issue 15), when the build has it: a shorter
# job than `make bench-mpi` (resnet50 and mixed-20000, 3 repeats, 500 training
# iterations: 107 s on this 2-core machine, busy, load 7; with gpt2-small
# instead of mixed-20000 212 s), the same files and report.
# MPI_BENCH_ARGS and TRAIN_ITERS override; one rule per run, the first --algo.
if [ "${MPI:-1}" = 0 ]; then
  say "[5/6] mpi: skipped (MPI=0)"
elif [ ! -x "$build/mpi/optbench_mpi_bench" ]; then
  say "[5/6] mpi: skipped (MPI not built: apt-get install libopenmpi-dev openmpi-bin)"
elif [ ${#ops[@]} -gt 0 ] && [ ${#algos[@]} = 0 ]; then
  say "[5/6] mpi: skipped (the filters select layer kernels only)"
else
  mpi_algo=${algos[0]:-adam}
  say "[5/6] mpi: the sharded $mpi_algo step for 1..4 ranks${quick:+ (quick)} -> $dir/mpi"
  [ ${#algos[@]} -le 1 ] || say "      mpi: one rule per run: $mpi_algo, not ${algos[*]:1}"
  mpi_args=${MPI_BENCH_ARGS:-} mpi_iters=${TRAIN_ITERS:-200} # QUICK: mpi/bench.sh's quick job
  [ -n "$quick" ] || mpi_args=${MPI_BENCH_ARGS:---lists resnet50,mixed-20000 --repeats 3} \
    mpi_iters=${TRAIN_ITERS:-500}
  RESULTS=$dir MPI_ALGO=$mpi_algo MPI_BENCH_ARGS=$mpi_args TRAIN_ITERS=$mpi_iters \
    "$root/mpi/bench.sh" "$build" | sed -u 's/^/bench:   /'
fi

stage report
kill "$sampler" 2>/dev/null || true # the run is over: the report reads a finished load.txt
wait "$sampler" 2>/dev/null || true
"$py" "$root/plots/noise.py" sample "$dir/load.txt" 0 $$ # the "after" sample
say "[6/6] charts and report"
"$root/plots/make_report.sh" "$dir" "$dir/verify.json"
"$root/plots/check_report.sh" "$dir/report/index.html" | sed -u 's/^/bench:   /'
stage "done"
if [ -z "${RESULTS:-}" ]; then # the run completed: only now is it the latest
  ln -sfn "$(basename "$dir")" "$build/results/latest"
  ln -sfn "results/$(basename "$dir")/report" "$build/report"
fi
if [ -n "${RESULTS:-}" ]; then
  say "done: open $dir/report/index.html"
else
  say "done: open $dir/report/index.html (also $build/report/index.html)"
fi
