#!/usr/bin/env bash
# bench.sh BUILD: `make bench-mpi`, into BUILD/results/<UTC time>/mpi/ (or
# RESULTS/mpi with RESULTS=DIR):
#   bench_r<R>.json  optbench_mpi_bench under mpirun -np R, R = 1..4: the sharded
#                    step's breakdown on bench/models' lists, MPI_Reduce_scatter,
#                    and (R >= 2) the ping-pong
#   train/           the figure 6-9 network, data-parallel for R = 1..4 and
#                    without MPI: loss curves and parameters compared byte for byte
#   report.md, projection.json, *.dat, *.png   plots/mpi_report.py and plots/mpi.gp
# QUICK=1: one small list, 3 repeats, 200 iterations of training.
# MPI_BENCH_ARGS passes options to optbench_mpi_bench (--lists, --repeats, ...);
# MPI_ALGO=NAME steps that rule in both (default adam); TRAIN_ITERS=N trains
# N iterations instead of 2000 (QUICK: 200), as `make bench`'s short stage does.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${RESULTS:-$build/results/$(date -u +%Y%m%dT%H%M%SZ)}/mpi
mkdir -p "$dir/train"
say() { echo "bench-mpi: $*"; }

# Open MPI as root (CI) and oversubscribed on 2 cores; one OpenMP thread per rank
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 \
  OMP_WAIT_POLICY=passive
mpirun=(mpirun --oversubscribe --bind-to none --mca btl "self,vader")
algo=${MPI_ALGO:-adam}
if [ -n "${QUICK:-}" ]; then
  bench_args=(--lists synthetic-20000x256 --repeats 3 --algo "$algo")
  iters=${TRAIN_ITERS:-200}
else
  bench_args=(--algo "$algo")
  iters=${TRAIN_ITERS:-2000}
fi
train_args="--iters $iters --micro 8 --micro-size 16 --algo $algo" # the book's batch of 128

for r in 1 2 3 4; do
  say "[1/3] sharded step, $r rank(s) -> $dir/bench_r$r.json"
  # shellcheck disable=SC2086 # MPI_BENCH_ARGS is a list of options
  timeout 3600 "${mpirun[@]}" -np "$r" "$build/mpi/optbench_mpi_bench" \
    --out "$dir/bench_r$r.json" "${bench_args[@]}" ${MPI_BENCH_ARGS:-}
done

if [ ! -x "$build/mpi/optbench_mpi_train" ]; then
  say "[2/3] the figure 6-9 network: skipped (not built: it needs zlib1g-dev and libopenblas-dev)"
else
  say "[2/3] the figure 6-9 network for 1..4 ranks and one process -> $dir/train/"
  s=0
  TRAIN_ARGS=$train_args RANKS="1 2 3 4" "$root/mpi/check_train.sh" "$dir/train" \
    "$build/mpi/optbench_mpi_train" "${mpirun[@]}" -np >"$dir/train/check_train.log" 2>&1 || s=$?
  # 77: check_train.sh's "skipped", the data set is not installed
  [ $s = 0 ] || [ $s = 77 ] || { tail -20 "$dir/train/check_train.log"; exit 1; }
  tail -1 "$dir/train/check_train.log"
fi

say "[3/3] report -> $dir/report.md"
python3 "$root/plots/mpi_report.py" "$dir" "$root/bench/models"
for chart in breakdown projection; do
  gnuplot -e "datadir='$dir'; chart='$chart'; rule='$algo'; out='$dir/mpi_$chart.png'" \
    "$root/plots/mpi.gp"
done
say "done: $dir/report.md"
