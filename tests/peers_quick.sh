#!/usr/bin/env bash
# peers_quick.sh OPTBENCH SRC: bench/peers/peers.py on 2^10 elements, its rules
# from `OPTBENCH info --json`: every rule of the list and every configuration
# of bench/configs.def gets a NumPy row, and a torch and torch-foreach row
# exactly when its row names a torch constructor; a torch row's traffic counts
# the states its options switch on. Then the two runners against each other:
# for every torch-convention row (and configuration, and torch Adagrad with a
# nonzero initial_accumulator_value and lr_decay), 3 steps of the row's NumPy
# statements as peers.py runs them must give torch.optim's own parameters and
# optimizer.state (by name) to float32 rounding - torch itself is the oracle
# of the statements and of the constructor built from the row.
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
"$py" - "$out/info.json" "$out/peers.json" "$src/bench/configs.def" <<'PY'
import json, sys
info, peers = (json.load(open(f)) for f in sys.argv[1:3])
rows = {b["name"]: b for b in peers["benchmarks"]}
bad = []
configs = [ln.split("(", 1)[1].split(",")[:2] for ln in open(sys.argv[3]) if ln.startswith("BENCH_CONFIG(")]
names = [r["name"] for r in info["rules"]] + [f"{i.strip().lower()}+{l.strip()}" for i, l in configs]
# bytes per element by hand from torch's documentation: which states each step keeps
traffic = {"torch_sgd": 12, "torch_sgd+nesterov": 20, "torch_adam": 28, "torch_adam+amsgrad": 36,
           "torch_adamw+amsgrad": 36, "torch_adagrad": 20, "torch_rmsprop": 20,
           "torch_rmsprop+centered_momentum": 36}
for name_ in traffic:
    b = rows.get(f"peer/numpy/{name_}/n:1024/threads:1", {})
    got = b.get("bytes_per_second", 0) * b.get("ns_per_elem", 0) * 1e-9
    if abs(got - traffic[name_]) > 1e-6 * traffic[name_]:
        bad.append(f"{name_}: {got:.3f} bytes/element, want {traffic[name_]}")
rules = {r["name"]: r for r in info["rules"]}
for rn in names:
    r = rules.get(rn.split("+")[0])
    for peer in ("numpy", "torch", "torch-foreach"):
        name = f"peer/{peer}/{rn}/n:1024/threads:1"
        want = peer == "numpy" or r["torch"]["ctor"] is not None
        if (name in rows) != want:
            bad.append(f"{name}: {'missing' if want else 'there without a torch constructor'}")
        elif want and (rows[name].get("error_occurred") or not rows[name]["ns_per_elem"] > 0):
            bad.append(f"{name}: no time ({rows[name].get('error_message')})")
        elif want and peer != "numpy" and not rows[name]["label"].startswith("torch.optim."):
            bad.append(f"{name}: label {rows[name]['label']!r}")
for b in bad:
    print("peers_quick: FAIL:", b)
print(f"peers_quick: {len(names)} rules and configurations, {len(rows)} rows: {'FAIL' if bad else 'ok'}")
sys.exit(1 if bad else 0)
PY
"$py" - "$out/info.json" "$src/bench/peers" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2])
sys.dont_write_bytecode = True
import numpy as np
import torch
import peers
rules = {r["name"]: r for r in json.load(open(sys.argv[1]))["rules"]}
cases = [r for r in rules.values() if r["convention"] == "torch"]
cases += list(peers.configurations(rules).values())
cases.append({**rules["torch_adagrad"], "name": "torch_adagrad+start",
              "settings": {"initial_accumulator_value": 0.1, "lr_decay": 0.01}})
bad = []
for r in cases:
    rng = np.random.default_rng(7)
    p0 = rng.uniform(-1, 1, 257).astype(np.float32)
    grads = [rng.uniform(-1, 1, 257).astype(np.float32) for _ in range(3)]
    step = peers.BookStep(r)
    mine = {"W": p0.copy()}
    param = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    opt, label = peers.torch_optimizer(r, param, False)
    for g in grads:
        step.update(mine, {"W": g})
        param.grad = torch.from_numpy(g.copy())
        opt.step()
    theirs = {"p": param.detach().numpy()}
    theirs.update({k: v.numpy() for k, v in opt.state[param].items() if k != "step" and v is not None})
    ours = {"p": mine["W"], **dict(zip(step.states, step.mem["W"]))}
    used = [s["name"] for s in peers.used_states(r)]
    if set(used) != set(theirs) - {"p"}:
        bad.append(f"{r['name']}: states used {sorted(used)}, torch keeps {sorted(set(theirs) - {'p'})}")
    for k in ["p"] + used:
        if k in theirs and not np.allclose(ours[k], theirs[k], rtol=1e-5, atol=1e-7):
            i = int(np.argmax(np.abs(ours[k] - theirs[k])))
            bad.append(f"{r['name']}: {k}[{i}] {ours[k][i]!r}, torch {theirs[k][i]!r} ({label})")
for b in bad:
    print("peers_quick: FAIL:", b)
print(f"peers_quick: {len(cases)} torch rows, NumPy statements against torch.optim: "
      f"{'FAIL' if bad else 'ok'}")
sys.exit(1 if bad else 0)
PY
