#!/usr/bin/env bash
# run.sh BUILD SECONDS [TARGET...]: for each fuzz target (default: all),
# replay every file of fuzz/regressions/<target>/ and of scale.sh once, then
# fuzz it for SECONDS from its seeds (seeds.sh) and dictionary
# (<target>.dict). libFuzzer's output goes to BUILD/fuzz-out/<target>/*.log;
# a crash, leak, timeout or out-of-memory fails the target. Exits 1 naming
# each failure and its reproducer.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1 secs=$2
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(golden idx cli)

# Limits: no input of 16 KB (~16 MB gunzipped) needs seconds or a 128 MB block.
limits=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=128)
failures=()

# fail TARGET LOG REPRODUCER: records what LOG says went wrong.
fail() {
  local what
  what=$(grep -m 1 -o -E 'fuzz: one allocation of [0-9]+ bytes|ERROR: libFuzzer: [a-z-]+( \(malloc\([0-9]+\)\))?|ERROR: LeakSanitizer: detected memory leaks|ERROR: [A-Za-z]+Sanitizer: [a-z-]+|runtime error: .*' "$2")
  failures+=("$1: ${what:-failed}: $3 (log $2; rerun: $build/fuzz/fuzz_$1 ${limits[*]} $3)")
}

for t in "${targets[@]}"; do
  bin=$build/fuzz/fuzz_$t out=$build/fuzz-out/$t
  if [ ! -x "$bin" ]; then
    failures+=("$t: no binary $bin")
    continue
  fi
  rm -rf "$out/seeds" "$out/scale" "$out"/regression-*.log
  mkdir -p "$out/corpus" "$out/artifacts"

  # Fixed bugs stay fixed: each reproducer alone (libFuzzer runs a file once),
  # and the large inputs of scale.sh that no 16 KB fuzz input reaches.
  "$root"/fuzz/scale.sh "$t" "$out/scale"
  nreg=0
  for r in "$root"/fuzz/regressions/"$t"/* "$out"/scale/*; do
    [ -f "$r" ] || continue
    nreg=$((nreg + 1))
    log=$out/regression-$(basename "$r").log
    "$bin" "${limits[@]}" "$r" >"$log" 2>&1 || fail "$t" "$log" "$r"
  done

  "$root"/fuzz/seeds.sh "$t" "$out/seeds"
  "$root"/fuzz/dict.sh "$t" "$out/$t.dict"
  # value profile: comparisons against limits guide sizes towards them
  "$bin" "${limits[@]}" -max_total_time="$secs" -max_len=16384 -dict="$out/$t.dict" \
    -use_value_profile=1 -artifact_prefix="$out/artifacts/" -print_final_stats=1 \
    "$out/corpus" "$out/seeds" >"$out/fuzz.log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$out/fuzz.log" | tail -n 1)
    fail "$t" "$out/fuzz.log" "${repro:-none}"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
  echo "fuzz $t: $nreg regression inputs replayed, ${runs:-?} runs in $secs s, exit $rc"
done

if [ ${#failures[@]} -ne 0 ]; then
  printf 'FUZZ FAILED: %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets passed"
