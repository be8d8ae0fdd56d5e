#!/usr/bin/python3
"""info_json_check.py OPTBENCH TEST_INFO_JSON: checks `OPTBENCH info --json`.

The document must parse with Python's strict parser (no duplicate keys, no
NaN), follow the schema of tools/info_json.h, and agree with the library's API
as tests/test_info_json.c prints it (`facts`): every rule's name, order, state
count, defaults, step use and OpenMP threshold, every variant's bound column
(ob_error_bound is the fma column exactly where "fma" is true), the variants
and the ops. The rules' torch constructor and NumPy step must be Python that
names only p, g, np, t, the rule's states and its hyperparameters (peers.py
evaluates them). And the string writer must escape hostile strings (`escape`)
as written out by hand below.
"""
import ast
import json
import subprocess
import sys

# test_info_json.c's hostile strings as JSON must give (each byte of an invalid
# UTF-8 sequence one U+FFFD; valid sequences kept).
HOSTILE = [
    "plain",
    "quote \" backslash \\ slash /",
    "controls \x01\x1f tab\t newline\n return\r del\x7f",
    "utf-8 \u00e9 \u221a \U0001f642",
    "bad \ufffd lone \ufffd overlong \ufffd\ufffd surrogate \ufffd\ufffd\ufffd cut \ufffd\ufffd",
    None,
]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"duplicate key in {keys}")
    return dict(pairs)


def refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def strict_loads(text):
    return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=refuse_constant)


def run(*argv):
    r = subprocess.run(argv, capture_output=True, check=False)
    if r.returncode != 0:
        sys.exit(f"info_json_check: {' '.join(argv)}: exit {r.returncode}: {r.stderr.decode()}")
    return r.stdout.decode("utf-8")  # not UTF-8: an exception, so a failure


def names_in(code, mode):
    return {n.id for n in ast.walk(ast.parse(code, mode=mode)) if isinstance(n, ast.Name)}


def check_rule(r, fact, hps, bounds, variants):
    name = r.get("name")
    check(set(r) == {"name", "title", "convention", "states", "hparams", "reads_step", "cost",
                     "bound", "omp_threshold", "book", "torch", "numpy"}, f"{name}: keys {sorted(r)}")
    check(r["convention"] in ("book", "torch"), f"{name}: convention {r['convention']!r}")
    check(name == fact[0], f"rule {name}: the library has {fact[0]} here")
    check(isinstance(r["title"], str) and r["title"], f"{name}: title")
    states = r["states"]
    check(len(states) == fact[1], f"{name}: {len(states)} states, ob_state_count says {fact[1]}")
    for s in states:
        check(set(s) == {"name", "domain", "condition", "initial"}
              and s["domain"] in ("signed", "nonneg")
              and all(s[k] is None or s[k] in hps for k in ("condition", "initial")),
              f"{name}: state {s}")
    check(r["hparams"] == hps, f"{name}: hparams {r['hparams']}, ob_defaults gives {hps}")
    check(r["reads_step"] is bool(fact[2]), f"{name}: reads_step {r['reads_step']}")
    check(r["omp_threshold"] == fact[3], f"{name}: omp_threshold {r['omp_threshold']}, "
          f"ob_omp_threshold {fact[3]}")
    check(all(isinstance(r["cost"].get(k), int) and r["cost"][k] >= 0 for k in ("sqrt", "div"))
          and len(r["cost"]) == 2, f"{name}: cost {r['cost']}")
    for v in variants:
        want = r["bound"]["fma" if v["fma"] else "exact"]
        check(bounds[v["name"]] == want, f"{name} on {v['name']}: ob_error_bound "
              f"{bounds[v['name']]}, the {'fma' if v['fma'] else 'exact'} column {want}")
    for fig in ("trajectory", "mnist"):
        b = r["book"][fig]
        check(isinstance(b["lr"], (int, float)) and not isinstance(b["lr"], bool) and b["lr"] > 0 and isinstance(b["source"], str)
              and b["source"], f"{name}: book {fig} {b}")
    known = {"p", "g", "np", "t"} | {s["name"] for s in states} | set(hps)
    ctor = r["torch"]["ctor"]
    check(isinstance(r["torch"]["note"], str), f"{name}: torch note")
    if check(ctor is None or isinstance(ctor, str), f"{name}: torch ctor {ctor!r}") and ctor:
        call = ast.parse(ctor, mode="eval").body
        check(isinstance(call, ast.Call) and isinstance(call.func, ast.Name),
              f"{name}: torch ctor {ctor!r} is not a call of a torch.optim class")
        check(names_in(ctor, "eval") - {call.func.id} <= known | {"True", "False", "bool"},
              f"{name}: torch ctor names {names_in(ctor, 'eval') - known}")
    code = r["numpy"]
    tree = ast.parse(code, mode="exec")  # a syntax error fails the test
    assigned = {t.id for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AugAssign))
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                if isinstance(t, ast.Name)}
    check(names_in(code, "exec") <= known | assigned,
          f"{name}: numpy names {names_in(code, 'exec') - known - assigned}")
    check("p" in assigned, f"{name}: the numpy step never updates p")


def main(optbench, facts_prog):
    doc = strict_loads(run(optbench, "info", "--json"))
    check(set(doc) == {"version", "rules", "variants", "ops", "cpu"}, f"top keys {sorted(doc)}")
    first = run(optbench, "info").splitlines()[0]
    check(first == f"optbench {doc['version']}", f"version {doc['version']} against '{first}'")
    rules, hps, bounds, variants, ops = [], {}, {}, [], []
    for line in run(facts_prog, "facts").splitlines():
        kind, *f = line.split()
        if kind == "rule":
            rules.append((f[0], int(f[1]), int(f[2]), int(f[3])))
            hps[f[0]] = {}
        elif kind == "hp":
            hps[f[0]][f[1]] = float(f[2])
        elif kind == "bound":
            bounds.setdefault(f[0], {})[f[1]] = float(f[2])
        elif kind == "variant":
            variants.append({"name": f[0], "isa": f[1], "parallel": f[2] == "1",
                             "supported": f[3] == "1", "default": f[4] == "1"})
        elif kind == "op":
            ops.append({"name": f[0], "family": f[1]})
    check(len(doc["rules"]) == len(rules) > 0, f"{len(doc['rules'])} rules, the library has "
          f"{len(rules)}")
    got_v = doc["variants"]
    check([{k: v[k] for k in v if k != "fma"} for v in got_v] == variants,
          f"variants {got_v} against the registry {variants}")
    check(all(isinstance(v.get("fma"), bool) for v in got_v), "a variant's fma is not a bool")
    check(any(v["fma"] for v in got_v) and not all(v["fma"] for v in got_v),
          "fma should be true for some variants and false for others (scalar)")
    for r, fact in zip(doc["rules"], rules):
        check_rule(r, fact, hps[fact[0]], bounds[fact[0]], got_v)
    check(doc["ops"] == ops, f"ops {doc['ops']} against the library's {ops}")
    cpu = doc["cpu"]
    check(isinstance(cpu.get("name"), str) and isinstance(cpu.get("threads"), int)
          and cpu["threads"] >= 1, f"cpu {cpu}")
    for c in cpu.get("caches", []):
        check(set(c) == {"level", "size", "shared_by"} and c["level"] in (1, 2, 3)
              and c["size"] > 0 and c["shared_by"] >= 1, f"cache {c}")

    lines = run(facts_prog, "escape").splitlines()
    check(len(lines) == len(HOSTILE), f"{len(lines)} escaped strings, expected {len(HOSTILE)}")
    for line, want in zip(lines, HOSTILE):
        check(strict_loads(line) == want, f"escaped {line} is not {want!r}")

    for f in failures:
        print(f"info_json_check: FAIL: {f}")
    print(f"info_json_check: {len(doc['rules'])} rules, {len(got_v)} variants, {len(ops)} ops, "
          f"{len(HOSTILE)} escaped strings: {'FAIL' if failures else 'ok'}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: info_json_check.py OPTBENCH TEST_INFO_JSON")
    sys.exit(main(sys.argv[1], sys.argv[2]))
