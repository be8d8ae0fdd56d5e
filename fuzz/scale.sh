#!/usr/bin/env bash
# scale.sh TARGET DIR: writes into DIR the inputs that the fuzzer's 16 KB
# cannot reach but a real file can: golden files of 20000 small cases with
# distinct ids (a reader linear in its input takes well under a second on
# them; one that is quadratic in the case count takes longer than the 10 s
# timeout under the fuzz build's instrumentation), and a trajectory of 20000
# steps (the steps grow with the lines read). Other targets: none.
set -euo pipefail
target=$1 dir=$2
cases=20000
mkdir -p "$dir"
case $target in
golden)
  awk -v k=$cases 'BEGIN {
    printf "optbench-golden 4\nfamily sgd\ncases %d\n", k
    for (i = 0; i < k; i++)
      printf "case c%d\nnote x\nop sgd\nfloat lr 0x1p-7\nint t 1\nin p 0\nin g 0\nout p 0\nend\n", i
  }' >"$dir/many_case_ids"
  awk -v k=$cases 'BEGIN {
    printf "optbench-golden 4\nfamily rand\ncases %d\n", k
    for (i = 0; i < k; i++)
      printf "case c%d\nnote x\nop rand_uniform\nint seed 1\nint stream 0\nint n 0\nout u 0\nend\n", i
  }' >"$dir/many_kernel_case_ids"
  awk -v k=$cases 'BEGIN {
    printf "optbench-golden 4\nfamily sgd\ncases 1\ncase c\nnote x\nop sgd\n"
    for (i = 1; i <= k; i++)
      printf "step %d\nfloat lr 0x1p-7\nint t %d\n%sin g 0\nout p 0\n", i, i, i == 1 ? "in p 0\n" : ""
    printf "end\n"
  }' >"$dir/many_steps"
  ;;
esac
