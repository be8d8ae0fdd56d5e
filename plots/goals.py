#!/usr/bin/env python3
"""The performance goals of the speed issue, checked against one results folder.

Usage: goals.py RESULTS_DIR

Reads RESULTS_DIR/speed.json (and data/peers.json from plots/peers.py, if
there) and writes RESULTS_DIR/data/goals.json, one entry per goal with the
measured numbers and whether it is met; prints the same as text. The goals:
  roofline  every algorithm at every size >= 2^14: the best variant reaches
            >= 90 % of the same-run roofline, on 1 thread and on all threads
  autovec   avx512 beats autovec where the data is in L1/L2
  omp       an <isa>+omp variant on all threads is never more than 5 % slower
            than <isa> on one thread, at any size
  torch     the best variant is >= 4x faster than PyTorch's Adam at sizes
            >= 2^16 and >= 20x at 2^10, single thread
The roofline and autovec goals are the update rules'; the omp goal covers
every kernel in the results (rules, rules with weight decay, layer kernels).
Beside the goals, "kernels": per layer kernel and rule with weight decay and
per size band, the best variant and scalar with their % of the roofline.
A goal is a measurement to report, not a test: this always exits 0 on valid input.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extract  # noqa: E402  (the same loader and ceilings as the charts)

PROG = "goals.py"


def roofline(d):
    worst = []
    for t in sorted({1, d.threads[-1]}):
        for a in d.algos:
            if d.kind[a] != "rule":
                continue
            for n in d.sizes(a, t):
                if n < 1 << 14:
                    continue
                fr = [d.frac(a, v, n, t) for v in d.variants_of(a, t)]
                fr = [f for f in fr if f]
                if fr:
                    worst.append((max(fr), a, n, t))
    worst.sort()
    below = [w for w in worst if w[0] < 0.9]
    return {"goal": "best variant >= 90 % of the roofline at every size >= 2^14, 1 and all threads",
            "met": (not below) if worst else None, "points": len(worst),
            "below": [{"algo": a, "n": n, "threads": t, "fraction": round(f, 3)}
                      for f, a, n, t in below],
            "worst": [{"algo": a, "n": n, "threads": t, "fraction": round(f, 3)}
                      for f, a, n, t in worst[:5]]}


def autovec(d):
    l2 = next((b for lab, b, lvl in d.caches if lvl == 2), 1 << 20)
    rows = []
    for a in d.algos:
        if d.kind[a] != "rule":
            continue
        for n in d.sizes(a, 1):
            if d.footprint[a] * n > l2:  # the working set: p, g and the states
                continue
            x, y = d.step.get((a, "autovec", n, 1)), d.step.get((a, "avx512", n, 1))
            if x and y:
                rows.append({"algo": a, "n": n, "avx512_over_autovec": round(x / y, 3)})
    ratios = [r["avx512_over_autovec"] for r in rows]
    return {"goal": "avx512 faster than autovec where the data is in L1/L2",
            "met": (min(ratios) > 1.0) if ratios else None, "points": len(rows),
            "min": min(ratios) if ratios else None, "max": max(ratios) if ratios else None,
            "wins": sum(r > 1.0 for r in ratios), "rows": rows}


def omp(d):
    tmax = d.threads[-1]
    rows = []
    for a in d.algos:
        for v in d.variants:
            if v.endswith("+omp"):
                continue
            for n in d.sizes(a, 1):
                one, par = d.step.get((a, v, n, 1)), d.step.get((a, v + "+omp", n, tmax))
                if one and par:
                    rows.append((par / one, a, v, n))
    rows.sort(reverse=True)
    over = [r for r in rows if r[0] > 1.05]
    return {"goal": f"<isa>+omp on {tmax} threads never > 5 % slower than <isa> on 1",
            "met": (not over) if rows else None, "points": len(rows),
            "over": [{"algo": a, "isa": v, "n": n, "slowdown": round(x, 3)} for x, a, v, n in over],
            "worst": [{"algo": a, "isa": v, "n": n, "slowdown": round(x, 3)}
                      for x, a, v, n in rows[:5]]}


def kernels(d):
    """Per layer kernel and rule with weight decay, per band and thread count (1 and
    all): the fastest variant (geometric mean over the band's sizes) and scalar, each
    with ns/element and % of the same-run roofline (geometric mean over the band)."""
    tmax = d.threads[-1]
    rows = []
    for a in d.algos:
        if d.kind[a] == "rule":
            continue
        for t in sorted({1, tmax}):
            bands = {}
            for n in d.sizes(a, t):
                bands.setdefault(d.band(a, n), []).append(n)
            for band in ["L1", "L2", "L3", "DRAM", "all"]:
                ns_ = bands.get(band)
                if not ns_:
                    continue
                cands = []
                for v in d.variants_of(a, t):
                    vals = [d.step.get((a, v, n, t)) for n in ns_]
                    if None not in vals:
                        cands.append((extract.geomean(vals), v))
                if not cands:
                    continue
                g, v = min(cands)

                def pct(var, th):
                    fr = [d.frac(a, var, n, th) for n in ns_]
                    return round(100 * extract.geomean(fr), 1) if fr and None not in fr else None

                def mem_pct(var, th):  # against the memory ceiling alone
                    fr = [d.floors(a, n, th)[1] / d.step[(a, var, n, th)]
                          if d.floors(a, n, th)[1] and (a, var, n, th) in d.step else None for n in ns_]
                    return round(100 * extract.geomean(fr), 1) if fr and None not in fr else None
                sc = [d.step.get((a, "scalar", n, 1)) for n in ns_]
                rows.append({"kernel": a, "kind": d.kind[a], "band": band, "threads": t,
                             "n_min": min(ns_), "n_max": max(ns_), "best": v,
                             "best_ns": round(g, 4), "best_pct": pct(v, t),
                             "best_mem_pct": mem_pct(v, t),
                             "scalar_ns": round(extract.geomean(sc), 4) if None not in sc else None,
                             "scalar_pct": pct("scalar", 1) if None not in sc else None})
    return rows


def torch(results):
    path = os.path.join(results, "data", "peers.json")
    if not os.path.exists(path):
        return {"goal": "best >= 4x PyTorch Adam at >= 2^16, >= 20x at 2^10, 1 thread",
                "met": None, "note": "no peer results (make bench-peers)"}
    with open(path, encoding="utf-8") as f:
        rows = [r for r in json.load(f)["rows"] if r["algo"] == "adam"]
    out, met = [], True
    for r in rows:
        sp = [r["speedup"][w] for w in ("torch", "torch-foreach") if w in r["speedup"]]
        if not sp or (r["n"] != 1 << 10 and r["n"] < 1 << 16):
            continue
        need = 20.0 if r["n"] == 1 << 10 else 4.0
        x = min(sp)  # against the faster PyTorch form
        met &= x >= need
        out.append({"n": r["n"], "speedup": round(x, 2), "need": need, "met": x >= need})
    return {"goal": "best >= 4x PyTorch Adam at >= 2^16, >= 20x at 2^10, 1 thread",
            "met": met if out else None, "rows": out}


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        ctx, rows = extract.load(os.path.join(argv[1], "speed.json"))
        d = extract.Data(os.path.join(argv[1], "speed.json"), ctx, rows)
    except extract.Fail as e:
        extract.die(str(e))
    goals = {"roofline": roofline(d), "autovec": autovec(d), "omp": omp(d), "torch": torch(argv[1])}
    kern = kernels(d)
    os.makedirs(os.path.join(argv[1], "data"), exist_ok=True)
    extract.write_atomic(os.path.join(argv[1], "data", "goals.json"),
                         json.dumps(dict(goals, kernels=kern), indent=1))
    for k, g in goals.items():
        verdict = {True: "met", False: "NOT met", None: "not measured"}[g["met"]]
        print(f"{PROG}: {k}: {verdict}: {g['goal']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
