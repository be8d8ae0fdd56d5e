#!/usr/bin/env bash
# convergence.sh BUILD [OUT]: the book's experiments with the library's
# kernels: figure 6-8 (trajectories on f(x, y) = x^2/20 + y^2, every variant
# checked against the golden path) and figure 6-9 (Fashion-MNIST, six
# optimizers, 2000 iterations), the scalar-vs-best agreement, and their charts
# (conv_traj.png, conv_loss.png, conv_agree.png in OUT).
# ITERS=N shortens the MNIST runs.
set -euo pipefail
build=$1
out=${2:-$build/results/convergence}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
iters=${ITERS:+--iters $ITERS}
echo "convergence: [1/4] figure 6-8 trajectories -> $out"
"$build/optbench_convergence" trajectory --out "$out" | tee "$out/trajectory.txt"
echo "convergence: [2/4] figure 6-9 Fashion-MNIST training -> $out"
# shellcheck disable=SC2086 # iters is a flag and its value
"$build/optbench_convergence" mnist --out "$out" $iters
echo "convergence: [3/4] scalar against the best variant"
# shellcheck disable=SC2086
"$build/optbench_convergence" mnist --compare-variant best --out "$out" $iters ||
  echo "convergence: some curves differ beyond the tolerance (see $out/mnist_compare.md)"
echo "convergence: [4/4] charts"
gnuplot -e "datadir='$out'; out='$out/conv_traj.png'" "$root/plots/traj.gp"
gnuplot -e "datadir='$out'; out='$out/conv_loss.png'" "$root/plots/loss.gp"
gnuplot -e "datadir='$out'; out='$out/conv_agree.png'; compare=1" "$root/plots/loss.gp"
echo "convergence: charts $out/conv_traj.png, conv_loss.png, conv_agree.png; table $out/mnist_summary.md"
