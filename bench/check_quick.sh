#!/bin/sh
# bench_quick: run optbench_bench's quick path on SGD, Adam (with weight
# decay), torch's SGD and RMSprop (at their defaults and in their option
# configurations), dropout and batch norm up to 2^16 elements and check the
# JSON has the library's and the rooflines' entries, and that a torch rule's
# traffic counts the states its options use: torch_sgd at momentum 0 none,
# with nesterov its momentum_buffer, torch_rmsprop centered with momentum
# all three (torch.optim's documented state).
# usage: check_quick.sh OPTBENCH_BENCH OUT_JSON
set -eu
bench=$1
out=$2
rm -f "$out"
"$bench" --quick --algo sgd --algo adam --algo torch_sgd --algo torch_rmsprop --op dropout_train --op dropout_backward \
  --op batchnorm_backward --max-size 65536 \
  --benchmark_min_time=0.01 --benchmark_out="$out" --benchmark_out_format=json >/dev/null
test -s "$out" || { echo "check_quick: $out missing or empty" >&2; exit 1; }
fail=0
need() {
  if ! grep -q "\"name\": \"$1" "$out"; then
    echo "check_quick: no entry '$1' in $out" >&2
    fail=1
  fi
}
need 'step/sgd/scalar/n:1024/threads:1"'
need 'step/adam/scalar/n:65536/threads:1"'
need 'roofline/mem/r2w1/n:1024/threads:1"'
need 'roofline/mem/r4w3/n:65536/threads:1"'
need 'step/adam+l2/scalar/n:65536/threads:1"'
need 'step/sgd+decoupled/scalar/n:65536/threads:1"'
need 'op/dropout_train/scalar/n:1024/threads:1"'
need 'op/dropout_backward/scalar/n:1024/threads:1"'
need 'op/batchnorm_backward/scalar/n:1024/threads:1"'
need 'roofline/stream/in1out1+maskw/n:1024/threads:1"'
need 'roofline/stream/in1out1+maskr/n:1024/threads:1"'
need 'roofline/stream/in2out1x2/n:1024/threads:1"'
need 'step/torch_sgd/scalar/n:1024/threads:1"'
need 'step/torch_sgd+nesterov/scalar/n:65536/threads:1"'
need 'step/torch_rmsprop+centered_momentum/scalar/n:65536/threads:1"'
need 'roofline/mem/r5w4/n:65536/threads:1"'
python3 - "$out" <<'PY' || fail=1
import json, sys
want = {"step/torch_sgd/scalar/n:1024/threads:1": 0, "step/torch_sgd+nesterov/scalar/n:65536/threads:1": 1,
        "step/torch_rmsprop/scalar/n:1024/threads:1": 1,
        "step/torch_rmsprop+centered_momentum/scalar/n:65536/threads:1": 3}
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))["benchmarks"]}
bad = [f"{k}: states {rows.get(k, {}).get('states')}, want {s}" for k, s in want.items()
       if rows.get(k, {}).get("states") != s]
for b in bad:
    print(f"check_quick: {b}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
grep -q '"optbench_ops"' "$out" || { echo "check_quick: no optbench_ops context" >&2; fail=1; }
if "$bench" --variant avx512 --algo adam --max-size 1024 --benchmark_list_tests=true |
  grep -q '^step/adam/avx512/'; then
  need 'step/adam/avx512/n:1024/threads:1"'
  need 'roofline/arith/adam/threads:1"'
fi
grep -q '"optbench_commit"' "$out" || { echo "check_quick: no optbench context" >&2; fail=1; }
# Every benchmark ran: none reported an error.
if grep -q '"error_occurred": true' "$out"; then
  echo "check_quick: a benchmark failed:" >&2
  grep -B2 '"error_message"' "$out" >&2
  fail=1
fi
# Our own flags reject bad values with exit status 2.
set +e
"$bench" --algo nosuch >/dev/null 2>&1; rc=$?
"$bench" --op nosuch >/dev/null 2>&1; rc2=$?
set -e
[ "$rc" -eq 2 ] || { echo "check_quick: --algo nosuch gave status $rc, not 2" >&2; fail=1; }
[ "$rc2" -eq 2 ] || { echo "check_quick: --op nosuch gave status $rc2, not 2" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "check_quick: ok"
exit "$fail"
