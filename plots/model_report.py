#!/usr/bin/env python3
"""The whole-model step (issue 11): data for the charts and the report section,
from RESULTS_DIR/model.json (bench/optbench_model) and, if present,
RESULTS_DIR/model_peers.t<T>.json (bench/peers/model_peers.py).

Usage: model_report.py RESULTS_DIR     writes RESULTS_DIR/data/model_*.dat and
                                       data/model.json (the rows and goals)
       model_report.py --markdown RESULTS_DIR   prints RESULTS.md's model table (Adam)
As a module: section(res, out_dir) gives the report's HTML section.

"best" is, per list, rule and thread count, the variant whose ob_step_list is
fastest among those timed at that thread count (+omp ones from 2 threads).
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from report import esc, table  # noqa: E402  (the report's own HTML helpers)

PROG = "model_report.py"
PEERS = ["torch-loop", "torch-foreach", "torch-fused", "deepspeed"]
PEER_TITLES = {"torch-loop": "PyTorch for-loop", "torch-foreach": "PyTorch foreach",
               "torch-fused": "PyTorch fused", "deepspeed": "DeepSpeedCPUAdam",
               "optbench": "optbench in peers' run"}
SMALL = ("synthetic-20000x256", "mixed-20000")  # the lists of many small tensors
GOAL_RATIO, GOAL_ROOF, GOAL_PEER, GOAL_PEER_SMALL = 1.10, 0.90, 1.0, 3.0


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def model_rows(res):
    """{(list, rule, threads): [row, ...]} from model.json, with the counters."""
    d = load(os.path.join(res, "model.json"))
    out = {}
    for b in d.get("benchmarks", []):
        if b.get("error_occurred") or not b["name"].startswith("model/"):
            continue
        _, lst, rule, variant, th = b["name"].split("/")
        r = dict(b, list=lst, rule=rule, variant=variant, threads=int(th.split(":")[1]))
        out.setdefault((lst, rule, r["threads"]), []).append(r)
    return d.get("context", {}), out


def peer_rows(res):
    """({(peer, list, rule, threads): (ms, x_optbench or None)}, versions, context)
    from model_peers.t*.json; peer "optbench" is the library timed in the peers'
    rounds, x_optbench a peer's per-round time over its."""
    ms, ver, ctx = {}, {}, {}
    for path in sorted(glob.glob(os.path.join(res, "model_peers.t*.json"))):
        d = load(path)
        ctx = d.get("context", ctx)
        ver.update(json.loads(ctx.get("peer_versions", "{}")))
        for b in d.get("benchmarks", []):
            _, peer, lst, rule, th = b["name"].split("/")
            ms[(peer, lst, rule, int(th.split(":")[1]))] = (b["ms_step"], b.get("x_optbench"))
    return ms, ver, ctx


def best(rows):
    return min(rows, key=lambda r: r["ms_list"])


def summarize(res):
    ctx, rows = model_rows(res)
    pms, ver, pctx = peer_rows(res)
    lists = []  # in the run's order (smallest first)
    for (lst, _, _) in rows:
        if lst not in lists:
            lists.append(lst)
    threads = sorted({t for (_, _, t) in rows})
    rules = []
    for (_, rule, _) in rows:
        if rule not in rules:
            rules.append(rule)
    table = []
    for lst in lists:
        for t in threads:
            for rule in rules:
                if (lst, rule, t) not in rows:
                    continue
                b = best(rows[(lst, rule, t)])
                e = {"list": lst, "rule": rule, "threads": t, "variant": b["variant"],
                     "tensors": int(b["tensors"]), "elements": int(b["elements"]),
                     "ms_list": b["ms_list"], "ms_object": b["ms_object"],
                     "ms_flat": b["ms_flat"], "ms_stream": b["ms_stream"],
                     "ratio_list": b["ratio_list"], "ratio_object": b["ratio_object"],
                     "roofline": b["roofline_list"], "gbps": b["gbps_list"], "peers": {},
                     "x": {}}
                for p in PEERS + ["optbench"]:
                    if (p, lst, rule, t) in pms:
                        e["peers"][p], x = pms[(p, lst, rule, t)]
                        if x is not None:
                            e["x"][p] = x
                table.append(e)
    return {"context": ctx, "lists": lists, "threads": threads, "rules": rules, "rows": table,
            "peer_versions": ver, "peer_context": pctx, "goals": goals(table)}


def speedup_of(e):
    """optbench over the faster of PyTorch fused and DeepSpeed: the per-round
    ratio measured in the peers' own process when it has optbench's row, else
    the two programs' medians; None where no such peer ran."""
    fast = [p for p in ("torch-fused", "deepspeed") if p in e["peers"]]
    if not fast:
        return None
    if all(p in e["x"] for p in fast):
        return min(e["x"][p] for p in fast)
    return min(e["peers"][p] for p in fast) / e["ms_list"]


def goals(table):
    out = []
    for e in table:
        speedup = speedup_of(e)
        out.append({"list": e["list"], "rule": e["rule"], "threads": e["threads"],
                    "ratio_ok": e["ratio_list"] <= GOAL_RATIO,
                    "roof_ok": None if e["list"] != "gpt2-small" else e["roofline"] >= GOAL_ROOF,
                    "speedup": speedup,
                    "speedup_ok": None if speedup is None else speedup >= (
                        GOAL_PEER_SMALL if e["list"] in SMALL else GOAL_PEER)})
    return out


def write_dat(res, s):
    """model_ms_t<T>.dat (Adam: optbench list, object, each peer that ran at T
    threads, by list; its columns' titles in model_ms_t<T>.gp),
    model_frac_t<T>.dat and model_ratio_t<T>.dat (by list, a column per rule)."""
    d = os.path.join(res, "data")
    os.makedirs(d, exist_ok=True)
    by = {(e["list"], e["rule"], e["threads"]): e for e in s["rows"]}

    def val(x, fmt="{:.4g}"):
        return "?" if x is None else fmt.format(x)
    for t in s["threads"]:
        ran = [p for p in PEERS if any(p in e["peers"] for e in s["rows"] if e["threads"] == t)]
        cols = ["optbench-list", "optbench-object"] + ran
        with open(os.path.join(d, f"model_ms_t{t}.gp"), "w", encoding="utf-8") as f:
            f.write(f"ncols = {len(cols)}\ncol_title(i) = word(\"{' '.join(cols)}\", i)\n")
        with open(os.path.join(d, f"model_ms_t{t}.dat"), "w", encoding="utf-8") as f:
            f.write("# list optbench-list optbench-object " + " ".join(ran) + "\n")
            for lst in s["lists"]:
                e = by.get((lst, "adam", t))
                if not e:
                    continue
                f.write(f"{lst} {val(e['ms_list'])} {val(e['ms_object'])} " +
                        " ".join(val(e["peers"].get(p)) for p in ran) + "\n")
        for kind, key, scale in (("frac", "roofline", 100.0), ("ratio", "ratio_list", 1.0)):
            with open(os.path.join(d, f"model_{kind}_t{t}.dat"), "w", encoding="utf-8") as f:
                f.write("# list " + " ".join(s["rules"]) + "\n")
                for lst in s["lists"]:
                    cells = [by.get((lst, r, t)) for r in s["rules"]]
                    f.write(lst + " " + " ".join(val(c[key] * scale if c else None)
                                                 for c in cells) + "\n")
    with open(os.path.join(d, "model_rules.gp"), "w", encoding="utf-8") as f:
        f.write(f"nrules = {len(s['rules'])}\n")
        f.write("rule_title(i) = word(\"" + " ".join(s["rules"]) + "\", i)\n")
        f.write("thread_list = \"" + " ".join(str(t) for t in s["threads"]) + "\"\n")
    with open(os.path.join(d, "model.json"), "w", encoding="utf-8") as f:
        json.dump(s, f, indent=1)


def fmt(x, f="{:.2f}"):
    return "–" if x is None else f.format(x)


def section(res, out_dir):
    """The report's HTML for the model benchmark (empty if this run has none)."""
    path = os.path.join(res, "data", "model.json")
    if not os.path.exists(path):
        return ""
    s = load(path)
    ver = s.get("peer_versions", {})
    peers_ran = [p for p in PEERS + ["optbench"] if any(p in e["peers"] for e in s["rows"])]
    ctx = s.get("context", {})
    cuts = "".join(f"<li><code>{esc(k[len('model_list_'):])}</code>: {esc(v)}</li>"
                   for k, v in sorted(ctx.items()) if k.startswith("model_list_"))
    parts = ["<h2 id='model'>The whole-model step</h2>",
             "<p>One optimizer step over a real model's parameter list "
             "(<code>bench/models/&lt;name&gt;.txt</code>, shapes from the cited published "
             "configuration, every tensor its own allocation), timed by "
             "<code>optbench_model</code> through <code>ob_step_list</code> and the optimizer "
             "object, back to back in the same process with one flat array of the same total "
             "(<code>ob_step</code>) and the stream ceiling of that traffic (28 bytes an element "
             "for Adam), rounds interleaved in a rotating order, medians. "
             "<b>list/flat</b> is the median of the per-round ratios; <b>% roofline</b> is the "
             "stream ceiling's time over the list's. \"best\" is the variant with the fastest "
             "list step at that thread count. What was timed of each list:</p><ul>" + cuts +
             "</ul>"]
    if peers_ran:
        parts.append("<p>Peers on the same lists in the same run: " +
                     ", ".join(esc(PEER_TITLES[p]) for p in peers_ran if p != "optbench") + " (" +
                     ", ".join(f"{esc(k)} {esc(v)}" for k, v in sorted(ver.items())) +
                     "), Adam and AdamW (<code>adam+decoupled</code>). Their formulas differ in "
                     "detail: PyTorch and DeepSpeed add eps after the bias correction, optbench "
                     "(the book) to sqrt(v); the comparison is time per step on identical "
                     "shapes, not bits. " + esc(s.get("peer_context", {}).get("peer_timing", "")) +
                     ". The column \"optbench in peers' run\" is the library's ob_step_list "
                     "(ctypes) timed in those same rounds on the same tensors; the last column "
                     "is the faster of PyTorch fused and DeepSpeed over it, the median of the "
                     "per-round ratios (the two programs ran minutes apart on a shared "
                     "machine: only same-round ratios are comparable).</p>")
    else:
        parts.append("<p>No peers ran (<code>make bench-peers</code> installs PyTorch and "
                     "DeepSpeed into <code>build/venv</code>).</p>")
    for t in s["threads"]:
        png = f"model_ms_t{t}.png"
        if os.path.exists(os.path.join(out_dir, png)):
            parts.append(f"<img src='{png}' alt='model step, Adam, {t} threads'>")
    head = (["list", "tensors", "elements", "threads", "best variant", "ms list", "ms object",
             "ms flat", "list/flat", "object/flat", "% roofline", "GB/s"] +
            [PEER_TITLES[p] + " ms" for p in peers_ran] + ["vs fastest of fused/DeepSpeed"])
    for rule in ("adam", "adam+decoupled"):
        rows = [e for e in s["rows"] if e["rule"] == rule]
        if not rows:
            continue
        parts.append(f"<h3>{esc(rule)}{' (AdamW)' if rule != 'adam' else ''}</h3>")
        body = []
        for e in rows:
            sp = speedup_of(e)
            body.append([esc(e["list"]), str(e["tensors"]), f"{e['elements']:,}",
                         str(e["threads"]), esc(e["variant"]), fmt(e["ms_list"]),
                         fmt(e["ms_object"]), fmt(e["ms_flat"]), fmt(e["ratio_list"]),
                         fmt(e["ratio_object"]), fmt(100 * e["roofline"], "{:.0f}"),
                         fmt(e["gbps"], "{:.1f}")] +
                        [fmt(e["peers"].get(p)) for p in peers_ran] +
                        [fmt(sp, "{:.2f}x")])
        parts.append(table(head, body))
    parts.append("<h3>Every rule: list/flat and % of the roofline, best variant</h3>")
    for kind in ("ratio", "frac"):
        for t in s["threads"]:
            png = f"model_{kind}_t{t}.png"
            if os.path.exists(os.path.join(out_dir, png)):
                parts.append(f"<img src='{png}' alt='model {kind}, {t} threads'>")
    by = {(e["list"], e["rule"], e["threads"]): e for e in s["rows"]}
    head = ["list", "threads"] + s["rules"]
    body = []
    for lst in s["lists"]:
        for t in s["threads"]:
            cells = []
            for r in s["rules"]:
                e = by.get((lst, r, t))
                cells.append("–" if not e else
                             f"{e['ms_list']:.2f} ms, {e['ratio_list']:.2f}, "
                             f"{100 * e['roofline']:.0f} %")
            body.append([esc(lst), str(t)] + cells)
    parts.append("<p>Each cell: ms per step of the best variant's list step, list/flat, % of "
                 "the stream roofline.</p>" + table(head, body))
    parts.append(goals_html(s["goals"]))
    return "\n".join(parts)


def goals_html(g):
    def verdict(ok):
        return "–" if ok is None else ("met" if ok else "<b>not met</b>")
    ratio_bad = [x for x in g if not x["ratio_ok"]]
    roof = [x for x in g if x["roof_ok"] is not None]
    sp = [x for x in g if x["speedup"] is not None]
    rows = [["every list within 1.10x of one flat array (best variant, every rule, 1 and 2 "
             "threads)", verdict(not ratio_bad),
             esc(", ".join(f"{x['list']} {x['rule']} t{x['threads']}" for x in ratio_bad[:12]) +
                 (" ..." if len(ratio_bad) > 12 else ""))],
            ["GPT-2 small >= 90 % of the stream roofline (every rule)",
             verdict(all(x["roof_ok"] for x in roof)) if roof else "–",
             esc(", ".join(f"{x['rule']} t{x['threads']}" for x in roof if not x["roof_ok"]))],
            ["ahead of PyTorch fused and DeepSpeed on every list and thread count (Adam, AdamW), "
             ">= 3x on the lists of many small tensors",
             verdict(all(x["speedup_ok"] for x in sp)) if sp else "–",
             esc(", ".join(f"{x['list']} {x['rule']} t{x['threads']}: {x['speedup']:.2f}x"
                           for x in sp if not x["speedup_ok"]))]]
    return ("<h3>Goals of the whole-model step</h3><p>Reported, not enforced.</p>" +
            table(["goal", "verdict", "where not"], rows))


def markdown(s):
    """RESULTS.md's table (README shows four of its rows): per list, Adam's best variant at each thread count and
    the peers' times, one row per list."""
    ts = s["threads"]
    peers = [p for p in PEERS + ["optbench"] if any(p in e["peers"] for e in s["rows"])]
    head = ["list", "tensors", "elements"]
    for t in ts:
        head += [f"optbench {t}t ms", f"list/flat {t}t", f"% roofline {t}t"]
    for t in ts:
        head += [f"{PEER_TITLES[p]} {t}t ms" for p in peers]
    head += [f"x fastest peer {t}t" for t in ts]
    by = {(e["list"], e["threads"]): e for e in s["rows"] if e["rule"] == "adam"}
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for lst in s["lists"]:
        es = [by.get((lst, t)) for t in ts]
        e0 = next((e for e in es if e), None)
        if not e0:
            continue
        row = [lst, str(e0["tensors"]), f"{e0['elements'] / 1e6:.1f} M"]
        for e in es:
            row += (["–"] * 3 if not e else
                    [f"{e['ms_list']:.1f} ({e['variant']})", f"{e['ratio_list']:.2f}",
                     f"{100 * e['roofline']:.0f}"])
        for e in es:
            row += [fmt((e or {}).get("peers", {}).get(p), "{:.1f}") for p in peers]
        row += [fmt(speedup_of(e), "{:.1f}x") if e else "–" for e in es]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main():
    args = sys.argv[1:]
    md = args[:1] == ["--markdown"]
    if md:
        args = args[1:]
    if len(args) != 1:
        print("usage: model_report.py [--markdown] RESULTS_DIR", file=sys.stderr)
        return 2
    res = args[0]
    if md:
        print(markdown(load(os.path.join(res, "data", "model.json"))))
        return 0
    if not os.path.exists(os.path.join(res, "model.json")):
        print(f"{PROG}: {res}/model.json: none in this run; nothing to do")
        return 0
    s = summarize(res)
    write_dat(res, s)
    print(f"{PROG}: {len(s['rows'])} rows, {len(s['lists'])} lists -> {res}/data/model_*.dat")
    return 0


if __name__ == "__main__":
    sys.exit(main())
