#!/usr/bin/env bash
# make_report.sh RESULTS_DIR [VERIFY_JSON]: from saved results only - gnuplot
# data, every chart, and RESULTS_DIR/report/index.html. Re-runnable at will.
set -euo pipefail
res=$1
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3 # Debian's; the scripts need only its standard library
[ -x "$py" ] || py=python3
[ -f "$res/speed.json" ] || { echo "make_report: $res/speed.json: missing" >&2; exit 1; }
if [ $# -ge 2 ] && [ "$2" != "$res/verify.json" ]; then cp "$2" "$res/verify.json"; fi

"$py" "$here/noise.py" "$res" # first: extract.py marks the points it finds unreliable
"$py" "$here/extract.py" "$res"
"$py" "$here/peers.py" "$res"
"$py" "$here/goals.py" "$res"
mkdir -p "$res/report"
count=0 failed=0
rm -f "$res/report"/*.png # a redraw shows this data only, not an earlier draw's charts
# A chart that fails is named and left out; the report is still written (any
# subset of the kernels, peers without a kernel's speed data, and so on).
chart() { # chart OUT.png SCRIPT.gp GNUPLOT-ASSIGNMENTS
  if gnuplot -e "$3; out='$res/report/$1'" "$here/$2"; then
    count=$((count + 1))
  else
    echo "make_report: $1: $2 failed; left out of the report" >&2
    rm -f "$res/report/$1"
    failed=$((failed + 1))
  fi
}
while read -r algo kind; do
  # the peers' chart needs the kernel's own data (its sizes and caches)
  [ -f "$res/data/${algo}_meta.gp" ] || { echo "make_report: $algo: no speed data; no $kind chart" >&2; continue; }
  chart "${algo}_${kind}.png" "$kind.gp" "algo='$algo'; datadir='$res/data'"
done < <(cat "$res/data/charts.txt"
         if [ -f "$res/data/peers.json" ]; then for f in "$res"/data/*_peers.dat; do
           [ -e "$f" ] && echo "$(basename "$f" _peers.dat) peers"; done; fi)
if [ -d "$res/convergence" ]; then # figures 6-8 and 6-9, if this run has them
  c=$res/convergence # each chart only if its data is there (mnist needs the data package)
  rm -f "$res/report"/conv_*.png
  # the rules of the run that made the data: the book's (and those it was asked
  # for) as scripts/convergence.sh chose them; an older run's info.json, else the
  # build's (obinfo.py)
  if [ -f "$c/rules.gp" ] && [ -f "$c/traj_rules.gp" ]; then
    rules="rules='$c/rules.gp'" traj_rules="rules='$c/traj_rules.gp'"
  else
    src=$c
    [ -f "$c/info.json" ] || src=$res
    "$py" "$here/../scripts/obinfo.py" gnuplot "$src" "$res/data/rules.gp"
    rules="rules='$res/data/rules.gp'" traj_rules=$rules
  fi
  if compgen -G "$c/traj_*.dat" >/dev/null; then chart conv_traj.png traj.gp "datadir='$c'; $traj_rules"; fi
  if compgen -G "$c/mnist_loss_*.dat" >/dev/null; then chart conv_loss.png loss.gp "datadir='$c'; $rules"; fi
  if compgen -G "$c/mnist_compare_*.dat" >/dev/null; then
    chart conv_agree.png loss.gp "datadir='$c'; compare=1; $rules"
  fi
fi
if [ -f "$res/model.json" ]; then # the whole-model step, if this run has it
  # above this % of its roofline a bar is a measurement error (plots/noise.py)
  roof_limit=$(cd "$here" && "$py" -B -c 'import noise; print(100 * noise.ROOF_LIMIT)')
  "$py" "$here/model_report.py" "$res"
  for t in $(sed -n 's/^thread_list = "\(.*\)"$/\1/p' "$res/data/model_rules.gp"); do
    chart "model_ms_t$t.png" model_ms.gp "threads=$t; datadir='$res/data'"
    for kind in ratio frac; do
      chart "model_${kind}_t$t.png" model_bars.gp "kind='$kind'; threads=$t; datadir='$res/data'; roof_limit_pct=$roof_limit"
    done
  done
fi
if [ "$failed" -gt 0 ]; then
  echo "make_report: $count charts in $res/report ($failed failed, named above)"
else
  echo "make_report: $count charts in $res/report"
fi
"$py" "$here/report.py" "$res"
