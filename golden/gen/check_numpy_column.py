#!/usr/bin/env python3
"""check_numpy_column.py GOLDEN_DIR OPTBENCH - a second statement of every rule
against the generator's exact values.

The generator's formulas (golden/gen/formulas.c) are its own; the list states
each rule once more as NumPy statements (optbench_algos.def, the `numpy`
column; `numpy` in `optbench info --json`). This evaluates that column in
double precision, one element at a time, on every step of GOLDEN_DIR/<rule>.txt
that lies inside its domain and has only finite inputs (a trajectory's step
from the file's rounded outputs of the step before),
with the weight decays the column leaves out (FORMAT.md, "Weight decay";
torch's maximize before the L2 term), and compares it with the file's `exact`:
the two must agree to 1e-9 of max(|exact|, scale) - a sixtieth of a
float32 ULP, so a slip of one rounding's size in either place shows - and far
above double's own rounding (2.5e-14 measured; 1.9e-11 where the book Adam's
v cancels).
A formula written differently in the two places differs by much more.
Standard library only. Exit 0 when every rule agrees, 1 otherwise.
"""
import json
import math
import subprocess
import sys

TOLERANCE = 1e-9


class _Np:
    """The NumPy functions the column calls, on Python floats."""

    sqrt = staticmethod(math.sqrt)

    @staticmethod
    def maximum(a, b):
        return b if b > a else a


def _num(s):
    return float(s) if s in ("inf", "-inf", "nan") else float.fromhex(s)


def steps_of(path):
    """Every step of the cases inside their domain, as (case id, step number,
    parameters, inputs, outputs): a trajectory's step j > 1 takes the inputs
    it does not list from the `rounded` outputs of step j - 1 (FORMAT.md,
    "Trajectories"); outputs are (exact, scale) pairs."""
    cases, case, out = [], None, None
    with open(path, encoding="ascii") as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "case":
                case = {"id": w[1], "steps": [], "inside": True}
                cases.append(case)
            elif case is None or w[0] in ("note", "op", "grad", "end"):
                continue
            elif w[0] == "outside":
                case["inside"] = False
            elif w[0] == "step" or not case["steps"]:
                case["steps"].append({"par": {}, "in": {}, "out": {}})
            if case is None or w[0] in ("case", "note", "op", "grad", "end", "outside", "step"):
                continue
            st = case["steps"][-1]
            if w[0] == "float":
                st["par"][w[1]] = _num(w[2])
            elif w[0] == "int":
                st["par"][w[1]] = int(w[2])
            elif w[0] == "in":
                st["in"][w[1]] = [_num(x) for x in w[3:]]
            elif w[0] == "out":
                out = st["out"].setdefault(w[1], [])
            elif len(w) == 3:
                out.append(tuple(_num(x) for x in w))
    result = []
    for case in cases:
        if not case["inside"]:
            continue
        for j, st in enumerate(case["steps"]):
            if j:
                for name, elems in case["steps"][j - 1]["out"].items():
                    st["in"].setdefault(name, [e[1] for e in elems])
            outs = {k: [(e[0], e[2]) for e in v] for k, v in st["out"].items()}
            result.append((case["id"], j + 1, st["par"], st["in"], outs))
    return result


def check_rule(rule, hparams, path):
    """Returns (elements compared, the worst difference and where, failures)."""
    code = rule["numpy"].replace("d.copy()", "d")
    torch = rule["name"].startswith("torch_")
    decoupled_in_column = "decoupled_decay" in code
    states = [s["name"] if isinstance(s, dict) else s for s in rule["states"]]
    count, worst, failures = 0, (0.0, ""), []
    for cid, j, par, ins, outs in steps_of(path):
        hp = {k: float(par.get(k, 0.0)) for k in hparams}
        for i in range(len(ins["p"])):
            p, g = ins["p"][i], ins["g"][i]
            st = {s: ins[s][i] for s in states if s in outs}
            if not all(math.isfinite(v) for v in [p, g, *st.values()]):
                continue
            wd, dd, lr = hp["weight_decay"], hp["decoupled_decay"], hp["lr"]
            # the column reads g as the rule's gradient: L2 after maximize's
            # negation (torch), which the column itself applies
            g_rule = g + (-wd * p if torch and hp.get("maximize", 0) else wd * p)
            p_rule = p if decoupled_in_column or not dd else p - lr * dd * p
            env = dict(hp, t=par["t"], np=_Np, p=p_rule, g=g_rule)
            env.update({s: 0.0 for s in states})
            env.update(st)
            try:
                exec(code, {}, env)  # the list's own statement of the rule
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
            for name in ["p", *st.keys()]:
                exact, scale = outs[name][i]
                got = env[name]
                if not (math.isfinite(exact) and math.isfinite(got)):
                    continue
                diff = abs(got - exact) / max(abs(exact), scale, 1e-300)
                count += 1
                where = f"{path}: case {cid} step {j} out {name}[{i}]: column {got!r}, exact {exact!r}"
                if diff > worst[0]:
                    worst = (diff, where)
                if diff > TOLERANCE:
                    failures.append(f"{where}: differs by {diff:.3g} of max(|exact|, scale)")
    return count, worst, failures


def main(argv):
    if len(argv) != 3:
        print("usage: check_numpy_column.py GOLDEN_DIR OPTBENCH", file=sys.stderr)
        return 2
    golden, optbench = argv[1], argv[2]
    info = json.loads(
        subprocess.run([optbench, "info", "--json"], check=True, capture_output=True, text=True).stdout
    )
    hparams = sorted({k for rule in info["rules"] for k in rule["hparams"]})
    bad = 0
    for rule in info["rules"]:
        count, worst, failures = check_rule(rule, hparams, f"{golden}/{rule['name']}.txt")
        print(f"{rule['name']:14} {count:6} elements, worst {worst[0]:.3g}  {worst[1]}")
        for f in failures[:5]:
            print("  FAIL " + f)
        bad += len(failures) > 0 or count == 0
    print("check_numpy_column: " + ("every rule agrees" if not bad else f"{bad} rules differ"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
