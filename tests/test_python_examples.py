#!/usr/bin/python3
"""The Python examples against what FORMAT.md says about their forms.

  test_python_examples.py numpy OPTBENCH   examples/python/book_numpy.py
  test_python_examples.py torch OPTBENCH   examples/python/torch_optim.py

book_numpy: the book's NumPy code evaluates SGD, Momentum and Nesterov in
optbench's scalar order (the same float32 operations), so its rows must be
optbench verify's scalar rows to the last digit; AdaGrad and RMSProp compute
(lr*g)/(sqrt(h) + eps) and Adam g**2 and v += (1-beta2)*(g*g - v), so they
may leave the bound only where FORMAT.md's domains say that order fails:
edge_sub_lrg (lr*g subnormal) and edge_lrg_big (lr*g past FLT_MAX), Adam's
edge_state_in (g*g past FLT_MAX) and edge_beta2_0 (the cancellation). The
book refuses nothing: every `outside refused` case of the file is counted.

torch: torch_optim.py's own checks (float64 against the exact values, the
forms' numbers) must hold (exit 0); torch's float32 SGD must pass the fma
bound; its Adagrad and RMSprop (addcdiv: value*g/d, the book's order) may
fail only on the two edge cases above. Exit 77 (skipped) without torch for
/usr/bin/python3, unless OB_REQUIRE_TORCH=1 (CI), then 1.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EX = os.path.join(ROOT, "examples", "python")
BOOK_ORDER_EDGES = {"adagrad": {"edge_sub_lrg", "edge_lrg_big"},
                    "rmsprop": {"edge_sub_lrg", "edge_lrg_big"},
                    "adam": {"edge_state_in", "edge_beta2_0"}}


def run(script, out, optbench):
    env = dict(os.environ, OPTBENCH=optbench)
    r = subprocess.run([sys.executable, os.path.join(EX, script), "--json", out], env=env,
                       capture_output=True, text=True)
    print(r.stdout + r.stderr)
    return r.returncode


def refused_count(rule):
    with open(os.path.join(ROOT, "golden", f"{rule}.txt"), encoding="ascii") as f:
        return sum(1 for line in f if line == "outside refused\n")


def verify_rows(optbench, d):
    out = os.path.join(d, "verify.json")
    subprocess.run([optbench, "verify", "-q", "--variant", "scalar", "--json", out,
                    "--algo", "sgd", "--algo", "momentum", "--algo", "nesterov"],
                   capture_output=True, check=False)
    with open(out, encoding="utf-8") as f:
        return {r["op"]: r for r in json.load(f)["results"]}


def fail(msg):
    print(f"FAIL: {msg}")
    return 1


def check_numpy(optbench):
    try:
        import numpy  # noqa: F401
    except ImportError:
        print(f"SKIP: NumPy is not importable by {sys.executable} (Debian: python3-numpy)")
        return 77
    with tempfile.TemporaryDirectory() as d:
        if run("book_numpy.py", os.path.join(d, "b.json"), optbench) != 0:
            return fail("book_numpy.py did not run")
        with open(os.path.join(d, "b.json"), encoding="utf-8") as f:
            rows = json.load(f)
        ref = verify_rows(optbench, d)
    bad = 0
    for rule, row in rows.items():
        if row["refused_not_raised"] != refused_count(rule):
            bad += fail(f"{rule}: {row['refused_not_raised']} refused cases counted, the file "
                        f"has {refused_count(rule)}")
        if rule in ref:
            for k in ("elements", "max_err", "mean_err", "own_max", "max_err_decay"):
                if row[k] != ref[rule][k] and abs(row[k] - ref[rule][k]) > 1e-12:
                    bad += fail(f"{rule}: {k} {row[k]} is not optbench scalar's {ref[rule][k]}")
            if row["failed_elements"]:
                bad += fail(f"{rule}: {row['failed_elements']} elements over the bound")
        else:
            # every element failure is in one of the cases FORMAT.md names
            over = set(row.get("over_cases", []))
            if not over <= BOOK_ORDER_EDGES[rule]:
                bad += fail(f"{rule}: elements over the bound in {sorted(over)}, beyond "
                            f"{sorted(BOOK_ORDER_EDGES[rule])}")
    print(f"book_numpy: {len(rows)} rules checked, {bad} problems")
    return 1 if bad else 0


def check_torch(optbench):
    try:
        import torch  # noqa: F401
    except ImportError:
        msg = f"torch is not importable by {sys.executable} (Debian: apt-get install python3-torch)"
        if os.environ.get("OB_REQUIRE_TORCH") == "1":
            return fail(msg + "; OB_REQUIRE_TORCH=1")
        print("SKIP: " + msg)
        return 77
    with tempfile.TemporaryDirectory() as d:
        rc = run("torch_optim.py", os.path.join(d, "t.json"), optbench)
        if rc != 0:
            return fail(f"torch_optim.py exited {rc}: a float64 result past its tolerance or a "
                        "stated difference that torch does not show")
        with open(os.path.join(d, "t.json"), encoding="utf-8") as f:
            doc = json.load(f)
    bad = 0
    for rule, r in doc["rules"].items():
        st = r["float32"]
        if rule == "sgd" and not st["pass"]:
            bad += fail(f"torch sgd float32: {st.get('worst')}")
        over = set(r.get("float32_over_cases", []))
        if rule != "sgd" and not over <= BOOK_ORDER_EDGES[rule]:
            bad += fail(f"torch {rule} float32 over the bound in {sorted(over)}")
    return 1 if bad else 0


def main(argv):
    if len(argv) != 2 or argv[0] not in ("numpy", "torch"):
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, os.path.join(ROOT, "golden", "python"))
    sys.dont_write_bytecode = True
    return check_numpy(argv[1]) if argv[0] == "numpy" else check_torch(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
