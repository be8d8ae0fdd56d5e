#!/usr/bin/env bash
# peers_quick.sh OPTBENCH SRC: bench/peers/peers.py on 2^10 elements, its rules
# from `OPTBENCH info --json`: every rule of the list gets a NumPy row, and a
# torch and torch-foreach row exactly when its row names a torch constructor.
# Skipped (77) without Debian's python3-numpy and python3-torch.
set -euo pipefail
optbench=$1 src=$2
py=/usr/bin/python3
"$py" -c 'import numpy, torch' 2>/dev/null || { echo "peers_quick: no numpy/torch: skipped"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$optbench" info --json >"$out/info.json"
"$py" "$src/bench/peers/peers.py" --quick --max-size 1024 --threads 1 --min-time 0 \
  --info "$out/info.json" --out "$out/peers.json" 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
"$py" - "$out/info.json" "$out/peers.json" <<'PY'
import json, sys
info, peers = (json.load(open(f)) for f in sys.argv[1:3])
rows = {b["name"]: b for b in peers["benchmarks"]}
bad = []
for r in info["rules"]:
    for peer in ("numpy", "torch", "torch-foreach"):
        name = f"peer/{peer}/{r['name']}/n:1024/threads:1"
        want = peer == "numpy" or r["torch"]["ctor"] is not None
        if (name in rows) != want:
            bad.append(f"{name}: {'missing' if want else 'there without a torch constructor'}")
        elif want and (rows[name].get("error_occurred") or not rows[name]["ns_per_elem"] > 0):
            bad.append(f"{name}: no time ({rows[name].get('error_message')})")
        elif want and peer != "numpy" and not rows[name]["label"].startswith("torch.optim."):
            bad.append(f"{name}: label {rows[name]['label']!r}")
for b in bad:
    print("peers_quick: FAIL:", b)
print(f"peers_quick: {len(info['rules'])} rules, {len(rows)} rows: {'FAIL' if bad else 'ok'}")
sys.exit(1 if bad else 0)
PY
