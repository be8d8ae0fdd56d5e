#!/usr/bin/env bash
# seeds.sh TARGET DIR: writes the seed corpus of a fuzz target into DIR.
# golden: every golden/*.txt cut into small files (the header, then one or
# two of its small cases with `cases` set to match), so
# the fuzzer starts from short valid inputs; idx: the checked-in tiny IDX
# files; cli: real command lines, one argument per NUL-terminated string.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$1 dir=$2
mkdir -p "$dir"

# split FILE PREFIX: one seed per case block of at most 2500 bytes (20 at
# most), and one of the first two such blocks together.
split() {
  awk -v out="$dir/$2" -v max=2500 -v limit=20 '
    function emit(name, k, body) { printf "%scases %d\n%s", hdr, k, body > name; close(name) }
    !started && /^cases / { started = 1; next }
    !started && !/^#/ { hdr = hdr $0 "\n" }
    !started { next }
    !big { block = block $0 "\n"; big = length(block) > max } # stop growing: 4099-element blocks
    /^end$/ {
      if (!big && seeds < limit) {
        emit(out "_" ++seeds, 1, block)
        if (seeds <= 2) pair = pair block
        if (seeds == 2) emit(out "_pair", 2, pair)
      }
      block = ""
      big = 0
    }' "$1"
}

case $target in
golden)
  for f in "$root"/golden/*.txt; do split "$f" "$(basename "$f" .txt)"; done
  ;;
idx) cp "$root"/fuzz/seeds/idx/* "$dir"/ ;;
cli) cp "$root"/fuzz/seeds/cli/* "$dir"/ ;;
*)
  echo "seeds.sh: unknown target '$target'" >&2
  exit 2
  ;;
esac
