#!/bin/sh
# dict.sh TARGET OUT: TARGET's libFuzzer dictionary in OUT: its own tokens
# (fuzz/TARGET.dict: syntax, numbers, record names) and every name the lists
# give - the rules and their states (optbench_algos.def), the hyperparameters
# (optbench_hparams.def), the layer kernels (optbench_ops.def) - read from the
# lists themselves, so a new rule or hyperparameter is fuzzed with no edit.
set -eu
t=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
def=$root/impl/include
{
  cat "$root/fuzz/$t.dict"
  sed -n 's/^OB_ALGO([A-Z0-9_]*, *\([a-z0-9_]*\),.*/"\1"/p' "$def/optbench_algos.def"
  # the rows only, not the comment that shows the form OB_STATE(name, domain)
  grep -v '^ *\(/\*\|\*\)' "$def/optbench_algos.def" | grep -o 'OB_STATE([a-z0-9_]*' |
    sed 's/^OB_STATE(\(.*\)/"\1"/'
  # not the test-only field after #ifdef OB_HPARAMS_NEXT_VERSION
  sed '/^#if/,$d' "$def/optbench_hparams.def" |
    sed -n 's/^OB_HPARAM([A-Z0-9_]*, *\([a-z0-9_]*\),.*/"\1"/p'
  sed -n 's/^OB_OP([A-Z0-9_]*, *\([a-z0-9_]*\),.*/"\1"/p' "$def/optbench_ops.def"
} | awk '!seen[$0]++' >"$out"
