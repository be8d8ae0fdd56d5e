#!/usr/bin/env bash
# convergence.sh BUILD [OUT]: the book's experiments with the library's
# kernels: figure 6-8 (trajectories on f(x, y) = x^2/20 + y^2, every variant
# checked against the golden path) and figure 6-9 (Fashion-MNIST, six
# optimizers, 2000 iterations), then the scalar-vs-best agreement.
# ITERS=N shortens the MNIST run.
set -euo pipefail
build=$1
out=${2:-$build/results/convergence}
mkdir -p "$out"
iters=${ITERS:+--iters $ITERS}
echo "convergence: [1/3] figure 6-8 trajectories -> $out"
"$build/optbench_convergence" trajectory --out "$out"
echo "convergence: [2/3] figure 6-9 Fashion-MNIST training -> $out"
# shellcheck disable=SC2086 # iters is a flag and its value
"$build/optbench_convergence" mnist --out "$out" $iters
echo "convergence: [3/3] scalar against the best variant"
# shellcheck disable=SC2086
"$build/optbench_convergence" mnist --compare-variant best --out "$out" $iters ||
  echo "convergence: some curves differ beyond the tolerance (see $out/mnist_compare.md)"
