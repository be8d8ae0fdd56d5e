#!/bin/sh
# check_train.sh OUT TRAIN MPIRUN... NPFLAG: optbench_mpi_train's figure 6-9 network,
# a short run on the small set (TRAIN_ARGS replaces its options), once without MPI (--reference) and under
# MPIRUN... NPFLAG R for R in $RANKS (default "1 2 3"); the loss curves and the
# parameter digests must be the same files, byte for byte, and each rank's
# optimizer state about 1/R of the reference's. Exit 77 (skipped) without the
# data set. Every run is bounded by `timeout`.
set -u
out=$1 train=$2
shift 2
args=${TRAIN_ARGS:-"--small --iters 30 --micro 12 --micro-size 4 --algo adam"}
mkdir -p "$out"
# shellcheck disable=SC2086 # args is a list of options
timeout "${RUN_TIMEOUT:-300}" "$train" $args --reference --out "$out/ref" >"$out/ref.log" 2>&1
s=$?
cat "$out/ref.log"
[ $s -eq 2 ] && { echo "check_train: skipped: the data set is not installed"; exit 77; }
[ $s -eq 0 ] || { echo "check_train: the reference run failed ($s)"; exit 1; }
whole=$(awk '$1 == "reference" { print $5 }' "$out/ref/memory.txt")
fail=0
for r in ${RANKS:-1 2 3}; do
  rm -rf "$out/r$r"
  # shellcheck disable=SC2086
  timeout "${RUN_TIMEOUT:-300}" "$@" "$r" "$train" $args --out "$out/r$r" >"$out/r$r.log" 2>&1
  s=$?
  cat "$out/r$r.log"
  if [ $s -ne 0 ]; then
    echo "check_train: $r ranks: exit $s"; fail=1; continue
  fi
  for f in loss.dat params.txt; do
    cmp "$out/ref/$f" "$out/r$r/$f" || { echo "check_train: $r ranks: $f differs"; fail=1; }
  done
  # every rank's measured state within 1/R of the whole, give or take a unit per
  # state array and 32 KB of bookkeeping that does not grow with the list (the duplicated
  # communicator, the views; 15-20 KB measured)
  awk -v r="$r" -v whole="$whole" '!/^#/ {
      n++; if ($5 > whole / r + 2 * 64 + 32768 || $5 < whole / r - 2 * 64) {
        printf "check_train: %d ranks: rank %d state %d bytes, whole %d\n", r, $2, $5, whole; bad = 1 } }
      END { if (n != r) { printf "check_train: %d ranks: %d lines in memory.txt\n", r, n; bad = 1 }
            exit bad }' "$out/r$r/memory.txt" || fail=1
done
[ $fail -eq 0 ] && echo "check_train: ranks ${RANKS:-1 2 3}: loss curve and parameters identical to the reference"
exit $fail
