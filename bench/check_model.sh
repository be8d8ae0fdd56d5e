#!/bin/sh
# bench_model: the model lists load and add up to their published parameter
# counts (the C loader through optbench_model --check-lists, and the peers'
# Python loader, which must agree with it), a list whose header disagrees
# with its shapes is refused, and the model family runs one tiny round on a
# 3-tensor list and writes every counter the report reads; its numeric
# options refuse what they cannot read.
# usage: check_model.sh OPTBENCH_MODEL MODELS_DIR WORK_DIR
set -eu
bin=$1
models=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work/bad" "$work/tiny"
fail() { echo "check_model: $*" >&2; exit 1; }

"$bin" --check-lists --models="$models" >"$work/c.txt" || fail "a list in $models does not load"
for want in "gpt2-small 148 124439808" "bert-base 199 109482240" "resnet50 161 25557032" \
  "tinyllama-1.1b 201 1100048384" "olmoe-1b-7b 3219 6919161856"; do
  set -- $want
  grep -Eq "^$1 +$2 tensors +$3 elements" "$work/c.txt" || fail "$1: not $2 tensors of $3 elements"
done
python3 "$here/peers/model_peers.py" --check --models "$models" |
  sed 's/^\([^:]*\): \([0-9]*\) tensors, \([0-9]*\) elements; timed \([0-9]*\) tensors, \([0-9]*\) elements$/\1 \2 \3 \4 \5/' |
  sort >"$work/py.txt"
sed 's/^\([^ ]*\) *\([0-9]*\) tensors *\([0-9]*\) elements; timed: \([0-9]*\) tensors, \([0-9]*\) elements.*/\1 \2 \3 \4 \5/' \
  "$work/c.txt" | sort >"$work/cc.txt"
cmp -s "$work/py.txt" "$work/cc.txt" || fail "the C and Python loaders disagree: $(diff "$work/cc.txt" "$work/py.txt")"

# a shape removed: the header's counts no longer hold
sed '$d' "$models/gpt2-small.txt" >"$work/bad/gpt2-small.txt"
if "$bin" --check-lists --models="$work/bad" >/dev/null 2>&1; then fail "a short list was accepted"; fi

# numeric options are strict (atoi took 4x as 4 and ignored what it could not read)
for bad in --threads=4x --threads=0 --rounds=65 --rounds=; do
  if "$bin" --check-lists --models="$models" "$bad" >"$work/opt.txt" 2>&1; then fail "$bad was accepted"; fi
  grep -q -- "${bad%%=*} takes an integer" "$work/opt.txt" || fail "$bad: no reason given: $(cat "$work/opt.txt")"
done

printf '# tensors: 3\n# total: 1300\n# quick: 1\n1000\n7\n293\n' >"$work/tiny/tiny.txt"
"$bin" --models="$work/tiny" --quick --rounds=1 --benchmark_out="$work/tiny.json" \
  --benchmark_out_format=json >"$work/tiny.log" 2>&1 || fail "the model family failed: $(cat "$work/tiny.log")"
for key in '"name": "model/tiny/adam/' ms_list ms_object ms_flat ms_stream ratio_list ratio_object roofline_list gbps_list; do
  grep -q "$key" "$work/tiny.json" || fail "no '$key' in $work/tiny.json"
done
if grep -q '"error_occurred": true' "$work/tiny.json"; then fail "a model benchmark failed: see $work/tiny.json"; fi
echo "check_model: lists load and add up, C and Python agree, a tiny round runs"
