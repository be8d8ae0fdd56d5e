#!/bin/sh
# run_model_peers: time PyTorch's Adam/AdamW (loop, foreach, fused) and
# DeepSpeedCPUAdam on the model lists (bench/peers/model_peers.py), once per
# thread count, into RESULTS_DIR/model_peers.t<T>.json.
# usage: run_model_peers.sh RESULTS_DIR VENV [--quick] [model_peers.py options]
# VENV: the virtual environment `make bench-peers` made (build/venv); if it has
# no python, Debian's /usr/bin/python3 (python3-torch, no DeepSpeed) is used.
# THREADS overrides the thread counts (default "1 2", capped at nproc);
# OPTBENCH_LIB=path/liboptbench.so times optbench in the same rounds.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 RESULTS_DIR VENV [--quick] [model_peers.py options]" >&2
  exit 2
fi
dir=$1
venv=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
if [ -x "$venv/bin/python" ]; then py=$venv/bin/python; fi
# DeepSpeed: its CPU accelerator, and the JIT-built kernel kept in the venv
# (built once by `make bench-peers`), never in the home folder
export DS_ACCELERATOR=cpu TORCH_EXTENSIONS_DIR="$venv/torch_extensions"
n=$(nproc)
mkdir -p "$dir"
for t in ${THREADS:-1 2}; do
  [ "$t" -le "$n" ] || continue
  OMP_NUM_THREADS=$t "$py" "$here/model_peers.py" --out "$dir/model_peers.t$t.json" \
    --threads "$t" ${OPTBENCH_LIB:+--lib "$OPTBENCH_LIB"} "$@"
done
