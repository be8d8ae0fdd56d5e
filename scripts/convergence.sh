#!/usr/bin/env bash
# convergence.sh BUILD [OUT]: the book's experiments with the library's
# kernels, on the rules of the book's convention: figure 6-8 (trajectories on f(x, y) = x^2/20 + y^2, every variant
# checked against the golden path; its output kept in OUT/trajectory.txt) and
# figure 6-9 (Fashion-MNIST, 2000 iterations), the
# scalar-vs-best agreement, and their charts (conv_traj.png, conv_loss.png,
# conv_agree.png) and a page with the tables (index.html) in OUT.
# ITERS=N shortens the MNIST runs; CONV_ALGOS=a,b (the rules) and
# CONV_VARIANT=V (the variant trained and compared with scalar) carry the
# filters of a filtered `make bench` (scripts/bench.sh).
# Exit status: 0, or 1 if a variant left the golden path or a step could not
# run (the other steps and the charts still run). Curves of scalar and the best
# variant that part beyond the tolerance are reported, not a failure (the page
# says which part and why).
set -uo pipefail
build=$1
out=${2:-$build/results/convergence}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
iters=${ITERS:+--iters $ITERS}
algos=${CONV_ALGOS:+--algos $CONV_ALGOS}
variant=${CONV_VARIANT:+--variant $CONV_VARIANT}
failed=()
echo "convergence: [1/4] figure 6-8 trajectories -> $out"
# shellcheck disable=SC2086 # variant is a flag and its value
"$build/optbench_convergence" trajectory --out "$out" $variant | tee "$out/trajectory.txt" ||
  failed+=("the golden-path check (see $out/trajectory.txt)")
echo "convergence: [2/4] figure 6-9 Fashion-MNIST training -> $out"
# shellcheck disable=SC2086 # iters, algos, variant: flags and their values
if "$build/optbench_convergence" mnist --out "$out" $iters $algos $variant; then
  echo "convergence: [3/4] scalar against the best variant"
  # shellcheck disable=SC2086
  "$build/optbench_convergence" mnist --compare-variant "${CONV_VARIANT:-best}" --out "$out" $iters $algos ||
    echo "convergence: some curves differ beyond the tolerance (see $out/mnist_compare.md)"
  # A DISAGREE from RMSProp alone is expected (README, "Scalar against the best
  # variant"): at lr 0.01 it turns FMA's last-bit differences into a loss spike
  # at another iteration. Said on its own line, so no one takes it for a failure.
  awk -F'|' '/^\| [a-z]/ { row[$2] = $4 + 0 }
    match($0, /tolerance [0-9.e+-]+/) { tol = substr($0, RSTART + 10, RLENGTH - 10) + 0 }
    END { for (k in row) if (row[k] > tol) { n = k; gsub(/ /, "", n); bad = bad " " n }
          if (bad == " rmsprop") print "convergence: DISAGREE above is expected: only RMSProp parts from scalar (at lr 0.01 it amplifies the last-bit differences of fused multiply-adds into a differently timed loss spike; README, \"Scalar against the best variant\")";
          else if (bad != "") print "convergence: DISAGREE above is NOT expected: beyond the tolerance:" bad }' \
    "$out/mnist_compare.md" 2>/dev/null || true
else
  failed+=("the Fashion-MNIST training")
  echo "convergence: [3/4] scalar against the best variant: skipped (the training did not run)"
fi

echo "convergence: [4/4] charts"
rm -f "$out"/conv_*.png
charts=()
py=/usr/bin/python3
[ -x "$py" ] || py=python3
# the rules as this build lists them, for the charts and the page: the
# charts' panels are the book's figures, so the rules of the book's
# convention (traj_rules.gp: the trajectories run those), and for the loss
# curves any other rule CONV_ALGOS named (rules.gp)
keep() { # keep OUT.gp [NAMED]: a gnuplot include of the book's rules and NAMED
  "$py" - "$out/info.json" "$out/$1.json" "${2:-}" <<'PY' &&
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
named = set(filter(None, sys.argv[3].split(",")))
doc["rules"] = [r for r in doc["rules"] if r["convention"] == "book" or r["name"] in named]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, indent=1)
PY
    "$py" "$root/scripts/obinfo.py" gnuplot "$out/$1.json" "$out/$1.gp"
}
if ! { "$build/optbench" info --json >"$out/info.json.tmp" && mv "$out/info.json.tmp" "$out/info.json" &&
  keep traj_rules && keep rules "${CONV_ALGOS:-}"; }; then
  failed+=("the rule list (optbench info --json)")
fi
draw() { # draw NAME GP RULES [extra gnuplot assignments]
  if gnuplot -e "datadir='$out'; out='$out/$1'; rules='$out/$3.gp'${4:+; $4}" "$root/plots/$2"; then
    charts+=("$out/$1")
  else
    failed+=("the chart $1")
  fi
}
compgen -G "$out/traj_*.dat" >/dev/null && draw conv_traj.png traj.gp traj_rules
compgen -G "$out/mnist_loss_*.dat" >/dev/null && draw conv_loss.png loss.gp rules
compgen -G "$out/mnist_compare_*.dat" >/dev/null && draw conv_agree.png loss.gp rules "compare=1"
"$py" "$root/plots/convergence_report.py" "$out" >/dev/null || failed+=("the page index.html")
echo "convergence: charts: ${charts[*]:-none}"
[ -f "$out/index.html" ] && echo "convergence: page with the tables: $out/index.html"
[ -f "$out/mnist_summary.md" ] && echo "convergence: accuracy table: $out/mnist_summary.md"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'convergence: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
