#!/usr/bin/env bash
# golden-check.sh GENERATOR GOLDEN_DIR: regenerate every vector file into a
# scratch folder and compare it byte for byte with the checked-in one; the
# vectors are a pure function of the generator's source.
set -euo pipefail
gen=$1 golden=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$gen" "$out" >/dev/null
status=0
for f in "$out"/*.txt; do
  name=$(basename "$f")
  if ! cmp -s "$f" "$golden/$name"; then
    echo "golden-check: $golden/$name differs from what golden/gen writes now; run 'make golden' and commit" >&2
    status=1
  fi
done
n=$(ls "$out"/*.txt | wc -l)
[ "$n" -eq "$(ls "$golden"/*.txt | wc -l)" ] ||
  { echo "golden-check: golden/ has $(ls "$golden"/*.txt | wc -l) vector files, the generator writes $n" >&2; status=1; }
[ $status -eq 0 ] && echo "golden-check: all $n vector files reproduce byte for byte"
exit $status
