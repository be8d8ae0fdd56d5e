#!/usr/bin/env python3
"""check_numpy_column.py GOLDEN_DIR OPTBENCH - a second statement of every rule
against the generator's exact values.

The generator's formulas (golden/gen/formulas.c) are its own; the list states
each rule once more as NumPy statements (optbench_algos.def, the `numpy`
column; `numpy` in `optbench info --json`). This evaluates that column in
double precision, one element at a time, on every single step of
GOLDEN_DIR/<rule>.txt that lies inside its domain and has only finite values,
with the weight decays the column leaves out (FORMAT.md, "Weight decay";
torch's maximize before the L2 term), and compares it with the file's `exact`:
the two must agree to 1e-6 of max(|exact|, scale) - far below any float32
error, far above double's own rounding (Adam's v cancels in the book's form).
A formula written differently in the two places differs by much more.
Standard library only. Exit 0 when every rule agrees, 1 otherwise.
"""
import json
import math
import subprocess
import sys

TOLERANCE = 1e-6


class _Np:
    """The NumPy functions the column calls, on Python floats."""

    sqrt = staticmethod(math.sqrt)

    @staticmethod
    def maximum(a, b):
        return b if b > a else a


def _num(s):
    return float(s) if s in ("inf", "-inf", "nan") else float.fromhex(s)


def single_steps(path):
    """The single-step cases inside their domain: (id, floats and t, inputs, outputs)."""
    cases, case = [], None
    with open(path, encoding="ascii") as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "case":
                case = {"id": w[1], "par": {}, "in": {}, "out": {}, "keep": True}
                cases.append(case)
            elif case is None:
                continue
            elif w[0] in ("step", "outside", "grad"):
                case["keep"] = False
            elif w[0] == "float":
                case["par"][w[1]] = _num(w[2])
            elif w[0] == "int":
                case["par"][w[1]] = int(w[2])
            elif w[0] == "in":
                case["in"][w[1]] = [_num(x) for x in w[3:]]
            elif w[0] == "out":
                out = case["out"].setdefault(w[1], [])
            elif len(w) == 3 and w[0] not in ("op", "note", "family", "cases"):
                out.append((_num(w[0]), _num(w[2])))
    return [c for c in cases if c["keep"]]


def check_rule(rule, hparams, path):
    """Returns (elements compared, the worst difference and where, failures)."""
    code = rule["numpy"].replace("d.copy()", "d")
    torch = rule["name"].startswith("torch_")
    decoupled_in_column = "decoupled_decay" in code
    states = [s["name"] if isinstance(s, dict) else s for s in rule["states"]]
    count, worst, failures = 0, (0.0, ""), []
    for case in single_steps(path):
        par = case["par"]
        hp = {k: float(par.get(k, 0.0)) for k in hparams}
        for i in range(len(case["in"]["p"])):
            p, g = case["in"]["p"][i], case["in"]["g"][i]
            st = {s: case["in"][s][i] for s in states if s in case["in"]}
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
                exact, scale = case["out"][name][i]
                got = env[name]
                if not (math.isfinite(exact) and math.isfinite(got)):
                    continue
                diff = abs(got - exact) / max(abs(exact), scale, 1e-300)
                count += 1
                where = f"{path}: case {case['id']} out {name}[{i}]: column {got!r}, exact {exact!r}"
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
