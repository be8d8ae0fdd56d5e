#!/usr/bin/env python3
"""Write RESULTS_DIR/report/index.html from saved results, without re-running anything.

Usage: report.py RESULTS_DIR

Reads (all optional but data/summary.json):
  data/summary.json        plots/extract.py: machine context, summary rows, charts
  data/peers.json          plots/peers.py: optbench's best against PyTorch and NumPy
  verify.json              optbench verify --json: the correctness table
  report/<algo>_<kind>.png the charts drawn by plots/make_report.sh
The page is plain HTML; a small script marks any image that fails to load
(data-broken), which plots/check_report.sh looks for in headless Chromium.
"""
import html
import json
import math
import os
import re
import sys

PROG = "report.py"
KINDS = [("ns", "time per element against size, every variant, with the roofline"),
         ("frac", "fraction of the roofline reached"),
         ("speedup", "speed-up over scalar, and intrinsics over autovec"),
         ("threads", "thread scaling of the +omp variants"),
         ("peers", "optbench against PyTorch and the book's NumPy code")]


def die(msg):
    print(f"{PROG}: error: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path, required):
    if not os.path.exists(path):
        if required:
            die(f"{path}: missing (run plots/extract.py first)")
        return None
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        die(f"{path}: cannot read: {e}")


def esc(x):
    return html.escape(str(x))


def num(x, fmt="{:.1f}"):
    return "–" if x is None else fmt.format(x)


def table(head, rows):
    """head None: no header row (a two-column key/value table needs none)."""
    out = ["<table>" + ("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>" if head else "")]
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    return "\n".join(out) + "</table>"


def size(n):
    """2^k for a power of two, the number itself otherwise (1000, 100003)."""
    return f"2^{n.bit_length() - 1}" if n & (n - 1) == 0 else str(n)


def size_html(n):
    """size(n) with the exponent raised, for the tables' cells (HTML, not escaped)."""
    return f"2<sup>{n.bit_length() - 1}</sup>" if n & (n - 1) == 0 else str(n)


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def op_thresholds(ctx):
    try:
        ops = json.loads(ctx.get("optbench_ops") or "{}")
    except (TypeError, json.JSONDecodeError):
        return "?"
    return ", ".join(f"{k}:{v.get('omp_threshold', '?')}" for k, v in ops.items()) or "–"


def machine(ctx):
    caches = ", ".join(f"L{c['level']}{'d' if c['type'] == 'Data' else ''} "
                       f"{c['size'] // 1024} KiB" for c in ctx.get("caches", [])
                       if c.get("type") != "Instruction")
    rows = [("CPU", ctx.get("optbench_cpu_model", "?")),
            ("SIMD features", ctx.get("optbench_cpu_features", "?")),
            ("logical CPUs", ctx.get("num_cpus", "?")),
            ("caches", caches),
            ("compiler, flags", f"{ctx.get('optbench_compiler', '?')}, "
                                f"{ctx.get('optbench_c_flags', '?')}"),
            ("optbench", f"{ctx.get('optbench_version', '?')}, commit "
                         f"{ctx.get('optbench_commit', '?')[:12]}"),
            ("OpenMP threshold (elements)", ctx.get("optbench_omp_threshold", "?").replace(",", ", ")),
            ("OpenMP threshold, layer kernels", op_thresholds(ctx)),
            ("weight decay timed with", ctx.get("optbench_weight_decay", "–")),
            ("traffic model", ctx.get("optbench_traffic_model", "?")),
            ("run", ctx.get("date", "?"))]
    return table(None, [(esc(k), esc(v)) for k, v in rows])


def summary(summ, peers):
    """Per algorithm, size band and threads; speed-up over PyTorch at that band's sizes."""
    bands = {}
    for c in summ.get("caches", []):
        bands.setdefault(c["label"].rstrip("d"), c["bytes"])
    torch = {}
    for r in (peers or {}).get("rows", []):
        t = [r["speedup"][w] for w in ("torch", "torch-foreach") if w in r["speedup"]]
        if t:
            torch[(r["algo"], r["n"])] = min(t)  # against the faster of the two
    rows = []
    conv = summ.get("conventions", {})  # older runs: none, every rule the book's
    for s in summ["summary"]:
        vs_torch = geomean([v for (a, n), v in torch.items()
                            if a == s["algo"] and s["n_min"] <= n <= s["n_max"]])
        rows.append((esc(s["algo"]), esc(conv.get(s["algo"], "book")), esc(s["band"]), s["threads"],
                     f"<span class='nw'>{size_html(s['n_min'])}–{size_html(s['n_max'])}</span>",
                     esc(s["best"]) + unreliable_mark(s), num(s["gbps"]),
                     roof_cell(s, s["roof_pct"]), roof_cell(s, s["roof_pct_min"]),
                     num(s["speedup_scalar"], "{:.1f}×"),
                     num(vs_torch, "{:.1f}×") if s["threads"] == 1 else "–"))
    return table(["kernel", "convention", "band", "threads", "sizes", "best variant", "GB/s",
                  "% roofline (mean)", "% roofline (worst size)", "× scalar", "× PyTorch"],
                 rows) + MARKS_NOTE


def kernels(rows, summ):
    flags = {(s["algo"], s["band"], s["threads"]): s for s in summ.get("summary", [])}
    return kernels_table(rows, summ, flags)


def kernels_table(rows, summ, flags):
    """goals.py's per-kernel table: layer kernels, rules with weight decay and in
    option configurations (a torch rule labelled so), per band, the best variant
    and scalar with their % of the roofline."""
    opinfo = {}
    try:
        opinfo = json.loads(summ.get("context", {}).get("optbench_ops") or "{}")
    except (TypeError, json.JSONDecodeError):
        pass
    out = []
    conv = summ.get("conventions", {})
    for r in rows:
        info = opinfo.get(r["kernel"], {})
        shape = info.get("roofline", "") + (" + philox" if info.get("arith") else "")
        fl = flags.get((r["kernel"], r["band"], r["threads"]), {})
        label = f" ({conv[r['kernel']]})" if conv.get(r["kernel"], "book") != "book" else ""
        out.append((esc(r["kernel"] + label), esc(r["band"]), r["threads"],
                    f"<span class='nw'>{size_html(r['n_min'])}–{size_html(r['n_max'])}</span>",
                    esc(r["best"]) + (unreliable_mark(fl) if fl.get("best") == r["best"] else ""),
                    num(r["best_ns"], "{:.3f}"),
                    roof_cell(fl, r["best_pct"]), roof_cell(fl, r.get("best_mem_pct")),
                    num(r["scalar_ns"], "{:.3f}") if r["threads"] == 1 else "–",
                    num(r["scalar_pct"], "{:.0f} %") if r["threads"] == 1 else "–",
                    esc(shape or "rule's stream")))
    return table(["kernel", "band", "threads", "sizes", "best variant", "ns/element",
                  "% roofline", "% memory roofline", "scalar ns/element", "scalar % roofline",
                  "roofline"], out) + MARKS_NOTE


def mask_table(rows):
    """bench/mask_layout.c: the same AVX-512 dropout with a bit and a byte mask."""
    out = [(esc(r["direction"]), size_html(r["n"]), num(r["bits"], "{:.4f}"), num(r["bytes"], "{:.4f}"),
            num(r["bytes_over_bits"], "{:.2f}×")) for r in rows]
    return table(["direction", "n", "bits: ns/element", "bytes: ns/element",
                  "bytes time / bits time"], out)


def goals(g):
    """The speed issue's goals, as plots/goals.py measured them in this run."""
    verdict = {True: "met", False: "<b>not met</b>", None: "not measured"}
    rows = []
    r = g["roofline"]
    rows.append(("≥ 90 % of the roofline at every size ≥ 2^14 (1 and all threads)",
                 verdict[r["met"]], f"{r['points'] - len(r['below'])} of {r['points']} points; "
                 "worst: " + ", ".join(f"{w['algo']} {size(w['n'])} "
                                       f"{w['threads']}t {100 * w['fraction']:.0f} %"
                                       + ("‡" if w.get("noisy") else "")
                                       for w in r["worst"][:3])))
    a = g["autovec"]
    absent = "this run has none of the variants it compares (a filtered run)"
    rows.append(("avx512 faster than autovec in L1/L2", verdict[a["met"]],
                 f"avx512/autovec speed {num(a['min'], '{:.2f}')}–{num(a['max'], '{:.2f}')}; "
                 f"faster at {a['wins']} of {a['points']} points" if a["points"] else absent))
    o = g["omp"]
    rows.append(("+omp never > 5 % slower than its ISA on one thread", verdict[o["met"]],
                 f"{o['points'] - len(o['over'])} of {o['points']} points within; worst: " +
                 ", ".join(f"{w['isa']} {w['algo']} {size(w['n'])} ×{w['slowdown']}"
                           + ("†" if w.get("noisy") else "") for w in o["worst"][:3])
                 if o["points"] else absent))
    t = g["torch"]
    rows.append(("≥ 4× PyTorch Adam at ≥ 2^16, ≥ 20× at 2^10 (1 thread)", verdict[t["met"]],
                 t.get("note") or ", ".join(f"{size(x['n'])}: {x['speedup']}×"
                                            for x in t.get("rows", []))))
    return table(["goal", "this run", "measured"],
                 [(esc(a_), v, esc(m)) for a_, v, m in rows]) + MARKS_NOTE


def grouped(results):
    """Rows that differ only in their variant, as one row naming every variant:
    each +omp row equals its ISA's by design, and scalar, autovec and sse2 round
    alike. The cells are compared as printed."""
    groups = {}
    for r in results:
        cells = tuple(r[2:])
        key = (r[0], cells)
        if key in groups:
            groups[key][1].append(r[1])
        else:
            groups[key] = (r, [r[1]])
    return [(r[0], ", ".join(vs)) + tuple(r[2:]) for r, vs in groups.values()]


def correctness(ver):
    # one row per op (rule or layer kernel) x variant, as optbench verify prints it,
    # rows identical but for the variant grouped (older runs: "algo" and "op_results")
    res = ver["results"] + ver.get("op_results", [])
    rows = grouped([(esc(r.get("op", r.get("algo"))), esc(r["variant"]), f"{r['passed']}/{r['cases']}",
                     num(r["max_err"], "{:.2f}"), num(r["mean_err"], "{:.3f}"),
                     num(r.get("own_max"), "{:.2f}"), num(r["bound"], "{:g}"),
                     num(r.get("max_err_decay"), "{:.2f}"),
                     "PASS" if r["pass"] else "<b>FAIL</b>") for r in res])
    return table(["op", "variants (identical rows grouped)", "cases", "max err", "mean err",
                  "own-state max / j", "bound", "max err with weight decay (bound +1 per term)",
                  "result"], rows)


def peer_rules(res):
    """Per rule of the list: its convention, its torch peer (or none), how that differs
    from the book, and the NumPy step: the book's code, or for a torch row torch's
    documented algorithm (several lines)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                    "scripts"))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import obinfo
    try:
        info = obinfo.find(res)
    except obinfo.Error as e:
        return f"<p><i>The rule list is not available ({esc(e)}).</i></p>"
    rows = []
    for r in info["rules"]:
        t, book = r["torch"], r.get("convention", "book") == "book"
        same = "the book's rule" if book else "torch.optim's documented algorithm"
        rows.append((esc(r["title"]), esc(r.get("convention", "book")),
                     f"<code>torch.optim.{esc(t['ctor'])}</code>" if t["ctor"] else "no torch peer",
                     esc(t["note"] or same),
                     f"<code style='white-space: pre; text-align: left'>{esc(r['numpy'])}</code>"))
    return table(["rule", "convention", "PyTorch peer", "how torch's differs from this row",
                  "the NumPy step (the book's code; a torch row: torch's algorithm)"], rows)


# ---- issue 14: the run's noise verdict, the marks in the tables, the contents ----

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import noise  # noqa: E402

MARKS_NOTE = ("<p class='note'>† some of the band's points are unreliable: their repetitions "
              "spread by more than the limit (see \"How far to trust this run\"). "
              "‡ above the roofline by more than its limit: a kernel cannot beat its own "
              "ceiling, so the figure is a measurement error, not a result.</p>")


def unreliable_mark(s):
    """† after a band's best variant when some of its points are unreliable."""
    n = s.get("unreliable") or 0
    return (f"<span class='mark' title='{n} of {s.get('sizes', '?')} sizes unreliable'>†</span>"
            if n else "")


def roof_cell(s, pct):
    """A % of the roofline, or the measurement-error mark above the roofline's limit: a
    kernel cannot beat its own ceiling, so such a figure is not a result."""
    if pct is not None and pct > 100 * noise.ROOF_LIMIT:
        return f"<span class='mark' title='{pct:.0f} %: not a result'>error‡</span>"
    return num(pct, "{:.0f} %")


def seconds(x):
    return f"{x / 60:.1f} min" if x >= 120 else f"{x:.0f} s"


def stage_times(res):
    """stages.txt (scripts/bench.sh): [(stage, seconds)] and the whole run's seconds."""
    try:
        with open(os.path.join(res, "stages.txt"), encoding="utf-8") as f:
            st = [(int(a), b) for a, b in (ln.split(None, 1) for ln in f if ln.strip())]
    except (OSError, ValueError):
        return [], None
    out = [(name.strip(), st[i + 1][0] - t) for i, (t, name) in enumerate(st[:-1])]
    return out, st[-1][0] - st[0][0] if len(st) > 1 else None


def verdict_section(res, summ, peers):
    """The report's opening: quiet or noisy, why, which points are unreliable, and how
    the ratios were measured."""
    doc = noise.load_noise(res)
    if not doc:
        return ("<div class='verdict unknown'><b>This run did not measure its noise</b> (no "
                "<code>data/noise.json</code>: a run from before <code>plots/noise.py</code>). "
                "Read every number as a single measurement on a possibly shared machine.</div>")
    roof = summ.get("roof_errors", [])
    v = noise.verdict(doc.get("env", {}), doc.get("points", {}), doc.get("nproc"), roof,
                      doc.get("limits", {}).get("spread", noise.SPREAD_LIMIT))
    lim = v["limits"]
    env = doc.get("env", {})
    notes = v.get("notes", [])
    head = {"quiet": "Quiet run: nothing else competed for the machine" +
                     ("; the marked points are still unreliable" if notes
                      else ", the numbers below are results"),
            "noisy": "Noisy run: read the numbers below with the marks",
            "unknown": "This run's noise is unknown"}[v["state"]]
    items = [f"<li>{esc(r)}</li>" for r in v["reasons"]]
    if v["state"] == "quiet":
        oth = env.get("others")
        if oth is not None:
            items.append(f"<li>other processes used {oth:.2f} of the {doc.get('nproc')} CPUs "
                         f"over the speed stage (at most {lim['others']:.2f} is quiet)</li>")
    items += [f"<li>{esc(n)}</li>" for n in notes]
    if v["state"] == "quiet" and not notes:
        items.append(f"<li>{v['measured'] - len(v['unreliable'])} of {v['measured']} points "
                     f"spread by at most {100 * lim['spread']:.0f} % over their repetitions; "
                     "no point above its roofline</li>")
    facts = []
    ld = env.get("load")
    if ld:
        facts.append(f"load average {ld['before']:.1f} before, {ld['after']:.1f} after, "
                     f"median {ld['median']:.1f} and at most {ld['max']:.1f} during the run "
                     f"({env.get('samples')} samples, {doc.get('nproc')} CPUs)")
    if env.get("steal") is not None:
        facts.append(f"steal time {100 * env['steal']:.1f} % of the CPU time")
    else:
        facts.append("steal time not readable")
    mhz = env.get("mhz")
    facts.append(f"CPU clock {mhz['min']:.0f}–{mhz['max']:.0f} MHz" if mhz
                 else "CPU clock not readable (no cpufreq, no \"cpu MHz\")")
    stages, total = stage_times(res)
    if total:
        facts.append("the run took " + seconds(total) + " before its report (" +
                     ", ".join(f"{n} {seconds(t)}" for n, t in stages) + ")")
    worst = sorted(((p["spread"], k) for k, p in doc.get("points", {}).items()
                    if k in set(v["unreliable"])), reverse=True)
    out = [f"<div class='verdict {v['state']}'><b>{esc(head)}.</b><ul>{''.join(items)}</ul>",
           f"<p>Measured: {esc('; '.join(facts))}.</p>"]
    if worst:
        out.append(f"<p>Unreliable points ({len(worst)}: repetitions spread by more than "
                   f"{100 * lim['spread']:.0f} %, (max − min) / median), ringed in red in the "
                   "charts and marked † in the tables; the worst: " +
                   esc(", ".join(f"{k.replace('/real_time', '')} {100 * x:.0f} %"
                                 for x, k in worst[:12])) + "</p>")
    if roof:
        out.append(f"<p>Points above {100 * lim['roofline']:.0f} % of their roofline "
                   f"({len(roof)}), drawn as red crosses at that height and marked ‡ in the "
                   "tables, not plotted as results: " + esc(", ".join(roof[:12])) +
                   (" …" if len(roof) > 12 else "") + "</p>")
    out.append("<p>How the ratios were measured: each point is the median of "
               "Google Benchmark's repetitions, randomly interleaved over the whole run "
               "(<code>--benchmark_enable_random_interleaving</code>) in one process, so a kernel, "
               "its roofline and its ISA's +omp form are sampled in the same shuffled sequence and "
               "a slow stretch of the run hits all of them alike. A fraction of the roofline and "
               "+omp against its ISA are ratios of those medians, marked unreliable when either "
               "side is. The whole-model step times the list, the flat array and the stream in "
               "back-to-back rotating rounds (<code>bench/model.c</code>). The peers "
               "(PyTorch, NumPy) run in their own process after the speed benchmark, so "
               "optbench against a peer compares two moments of the run.</p></div>")
    return "\n".join(out)


def goal_marks(g, res):
    """Marks the goals' worst points whose own measurement is unreliable (the +omp goal
    once reported a ×3901 slowdown that was the machine's load)."""
    doc = noise.load_noise(res) or {}
    lim = doc.get("limits", {}).get("spread", noise.SPREAD_LIMIT)
    bad = {k.replace("/real_time", "") for k, p in doc.get("points", {}).items()
           if p.get("spread") is not None and p["spread"] > lim}
    tmax = max([int(k.rsplit(":", 1)[1]) for k in bad if "/threads:" in k] or [1])
    for w in g.get("omp", {}).get("worst", []):
        w["noisy"] = any(f"step/{w['algo']}/{w['isa']}{x}/n:{w['n']}/threads:{t}" in bad
                         for x, t in (("", 1), ("+omp", tmax)))
    for w in g.get("roofline", {}).get("worst", []):
        w["noisy"] = w.get("fraction", 0) > noise.ROOF_LIMIT
    return g


def contents(parts):
    """A table of contents from the page's <h2> headings (the sections of other modules
    included), each given an id."""
    page = "\n".join(parts)
    toc, seen = [], set()

    def anchor(m):
        title = re.sub("<[^>]+>", "", m.group(2))
        hid = m.group(1) or re.sub("[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
        while hid in seen:
            hid += "-"
        seen.add(hid)
        toc.append((hid, title))
        return f"<h2 id='{hid}'>{m.group(2)}</h2>"
    page = re.sub(r"<h2(?: id=['\"]([^'\"]*)['\"])?>(.*?)</h2>", anchor, page, flags=re.S)
    nav = ("<nav class='toc'><b>Contents</b><ol>" +
           "".join(f"<li><a href='#{h}'>{t}</a></li>" for h, t in toc) + "</ol></nav>")
    return page.replace("<!--contents-->", nav, 1)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    res = sys.argv[1]
    summ = load(os.path.join(res, "data", "summary.json"), True)
    peers = load(os.path.join(res, "data", "peers.json"), False)
    ver = load(os.path.join(res, "verify.json"), False)
    out_dir = os.path.join(res, "report")
    os.makedirs(out_dir, exist_ok=True)

    parts = [f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>optbench report</title>
<style>
body {{ font-family: sans-serif; max-width: 1150px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
th {{ background: #f3f3f3; }} td:first-child, th:first-child {{ text-align: left; }}
.nw {{ white-space: nowrap; }}
img {{ max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }}
code {{ background: #f6f6f6; padding: 0 0.2em; }}
.verdict {{ border: 2px solid #999; padding: 0.5em 1em; margin: 1em 0; }}
.verdict.noisy {{ border-color: #e41a1c; background: #fff3f3; }}
.verdict.quiet {{ border-color: #2ca02c; background: #f3fff3; }}
.mark {{ color: #e41a1c; font-weight: bold; }} .note {{ font-size: 0.85em; color: #555; }}
nav.toc ol {{ columns: 2; }}
</style>
<script>
// Marks images that did not load, for plots/check_report.sh (and for a reader).
window.addEventListener("load", function () {{
  var bad = [];
  document.querySelectorAll("img").forEach(function (img) {{
    if (!img.complete || img.naturalWidth === 0) {{ img.setAttribute("data-broken", "1"); bad.push(img.getAttribute("src")); }}
  }});
  document.body.setAttribute("data-images", bad.length ? "broken: " + bad.join(" ") : "ok");
  // a heading followed by a heading of its level or above has nothing under it
  var empty = [];
  document.querySelectorAll("h2, h3").forEach(function (h) {{
    var n = h.nextElementSibling;
    if (!n || (/^H[1-6]$/.test(n.tagName) && n.tagName <= h.tagName)) empty.push(h.textContent);
  }});
  document.body.setAttribute("data-empty-headings", empty.length ? empty.join(" | ") : "none");
}});
</script></head><body>
<h1>optbench: the update rules of chapter 6, measured</h1>
{verdict_section(res, summ, peers)}
<!--contents-->
<p>Everything on this page was measured by <code>make bench</code> on the machine below and
drawn from the saved results in this folder (<code>plots/make_report.sh {esc(os.path.basename(os.path.abspath(res)))}</code>
redraws it without re-running). Each speed is the median of the run's repetitions, randomly interleaved over the run; the
roofline is measured in the same run: a streaming kernel with the same reads and writes at the
same size and threads (memory), and exact square root and division on register data (arithmetic).
With t threads the ceilings are the best measured with 1 to t threads; below the library's OpenMP
threshold, where the +omp variants run on one thread by design, the one-thread ceilings.</p>
<h2>Machine</h2>""", machine(summ.get("context", {})),
             "<h2>Summary</h2><p>Per algorithm and size band (working set against the caches): "
             "the fastest variant, its bandwidth by the traffic model, its fraction of the lower "
             "roofline ceiling, and how many times faster it is than scalar and than PyTorch's "
             "faster form (plain or foreach) on one thread.</p>", summary(summ, peers)]
    gl = load(os.path.join(res, "data", "goals.json"), False)
    if gl:
        gl = goal_marks(gl, res)
        parts += ["<h2>Goals</h2><p>The performance goals of the speed issue, checked by "
                  "<code>plots/goals.py</code> on this run's numbers (a goal is reported, "
                  "not enforced).</p>", goals(gl)]
    if gl and gl.get("kernels"):
        parts += ["<h2>Layer kernels and weight decay</h2><p>Per kernel and size band: the "
                  "fastest variant and scalar, in ns per element (geometric mean over the band's "
                  "sizes) and as a fraction of the roofline. A layer kernel's roofline is a "
                  "streaming kernel with the same passes over the same arrays "
                  "(<code>roofline/stream/&lt;shape&gt;</code>: inputs, outputs, passes, and "
                  "dropout's packed mask, 1/8 byte per element, really read or written); a rule "
                  "with weight decay has its rule's roofline (the same traffic). The kernels that "
                  "draw random numbers are bound by Philox (and the normals by the Box-Muller "
                  "transform), not by memory: their roofline is the higher of the memory floor "
                  "and Philox4x32-10 alone on register data (<code>roofline/arith/philox</code>), "
                  "a loose floor for the normals, whose log, sqrt, sin and cos come on top; the "
                  "column \"% memory roofline\" shows how far from the memory ceiling they run. "
                  "Batch norm runs on 256 features, "
                  "batch = n/256.</p>", kernels(gl["kernels"], summ)]
    if summ.get("mask"):
        parts += ["<h2>Dropout's mask: bits or bytes</h2><p><code>bench/mask_layout.c</code>: "
                  "one AVX-512 dropout with its mask packed in bits (the library's layout) and "
                  "one with a byte per element, equal otherwise; keep decisions from a cheap "
                  "counter hash so that the data movement is what is timed. One thread, median "
                  "of 5.</p>", mask_table(summ["mask"])]
    if ver:
        parts += ["<h2>Correctness</h2><p>Every variant against the golden vectors (exact "
                  "arithmetic, MPFR 256 bits), error in scale-ULPs (<code>golden/FORMAT.md</code>); "
                  "from <code>optbench verify --json</code>.</p>", correctness(ver)]
    parts.append("<h2>Charts</h2><p>Unreliable points (their repetitions spread beyond the "
                 "limit) are ringed in red; a fraction of the roofline above its limit is a red "
                 "cross, not a point of the curve. The rules with weight decay are in the "
                 "tables only (four sizes each).</p>")
    have = set(os.listdir(out_dir))
    for a in summ["algos"]:
        # only kernels with a chart get a heading: an empty heading says nothing
        pngs = [(kind, what) for kind, what in KINDS if f"{a}_{kind}.png" in have]
        if not pngs:
            continue
        parts.append(f"<h3 id='{esc(a)}'>{esc(a)}</h3>")
        for kind, what in pngs:
            parts.append(f"<p>{esc(what)}</p><img src='{esc(a)}_{kind}.png' alt='{esc(a)}: {esc(what)}'>")
    # --- convergence section (issue 4): only when RESULTS_DIR/convergence/ exists ---
    conv = os.path.join(res, "convergence")
    if os.path.isdir(conv):  # scripts/convergence.sh's output, if this run has it
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        sys.dont_write_bytecode = True  # no __pycache__ in the source tree
        import convergence_report
        parts.append(convergence_report.section(conv, out_dir))
    # --- end of the convergence section ---
    # --- chapter 6 figures section (issue 6): when `make figures` has data for this build ---
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import figures_report
    figs = figures_report.find_dir(res)  # RESULTS_DIR/figures, else BUILD/figures
    if figs:
        parts.append(figures_report.section(figs, out_dir))
    # --- end of the chapter 6 figures section ---
    import model_report  # the whole-model step (issue 11), when this run has it
    parts.append(model_report.section(res, out_dir))
    mpi = os.path.join(res, "mpi")
    if os.path.exists(os.path.join(mpi, "report.md")):  # mpi/bench.sh's output (issue 15)
        import mpi_section
        parts.append(mpi_section.section(mpi, out_dir))
    if peers:
        parts.append("<h2>Peers</h2><p>Each rule against the PyTorch optimizer that "
                     "<code>bench/peers/peers.py</code> times for it and the book's NumPy step; "
                     "PyTorch's formulas differ from the book's in detail, so the comparison is "
                     "of cost per step.</p>" + peer_rules(res))
    parts.append("</body></html>\n")
    path = os.path.join(out_dir, "index.html")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(contents(parts))
    os.replace(path + ".tmp", path)
    print(f"{PROG}: {path}")


if __name__ == "__main__":
    main()
