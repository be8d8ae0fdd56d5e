#!/usr/bin/env bash
# scale.sh TARGET DIR: writes into DIR the inputs that the fuzzer's 16 KB
# cannot reach but a real file can: golden files of 20000 small cases with
# distinct ids (a reader linear in its input takes well under a second on
# them; one that is quadratic in the case count takes longer than the 10 s
# timeout under the fuzz build's instrumentation). Other targets: none.
set -euo pipefail
target=$1 dir=$2
cases=20000
mkdir -p "$dir"
case $target in
golden)
  awk -v k=$cases 'BEGIN {
    printf "optbench-golden 2\nalgo sgd\nstates 0\ncases %d\n", k
    for (i = 0; i < k; i++)
      printf "case c%d\nnote x\nn 0\nsteps 1\ngrad data\ninit p\nstep 1\n" \
             "hp 0x1p-7 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0 0x0p+0\nt 1\ng\nout p\nend\n", i
  }' >"$dir/many_case_ids"
  ;;
golden_ops)
  awk -v k=$cases 'BEGIN {
    printf "optbench-golden-ops 1\nfamily rand\ncases %d\n", k
    for (i = 0; i < k; i++)
      printf "case c%d\nnote x\nop rand_uniform\nint seed 1\nint stream 0\nint n 0\nout u 0\nend\n", i
  }' >"$dir/many_case_ids"
  ;;
esac
