#!/usr/bin/python3
"""The Python examples against what FORMAT.md says about their forms.

  test_python_examples.py numpy OPTBENCH   examples/python/book_numpy.py
  test_python_examples.py torch OPTBENCH   examples/python/torch_optim.py
  test_python_examples.py torch_conventions OPTBENCH   .../torch_conventions.py
  test_python_examples.py torch_adam OPTBENCH          .../torch_adam.py

book_numpy: the book's NumPy code evaluates SGD, Momentum and Nesterov in
optbench's scalar order (the same float32 operations), so its rows must be
optbench verify's scalar rows to the last digit; AdaGrad and RMSProp compute
(lr*g)/(sqrt(h) + eps) and Adam g**2 and v += (1-beta2)*(g*g - v), so they
may leave the bound only where FORMAT.md's domains say that order fails:
edge_sub_lrg (lr*g subnormal) and edge_lrg_big (lr*g past FLT_MAX), Adam's
edge_state_in (g*g past FLT_MAX) and edge_beta2_0 (the cancellation). The
book refuses nothing: every `outside refused` case of the file is counted.

torch_conventions: torch_conventions.py must exit 0 (torch's float64
results agree with the exact values of every torch rule of the list); its
JSON must name every torch rule with cases run, its counts must add up to the
file's cases, and its `outside refused` count must be the file's. The
float64 check must bite: a copy of a file with one exact value moved by
2^-30 of itself must make it exit 1, naming that line.

torch_adam: torch_adam.py (torch.optim.Adam, hand-written, through
optbench_golden's checker) must run the file's amsgrad cases (counted here
from the file) and report the same row as torch_conventions.py's checker run
on the constructor of the list's torch_adam row: two constructions of the
optimizer, one result. Its exit status is its verdict (1: torch above the
bound), so 0 or 1 with the row written are both a run; but its elements
over the bound must be in cases where torch_conventions.py found a special
value of another form (torch 1.13's zero signs and inf for NaN), so that
torch's float32 Adam meets optbench's bound everywhere else.

torch: torch_optim.py's own checks (float64 against the exact values, the
forms' numbers) must hold (exit 0); torch's float32 SGD must pass the fma
bound; its Adagrad and RMSprop (addcdiv: value*g/d, the book's order) may
fail only on the two edge cases above. Every torch check: exit 77 (skipped)
without torch for /usr/bin/python3, unless OB_REQUIRE_TORCH=1 (CI), then 1.
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


def run(script, d, optbench, *args):
    """Runs the example with --json into folder d: its exit status and the
    JSON it wrote (None: none)."""
    out = os.path.join(d, f"{script}.json")
    env = dict(os.environ, OPTBENCH=optbench)
    r = subprocess.run([sys.executable, os.path.join(EX, script), "--json", out, *args], env=env,
                       capture_output=True, text=True)
    print(r.stdout + r.stderr)
    if not os.path.exists(out):
        return r.returncode, None
    with open(out, encoding="utf-8") as f:
        return r.returncode, json.load(f)


def run_passing(script, d, optbench, why, *args):
    """run(), which must exit 0 with its JSON: the JSON, or None, the failure
    said with why."""
    rc, doc = run(script, d, optbench, *args)
    if rc != 0 or doc is None:
        fail(f"{script} exited {rc}{'' if doc else ' without its JSON'}: {why}")
        return None
    return doc


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
        rows = run_passing("book_numpy.py", d, optbench, "it did not run")
        if rows is None:
            return 1
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


def no_torch():
    """None when torch imports, else the exit status: 77 (skip), or 1 in CI."""
    try:
        import torch  # noqa: F401
    except ImportError:
        msg = f"torch is not importable by {sys.executable} (Debian: apt-get install python3-torch)"
        if os.environ.get("OB_REQUIRE_TORCH") == "1":
            return fail(msg + "; OB_REQUIRE_TORCH=1")
        print("SKIP: " + msg)
        return 77
    return None


def check_conventions(optbench):
    import optbench_golden as og
    with tempfile.TemporaryDirectory() as d:
        doc = run_passing("torch_conventions.py", d, optbench, "torch's float64 result past its "
                          "tolerance, or a file it could not read")
        if doc is None:
            return 1
        want = [r["name"] for r in og.optbench_info(optbench)["rules"] if r["convention"] == "torch"]
        bad = 0
        if not disagreement_caught(optbench, d, want[0]):
            bad += fail("a moved exact value was not reported as a float64 disagreement")
    if sorted(doc["rules"]) != sorted(want):
        bad += fail(f"rules {sorted(doc['rules'])}, the list's torch rules are {sorted(want)}")
    for rule, r in doc["rules"].items():
        skipped = r["refused"] + sum(r["lacks"].values()) + sum(r["torch_rejects"].values())
        if r["run"] + r["unbounded"] + skipped != r["cases"] or r["run"] == 0:
            bad += fail(f"{rule}: {r['run']} run + {r['unbounded']} unbounded + {skipped} "
                        f"skipped is not the file's {r['cases']} cases (or none ran)")
        if r["refused"] != refused_count(rule):
            bad += fail(f"{rule}: {r['refused']} refused cases counted, the file has "
                        f"{refused_count(rule)}")
        if r["float64"]["over"] or not r["float64"]["elements"]:
            bad += fail(f"{rule}: float64 {r['float64']}")
        if r["check"]["cases"] != r["run"] + r["unbounded"]:
            bad += fail(f"{rule}: the checker ran {r['check']['cases']} cases, the cross-check "
                        f"{r['run']} + {r['unbounded']} unbounded")
    print(f"torch_conventions: {len(doc['rules'])} rules checked, {bad} problems")
    return 1 if bad else 0


def disagreement_caught(optbench, d, rule):
    """The float64 check bites: the rule's file with one exact p value of its
    first nonempty case moved by 2^-30 of itself (far past any float64
    tolerance, inside the float32 rounding) must fail, naming that line."""
    import optbench_golden as og
    with open(os.path.join(ROOT, "golden", f"{rule}.txt"), encoding="ascii") as f:
        lines = f.readlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("out p ")
              and line != "out p 0\n") + 1
    exact, rest = lines[at].split(" ", 1)
    lines[at] = og.fmt_a(float.fromhex(exact) * (1 + 2.0**-30)) + " " + rest
    with open(os.path.join(d, f"{rule}.txt"), "w", encoding="ascii") as f:
        f.writelines(lines)
    r = subprocess.run([sys.executable, os.path.join(EX, "torch_conventions.py"), "--golden-dir",
                        d, rule], env=dict(os.environ, OPTBENCH=optbench), capture_output=True,
                       text=True)
    return r.returncode == 1 and f"{rule}.txt:{at + 1}: " in r.stdout and "DISAGREES" in r.stdout


def amsgrad_cases(rule):
    """The cases of the file with amsgrad on that torch.optim.Adam can run,
    counted from the text: no nonzero decoupled_decay, not refused."""
    n, ams, skip = 0, False, False
    with open(os.path.join(ROOT, "golden", f"{rule}.txt"), encoding="ascii") as f:
        for line in f:
            if line.startswith("case "):
                ams = skip = False
            elif line == "float amsgrad 0x1p+0\n":
                ams = True
            elif line == "outside refused\n" or (line.startswith("float decoupled_decay ")
                                                  and float.fromhex(line.split()[2]) != 0):
                skip = True
            elif line == "end\n":
                n += ams and not skip
    return n


def check_adam(optbench):
    with tempfile.TemporaryDirectory() as d:
        rc, row = run("torch_adam.py", d, optbench)
        if rc not in (0, 1) or row is None:
            return fail(f"torch_adam.py exited {rc} without its row")
        doc = run_passing("torch_conventions.py", d, optbench, "torch_adam did not run",
                          "torch_adam")
        if doc is None:
            return 1
    conv = doc["rules"]["torch_adam"]
    ref = conv["check"]
    bad = 0
    special = set(conv["form_special_cases"])
    if not set(row["over_cases"]) <= special:
        bad += fail(f"torch.optim.Adam over the bound in {sorted(set(row['over_cases']) - special)}"
                    ", beyond the special values of torch 1.13's forms")
    if row["pass"] != (rc == 0):
        bad += fail(f"torch_adam.py exited {rc} for a row with pass {row['pass']}")
    want = amsgrad_cases("torch_adam")
    if row["amsgrad_cases"] != want or want == 0:
        bad += fail(f"torch_adam.py ran {row['amsgrad_cases']} amsgrad cases, the file has {want}")
    for k in ("cases", "passed", "elements", "failed_elements", "max_err", "mean_err", "own_max",
              "max_err_decay", "skipped", "over_cases"):
        if row[k] != ref[k]:
            bad += fail(f"torch_adam.py's {k} {row[k]} is not torch_conventions.py's {ref[k]}")
    print(f"torch_adam: PASS={row['pass']}, {row['cases']} cases, {bad} problems")
    return 1 if bad else 0


def check_torch(optbench):
    with tempfile.TemporaryDirectory() as d:
        doc = run_passing("torch_optim.py", d, optbench, "a float64 result past its tolerance "
                          "or a stated difference that torch does not show")
        if doc is None:
            return 1
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
    checks = {"numpy": check_numpy, "torch": check_torch, "torch_conventions": check_conventions,
              "torch_adam": check_adam}
    if len(argv) != 2 or argv[0] not in checks:
        print(__doc__, file=sys.stderr)
        return 2
    sys.path[:0] = [os.path.join(ROOT, "golden", "python"), EX]
    sys.dont_write_bytecode = True
    if argv[0] != "numpy":
        rc = no_torch()
        if rc is not None:
            return rc
    return checks[argv[0]](argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
