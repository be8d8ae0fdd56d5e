#!/bin/sh
# run_peers: time PyTorch's CPU optimizers and the textbook NumPy rules
# (bench/peers/peers.py) and write RESULTS_DIR/peers.json (Google Benchmark JSON).
# usage: run_peers.sh RESULTS_DIR [--quick] [other peers.py options]
# Needs Debian's python3-numpy and python3-torch (exit 2 with a message if missing).
# PYTHON overrides the interpreter (default /usr/bin/python3, where Debian's
# packages live; python3 from PATH if that does not exist).
set -eu
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  echo "usage: $0 RESULTS_DIR [--quick] [peers.py options]" >&2
  exit 2
fi
dir=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${PYTHON:-}" ]; then
  if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
mkdir -p "$dir"
# the rules of the run (scripts/bench.sh keeps them), else peers.py asks the build
[ -f "$dir/info.json" ] && set -- --info "$dir/info.json" "$@"
exec "$PYTHON" "$here/peers.py" --out "$dir/peers.json" "$@"
