#!/usr/bin/env bash
# figures.sh BUILD [OUT]: the book's figures 6-10 to 6-24 on optbench's kernels with
# Fashion-MNIST (experiments/figures, optbench_figures): every experiment in turn, its data,
# its charts (plots/fig_*.gp), then a page with every figure beside the book's finding and
# the measured one (OUT/index.html, plots/figures_report.py). OUT defaults to BUILD/figures.
#   QUICK=1      every experiment at a tiny size (seconds; what the ctest runs)
#   SEED=S       the base seed (default: the program's; every seed is printed)
#   FIG_ONLY=E   one experiment (activations, init, batchnorm, weight_decay, dropout, hyper)
# A failing experiment or chart is reported and the others still run. Exit status: 0; 1 if
# anything failed; 2 if the data set is not installed (nothing could run).
set -uo pipefail
build=$1
out=${2:-$build/figures}
root=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3 # Debian's; the report needs only its standard library
[ -x "$py" ] || py=python3
prog=$build/optbench_figures
[ -x "$prog" ] || { echo "figures: $prog: not built" >&2; exit 1; }
experiments=(activations init batchnorm weight_decay dropout hyper)
if [ -n "${FIG_ONLY:-}" ]; then
  [[ " ${experiments[*]} " == *" $FIG_ONLY "* ]] || { echo "figures: FIG_ONLY=$FIG_ONLY: unknown" >&2; exit 2; }
  experiments=("$FIG_ONLY")
fi
flags=(--out "$out")
[ -n "${QUICK:-}" ] && flags+=(--quick)
[ -n "${SEED:-}" ] && flags+=(--seed "$SEED")
mkdir -p "$out"
failed=()
timings=()
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; } # seconds since $1
t_all=$(now)
k=0
for e in "${experiments[@]}"; do
  k=$((k + 1))
  echo "figures: [$k/${#experiments[@]}] $e -> $out${QUICK:+ (quick)}"
  rm -f "$out/$e.json" # a stale result must not pass for this run's
  t0=$(now)
  "$prog" "$e" "${flags[@]}" 2>&1 | sed 's/^/figures:   /'
  rc=${PIPESTATUS[0]}
  secs=$(since "$t0")
  timings+=("$e $secs s")
  if [ "$rc" -eq 2 ]; then
    echo "figures: the data set is missing: nothing can run (install dataset-fashion-mnist)" >&2
    exit 2
  elif [ "$rc" -ne 0 ]; then
    failed+=("the experiment $e (exit $rc)")
    continue
  fi
  while read -r chart script vars; do
    rm -f "$out/$chart"
    if gnuplot -e "datadir='$out'; out='$out/$chart'${vars:+; $vars}" "$root/plots/$script" 2>&1 |
      sed 's/^/figures:   gnuplot: /' && [ -s "$out/$chart" ]; then
      echo "figures:   chart $out/$chart"
    else
      failed+=("the chart $chart")
    fi
  done < <("$py" "$root/plots/figures_report.py" --charts "$e")
  echo "figures:   $e: $secs s"
done
total=$(since "$t_all")
cores=$(nproc)
list=$(IFS=,; echo "${timings[*]}")
printf '%s in all on %s cores (%s)%s\n' "$total s" "$cores" "${list//,/, }" "${QUICK:+, quick}" \
  >"$out/timings.txt"
"$py" "$root/plots/figures_report.py" --summary "$out" || failed+=("the summary")
"$py" "$root/plots/figures_report.py" "$out" >/dev/null || failed+=("the page index.html")
echo "figures: $(cat "$out/timings.txt")"
[ -f "$out/index.html" ] && echo "figures: page with every figure: $out/index.html"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'figures: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
