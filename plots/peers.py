#!/usr/bin/env python3
"""optbench's best against PyTorch and NumPy, from one results folder.

Usage: peers.py RESULTS_DIR

Reads RESULTS_DIR/speed.json and RESULTS_DIR/peers.json (bench/peers) and writes
RESULTS_DIR/data/:
  <algo>_peers.dat    n, ns/element on 1 thread: optbench's best variant, then
                      each peer (torch, torch-foreach, numpy); "?" where missing
  <algo>_peers.gp     column titles for plots/peers.gp
  peers.json          per algorithm and size: optbench's best, each peer, and
                      how many times faster optbench is (for report.py)
Exits 0 without writing anything when peers.json is absent (peers are optional).
Only the standard library; every file is written to a temporary name and renamed.
"""
import json
import os
import re
import sys

PROG = "peers.py"
STEP = re.compile(r"^step/([^/]+)/([^/]+)/n:(\d+)/threads:(\d+)")
PEER = re.compile(r"^peer/([^/]+)/([^/]+)/n:(\d+)/threads:(\d+)")
UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        die(f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        die(f"{path}:{e.lineno}: not valid JSON: {e.msg}")
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        die(f"{path}: no \"benchmarks\" list (not Google Benchmark JSON)")
    return data


def ns_per_elem(b, n):
    """Time per element of one row, preferring the median aggregate's counter."""
    if "ns_per_elem" in b:
        return float(b["ns_per_elem"])
    return float(b["real_time"]) * UNITS.get(b.get("time_unit", "ns"), 1.0) / n


def rows(data, pattern):
    """{(a, who, n, t): ns/elem}, the median aggregate where there is one."""
    out, seen_median = {}, set()
    for b in data["benchmarks"]:
        m = pattern.match(b.get("run_name", b.get("name", "")))
        if not m:
            continue
        key = (m.group(1), m.group(2), int(m.group(3)), int(m.group(4)))
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") != "median":
                continue
            seen_median.add(key)
        elif key in seen_median or b.get("error_occurred"):
            continue
        out[key] = ns_per_elem(b, key[2])
    return out


def write(path, text):
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    res = sys.argv[1]
    if not os.path.exists(os.path.join(res, "peers.json")):
        return
    speed = rows(load(os.path.join(res, "speed.json")), STEP)
    # peers name themselves peer/<who>/<algo>/...: swap to (algo, who, ...)
    peers = {(a, w, n, t): v for (w, a, n, t), v in
             rows(load(os.path.join(res, "peers.json")), PEER).items()}
    data = os.path.join(res, "data")
    os.makedirs(data, exist_ok=True)
    who = sorted({k[1] for k in peers})
    summary = []
    for a in sorted({k[0] for k in peers}):
        sizes = sorted({k[2] for k in peers if k[0] == a and k[3] == 1})
        # the peers this rule has (a rule with no torch constructor has no torch rows)
        have = [w for w in who if any(k[0] == a and k[1] == w for k in peers)]
        lines = ["# " + a + ": ns per element, 1 thread; optbench = its fastest variant at that size",
                 "# n optbench " + " ".join(have)]
        for n in sizes:
            mine = {v: x for (aa, v, nn, t), x in speed.items() if aa == a and nn == n and t == 1}
            if not mine:
                continue
            best_v = min(mine, key=mine.get)
            best = mine[best_v]
            cells = [peers.get((a, w, n, 1)) for w in have]
            lines.append(" ".join([str(n), f"{best:.6g}"] +
                                  [f"{c:.6g}" if c else "?" for c in cells]))
            summary.append({"algo": a, "n": n, "best": best_v, "ns_per_elem": best,
                            "peers": {w: c for w, c in zip(have, cells) if c},
                            "speedup": {w: c / best for w, c in zip(have, cells) if c}})
        write(os.path.join(data, f"{a}_peers.dat"), "\n".join(lines) + "\n")
        titles = ", ".join(f'"{w}"' for w in have)
        write(os.path.join(data, f"{a}_peers.gp"),
              f'peer_n = {len(have)}\narray peer_title[{len(have)}] = [{titles}]\n')
    write(os.path.join(data, "peers.json"), json.dumps({"peers": who, "rows": summary}, indent=1))
    print(f"{PROG}: {len(summary)} algorithm x size rows against {', '.join(who)} in {data}")


if __name__ == "__main__":
    main()
