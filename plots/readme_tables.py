#!/usr/bin/env python3
"""Print the three speed tables of RESULTS.md as markdown, from one `make bench` run.

Usage: readme_tables.py RESULTS_DIR      (build/results/<UTC time>)

Reads, as `make bench` leaves them:
  speed.json          Google Benchmark's JSON (for the plain rules' fastest time per size)
  data/summary.json   plots/extract.py: per kernel, band and threads, the best variant
  data/goals.json     plots/goals.py: "kernels", the layer kernels and rules with weight decay
  data/peers.json     plots/peers.py, optional: the × PyTorch column ("–" without it)
and prints:
  1. per update rule and size band: the best variant on 1 and on all threads, GB/s,
     % of the roofline (mean / worst size), × scalar, × PyTorch's faster form;
  2. per layer kernel and band: best on 1 thread (ns/element, % roofline, % of the
     memory roofline alone where Philox is the higher ceiling), scalar, best on all threads;
     a band's sizes are left out where the kernel above had the same ones;
  3. per rule with weight decay or in an option configuration (bench/configs.def) and
     size: best on 1 thread (% roofline), its time over the plain rule's fastest at
     that size, and scalar.
Kernels, bands and variants are whatever the run holds. Only the standard library.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extract  # noqa: E402  (the loader behind summary.json and goals.json)
from report import geomean, size  # noqa: E402  (2^k labels, as in the report)

PROG = "readme_tables.py"
BANDS = ["L1", "L2", "L3", "DRAM", "all"]


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        die(f"{path}: cannot read: {e}")


def f0(x):
    return "–" if x is None else f"{x:.0f}"


def two_digits(x):
    """9.5, 10, 34: scalar's % of the roofline."""
    return "–" if x is None else (f"{x:.1f}" if round(x, 1) < 10 else f"{x:.0f}")


def sizes(r):
    return size(r["n_min"]) if r["n_min"] == r["n_max"] else f"{size(r['n_min'])}–{size(r['n_max'])}"


def md(head, rows):
    line = lambda r: "|" + "".join(f" {c} |" if c else " |" for c in r)  # noqa: E731
    return "\n".join([line(head), "|" + "---|" * len(head)] + [line(r) for r in rows])


def pairs(rows, name, kinds):
    """(1-thread row, all-threads row or None) per kernel of these kinds and band, in the run's order."""
    tmax = max(r["threads"] for r in rows)
    top = {(r[name], r["band"]): r for r in rows if r["threads"] == tmax}
    one = [r for r in rows if r["threads"] == 1 and kinds(r[name]) and r["band"] in BANDS]
    order = list(dict.fromkeys(r[name] for r in one))  # the run's kernel order
    one.sort(key=lambda r: (order.index(r[name]), BANDS.index(r["band"])))
    return tmax, [(r, top.get((r[name], r["band"])) if tmax > 1 else None) for r in one]


def rules_table(summ, peers):
    kinds = summ.get("kinds", {})  # older runs: every kernel is a rule
    torch = {}
    for r in (peers or {}).get("rows", []):
        t = [r["speedup"][w] for w in ("torch", "torch-foreach") if w in r["speedup"]]
        if t:
            torch[(r["algo"], r["n"])] = min(t)  # against the faster of the two, as report.py
    tmax, rows = pairs(summ["summary"], "algo", lambda a: kinds.get(a, "rule") == "rule")
    out = []
    for s, m in rows:
        vt = geomean([v for (a, n), v in torch.items() if a == s["algo"] and s["n_min"] <= n <= s["n_max"]])
        out.append([s["algo"], f"{s['band']} ({sizes(s)})", s["best"], f0(s["gbps"]),
                    f"{f0(s['roof_pct'])} / {f0(s['roof_pct_min'])}",
                    "–" if s["speedup_scalar"] is None else f"{s['speedup_scalar']:.1f}×",
                    "–" if vt is None else f"{vt:.1f}×"]
                   + ([m["best"], f0(m["gbps"]), f"{f0(m['roof_pct'])} / {f0(m['roof_pct_min'])}"]
                      if m else ["–"] * 3))
    return md(["algorithm", "band (sizes)", "best, 1 thread", "GB/s", "% roofline (mean / worst)",
               "× scalar", "× PyTorch", f"best, {tmax} threads", "GB/s", "% roofline (mean / worst)"], out)


def kernels_table(kern, opinfo):
    kinds = {r["kernel"]: r["kind"] for r in kern}
    tmax, rows = pairs(kern, "kernel", lambda k: kinds[k] == "op")
    out, prev = [], {}
    for r, m in rows:
        k, b = r["kernel"], r["band"]
        label = b if prev.get(b) == sizes(r) else f"{b} ({sizes(r)})"
        prev[b] = sizes(r)
        mem = f0(r.get("best_mem_pct")) if opinfo.get(k, {}).get("arith") else ""
        out.append([k, label, r["best"], f"{r['best_ns']:.3f}", f0(r["best_pct"]), mem,
                    "–" if r["scalar_ns"] is None else f"{r['scalar_ns']:.2f}", two_digits(r["scalar_pct"])]
                   + ([m["best"], f"{m['best_ns']:.3f}", f0(m["best_pct"])] if m else ["–"] * 3))
    return md(["kernel", "band (sizes)", "best, 1 thread", "ns/elem", "% roofline", "% memory roofline",
               "scalar ns/elem", "scalar %", f"best, {tmax} threads", "ns/elem", "% roofline"], out)


FORMS = ("decay", "option")  # extract.kind_of: a rule's other forms than its defaults


def decay_table(kern, d):
    """goals.py picks the variant per size; the numbers come from speed.json at full
    precision, as goals.json rounds them (4 decimals, 0.1 %) and they would round twice."""
    rows = [r for r in kern if r["kind"] in FORMS and r["threads"] == 1]
    cols = sorted({(BANDS.index(r["band"]), sizes(r)) for r in rows})
    cells = {}
    for r in rows:
        a, rule = r["kernel"], extract.rule_of(r["kernel"])
        ns_ = [n for n in d.sizes(a, 1) if r["n_min"] <= n <= r["n_max"]]

        def at(v):  # ns/element and % of the roofline, geometric means over the sizes
            t, f = [d.step.get((a, v, n, 1)) for n in ns_], [d.frac(a, v, n, 1) for n in ns_]
            return geomean(t) if None not in t else None, 100 * geomean(f) if None not in f else None
        (ns, pct), (sns, spct) = at(r["best"]), at("scalar")
        plain = geomean([min(d.step[k] for k in d.step if k[0] == rule and k[2:] == (n, 1)) for n in ns_])
        cells[(a, sizes(r))] = (f"{r['best']} {ns:.3f} ({f0(pct)} %), {ns / plain:.2f} × plain; "
                                + (f"scalar {sns:.2f} ({f0(spct)} %)" if sns else "no scalar"))
    out = [[extract.rule_of(a), a.split("+", 1)[1]] + [cells.get((a, s), "–") for _, s in cols]
           for a in dict.fromkeys(r["kernel"] for r in rows)]
    return md(["rule", "form"] + [f"{s} ({BANDS[b]})" for b, s in cols], out)


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if len(argv) != 2 else sys.stdout)
        return 2 if len(argv) != 2 else 0
    res = argv[1]
    writers = {"speed.json": "make bench's speed step", "data/summary.json": "plots/extract.py",
               "data/goals.json": "plots/goals.py"}
    need = [os.path.join(res, f) for f in writers]
    missing = [(p, w) for p, w in zip(need, writers.values()) if not os.path.isfile(p)]
    for p, w in missing:
        print(f"{PROG}: error: {p}: missing (written by {w})", file=sys.stderr)
    if missing:
        die(f"{res} is not a complete `make bench` run (still running, or interrupted?)")
    summ, goals = read_json(need[1]), read_json(need[2])
    pp = os.path.join(res, "data", "peers.json")
    peers = read_json(pp) if os.path.isfile(pp) else None
    ctx = summ.get("context", {})
    print(f"Tables from run `{os.path.basename(os.path.abspath(res))}` ({res}; "
          f"{ctx.get('date', '?')}, optbench commit {str(ctx.get('optbench_commit', '?'))[:12]})"
          + ("" if peers else "; no data/peers.json, so no × PyTorch") + ".\n")
    print(rules_table(summ, peers) + "\n")
    kern = goals.get("kernels", [])
    try:
        opinfo = json.loads(ctx.get("optbench_ops") or "{}")
    except (TypeError, json.JSONDecodeError):
        opinfo = {}
    if any(r["kind"] == "op" for r in kern):
        print(kernels_table(kern, opinfo) + "\n")
    else:
        print("(No layer kernels in this run.)\n")
    if any(r["kind"] in FORMS for r in kern):
        try:
            ctx_, rows = extract.load(need[0])
            d = extract.Data(need[0], ctx_, rows)
        except extract.Fail as e:
            die(str(e))
        print(decay_table(kern, d))
    else:
        print("(No rules with weight decay or option configurations in this run.)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
