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

"$py" "$here/extract.py" "$res"
"$py" "$here/peers.py" "$res"
"$py" "$here/goals.py" "$res"
mkdir -p "$res/report"
count=0
while read -r algo kind; do
  gnuplot -e "algo='$algo'; datadir='$res/data'; out='$res/report/${algo}_${kind}.png'" \
    "$here/$kind.gp"
  count=$((count + 1))
done < <(cat "$res/data/charts.txt"
         [ -f "$res/data/peers.json" ] && for f in "$res"/data/*_peers.dat; do
           echo "$(basename "$f" _peers.dat) peers"; done)
if [ -d "$res/convergence" ]; then # figures 6-8 and 6-9, if this run has them
  c=$res/convergence # each chart only if its data is there (mnist needs the data package)
  rm -f "$res/report"/conv_*.png
  # the rules of the run that made the data: its info.json (else the build's, obinfo.py)
  src=$c
  [ -f "$c/info.json" ] || src=$res
  "$py" "$here/../scripts/obinfo.py" gnuplot "$src" "$res/data/rules.gp"
  rules="rules='$res/data/rules.gp'"
  if compgen -G "$c/traj_*.dat" >/dev/null; then
    gnuplot -e "datadir='$c'; out='$res/report/conv_traj.png'; $rules" "$here/traj.gp"; count=$((count + 1))
  fi
  if compgen -G "$c/mnist_loss_*.dat" >/dev/null; then
    gnuplot -e "datadir='$c'; out='$res/report/conv_loss.png'; $rules" "$here/loss.gp"; count=$((count + 1))
  fi
  if compgen -G "$c/mnist_compare_*.dat" >/dev/null; then
    gnuplot -e "datadir='$c'; out='$res/report/conv_agree.png'; compare=1; $rules" "$here/loss.gp"
    count=$((count + 1))
  fi
fi
if [ -f "$res/model.json" ]; then # the whole-model step, if this run has it
  "$py" "$here/model_report.py" "$res"
  for t in $(sed -n 's/^thread_list = "\(.*\)"$/\1/p' "$res/data/model_rules.gp"); do
    gnuplot -e "threads=$t; datadir='$res/data'; out='$res/report/model_ms_t$t.png'" "$here/model_ms.gp"
    for kind in ratio frac; do
      gnuplot -e "kind='$kind'; threads=$t; datadir='$res/data'; out='$res/report/model_${kind}_t$t.png'" \
        "$here/model_bars.gp"
    done
    count=$((count + 3))
  done
fi
echo "make_report: $count charts in $res/report"
"$py" "$here/report.py" "$res"
